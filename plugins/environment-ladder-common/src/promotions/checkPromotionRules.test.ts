import {
  RUNG_RULES,
  V1,
  V2,
  V3,
  ladderOf,
  rollout,
  rung,
} from './__fixtures__/ladder';
import { checkPromotionRules } from './checkPromotionRules';

function check(
  request: { targetEnvironment: string; digest?: string },
  ladder = ladderOf({}),
  inFlight: Parameters<typeof checkPromotionRules>[0]['inFlight'] = [],
) {
  return checkPromotionRules({ ladder, request, rungs: RUNG_RULES, inFlight });
}

const verdict = (result: ReturnType<typeof check>, rule: string) =>
  result.verdicts.find(v => v.rule === rule);

describe('checkPromotionRules', () => {
  it('lets staging → prod through with every rule explained, defaulting to the digest staging runs', () => {
    const result = check({ targetEnvironment: 'prod' });
    expect(result).toEqual({
      sourceEnvironment: 'staging',
      digest: V2,
      gate: { type: 'review-and-approval', canaryAnalysis: true },
      refusal: null,
      verdicts: [
        {
          rule: 'target-is-known',
          passed: true,
          message: 'prod is a rung of the ladder',
        },
        {
          rule: 'target-is-observed',
          passed: true,
          message:
            'prod is observed, so the promotion can be followed until it runs verified',
        },
        {
          rule: 'target-is-not-lowest',
          passed: true,
          message: 'prod is not the lowest observed rung',
        },
        {
          rule: 'source-is-next-rung',
          passed: true,
          message:
            'Promotes from staging, the next rung below prod (one rung at a time)',
        },
        {
          rule: 'digest-is-canonical',
          passed: true,
          message:
            'Defaults to sha256:b2b2b2b2b2b2…, the one digest staging runs',
        },
        {
          rule: 'source-runs-digest-healthy',
          passed: true,
          message:
            'staging runs sha256:b2b2b2b2b2b2… on all 3 replicas, healthy, since 2026-11-20T10:00:00.000Z',
        },
        {
          rule: 'target-does-not-run-digest',
          passed: true,
          message:
            'prod does not run sha256:b2b2b2b2b2b2… yet (it runs sha256:a1a1a1a1a1a1…)',
        },
        {
          rule: 'no-promotion-in-flight',
          passed: true,
          message: 'No other promotion to prod is in flight',
        },
        {
          rule: 'gate',
          passed: true,
          message:
            'prod needs a reviewed pull request and a manual approval, then a canary rollout whose analysis must succeed',
        },
      ],
    });
  });

  it('skips the preview rung when finding the source of staging', () => {
    const result = check({ targetEnvironment: 'staging', digest: V3 });
    expect(result.sourceEnvironment).toBe('dev');
    expect(result.refusal).toBeNull();
    expect(verdict(result, 'source-is-next-rung')?.message).toBe(
      'Promotes from dev, the next rung below staging (one rung at a time; the preview rung preview is never a source)',
    );
    expect(verdict(result, 'gate')?.message).toBe(
      'staging needs a reviewed pull request',
    );
  });

  it('reports the auto-merge gate of dev', () => {
    const ladder = ladderOf({});
    // A ladder where dev has a rung below it: make local observed.
    ladder.rungs[0] = rung('local', [V1]);
    const result = check({ targetEnvironment: 'dev' }, ladder);
    expect(result.refusal).toBeNull();
    expect(verdict(result, 'gate')?.message).toBe(
      'dev is promoted by an automatically merged pull request',
    );
  });

  describe('refusals', () => {
    it('refuses an unknown target (input), still checking the digest form', () => {
      const result = check({ targetEnvironment: 'qa', digest: 'latest' });
      expect(result.refusal).toEqual({
        rule: 'target-is-known',
        kind: 'input',
        message:
          '"qa" is not a rung of the ladder (rungs: local, dev, preview, staging, prod)',
      });
      expect(result.verdicts.map(v => [v.rule, v.passed])).toEqual([
        ['target-is-known', false],
        ['digest-is-canonical', false],
      ]);
      expect(result.sourceEnvironment).toBeNull();
    });

    it('refuses a preview rung as target (input)', () => {
      expect(check({ targetEnvironment: 'preview' }).refusal).toEqual({
        rule: 'target-is-known',
        kind: 'input',
        message:
          'preview is a preview rung: previews are created by pull requests, never by a promotion',
      });
    });

    it('refuses a target the suite does not observe (input)', () => {
      expect(check({ targetEnvironment: 'local' }).refusal).toEqual({
        rule: 'target-is-observed',
        kind: 'input',
        message:
          'local is not observed by the suite (no clusters configured), so a promotion into it could never be verified',
      });
    });

    it('refuses the lowest observed rung (input)', () => {
      expect(check({ targetEnvironment: 'dev' }).refusal).toEqual({
        rule: 'target-is-not-lowest',
        kind: 'input',
        message:
          'dev is the lowest observed rung: builds enter the ladder there, nothing is promoted into it',
      });
    });

    it.each([
      `sha256:${'B2'.repeat(32)}`,
      `sha256:${'b2'.repeat(6)}`,
      'ghcr.io/acme/shop:1.4.2',
      '1.4.2',
      `sha512:${'b2'.repeat(64)}`,
      `${V2}\nfoo: bar`,
    ])('refuses the digest %j (input)', digest => {
      const result = check({ targetEnvironment: 'prod', digest });
      expect(result.refusal?.rule).toBe('digest-is-canonical');
      expect(result.refusal?.kind).toBe('input');
      expect(result.refusal?.message).toMatch(
        /is not a digest in canonical form: sha256: followed by 64 lowercase hex characters/,
      );
      expect(result.digest).toBeNull();
      expect(verdict(result, 'source-runs-digest-healthy')).toBeUndefined();
    });

    it('refuses a digest the source does not run (precondition)', () => {
      const result = check({ targetEnvironment: 'prod', digest: V3 });
      expect(result.refusal).toEqual({
        rule: 'source-runs-digest-healthy',
        kind: 'precondition',
        message:
          'staging is not a healthy source for sha256:c3c3c3c3c3c3…: it does not run sha256:c3c3c3c3c3c3… (it runs sha256:b2b2b2b2b2b2…)',
      });
    });

    it('refuses a source that is not healthy, naming every problem (precondition)', () => {
      const staging = rung('staging', [V2, V1], {
        replicas: { ready: 2, desired: 4 },
        rollouts: [
          rollout({
            name: 'shop',
            phase: 'Degraded',
            message: 'RolloutAborted: metric "error-rate" assessed Failed',
          }),
          rollout({ name: 'shop-worker', aborted: true, phase: 'Degraded' }),
        ],
      });
      const result = check(
        { targetEnvironment: 'prod', digest: V2 },
        ladderOf({ staging }),
      );
      expect(result.refusal).toEqual({
        rule: 'source-runs-digest-healthy',
        kind: 'precondition',
        message:
          'staging is not a healthy source for sha256:b2b2b2b2b2b2…: it runs sha256:b2b2b2b2b2b2… next to 1 other digest; wait until it runs only this one; only 2 of 4 replicas are ready; rollout shop is Degraded: RolloutAborted: metric "error-rate" assessed Failed; rollout shop-worker is aborted',
      });
    });

    it('refuses a source without replicas, and one that cannot be read', () => {
      const empty = rung('staging', [V2], {
        replicas: { ready: 0, desired: 0 },
      });
      expect(
        check(
          { targetEnvironment: 'prod', digest: V2 },
          ladderOf({ staging: empty }),
        ).refusal?.message,
      ).toBe(
        'staging is not a healthy source for sha256:b2b2b2b2b2b2…: it has no replicas',
      );

      const broken = rung('staging', [], {
        error: { cluster: 'staging-eu', message: 'connect ECONNREFUSED' },
      });
      expect(
        check(
          { targetEnvironment: 'prod', digest: V2 },
          ladderOf({ staging: broken }),
        ).refusal,
      ).toEqual({
        rule: 'source-runs-digest-healthy',
        kind: 'precondition',
        message:
          'staging is not a healthy source for sha256:b2b2b2b2b2b2…: it cannot be read (staging-eu: connect ECONNREFUSED)',
      });
      expect(
        check({ targetEnvironment: 'prod' }, ladderOf({ staging: broken }))
          .refusal,
      ).toEqual({
        rule: 'digest-is-canonical',
        kind: 'precondition',
        message:
          'No digest was named and staging cannot be read (staging-eu: connect ECONNREFUSED), so there is no digest to default to',
      });
    });

    it('cannot default the digest when the source runs none or several (precondition)', () => {
      expect(
        check(
          { targetEnvironment: 'prod' },
          ladderOf({ staging: rung('staging', []) }),
        ).refusal,
      ).toEqual({
        rule: 'digest-is-canonical',
        kind: 'precondition',
        message:
          'No digest was named and staging runs no digest that could be read; name the digest to promote',
      });
      expect(
        check(
          { targetEnvironment: 'prod' },
          ladderOf({ staging: rung('staging', [V1, V2]) }),
        ).refusal,
      ).toEqual({
        rule: 'digest-is-canonical',
        kind: 'precondition',
        message:
          'No digest was named and staging runs 2 digests (sha256:a1a1a1a1a1a1…, sha256:b2b2b2b2b2b2…); name the one to promote',
      });
    });

    it('refuses when the target already runs the digest, fully or in part (precondition)', () => {
      expect(
        check(
          { targetEnvironment: 'prod' },
          ladderOf({ prod: rung('prod', [V2]) }),
        ).refusal,
      ).toEqual({
        rule: 'target-does-not-run-digest',
        kind: 'precondition',
        message: 'prod already runs sha256:b2b2b2b2b2b2…',
      });
      expect(
        check(
          { targetEnvironment: 'prod' },
          ladderOf({ prod: rung('prod', [V1, V2]) }),
        ).refusal?.message,
      ).toBe(
        'prod already runs sha256:b2b2b2b2b2b2… on part of its pods (a rollout in progress?)',
      );
    });

    it('refuses when the target cannot be read (precondition)', () => {
      const prod = rung('prod', [], {
        error: { cluster: 'prod-us', message: 'timed out after 5000 ms' },
      });
      expect(
        check({ targetEnvironment: 'prod' }, ladderOf({ prod })).refusal,
      ).toEqual({
        rule: 'target-does-not-run-digest',
        kind: 'precondition',
        message:
          'prod cannot be read (prod-us: timed out after 5000 ms), so whether it already runs sha256:b2b2b2b2b2b2… is unknown',
      });
    });

    it('refuses a second promotion to the same target while one is in flight (conflict)', () => {
      for (const state of ['requested', 'pr-open', 'merged', 'running']) {
        const result = check({ targetEnvironment: 'prod' }, ladderOf({}), [
          {
            targetEnvironment: 'prod',
            state,
            id: 'p-1',
            digest: V2,
            requestedBy: 'user:default/jane',
            pullRequest: state === 'requested' ? null : { number: 7 },
          },
        ]);
        // A person's words: the pull request, or who asked; never the ledger's id.
        const what =
          state === 'requested'
            ? 'requested by user:default/jane'
            : 'pull request #7';
        expect(result.refusal).toEqual({
          rule: 'no-promotion-in-flight',
          kind: 'conflict',
          message: `A promotion to prod is already in flight (${what}, state ${state}, sha256:b2b2b2b2b2b2…); wait until it is verified or has failed`,
        });
        expect(result.refusal?.message).not.toContain('p-1');
      }
    });

    it('ignores finished promotions and promotions to other rungs', () => {
      const result = check({ targetEnvironment: 'prod' }, ladderOf({}), [
        { targetEnvironment: 'prod', state: 'verified' },
        { targetEnvironment: 'prod', state: 'failed' },
        { targetEnvironment: 'prod', state: 'rejected' },
        { targetEnvironment: 'prod', state: 'superseded' },
        { targetEnvironment: 'staging', state: 'pr-open' },
      ]);
      expect(result.refusal).toBeNull();
    });

    it('refuses with the most important kind first: input, then conflict, then precondition', () => {
      const busy = [{ targetEnvironment: 'prod', state: 'pr-open' }];
      expect(
        check({ targetEnvironment: 'prod', digest: 'v1' }, ladderOf({}), busy)
          .refusal?.kind,
      ).toBe('input');
      expect(
        check({ targetEnvironment: 'prod', digest: V3 }, ladderOf({}), busy)
          .refusal?.kind,
      ).toBe('conflict');
      const result = check(
        { targetEnvironment: 'prod', digest: V3 },
        ladderOf({ prod: rung('prod', [V3]) }),
      );
      expect(result.refusal?.rule).toBe('source-runs-digest-healthy');
      expect(result.verdicts.filter(v => !v.passed).map(v => v.rule)).toEqual([
        'source-runs-digest-healthy',
        'target-does-not-run-digest',
      ]);
    });
  });

  describe('target-is-not-frozen', () => {
    const frozenRungs = RUNG_RULES.map(r =>
      r.name === 'prod'
        ? {
            ...r,
            freezes: [
              {
                reason: 'Year-end freeze',
                from: '2026-12-23T00:00:00+01:00',
                until: '2027-01-04T09:00:00+01:00',
              },
            ],
          }
        : r,
    );
    const checkAt = (at: string, overrideFreeze?: boolean) =>
      checkPromotionRules({
        ladder: ladderOf({}),
        request: { targetEnvironment: 'prod', overrideFreeze },
        rungs: frozenRungs,
        inFlight: [],
        now: new Date(at),
      });

    it('refuses a promotion into a frozen rung as a conflict, with the reason and the end', () => {
      const result = checkAt('2026-12-24T10:00:00Z');
      expect(result.refusal).toEqual({
        rule: 'target-is-not-frozen',
        kind: 'conflict',
        message:
          'prod is frozen until 2027-01-04 08:00 UTC: Year-end freeze (someone allowed to override freezes may still promote)',
      });
      // The other rules are still checked and shown.
      expect(verdict(result, 'source-runs-digest-healthy')?.passed).toBe(true);
    });

    it('passes outside the window, and says the rung has windows', () => {
      const result = checkAt('2027-01-04T08:00:00Z');
      expect(result.refusal).toBeNull();
      expect(verdict(result, 'target-is-not-frozen')).toEqual({
        rule: 'target-is-not-frozen',
        passed: true,
        message: 'No freeze window of prod is in force',
      });
    });

    it('passes an override and keeps the freeze in its verdict', () => {
      const result = checkAt('2026-12-24T10:00:00Z', true);
      expect(result.refusal).toBeNull();
      expect(verdict(result, 'target-is-not-frozen')?.message).toBe(
        'prod is frozen until 2027-01-04 08:00 UTC: Year-end freeze; the requester overrides the freeze',
      );
    });

    it('leaves the rule out for a rung without windows', () => {
      const result = checkPromotionRules({
        ladder: ladderOf({}),
        request: { targetEnvironment: 'staging' },
        rungs: frozenRungs,
        inFlight: [],
        now: new Date('2026-12-24T10:00:00Z'),
      });
      expect(verdict(result, 'target-is-not-frozen')).toBeUndefined();
    });
  });
});
