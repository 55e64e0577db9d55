import type { LadderRung } from '../types';
import {
  capLadderSizes,
  MAX_LADDER_LIST_LENGTH,
  MAX_LADDER_STRING_LENGTH,
} from './capLadderSizes';

const rung = (overrides: Partial<LadderRung>): LadderRung =>
  ({
    name: 'prod',
    title: 'Prod',
    observed: true,
    digest: null,
    digests: [],
    violations: [],
    workloads: [],
    rollouts: [],
    ...overrides,
  } as unknown as LadderRung);

describe('capLadderSizes', () => {
  it('leaves a rung of ordinary size as it is (the same object)', () => {
    const ordinary = rung({ digests: ['sha256:abc'] });
    expect(capLadderSizes(ordinary)).toBe(ordinary);
  });

  it('cuts a megabyte string to 2048 characters and says so', () => {
    const huge = `ghcr.io/${'x'.repeat(1_000_000)}`;
    const capped = capLadderSizes(
      rung({ workloads: [{ specImages: [huge] }] as any }),
    );
    const image = (capped.workloads[0] as any).specImages[0] as string;
    expect(image).toHaveLength(MAX_LADDER_STRING_LENGTH);
    expect(image.endsWith('…')).toBe(true);
    expect(JSON.stringify(capped).length).toBeLessThan(10_000);
    expect(capped.violations).toEqual([
      {
        rule: 'object-too-large',
        severity: 'warning',
        rung: 'prod',
        message:
          "What Prod's clusters served was too large to show whole: 1 value longer than 2048 characters (the longest 1000008) shortened.",
      },
    ]);
  });

  it('keeps the first 500 entries of a longer list, naming it', () => {
    const capped = capLadderSizes(
      rung({
        digests: Array.from({ length: 5000 }, (_, i) => `sha256:${i}`),
      }),
    );
    expect(capped.digests).toHaveLength(MAX_LADDER_LIST_LENGTH);
    expect(capped.digests[0]).toBe('sha256:0');
    expect(capped.violations[0].message).toBe(
      "What Prod's clusters served was too large to show whole: a list cut to the first 500 entries: digests (5000 entries).",
    );
  });
});
