import {
  ladderOf,
  RUNG_RULES,
  V1,
  V2,
} from '../promotions/__fixtures__/ladder';
import { checkPromotionRules } from '../promotions/checkPromotionRules';
import { pullRequestText } from '../promotions/pullRequestText';
import type { Ladder } from '../types';
import { describeSigner } from './describeSigner';
import { findSignatureViolations } from './findSignatureViolations';
import { signableDigests } from './signableDigests';
import type { DigestSignature, SignatureRequirement } from './types';

const signedBy = (digest: string): DigestSignature => ({
  digest,
  repository: 'ghcr.io/acme/shop',
  status: 'signed',
  signer: { kind: 'key', name: 'ci-2026' },
  format: 'cosign-signature',
  summary: 'signed by ci-2026',
  details: ['cosign signature verified with the trusted key ci-2026'],
  checkedAt: '2026-12-05T09:00:00.000Z',
});
const unsigned = (digest: string): DigestSignature => ({
  ...signedBy(digest),
  status: 'unsigned',
  signer: null,
  format: null,
  summary: 'unsigned',
  reason: 'no signature was found',
});
const unavailable = (digest: string): DigestSignature => ({
  ...unsigned(digest),
  status: 'unavailable',
  summary: 'could not check: registry unavailable',
  reason: 'ghcr.io answered 429 Too Many Requests',
});

/** The fixture ladder with verdicts on staging (which runs V2) and a requirement on prod. */
function signedLadder(
  verdict: DigestSignature | null,
  requirement: SignatureRequirement,
): Ladder {
  const ladder = ladderOf({});
  return {
    ...ladder,
    rungs: ladder.rungs.map(rung => {
      if (rung.name === 'staging' && verdict) {
        return {
          ...rung,
          signatures: { requirement: 'warn', digests: [verdict] },
        };
      }
      if (rung.name === 'prod') {
        return { ...rung, signatures: { requirement, digests: [] } };
      }
      return rung;
    }),
  };
}

const rules = (ladder: Ladder) =>
  checkPromotionRules({
    ladder,
    request: { targetEnvironment: 'prod' },
    rungs: RUNG_RULES,
    inFlight: [],
  });

describe('digest-is-signed', () => {
  it('passes a signed digest into a rung that requires signatures, naming the signer', () => {
    const result = rules(signedLadder(signedBy(V2), 'required'));
    expect(result.refusal).toBeNull();
    expect(result.verdicts).toContainEqual({
      rule: 'digest-is-signed',
      passed: true,
      message: 'sha256:bbbbbbbbbbbb… is signed by ci-2026'.replace(
        'bbbbbbbbbbbb',
        V2.slice(7, 19),
      ),
    });
    expect(result.signature).toEqual(signedBy(V2));
  });

  it.each([
    [unsigned(V2), 'is unsigned'],
    [
      unavailable(V2),
      'could not be checked (ghcr.io answered 429 Too Many Requests); try again shortly',
    ],
    [null, 'has not been checked (no rung shows it)'],
  ])(
    'refuses %# into a required rung, naming the rule and the reason',
    (verdict, reason) => {
      const result = rules(signedLadder(verdict, 'required'));
      expect(result.refusal).toMatchObject({
        rule: 'digest-is-signed',
        kind: 'precondition',
      });
      expect(result.refusal!.message).toContain(
        'prod requires a valid signature',
      );
      expect(result.refusal!.message).toContain(reason);
    },
  );

  it('only says so under warn, and is left out under off or without verdicts', () => {
    const warned = rules(signedLadder(unsigned(V2), 'warn'));
    expect(warned.refusal).toBeNull();
    expect(
      warned.verdicts.find(v => v.rule === 'digest-is-signed'),
    ).toMatchObject({
      passed: true,
      message: expect.stringContaining('only warns about signatures'),
    });
    for (const ladder of [signedLadder(unsigned(V2), 'off'), ladderOf({})]) {
      expect(rules(ladder).verdicts.map(v => v.rule)).not.toContain(
        'digest-is-signed',
      );
    }
  });
});

describe('findSignatureViolations', () => {
  const rung = (
    requirement: SignatureRequirement,
    digests: DigestSignature[],
  ) => ({
    name: 'prod',
    title: 'Prod',
    signatures: { requirement, digests },
  });

  it('an unsigned digest is an error where required, a warning under warn, nothing when off', () => {
    expect(findSignatureViolations(rung('required', [unsigned(V1)]))).toEqual([
      {
        rule: 'digest-not-signed',
        severity: 'error',
        rung: 'prod',
        message: `Prod requires signed digests, but ${V1.slice(
          0,
          19,
        )}… is not signed: nothing proves CI built it.`,
      },
    ]);
    expect(
      findSignatureViolations(rung('warn', [unsigned(V1)]))[0].severity,
    ).toBe('warning');
    expect(findSignatureViolations(rung('off', [unsigned(V1)]))).toEqual([]);
  });

  it('a digest that could not be checked is a warning where required only', () => {
    expect(
      findSignatureViolations(rung('required', [unavailable(V1)])),
    ).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining(
          'could not be checked (ghcr.io answered 429 Too Many Requests)',
        ),
      }),
    ]);
    expect(findSignatureViolations(rung('warn', [unavailable(V1)]))).toEqual(
      [],
    );
    expect(findSignatureViolations(rung('required', [signedBy(V1)]))).toEqual(
      [],
    );
  });
});

describe('signableDigests', () => {
  it("pairs each digest with the repository it runs from, previews' too", () => {
    const ladder = ladderOf({});
    const staging = ladder.rungs.find(r => r.name === 'staging')!;
    const found = signableDigests(staging, 'ghcr.io/acme/shop');
    expect(found.map(f => f.digest)).toEqual(staging.digests);
    expect(
      found.every(
        f => !f.repository.includes('@') && !f.repository.includes('://'),
      ),
    ).toBe(true);
    expect(
      signableDigests(
        {
          digests: [],
          workloads: [],
          rollouts: [],
          previews: [{ digest: V1 } as any],
        },
        'ghcr.io/acme/shop',
      ),
    ).toEqual([{ digest: V1, repository: 'ghcr.io/acme/shop' }]);
  });
});

describe('the pull request records who signed', () => {
  it('adds a Signed by row, escaped', () => {
    const { body } = pullRequestText({
      entityRef: 'component:default/shop',
      sourceEnvironment: 'staging',
      targetEnvironment: 'prod',
      digest: V2,
      since: null,
      rolloutState: 'Healthy',
      verdicts: [],
      reason: 'Ship it',
      requestedBy: 'user:default/jane',
      signature: {
        ...signedBy(V2),
        signer: {
          kind: 'keyless',
          name: 'shop-release',
          issuer: 'https://token.actions.githubusercontent.com',
          subject:
            'https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main',
        },
        format: 'sigstore-bundle',
      },
    });
    expect(body).toContain(
      '| Signed by | workflow acme/shop/.github/workflows/release.yml@\u200brefs/heads/main via keyless (Sigstore bundle, checked 2026-12-05T09:00:00.000Z) |',
    );
    expect(describeSigner({ kind: 'key', name: 'ci-2026' })).toBe('ci-2026');
  });
});
