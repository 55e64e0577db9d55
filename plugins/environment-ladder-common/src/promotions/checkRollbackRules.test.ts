import {
  RUNG_RULES,
  V1,
  V2,
  V3,
  deployment,
  digestOf,
  ladderOf,
  rollout,
  rung,
} from './__fixtures__/ladder';
import { checkRollbackRules, rollbackCandidates } from './checkRollbackRules';
import { rollbackTargets } from './rollbackTargets';
import { describeRungPins, rungPins } from './rungPins';

const V0 = digestOf('d4');

type Ledger = Parameters<typeof checkRollbackRules>[0]['promotions'];

/** prod runs V2 now; its Deployment's ReplicaSets ran V0 (revision 3) and V1 (revision 4). */
function prodWithHistory(digests = [V2]) {
  return rung('prod', digests, {
    workloads: [
      deployment('prod', 3, 3, {
        revision: 5,
        history: [
          { revision: 3, firstRevision: 3, image: null, digests: [V0] },
          { revision: 4, firstRevision: 4, image: null, digests: [V1] },
          { revision: 5, firstRevision: 5, image: null, digests: [V2] },
        ],
      }),
    ],
  });
}

const verified = (
  digest: string,
  updatedAt: string,
  targetEnvironment = 'prod',
  number = 7,
) => ({
  targetEnvironment,
  state: 'verified',
  digest,
  createdAt: updatedAt,
  updatedAt,
  pullRequest: { number },
});

function check(
  request: {
    targetEnvironment?: string;
    digest?: string;
    emergency?: boolean;
    overrideFreeze?: boolean;
  } = {},
  options: {
    promotions?: Ledger;
    prod?: ReturnType<typeof rung>;
    emergencyAllowed?: boolean;
    rungs?: typeof RUNG_RULES;
  } = {},
) {
  return checkRollbackRules({
    ladder: ladderOf({ prod: options.prod ?? prodWithHistory() }),
    request: { targetEnvironment: 'prod', ...request },
    rungs: options.rungs ?? RUNG_RULES,
    promotions: options.promotions ?? [],
    emergencyAllowed: options.emergencyAllowed ?? false,
    now: new Date('2026-12-01T12:00:00Z'),
  });
}

const verdict = (result: ReturnType<typeof check>, rule: string) =>
  result.verdicts.find(v => v.rule === rule);

describe('checkRollbackRules', () => {
  it('rolls prod back to the previous verified digest of the ledger, every rule explained', () => {
    const result = check(
      {},
      {
        promotions: [
          verified(V2, '2026-11-30T10:00:00.000Z', 'prod', 9),
          verified(V1, '2026-11-20T10:00:00.000Z', 'prod', 8),
          verified(V0, '2026-11-10T10:00:00.000Z', 'prod', 7),
          verified(V3, '2026-11-29T10:00:00.000Z', 'staging', 6),
        ],
      },
    );
    expect(result).toEqual({
      sourceEnvironment: 'prod',
      digest: V1,
      gate: { type: 'review-and-approval', canaryAnalysis: true },
      refusal: null,
      skipsApproval: false,
      evidence: 'ledger',
      verdicts: [
        {
          rule: 'target-is-known',
          passed: true,
          message: 'prod is a rung of the ladder',
        },
        {
          rule: 'rollback-target-is-observed',
          passed: true,
          message:
            'prod is observed, so the rollback can be followed until it runs verified',
        },
        {
          rule: 'rollback-digest-ran-here',
          passed: true,
          message:
            'Rolls back to the previous digest: sha256:a1a1a1a1a1a1… ran verified in prod (pull request #8, verified 2026-11-20 10:00 UTC)',
        },
        {
          rule: 'rollback-digest-differs',
          passed: true,
          message:
            'prod runs sha256:b2b2b2b2b2b2… now, not sha256:a1a1a1a1a1a1…',
        },
        {
          rule: 'no-promotion-in-flight',
          passed: true,
          message: 'No other promotion to prod is in flight',
        },
        {
          rule: 'rollback-gate',
          passed: true,
          message:
            'prod needs a reviewed pull request and a manual approval, for a rollback as for a promotion',
        },
      ],
    });
  });

  it("falls back to the rung's ReplicaSet history when the ledger has no earlier verified digest", () => {
    const result = check(
      {},
      { promotions: [verified(V2, '2026-11-30T10:00:00.000Z')] },
    );
    expect(result.refusal).toBeNull();
    expect(result.digest).toBe(V1);
    expect(result.evidence).toBe('replicaSets');
    expect(verdict(result, 'rollback-digest-ran-here')?.message).toBe(
      'Rolls back to the previous digest: sha256:a1a1a1a1a1a1… ran in prod at revision 4 of Deployment shop (its ReplicaSet history; the ledger records no verified promotion of an earlier digest)',
    );
  });

  it('accepts a named digest that ran here, from the ledger or the ReplicaSets, and refuses one that never did', () => {
    expect(check({ digest: V0 }).refusal).toBeNull();
    expect(
      check(
        { digest: V3 },
        { promotions: [verified(V3, '2026-11-01T00:00:00.000Z')] },
      ).refusal,
    ).toBeNull();
    // V3 ran verified in staging only: that is not this rung's past.
    const elsewhere = check(
      { digest: V3 },
      {
        promotions: [verified(V3, '2026-11-01T00:00:00.000Z', 'staging')],
      },
    );
    expect(elsewhere.digest).toBeNull();
    expect(elsewhere.refusal).toEqual({
      rule: 'rollback-digest-ran-here',
      kind: 'precondition',
      message:
        'sha256:c3c3c3c3c3c3… never ran in prod: no verified promotion into prod in the ledger and no ReplicaSet of it ran that digest; a rollback only goes back to a digest the rung ran',
    });
  });

  it('ignores promotions into the rung that never reached verified', () => {
    const result = check(
      { digest: V3 },
      {
        promotions: [
          { ...verified(V3, '2026-11-01T00:00:00.000Z'), state: 'failed' },
        ],
      },
    );
    expect(result.refusal?.rule).toBe('rollback-digest-ran-here');
  });

  it('refuses a digest that is not canonical with an input refusal', () => {
    const result = check({ digest: 'latest' });
    expect(result.refusal).toEqual({
      rule: 'digest-is-canonical',
      kind: 'input',
      message: expect.stringContaining('"latest" is not a digest'),
    });
  });

  it('refuses to roll back to what runs now', () => {
    const result = check({ digest: V2 });
    expect(result.refusal).toEqual({
      rule: 'rollback-digest-differs',
      kind: 'precondition',
      message:
        'prod runs sha256:b2b2b2b2b2b2… now; there is nothing to roll back',
    });
  });

  it('refuses when there is nothing to roll back to', () => {
    const result = check({}, { prod: rung('prod', [V2]) });
    expect(result.digest).toBeNull();
    expect(result.refusal).toEqual({
      rule: 'rollback-digest-ran-here',
      kind: 'precondition',
      message:
        'Nothing to roll back to: the ledger records no verified promotion into prod of a digest it is not pinned to now, and its ReplicaSet history shows no earlier digest',
    });
  });

  it('refuses when the rung cannot be read: what runs now is unknown', () => {
    const result = check(
      { digest: V1 },
      {
        prod: {
          ...prodWithHistory([]),
          error: { cluster: 'prod-cluster', message: 'timed out' },
        },
        promotions: [verified(V1, '2026-11-01T00:00:00.000Z')],
      },
    );
    expect(result.refusal).toEqual({
      rule: 'rollback-digest-differs',
      kind: 'precondition',
      message:
        'prod cannot be read (prod-cluster: timed out), so whether it runs sha256:a1a1a1a1a1a1… now is unknown',
    });
  });

  it('refuses unknown, preview and unobserved rungs as input', () => {
    expect(check({ targetEnvironment: 'qa' }).refusal).toMatchObject({
      rule: 'target-is-known',
      kind: 'input',
    });
    expect(check({ targetEnvironment: 'preview' }).refusal).toMatchObject({
      rule: 'target-is-known',
      kind: 'input',
    });
    expect(check({ targetEnvironment: 'local' }).refusal).toMatchObject({
      rule: 'rollback-target-is-observed',
      kind: 'input',
    });
  });

  it('refuses while a promotion to the rung is in flight', () => {
    const result = check(
      {},
      {
        promotions: [
          verified(V1, '2026-11-20T10:00:00.000Z'),
          {
            targetEnvironment: 'prod',
            state: 'pr-open',
            digest: V3,
            pullRequest: { number: 12 },
          },
        ],
      },
    );
    expect(result.refusal).toEqual({
      rule: 'no-promotion-in-flight',
      kind: 'conflict',
      message:
        'A promotion to prod is already in flight (pull request #12, state pr-open, sha256:c3c3c3c3c3c3…); wait until it is verified or has failed',
    });
  });

  it('keeps the freeze windows, unless overridden', () => {
    const rungs = RUNG_RULES.map(r =>
      r.name === 'prod'
        ? {
            ...r,
            freezes: [
              {
                reason: 'Year-end freeze',
                from: '2026-11-30T00:00:00Z',
                until: '2026-12-02T00:00:00Z',
              },
            ],
          }
        : r,
    ) as typeof RUNG_RULES;
    expect(check({}, { rungs }).refusal).toEqual({
      rule: 'target-is-not-frozen',
      kind: 'conflict',
      message:
        'prod is frozen until 2026-12-02 00:00 UTC: Year-end freeze (someone allowed to override freezes may still roll back)',
    });
    expect(check({ overrideFreeze: true }, { rungs }).refusal).toBeNull();
  });

  it('skips the approval only on the emergency path the platform allows', () => {
    const refused = check({ emergency: true });
    expect(refused.skipsApproval).toBe(false);
    expect(refused.refusal).toEqual({
      rule: 'rollback-gate',
      kind: 'input',
      message:
        'prod needs a manual approval and the platform allows no emergency rollback that skips it (environmentLadder.promotions.rollback.emergency is off); ask for an approval instead',
    });
    const allowed = check({ emergency: true }, { emergencyAllowed: true });
    expect(allowed.refusal).toBeNull();
    expect(allowed.skipsApproval).toBe(true);
    expect(verdict(allowed, 'rollback-gate')?.message).toBe(
      'Emergency rollback: the manual approval of prod is skipped (the platform allows it and the requester may); the pull request opens at once and is still reviewed',
    );
    // Allowed but not asked for: the approval stays.
    expect(check({}, { emergencyAllowed: true }).skipsApproval).toBe(false);
  });

  it('has no approval to skip on a rung gated by review', () => {
    const staging = rung('staging', [V2], {
      workloads: [
        deployment('staging', 3, 3, {
          history: [
            { revision: 1, firstRevision: 1, image: null, digests: [V1] },
            { revision: 2, firstRevision: 2, image: null, digests: [V2] },
          ],
        }),
      ],
    });
    const result = checkRollbackRules({
      ladder: ladderOf({ staging }),
      request: { targetEnvironment: 'staging', emergency: true },
      rungs: RUNG_RULES,
      promotions: [],
      emergencyAllowed: false,
    });
    expect(result.refusal).toBeNull();
    expect(result.skipsApproval).toBe(false);
    expect(verdict(result, 'rollback-gate')?.message).toBe(
      'staging needs a reviewed pull request (it asks for no approval to skip)',
    );
  });
});

/**
 * prod after a canary of V3 failed its analysis: the Rollout's spec pins V3, Argo
 * Rollouts aborted it, and its stable pods run V2 (revision 4) again.
 */
function prodAfterAbortedCanary(specImages = [`ghcr.io/acme/shop@${V3}`]) {
  return rung('prod', [V2], {
    replicas: { ready: 5, desired: 5 },
    workloads: [
      deployment('prod', 5, 5, {
        kind: 'Rollout',
        specImages,
        revision: 5,
        history: [
          { revision: 3, firstRevision: 3, image: null, digests: [V1] },
          { revision: 4, firstRevision: 4, image: null, digests: [V2] },
          { revision: 5, firstRevision: 5, image: null, digests: [V3] },
        ],
      }),
    ],
    rollouts: [
      {
        ...rollout({}, V2),
        cluster: 'prod-cluster',
        namespace: 'shop-prod',
        name: 'shop',
        phase: 'Degraded',
        aborted: true,
        images: [
          {
            image: `ghcr.io/acme/shop@${V3}`,
            digests: [V3],
            roles: ['canary'],
          },
          {
            image: `ghcr.io/acme/shop@${V2}`,
            digests: [V2],
            roles: ['stable'],
          },
        ],
      },
    ],
  });
}

/** V1 then V2 promoted into prod and verified; the promotion of V3 failed its canary. */
const ledgerAfterAbortedCanary = [
  verified(V1, '2026-11-20T10:00:00.000Z', 'prod', 8),
  verified(V2, '2026-11-30T10:00:00.000Z', 'prod', 9),
  {
    targetEnvironment: 'prod',
    state: 'failed',
    digest: V3,
    createdAt: '2026-12-01T09:00:00.000Z',
    updatedAt: '2026-12-01T09:30:00.000Z',
    pullRequest: { number: 10 },
  },
];

describe('a rung pinned to a digest its pods do not run (an aborted canary)', () => {
  it('rolls back to the stable digest its pods run: the last one verified there that the spec does not pin', () => {
    const result = check(
      {},
      {
        prod: prodAfterAbortedCanary(),
        promotions: ledgerAfterAbortedCanary,
      },
    );
    expect(result.refusal).toBeNull();
    expect(result).toMatchObject({ digest: V2, evidence: 'ledger' });
    expect(verdict(result, 'rollback-digest-ran-here')?.message).toBe(
      'Rolls back to the previous digest: sha256:b2b2b2b2b2b2… ran verified in prod (pull request #9, verified 2026-11-30 10:00 UTC)',
    );
    expect(verdict(result, 'rollback-digest-differs')).toEqual({
      rule: 'rollback-digest-differs',
      passed: true,
      message:
        'prod pins sha256:c3c3c3c3c3c3… (its aborted canary); its pods run sha256:b2b2b2b2b2b2…; it is not pinned to sha256:b2b2b2b2b2b2…',
    });
    // The one before stays available by name.
    expect(
      check(
        { digest: V1 },
        {
          prod: prodAfterAbortedCanary(),
          promotions: ledgerAfterAbortedCanary,
        },
      ).refusal,
    ).toBeNull();
  });

  it('refuses the aborted digest itself: the rung is pinned to it already', () => {
    const result = check(
      { digest: V3 },
      { prod: prodAfterAbortedCanary(), promotions: ledgerAfterAbortedCanary },
    );
    // V3 ran in prod (its canary ReplicaSet), so only the pin refuses it.
    expect(verdict(result, 'rollback-digest-ran-here')?.passed).toBe(true);
    expect(result.refusal).toEqual({
      rule: 'rollback-digest-differs',
      kind: 'precondition',
      message:
        'prod pins sha256:c3c3c3c3c3c3… (its aborted canary); its pods run sha256:b2b2b2b2b2b2…: it is pinned to sha256:c3c3c3c3c3c3… already; there is nothing to roll back',
    });
  });

  it('finds the stable digest in the ReplicaSet history when the ledger has none', () => {
    expect(
      rollbackCandidates(prodAfterAbortedCanary(), []).map(c => [
        c.digest,
        c.evidence,
      ]),
    ).toEqual([
      [V2, 'replicaSets'],
      [V1, 'replicaSets'],
    ]);
  });

  it('offers no ReplicaSet of the failed canary once the pin is back on the stable digest', () => {
    // prod after the revert: pins and runs V2 (its ReplicaSet reused at revision 6).
    const reverted = rung('prod', [V2], {
      workloads: [
        deployment('prod', 5, 5, {
          kind: 'Rollout',
          specImages: [`ghcr.io/acme/shop@${V2}`],
          revision: 6,
          history: [
            { revision: 3, firstRevision: 3, image: null, digests: [V1] },
            { revision: 5, firstRevision: 5, image: null, digests: [V3] },
            { revision: 6, firstRevision: 4, image: null, digests: [V2] },
          ],
        }),
      ],
    });
    const ledger = ledgerAfterAbortedCanary.filter(
      entry => entry.digest !== V1,
    );
    expect(
      rollbackCandidates(reverted, ledger).map(c => [c.digest, c.evidence]),
    ).toEqual([[V1, 'replicaSets']]);
    // Without the ledger's word, the canary's ReplicaSet is just an earlier digest.
    expect(rollbackCandidates(reverted, []).map(c => c.digest)).toEqual([
      V3,
      V1,
    ]);
    // Named, it is still a digest that ran here.
    expect(
      check({ digest: V3 }, { prod: reverted, promotions: ledger }).refusal,
    ).toBeNull();
  });

  it("offers the stable digest as the rung's rollback target", () => {
    expect(
      rollbackTargets({
        ladder: ladderOf({ prod: prodAfterAbortedCanary() }),
        rungs: RUNG_RULES,
        promotions: ledgerAfterAbortedCanary.map((entry, index) => ({
          id: `p${index}`,
          kind: 'promotion' as const,
          entityRef: 'component:default/shop',
          sourceEnvironment: 'staging',
          reason: 'r',
          requestedBy: 'user:default/jane',
          verdicts: [],
          approvals: [],
          history: [],
          error: null,
          ...entry,
          state: entry.state as 'verified' | 'failed',
          pullRequest: null,
        })),
        permitted: null,
        emergencyAllowed: false,
      }),
    ).toEqual([
      {
        targetEnvironment: 'prod',
        digest: V2,
        evidence: 'ledger',
        allowed: true,
        rule: null,
        reason: null,
      },
    ]);
  });

  it('falls back to what the pods run when the spec names no digest (a tag): the stable digest is no target then', () => {
    const result = check(
      {},
      {
        prod: prodAfterAbortedCanary(['ghcr.io/acme/shop:1.6.0']),
        promotions: ledgerAfterAbortedCanary,
      },
    );
    expect(result.digest).toBe(V1);
    expect(verdict(result, 'rollback-digest-differs')?.message).toBe(
      'prod runs sha256:b2b2b2b2b2b2… now, not sha256:a1a1a1a1a1a1…',
    );
    expect(rungPins(prodAfterAbortedCanary([]))).toEqual({
      digests: [V2],
      source: 'pods',
      notRunning: [],
    });
  });

  it('leaves a Deployment that runs what it pins as it was', () => {
    const pinnedDeployment = rung('prod', [V2], {
      workloads: [
        deployment('prod', 3, 3, {
          specImages: [`ghcr.io/acme/shop@${V2}`],
          revision: 5,
          history: [
            { revision: 4, firstRevision: 4, image: null, digests: [V1] },
            { revision: 5, firstRevision: 5, image: null, digests: [V2] },
          ],
        }),
      ],
    });
    expect(rungPins(pinnedDeployment)).toEqual({
      digests: [V2],
      source: 'spec',
      notRunning: [],
    });
    expect(describeRungPins(pinnedDeployment)).toBeNull();
    const result = check({}, { prod: pinnedDeployment });
    expect(result).toMatchObject({ digest: V1, refusal: null });
    expect(verdict(result, 'rollback-digest-differs')?.message).toBe(
      'prod runs sha256:b2b2b2b2b2b2… now, not sha256:a1a1a1a1a1a1…',
    );
    expect(check({ digest: V2 }, { prod: pinnedDeployment }).refusal).toEqual({
      rule: 'rollback-digest-differs',
      kind: 'precondition',
      message:
        'prod runs sha256:b2b2b2b2b2b2… now; there is nothing to roll back',
    });
  });

  it('says a Deployment part-way through an update pins the new digest', () => {
    const rolling = rung('prod', [V1, V2], {
      workloads: [
        deployment('prod', 3, 2, { specImages: [`ghcr.io/acme/shop@${V2}`] }),
      ],
    });
    expect(describeRungPins(rolling)).toBe(
      'prod pins sha256:b2b2b2b2b2b2…; its pods run sha256:a1a1a1a1a1a1…, sha256:b2b2b2b2b2b2…',
    );
    const starting = rung('prod', [V1], {
      workloads: [
        deployment('prod', 3, 2, { specImages: [`ghcr.io/acme/shop@${V2}`] }),
      ],
    });
    expect(rungPins(starting).notRunning).toEqual([
      { digest: V2, why: 'its update under way' },
    ]);
    expect(describeRungPins(starting)).toBe(
      'prod pins sha256:b2b2b2b2b2b2… (its update under way); its pods run sha256:a1a1a1a1a1a1…',
    );
  });
});

describe('rollbackCandidates', () => {
  it('lists the ledger newest first, without what runs now and without repeats', () => {
    const candidates = rollbackCandidates(prodWithHistory(), [
      verified(V0, '2026-11-10T10:00:00.000Z'),
      verified(V2, '2026-11-30T10:00:00.000Z'),
      verified(V1, '2026-11-20T10:00:00.000Z'),
      verified(V1, '2026-11-05T10:00:00.000Z'),
    ]);
    expect(candidates.map(c => [c.digest, c.evidence])).toEqual([
      [V1, 'ledger'],
      [V0, 'ledger'],
    ]);
  });

  it('lists the ReplicaSet history newest revision first when the ledger has none', () => {
    expect(
      rollbackCandidates(prodWithHistory(), []).map(c => [
        c.digest,
        c.evidence,
      ]),
    ).toEqual([
      [V1, 'replicaSets'],
      [V0, 'replicaSets'],
    ]);
  });
});

describe('rollbackTargets', () => {
  const ladder = ladderOf({ prod: prodWithHistory() });

  it('offers the rungs with a previous digest, with the rules and the permission deciding', () => {
    expect(
      rollbackTargets({
        ladder,
        rungs: RUNG_RULES,
        promotions: [],
        permitted: null,
        emergencyAllowed: false,
      }),
    ).toEqual([
      {
        targetEnvironment: 'prod',
        digest: V1,
        evidence: 'replicaSets',
        allowed: true,
        rule: null,
        reason: null,
      },
    ]);
    expect(
      rollbackTargets({
        ladder,
        rungs: RUNG_RULES,
        promotions: [],
        permitted: new Set(['staging']),
        emergencyAllowed: false,
      }),
    ).toEqual([
      expect.objectContaining({
        targetEnvironment: 'prod',
        allowed: false,
        rule: 'permission',
      }),
    ]);
  });

  it('says why a rollback is refused now', () => {
    const [prod] = rollbackTargets({
      ladder,
      rungs: RUNG_RULES,
      promotions: [
        {
          id: 'p1',
          kind: 'promotion',
          entityRef: 'component:default/shop',
          sourceEnvironment: 'staging',
          targetEnvironment: 'prod',
          digest: V3,
          reason: 'r',
          requestedBy: 'user:default/jane',
          state: 'pr-open',
          verdicts: [],
          pullRequest: { url: 'https://x', number: 4, branch: 'b' },
          approvals: [],
          createdAt: '2026-11-30T00:00:00.000Z',
          updatedAt: '2026-11-30T00:00:00.000Z',
          history: [],
          error: null,
        },
      ],
      permitted: null,
      emergencyAllowed: false,
    });
    expect(prod).toMatchObject({
      allowed: false,
      rule: 'no-promotion-in-flight',
      reason: expect.stringMatching(/pull request #4.*\.$/),
    });
  });

  const frozenProd = RUNG_RULES.map(r =>
    r.name === 'prod'
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
  const at = new Date('2026-12-01T12:00:00Z');

  it('is overridable only by a viewer who may override the freeze', () => {
    const [withoutPermission] = rollbackTargets({
      ladder,
      rungs: frozenProd,
      promotions: [],
      permitted: null,
      emergencyAllowed: false,
      now: at,
    });
    expect(withoutPermission).toMatchObject({
      allowed: false,
      rule: 'target-is-not-frozen',
      freeze: { reason: 'Year-end freeze', until: '2026-12-02T00:00:00.000Z' },
    });
    expect(withoutPermission).not.toHaveProperty('overridable');

    const [withPermission] = rollbackTargets({
      ladder,
      rungs: frozenProd,
      promotions: [],
      permitted: null,
      emergencyAllowed: false,
      mayOverrideFreeze: true,
      now: at,
    });
    expect(withPermission).toEqual({
      ...withoutPermission,
      overridable: 'freeze',
    });
  });

  it('is not overridable when the permission policy refuses the rung', () => {
    const [prod] = rollbackTargets({
      ladder,
      rungs: frozenProd,
      promotions: [],
      permitted: new Set(['staging']),
      emergencyAllowed: true,
      mayOverrideFreeze: true,
      mayRollBackInEmergency: true,
      now: at,
    });
    expect(prod).toMatchObject({ allowed: false, rule: 'permission' });
    expect(prod).not.toHaveProperty('overridable');
    expect(prod).not.toHaveProperty('emergencyAvailable');
  });

  it('offers the emergency path only with the platform’s config and the viewer’s permission', () => {
    const targets = (emergencyAllowed: boolean, may: boolean) =>
      rollbackTargets({
        ladder,
        rungs: RUNG_RULES,
        promotions: [],
        permitted: null,
        emergencyAllowed,
        mayRollBackInEmergency: may,
        now: at,
      });
    expect(targets(true, true)).toEqual([
      expect.objectContaining({
        targetEnvironment: 'prod',
        allowed: true,
        emergencyAvailable: true,
      }),
    ]);
    expect(targets(false, true)[0]).not.toHaveProperty('emergencyAvailable');
    expect(targets(true, false)[0]).not.toHaveProperty('emergencyAvailable');
  });

  it('offers no emergency for a rung whose gate needs no approval', () => {
    const staging = rung('staging', [V2], {
      workloads: [
        deployment('staging', 3, 3, {
          revision: 2,
          history: [
            { revision: 1, firstRevision: 1, image: null, digests: [V1] },
            { revision: 2, firstRevision: 2, image: null, digests: [V2] },
          ],
        }),
      ],
    });
    const targets = rollbackTargets({
      ladder: ladderOf({ staging, prod: rung('prod', [V1]) }),
      rungs: RUNG_RULES,
      promotions: [],
      permitted: null,
      emergencyAllowed: true,
      mayRollBackInEmergency: true,
      now: at,
    });
    expect(targets).toEqual([
      expect.objectContaining({ targetEnvironment: 'staging', allowed: true }),
    ]);
    expect(targets[0]).not.toHaveProperty('emergencyAvailable');
  });

  it('offers no emergency for a rollback refused by anything the viewer cannot override', () => {
    const [prod] = rollbackTargets({
      ladder,
      rungs: RUNG_RULES,
      promotions: [
        {
          id: 'p2',
          kind: 'promotion',
          entityRef: 'component:default/shop',
          sourceEnvironment: 'staging',
          targetEnvironment: 'prod',
          digest: V3,
          reason: 'r',
          requestedBy: 'user:default/jane',
          state: 'pr-open',
          verdicts: [],
          pullRequest: { url: 'https://x', number: 5, branch: 'b' },
          approvals: [],
          createdAt: '2026-11-30T00:00:00.000Z',
          updatedAt: '2026-11-30T00:00:00.000Z',
          history: [],
          error: null,
        },
      ],
      permitted: null,
      emergencyAllowed: true,
      mayRollBackInEmergency: true,
      mayOverrideFreeze: true,
      now: at,
    });
    expect(prod).toMatchObject({
      allowed: false,
      rule: 'no-promotion-in-flight',
    });
    expect(prod).not.toHaveProperty('emergencyAvailable');
    expect(prod).not.toHaveProperty('overridable');
  });

  it('offers both the override and the emergency on a frozen rung that needs an approval', () => {
    const [prod] = rollbackTargets({
      ladder,
      rungs: frozenProd,
      promotions: [],
      permitted: null,
      emergencyAllowed: true,
      mayOverrideFreeze: true,
      mayRollBackInEmergency: true,
      now: at,
    });
    expect(prod).toMatchObject({
      allowed: false,
      rule: 'target-is-not-frozen',
      overridable: 'freeze',
      emergencyAvailable: true,
    });
  });
});
