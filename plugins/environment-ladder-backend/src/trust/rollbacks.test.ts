import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  C1,
  C2,
  EVENTS,
  PROMOTIONS,
  startTrustWorld,
  type TrustBackend,
  type TrustWorld,
} from './__testUtils__/startTrustWorld';
import { trustTally } from './__testUtils__/trustTally';

/**
 * Trust, part 8: rollbacks. `POST /promotions` with `kind: 'rollback'` moves a rung back
 * to a digest it ran before (the ledger's previous verified one, else its ReplicaSet
 * history) through the same digest-only pull request, recorded in the ledger as a
 * rollback. Refusals change nothing; prod keeps its approval unless the platform allows
 * the emergency path and the caller holds `environment-ladder.rollback.emergency`.
 */
jest.setTimeout(90_000);

const tally = trustTally('rollbacks');

const expected = JSON.parse(
  fs.readFileSync(
    path.resolve(__dirname, '../../../../examples/clusters/expected.json'),
    'utf8',
  ),
);
/** checkout 1.3.2: staging's and prod's previous ReplicaSet ran it. */
const C0: string = expected.checkout.staging.replicaSets.find(
  (rs: { replicas: number }) => rs.replicas === 0,
).digest;
const hex12 = (digest: string) => digest.slice(7, 19);

let world: TrustWorld;
let api: TrustBackend;
/** The same world, with `promotions.rollback.emergency: true`. */
let emergencyApi: TrustBackend;

beforeAll(async () => {
  world = await startTrustWorld();
  api = await world.startBackend();
  emergencyApi = await world.startBackend({ rollbackEmergency: true });
});

afterAll(async () => {
  await world?.close();
});

const rollback = (extra: Record<string, unknown> = {}) => ({
  entityRef: 'component:default/checkout',
  targetEnvironment: 'staging',
  kind: 'rollback',
  reason: 'Checkout errors since the last release',
  ...extra,
});

type Target = { targetEnvironment: string };
const rollbackTarget = (body: any, rung: string) =>
  body.promotions.rollbackTargets.find(
    (t: Target) => t.targetEnvironment === rung,
  );

/** Records a promotion into `target` as verified, as an earlier one would have. */
async function recordVerified(target: string, digest: string) {
  const id = randomUUID();
  const at = new Date(Date.now() - 3_600_000);
  await world.db(PROMOTIONS).insert({
    id,
    entity_ref: 'component:default/checkout',
    source_environment: 'dev',
    target_environment: target,
    digest,
    reason: 'An earlier release',
    requested_by: 'user:default/mock',
    state: 'verified',
    verdicts: '[]',
    approvals: '[]',
    in_flight_key: null,
    created_at: at,
    updated_at: at,
  });
  await world.db(EVENTS).insert({
    promotion_id: id,
    state: 'verified',
    message: 'verified',
    at,
  });
}

it('the ladder offers a rollback of staging to the digest its previous ReplicaSet ran', () =>
  tally.trial(async () => {
    await world.reset();
    const response = await api.get(
      '/entities/component/default/checkout/ladder',
    );
    expect(response.status).toBe(200);
    expect(rollbackTarget(response.body, 'staging')).toEqual({
      targetEnvironment: 'staging',
      digest: C0,
      evidence: 'replicaSets',
      allowed: true,
      rule: null,
      reason: null,
    });
    // The owner may not promote into prod, so not roll it back either.
    expect(rollbackTarget(response.body, 'prod')).toMatchObject({
      digest: C0,
      allowed: false,
      rule: 'permission',
    });
  }));

it('rolls staging back: a dry run that changes nothing, then a pull request that says it is a rollback', () =>
  tally.trial(async () => {
    await world.reset();
    const before = await world.state();
    const dryRun = await api.post('/promotions', rollback({ dryRun: true }));
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.promotion).toMatchObject({
      kind: 'rollback',
      sourceEnvironment: 'staging',
      targetEnvironment: 'staging',
      digest: C0,
    });
    expect(dryRun.body.dryRun.pullRequest).toMatchObject({
      title: `Roll back checkout in staging to sha256:${hex12(C0)}`,
      branch: `environment-ladder/checkout/staging-rollback-${hex12(C0)}`,
    });
    expect(dryRun.body.dryRun.diff).toContain(`+`);
    expect(dryRun.body.dryRun.diff).toContain(C0);
    expect(dryRun.body.dryRun.diff).toContain(`-`);
    expect(await world.state()).toEqual(before);

    const response = await api.post('/promotions', rollback());
    expect(response.status).toBe(201);
    expect(response.body.promotion).toMatchObject({
      kind: 'rollback',
      targetEnvironment: 'staging',
      digest: C0,
      state: 'pr-open',
      pullRequest: {
        number: 1,
        branch: `environment-ladder/checkout/staging-rollback-${hex12(C0)}`,
      },
    });
    expect(response.body.promotion).not.toHaveProperty('emergency');
    const [row] = await world
      .db(PROMOTIONS)
      .where({ id: response.body.promotion.id })
      .select('kind');
    expect(row.kind).toBe('rollback');
    expect(await world.brokenPromises()).toEqual([]);

    // A second rollback meets the first in flight, and changes nothing.
    const after = await world.state();
    const again = await api.post('/promotions', rollback());
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/^Rule no-promotion-in-flight: /);
    expect(await world.state()).toEqual(after);

    const list = await api.get(
      '/entities/component/default/checkout/promotions',
    );
    expect(list.body.items.map((p: { kind: string }) => p.kind)).toEqual([
      'rollback',
    ]);
  }));

it("prefers the ledger's previous verified digest to the ReplicaSet history", () =>
  tally.trial(async () => {
    await world.reset();
    await recordVerified('staging', C1);
    await recordVerified('staging', C2);
    const before = await world.state();
    const response = await api.post('/promotions', rollback({ dryRun: true }));
    expect(response.status).toBe(200);
    expect(response.body.promotion.digest).toBe(C2);
    expect(response.body.promotion.verdicts).toContainEqual({
      rule: 'rollback-digest-ran-here',
      passed: true,
      message: expect.stringMatching(
        /^Rolls back to the previous digest: sha256:867d848fca6f… ran verified in Staging/,
      ),
    });
    expect(await world.state()).toEqual(before);
  }));

it('refuses a digest staging never ran, and what it runs now, changing nothing', () =>
  tally.trial(async () => {
    await world.reset();
    const before = await world.state();
    const never = await api.post('/promotions', rollback({ digest: C2 }));
    expect(never.status).toBe(409);
    expect(never.body.error).toEqual({
      name: 'ConflictError',
      message: `Rule rollback-digest-ran-here: sha256:${hex12(
        C2,
      )}… never ran in Staging: no verified promotion into Staging in the ledger and no ReplicaSet of it ran that digest; a rollback only goes back to a digest the rung ran`,
    });
    const now = await api.post('/promotions', rollback({ digest: C1 }));
    expect(now.status).toBe(409);
    expect(now.body.error.message).toBe(
      `Rule rollback-digest-differs: Staging runs sha256:${hex12(
        C1,
      )}… now; there is nothing to roll back`,
    );
    expect(await world.state()).toEqual(before);
  }));

it('keeps the approval of prod: the rollback waits for it, with no pull request yet', () =>
  tally.trial(async () => {
    await world.reset();
    const response = await api.post(
      '/promotions',
      rollback({ targetEnvironment: 'prod' }),
      'releaser',
    );
    expect(response.status).toBe(201);
    expect(response.body.promotion).toMatchObject({
      kind: 'rollback',
      targetEnvironment: 'prod',
      digest: C0,
      state: 'requested',
      pullRequest: null,
    });
    expect((await world.state()).pulls).toEqual([]);
  }));

it('takes the emergency path only where the platform allows it and for those the policy lets', () =>
  tally.trial(async () => {
    await world.reset();
    const before = await world.state();
    const emergency = rollback({ targetEnvironment: 'prod', emergency: true });
    // Not allowed by this backend's config.
    const off = await api.post('/promotions', emergency, 'releaser');
    expect(off.status).toBe(400);
    expect(off.body.error.message).toMatch(/^Rule rollback-gate: /);
    // Allowed by the config, but the owner holds neither prod nor the emergency permission.
    const owner = await emergencyApi.post(
      '/promotions',
      rollback({ emergency: true }),
      'user',
    );
    expect(owner.status).toBe(403);
    expect(owner.body.error).toEqual({
      name: 'NotAllowedError',
      message:
        'You may not roll back component:default/checkout without an approval (emergency rollback)',
    });
    expect(await world.state()).toEqual(before);

    const response = await emergencyApi.post(
      '/promotions',
      emergency,
      'releaser',
    );
    expect(response.status).toBe(201);
    expect(response.body.promotion).toMatchObject({
      kind: 'rollback',
      emergency: true,
      targetEnvironment: 'prod',
      digest: C0,
      state: 'pr-open',
      approvals: [],
    });
    expect(response.body.promotion.verdicts).toContainEqual({
      rule: 'rollback-gate',
      passed: true,
      message:
        'Emergency rollback: the manual approval of Prod is skipped (the platform allows it and the requester may); the pull request opens at once and is still reviewed',
    });
    expect(await world.brokenPromises()).toEqual([]);
  }));

it('tells only a viewer who may skip prod’s approval, on a backend that allows it, that they may', () =>
  tally.trial(async () => {
    await world.reset();
    const prodAs = async (
      backend: TrustBackend,
      caller: 'user' | 'releaser',
    ) => {
      const response = await backend.get(
        '/entities/component/default/checkout/ladder',
        caller,
      );
      expect(response.status).toBe(200);
      return rollbackTarget(response.body, 'prod');
    };
    expect(await prodAs(emergencyApi, 'releaser')).toEqual({
      targetEnvironment: 'prod',
      digest: C0,
      evidence: 'replicaSets',
      allowed: true,
      rule: null,
      reason: null,
      emergencyAvailable: true,
    });
    // The same viewer on a backend whose config keeps every approval.
    expect(await prodAs(api, 'releaser')).toEqual({
      targetEnvironment: 'prod',
      digest: C0,
      evidence: 'replicaSets',
      allowed: true,
      rule: null,
      reason: null,
    });
    // The owner holds neither prod nor the emergency permission: nothing changes.
    const owner = await prodAs(emergencyApi, 'user');
    expect(owner).toMatchObject({ allowed: false, rule: 'permission' });
    expect(owner).not.toHaveProperty('emergencyAvailable');
    // Staging's gate needs no approval: there is nothing to skip.
    const staging = await emergencyApi.get(
      '/entities/component/default/checkout/ladder',
      'releaser',
    );
    expect(rollbackTarget(staging.body, 'staging')).not.toHaveProperty(
      'emergencyAvailable',
    );
  }));
