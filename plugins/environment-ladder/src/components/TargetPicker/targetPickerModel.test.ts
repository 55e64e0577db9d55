import type { Ladder } from '@environment-ladder/plugin-environment-ladder-common';
import { ladder } from '../../__fixtures__/ladder';
import {
  digestOfForm,
  entityRefOfForm,
  targetChoices,
  targetProblem,
} from './targetPickerModel';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

describe('entityRefOfForm', () => {
  it('reads the entity picker’s ref from the form, in full', () => {
    expect(entityRefOfForm({ entity: 'component:default/checkout' })).toBe(
      'component:default/checkout',
    );
    // A bare name is a Component in the default namespace (the picker's defaultKind).
    expect(entityRefOfForm({ entity: 'checkout' })).toBe(
      'component:default/checkout',
    );
  });

  it('reads the property ui:options.entityField names', () => {
    expect(
      entityRefOfForm(
        { service: 'component:shop/payments', entity: 'component:default/x' },
        { entityField: 'service' },
      ),
    ).toBe('component:shop/payments');
  });

  it('has none while no service is chosen or the value is no ref', () => {
    expect(entityRefOfForm(undefined)).toBeUndefined();
    expect(entityRefOfForm({})).toBeUndefined();
    expect(entityRefOfForm({ entity: '  ' })).toBeUndefined();
    expect(entityRefOfForm({ entity: 42 })).toBeUndefined();
    expect(entityRefOfForm({ entity: 'component:default/' })).toBeUndefined();
  });
});

describe('digestOfForm', () => {
  it('takes a canonical digest from the form and nothing else', () => {
    expect(digestOfForm({ digest: D1 })).toBe(D1);
    expect(digestOfForm({ image: D2 }, { digestField: 'image' })).toBe(D2);
    expect(digestOfForm({ digest: '' })).toBeUndefined();
    expect(digestOfForm({ digest: 'sha256:ABC' })).toBeUndefined();
    expect(digestOfForm({ digest: D1.toUpperCase() })).toBeUndefined();
    expect(digestOfForm({})).toBeUndefined();
  });
});

describe('targetChoices', () => {
  it('offers every promotion target of the ladder, lowest first, with titles, digests and verdicts', () => {
    const result = targetChoices(ladder);
    expect(result.kind).toBe('choices');
    if (result.kind !== 'choices') return;
    expect(result.choices.map(choice => choice.value)).toEqual([
      'staging',
      'prod',
      'dr',
    ]);
    expect(result.choices[0]).toEqual({
      value: 'staging',
      label: 'Staging',
      sourceEnvironment: 'dev',
      sourceLabel: 'Dev',
      digest: D2,
      allowed: true,
      rule: null,
      reason: null,
      freeze: null,
    });
    expect(result.choices[1]).toMatchObject({
      value: 'prod',
      label: 'Prod',
      sourceLabel: 'Staging',
      allowed: false,
      rule: 'permission',
      reason: expect.stringContaining('permission policy'),
    });
    expect(result.choices[2]).toMatchObject({
      label: 'Disaster recovery',
      digest: null,
      allowed: false,
    });
  });

  it('says why a service offers nothing: not set up, an older backend, no rung above another', () => {
    const notSetUp: Ladder = {
      ...ladder,
      notSetUp: 'Add the annotation backstage.io/kubernetes-id.',
    };
    expect(targetChoices(notSetUp)).toEqual({
      kind: 'none',
      message:
        'checkout has no environment ladder yet: Add the annotation backstage.io/kubernetes-id.',
    });
    expect(targetChoices({ ...ladder, promotions: undefined })).toEqual({
      kind: 'none',
      message: expect.stringContaining('did not say where checkout'),
    });
    expect(
      targetChoices({
        ...ladder,
        promotions: { targets: [], inFlight: [] },
      }),
    ).toEqual({
      kind: 'none',
      message: expect.stringContaining('checkout has no rung to promote into'),
    });
  });

  it('gives a refusal without a reason a sentence anyway', () => {
    const result = targetChoices({
      ...ladder,
      promotions: {
        inFlight: [],
        targets: [{ ...ladder.promotions!.targets[1], reason: null }],
      },
    });
    expect(result).toMatchObject({
      choices: [{ allowed: false, reason: 'Not allowed.' }],
    });
  });
});

describe('targetProblem', () => {
  const choices = targetChoices(ladder);

  it('accepts an allowed rung, and leaves an empty value to required', () => {
    expect(targetProblem('staging', choices)).toBeUndefined();
    expect(targetProblem(undefined, choices)).toBeUndefined();
    expect(targetProblem('', choices)).toBeUndefined();
  });

  it('refuses a refused rung with the backend’s reason', () => {
    expect(targetProblem('prod', choices)).toBe(
      "Prod cannot be chosen now: The permission policy does not let you promote into Prod; ask the service's owners or your platform team.",
    );
  });

  it('refuses a rung the service cannot be promoted into, naming those it can', () => {
    expect(targetProblem('qa', choices)).toBe(
      '"qa" is not a rung this service can be promoted into; choose one of: staging, prod, dr.',
    );
    // Lowest observed rung: never a target.
    expect(targetProblem('dev', choices)).toMatch(/^"dev" is not a rung/);
    // A long value (from a link's formData, say) is cut short in the message.
    expect(targetProblem('x'.repeat(500), choices)!.length).toBeLessThan(200);
  });

  it('refuses anything when the service offers nothing, with the reason', () => {
    const none = targetChoices({ ...ladder, notSetUp: 'Add an annotation.' });
    expect(targetProblem('staging', none)).toBe(
      'checkout has no environment ladder yet: Add an annotation.',
    );
  });
});
