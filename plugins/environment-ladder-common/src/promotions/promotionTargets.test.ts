import { RUNG_RULES, V1, V2, V3, ladderOf, rung } from './__fixtures__/ladder';
import { promotionTargets } from './promotionTargets';
import type { Promotion } from './types';

function promotion(overrides: Partial<Promotion>): Promotion {
  return {
    id: '7d0b4f8e-0000-4000-8000-000000000001',
    entityRef: 'component:default/shop',
    sourceEnvironment: 'dev',
    targetEnvironment: 'staging',
    digest: V3,
    reason: 'ship it',
    requestedBy: 'user:default/jane',
    state: 'pr-open',
    verdicts: [],
    pullRequest: {
      number: 12,
      url: 'https://github.example/acme/gitops/pull/12',
      branch: 'promote/shop/staging',
    },
    approvals: [],
    createdAt: '2026-11-26T23:50:00.000Z',
    updatedAt: '2026-11-26T23:55:00.000Z',
    history: [],
    error: null,
    ...overrides,
  };
}

describe('promotionTargets', () => {
  it('offers staging (from dev) and prod (from staging), never local, dev or the preview rung', () => {
    const result = promotionTargets({
      ladder: ladderOf({}),
      rungs: RUNG_RULES,
      promotions: [],
      permitted: null,
    });
    expect(result).toEqual({
      inFlight: [],
      targets: [
        {
          targetEnvironment: 'staging',
          sourceEnvironment: 'dev',
          digest: V3,
          allowed: true,
          rule: null,
          reason: null,
          freeze: null,
        },
        {
          targetEnvironment: 'prod',
          sourceEnvironment: 'staging',
          digest: V2,
          allowed: true,
          rule: null,
          reason: null,
          freeze: null,
        },
      ],
    });
  });

  it('refuses a target the permission policy refuses, before any rule', () => {
    const result = promotionTargets({
      ladder: ladderOf({ staging: rung('staging', [V1]) }),
      rungs: RUNG_RULES,
      promotions: [],
      permitted: new Set(['staging']),
    });
    expect(result.targets.find(t => t.targetEnvironment === 'prod')).toEqual({
      targetEnvironment: 'prod',
      sourceEnvironment: 'staging',
      digest: V1,
      allowed: false,
      rule: 'permission',
      reason:
        "The permission policy does not let you promote into prod; ask the service's owners or your platform team.",
      freeze: null,
    });
  });

  it('refuses a rung that already runs the digest below, in the rule’s words', () => {
    const result = promotionTargets({
      ladder: ladderOf({ staging: rung('staging', [V1]) }),
      rungs: RUNG_RULES,
      promotions: [],
      permitted: new Set(['staging', 'prod']),
    });
    expect(result.targets.find(t => t.targetEnvironment === 'prod')).toEqual(
      expect.objectContaining({
        allowed: false,
        rule: 'target-does-not-run-digest',
        reason: 'prod already runs sha256:a1a1a1a1a1a1….',
      }),
    );
  });

  it('names an in-flight promotion by its pull request, not its ledger id, and lists it', () => {
    const inFlight = promotion({});
    const done = promotion({
      id: '7d0b4f8e-0000-4000-8000-000000000002',
      targetEnvironment: 'prod',
      state: 'verified',
    });
    const result = promotionTargets({
      ladder: ladderOf({}),
      rungs: RUNG_RULES,
      promotions: [inFlight, done],
      permitted: null,
    });
    const staging = result.targets.find(t => t.targetEnvironment === 'staging');
    expect(staging).toEqual(
      expect.objectContaining({
        allowed: false,
        rule: 'no-promotion-in-flight',
        reason:
          'A promotion to staging is already in flight (PR #12 · pr-open); wait until it is verified or has failed.',
      }),
    );
    expect(staging?.reason).not.toContain(inFlight.id);
    expect(result.inFlight).toEqual([
      {
        sourceEnvironment: 'dev',
        targetEnvironment: 'staging',
        digest: V3,
        state: 'pr-open',
        pullRequest: inFlight.pullRequest,
        requestedBy: 'user:default/jane',
        createdAt: '2026-11-26T23:50:00.000Z',
      },
    ]);
    expect(
      result.targets.find(t => t.targetEnvironment === 'prod')?.allowed,
    ).toBe(true);
  });

  it('says why a source with nothing healthy to promote cannot be promoted from', () => {
    const result = promotionTargets({
      ladder: ladderOf({
        dev: rung('dev', [V3], { replicas: { ready: 1, desired: 3 } }),
      }),
      rungs: RUNG_RULES,
      promotions: [],
      permitted: null,
    });
    expect(result.targets.find(t => t.targetEnvironment === 'staging')).toEqual(
      expect.objectContaining({
        allowed: false,
        rule: 'source-runs-digest-healthy',
        reason:
          'dev is not a healthy source for sha256:c3c3c3c3c3c3…: only 1 of 3 replicas are ready.',
      }),
    );
  });

  it('shows a rung’s freeze and refuses it in the rule’s words', () => {
    const rungs = RUNG_RULES.map(r =>
      r.name === 'prod'
        ? {
            ...r,
            freezes: [
              {
                reason: 'Weekend freeze',
                schedule: '0 18 * * FRI',
                durationMs: 62 * 3_600_000,
                timeZone: 'UTC',
              },
            ],
          }
        : r,
    );
    const result = promotionTargets({
      ladder: ladderOf({}),
      rungs,
      promotions: [],
      permitted: null,
      now: new Date('2026-12-05T12:00:00Z'),
    });
    expect(result.targets.find(t => t.targetEnvironment === 'prod')).toEqual(
      expect.objectContaining({
        allowed: false,
        rule: 'target-is-not-frozen',
        reason:
          'prod is frozen until 2026-12-07 08:00 UTC: Weekend freeze (someone allowed to override freezes may still promote).',
        freeze: { reason: 'Weekend freeze', until: '2026-12-07T08:00:00.000Z' },
      }),
    );
    expect(
      result.targets.find(t => t.targetEnvironment === 'staging')?.freeze,
    ).toBeNull();
  });

  describe('a freeze the viewer may override', () => {
    const frozen = (name: string) =>
      RUNG_RULES.map(r =>
        r.name === name
          ? {
              ...r,
              freezes: [
                {
                  reason: 'Year-end freeze',
                  from: '2026-12-01T00:00:00Z',
                  until: '2026-12-02T00:00:00Z',
                },
              ],
            }
          : r,
      );
    const now = new Date('2026-12-01T12:00:00Z');
    const prodOf = (result: ReturnType<typeof promotionTargets>) =>
      result.targets.find(t => t.targetEnvironment === 'prod');

    it('is overridable for a viewer with the override permission, and stays refused', () => {
      const prod = prodOf(
        promotionTargets({
          ladder: ladderOf({}),
          rungs: frozen('prod'),
          promotions: [],
          permitted: null,
          mayOverrideFreeze: true,
          now,
        }),
      );
      expect(prod).toEqual(
        expect.objectContaining({
          allowed: false,
          rule: 'target-is-not-frozen',
          overridable: 'freeze',
          freeze: {
            reason: 'Year-end freeze',
            until: '2026-12-02T00:00:00.000Z',
          },
        }),
      );
    });

    it('changes nothing for a viewer without it', () => {
      const without = promotionTargets({
        ladder: ladderOf({}),
        rungs: frozen('prod'),
        promotions: [],
        permitted: null,
        now,
      });
      expect(prodOf(without)).not.toHaveProperty('overridable');
      expect(
        promotionTargets({
          ladder: ladderOf({}),
          rungs: frozen('prod'),
          promotions: [],
          permitted: null,
          mayOverrideFreeze: false,
          now,
        }),
      ).toEqual(without);
    });

    it('is not overridable when another rule refuses too', () => {
      // prod already runs what staging runs: the override would not help.
      const prod = prodOf(
        promotionTargets({
          ladder: ladderOf({ prod: rung('prod', [V2]) }),
          rungs: frozen('prod'),
          promotions: [],
          permitted: null,
          mayOverrideFreeze: true,
          now,
        }),
      );
      expect(prod?.allowed).toBe(false);
      expect(prod).not.toHaveProperty('overridable');
    });

    it('is not overridable when the permission policy refuses the rung', () => {
      const prod = prodOf(
        promotionTargets({
          ladder: ladderOf({}),
          rungs: frozen('prod'),
          promotions: [],
          permitted: new Set(['staging']),
          mayOverrideFreeze: true,
          now,
        }),
      );
      expect(prod).toEqual(
        expect.objectContaining({ allowed: false, rule: 'permission' }),
      );
      expect(prod).not.toHaveProperty('overridable');
    });

    it('leaves an allowed target without it', () => {
      const staging = promotionTargets({
        ladder: ladderOf({}),
        rungs: frozen('prod'),
        promotions: [],
        permitted: null,
        mayOverrideFreeze: true,
        now,
      }).targets.find(t => t.targetEnvironment === 'staging');
      expect(staging).toEqual(expect.objectContaining({ allowed: true }));
      expect(staging).not.toHaveProperty('overridable');
    });
  });
});
