import {
  C1,
  C2,
  CI_EXTERNAL_ACCESS,
  startTrustWorld,
  type TrustBackend,
  type TrustWorld,
} from './__testUtils__/startTrustWorld';
import { gitOpsLadderDriver } from './__testUtils__/gitOpsLadderDriver';

type Driver = ReturnType<typeof gitOpsLadderDriver>;

/**
 * A promotion all the way (issue 16.7): the fixture clusters follow acme/gitops on the
 * GitHub stand-in as Argo CD would (packages/fixture-cluster, "GitOps sync"), so a
 * merged promotion pull request rolls the target rung out, and the production code path
 * — the reconciler reading the rung through the Kubernetes plugin's clusters — takes the
 * ledger to `running` and `verified`; a canary whose analysis fails aborts, and the
 * ledger ends `failed` with the rollback offered. Nothing in the backend is faked.
 *
 * The cases run in order on one world, each from where the one before left the ladder:
 * checkout 1.5.0 (C2) climbs staging and prod; then a new build from CI climbs dev,
 * staging and prod, where its canary fails; then prod's pin is rolled back to its stable
 * digest C2 (Argo Rollouts goes straight back to the stable ReplicaSet), and once more to
 * C1, where the canary steps and their analysis run again; each rollback approved,
 * merged, synced and verified. (gitOpsRollbackWindow.test.ts: a Rollout with a rollback
 * window.)
 */
jest.setTimeout(120_000);

let world: TrustWorld;
let api: TrustBackend;
let promotionState: Driver['promotionState'];
let reconcileUntil: Driver['reconcileUntil'];
let mergeAtTheStandIn: Driver['mergeAtTheStandIn'];
let rung: Driver['rung'];
let requestIntoProd: Driver['requestIntoProd'];

/** A build CI brings into dev; its canary analysis fails in prod. */
const BUILT = `sha256:${'d4'.repeat(32)}`;

beforeAll(async () => {
  world = await startTrustWorld({
    gitops: { speed: 25, failingDigests: [BUILT] },
  });
  // The live model on: the ladder reads the clusters through its watches.
  api = await world.startBackend({
    model: true,
    claimDuration: '1s',
    externalAccess: CI_EXTERNAL_ACCESS,
  });
  ({
    promotionState,
    reconcileUntil,
    mergeAtTheStandIn,
    rung,
    requestIntoProd,
  } = gitOpsLadderDriver(world, api));
});

afterAll(async () => {
  await world?.close();
});

it('promotes checkout to staging: the pull request merged at the stand-in rolls staging out, and the ledger reaches verified', async () => {
  const before = await rung('staging');
  expect(before.rung.digests).toEqual([C1]);

  const response = await api.post('/promotions', {
    entityRef: 'component:default/checkout',
    targetEnvironment: 'staging',
    reason: 'Ship 1.5.0 to staging',
  });
  expect(response.status).toBe(201);
  const { id, pullRequest } = response.body.promotion;
  expect(response.body.promotion).toMatchObject({
    digest: C2,
    state: 'pr-open',
  });
  expect(pullRequest.number).toBeGreaterThan(0);

  // Open, nothing moves: the clusters follow main only.
  await api.reconcile();
  expect((await promotionState(id)).state).toBe('pr-open');
  expect((await rung('staging')).rung.digests).toEqual([C1]);

  await mergeAtTheStandIn(pullRequest.number);
  const { promotion, seen } = await reconcileUntil(id, ['verified', 'failed']);
  expect(promotion.state).toBe('verified');
  // The roll takes several passes: at least one saw the rung part-way (merged or running).
  expect(seen.length).toBeGreaterThan(1);
  expect(promotion.history.map((e: { state: string }) => e.state)).toEqual([
    'requested',
    'pr-open',
    'merged',
    'running',
    'verified',
  ]);
  expect(promotion.history[4].message).toBe(
    'Staging runs sha256:867d848fca6f… on all 3 replicas; deployment checkout fully available (3/3)',
  );

  const after = await rung('staging');
  expect(after.rung.digests).toEqual([C2]);
  // The ledger may verify at 3/3 ready, a step before the sync scales the old
  // ReplicaSet to 0: wait for the sync's last step.
  await world.fixtures.gitops!.whenIdle();
  expect(world.fixtures.gitops!.syncs()).toEqual([
    expect.objectContaining({
      cluster: 'staging',
      workload: 'Deployment checkout/checkout',
      digest: C2,
      state: 'done',
    }),
  ]);
  // The rung staging ran before is now the one it can roll back to.
  expect(after.rollbackTarget).toMatchObject({ digest: C1, allowed: true });
});

const promoteToProd = (reason: string) => requestIntoProd(reason);

it('promotes the same digest to prod: the canary walks its steps, its analysis succeeds, and the ledger reaches verified', async () => {
  const requested = await promoteToProd('Ship 1.5.0 to prod');
  expect(requested.digest).toBe(C2);
  await mergeAtTheStandIn(requested.pullRequest.number);
  const { promotion, seen } = await reconcileUntil(requested.id, [
    'verified',
    'failed',
  ]);
  expect(promotion.state).toBe('verified');
  expect(seen).toContain('running');
  const verified = promotion.history[promotion.history.length - 1];
  expect(verified.message).toMatch(
    /^Prod runs sha256:867d848fca6f… on all 5 replicas; rollout checkout Healthy; analysis checkout-[a-z0-9]{10}-7-2 Successful$/,
  );
  const prod = await rung('prod');
  expect(prod.rung.digests).toEqual([C2]);
  expect(prod.rung.rollouts[0]).toMatchObject({
    phase: 'Healthy',
    step: '5/5',
    aborted: false,
  });
  await world.fixtures.gitops!.whenIdle();
  expect(world.fixtures.gitops!.syncs()[1]).toMatchObject({
    cluster: 'prod',
    workload: 'Rollout checkout/checkout',
    revision: 7,
    outcome: 'complete',
    state: 'done',
  });
});

it("brings a CI build up the ladder: dev and staging verified, and prod's canary analysis fails: the Rollout aborts, the ledger ends failed, the rollback offered", async () => {
  // CI into dev: the reconciler merges the pull request itself (auto-merge).
  const ci = await api.post(
    '/ci/promotions',
    {
      entityRef: 'component:default/checkout',
      digest: BUILT,
      reason: 'CI build 812 of main',
    },
    'ci',
  );
  expect(ci.status).toBe(201);
  const dev = await reconcileUntil(ci.body.promotion.id, [
    'verified',
    'failed',
  ]);
  expect(dev.promotion.state).toBe('verified');
  expect((await rung('dev')).rung.digests).toEqual([BUILT]);

  const toStaging = await api.post('/promotions', {
    entityRef: 'component:default/checkout',
    targetEnvironment: 'staging',
    reason: 'Ship build 812 to staging',
  });
  expect(toStaging.status).toBe(201);
  expect(toStaging.body.promotion.digest).toBe(BUILT);
  await mergeAtTheStandIn(toStaging.body.promotion.pullRequest.number);
  const staging = await reconcileUntil(toStaging.body.promotion.id, [
    'verified',
    'failed',
  ]);
  expect(staging.promotion.state).toBe('verified');

  const requested = await promoteToProd('Ship build 812 to prod');
  expect(requested.digest).toBe(BUILT);
  await mergeAtTheStandIn(requested.pullRequest.number);
  const { promotion } = await reconcileUntil(requested.id, [
    'verified',
    'failed',
  ]);
  expect(promotion.state).toBe('failed');
  const failedEvent = promotion.history[promotion.history.length - 1];
  expect(failedEvent.message).toBe(
    'rollout checkout in Prod was aborted: RolloutAborted: Rollout aborted update to revision 8: Metric "success-rate" assessed Failed due to failed (3) > failureLimit (2)',
  );

  const prod = await rung('prod');
  // Argo Rollouts scaled the canary down: prod runs its stable digest again, on every replica.
  expect(prod.rung.digests).toEqual([C2]);
  expect(prod.rung.replicas).toEqual({ ready: 5, desired: 5 });
  const rollout = prod.rung.rollouts[0];
  expect(rollout).toMatchObject({ phase: 'Degraded', aborted: true });
  expect(
    rollout.analysisRuns.find((r: { revision: number }) => r.revision === 8),
  ).toMatchObject({ phase: 'Failed' });
  // The rollback of prod is offered to whoever may promote there: back to C2, what its
  // stable pods run and the last digest verified there, since prod still pins the build.
  expect((await rung('prod', 'releaser')).rollbackTarget).toMatchObject({
    digest: C2,
    evidence: 'ledger',
    allowed: true,
  });
  expect(
    world.fixtures.gitops!.syncs().map(s => [s.cluster, s.outcome]),
  ).toEqual([
    ['staging', 'complete'],
    ['prod', 'complete'],
    ['dev', 'complete'],
    ['staging', 'complete'],
    ['prod', 'aborted'],
  ]);
});

const PROD_FILE = 'apps/checkout/overlays/prod/kustomization.yaml';

it("reverts prod's pin to its stable digest after the failed canary: the rollback offered is C2, a digest-only pull request from the build to C2, approved by a second member; Argo Rollouts goes straight back to the stable ReplicaSet, and the ledger's rollback reaches verified", async () => {
  const before = await rung('prod', 'releaser');
  // Prod's pods run C2 again, but the GitOps repository (and so the Rollout's spec) still
  // pins the build, and the Rollout stays Degraded until the pin changes.
  expect(before.rung.digests).toEqual([C2]);
  expect(before.rung.rollouts[0]).toMatchObject({
    phase: 'Degraded',
    aborted: true,
  });
  expect(before.rollbackTarget).toMatchObject({
    digest: C2,
    evidence: 'ledger',
    allowed: true,
  });

  const requested = await api.post(
    '/promotions',
    {
      entityRef: 'component:default/checkout',
      targetEnvironment: 'prod',
      kind: 'rollback',
      reason: 'Build 812 failed its canary; back to 1.5.0',
    },
    'releaser',
  );
  expect(requested.status).toBe(201);
  const { id } = requested.body.promotion;
  expect(requested.body.promotion).toMatchObject({
    kind: 'rollback',
    digest: C2,
    state: 'requested',
  });
  // The rule compared C2 with prod's pin, not with what its pods run.
  expect(
    requested.body.promotion.verdicts.find(
      (v: { rule: string }) => v.rule === 'rollback-digest-differs',
    ),
  ).toEqual({
    rule: 'rollback-digest-differs',
    passed: true,
    message: `Prod pins sha256:${'d4'.repeat(
      6,
    )}… (its aborted canary); its pods run sha256:867d848fca6f…; it is not pinned to sha256:867d848fca6f…`,
  });
  // Prod's gate holds a rollback too: the requester cannot approve it, a second member can.
  const selfApproved = await api.post(
    `/promotions/${id}/approve`,
    {},
    'releaser',
  );
  expect(selfApproved.status).toBe(409);
  expect(selfApproved.body.error.message).toMatch(
    /^Rule approver-is-not-requester: /,
  );
  expect((await promotionState(id)).state).toBe('requested');
  const approved = await api.post(`/promotions/${id}/approve`, {}, 'approver');
  expect(approved.status).toBe(200);
  expect(approved.body.promotion.state).toBe('pr-open');

  // The pull request changes only the digest, from the build to C2.
  const { number } = approved.body.promotion.pullRequest;
  const pull = world.github
    .state()
    .repositories.find(repo => repo.fullName === 'acme/gitops')!
    .pulls.find(p => p.number === number)!;
  expect(pull.files).toEqual([PROD_FILE]);
  const onMain = world.github.readFile('acme/gitops', PROD_FILE)!;
  expect(onMain).toContain(BUILT);
  expect(world.github.readFile('acme/gitops', PROD_FILE, pull.head)).toBe(
    onMain.split(BUILT).join(C2),
  );

  await mergeAtTheStandIn(number);
  const { promotion } = await reconcileUntil(id, ['verified', 'failed']);
  expect(promotion.state).toBe('verified');
  expect(promotion.kind).toBe('rollback');
  // Back to the stable ReplicaSet: no steps, so no AnalysisRun of revision 9 to wait for.
  expect(promotion.history[promotion.history.length - 1].message).toBe(
    'Prod runs sha256:867d848fca6f… on all 5 replicas; rollout checkout Healthy; no analysis of this revision: Argo Rollouts fast-tracked the rollback',
  );

  const after = await rung('prod', 'releaser');
  expect(after.rung.digests).toEqual([C2]);
  expect(after.rung.rollouts[0]).toMatchObject({
    phase: 'Healthy',
    step: '5/5',
    aborted: false,
  });
  expect(
    after.rung.rollouts[0].analysisRuns.filter(
      (r: { revision: number }) => r.revision === 9,
    ),
  ).toEqual([]);
  await world.fixtures.gitops!.whenIdle();
  expect(world.fixtures.gitops!.syncs()[5]).toMatchObject({
    cluster: 'prod',
    workload: 'Rollout checkout/checkout',
    digest: C2,
    revision: 9,
    outcome: 'complete',
    state: 'done',
  });
  // Prod pins and runs C2: the one before it, C1 (revision 6 of its Rollout, never in
  // the ledger), is the next rollback target.
  expect(after.rollbackTarget).toMatchObject({
    digest: C1,
    evidence: 'replicaSets',
    allowed: true,
  });
});

it("rolls prod back once more, to C1 outside any rollback window: Argo Rollouts walks the full canary with analysis again, and the ledger's rollback reaches verified", async () => {
  const rollback = await requestIntoProd(
    '1.5.0 misbehaves too; back to 1.4.0',
    {
      kind: 'rollback',
    },
  );
  expect(rollback).toMatchObject({ kind: 'rollback', digest: C1 });
  await mergeAtTheStandIn(rollback.pullRequest.number);
  const { promotion, seen } = await reconcileUntil(rollback.id, [
    'verified',
    'failed',
  ]);
  expect(promotion.state).toBe('verified');
  expect(seen).toContain('running');
  // C1's ReplicaSet is reused at a new revision (10); outside any rollback window Argo
  // Rollouts re-runs the steps, so the verdict names the analysis of revision 10.
  expect(promotion.history[promotion.history.length - 1].message).toMatch(
    /^Prod runs sha256:1f04c1cf8c64… on all 5 replicas; rollout checkout Healthy; analysis checkout-[a-z0-9]{10}-10-2 Successful$/,
  );

  const after = await rung('prod', 'releaser');
  expect(after.rung.digests).toEqual([C1]);
  expect(after.rung.rollouts[0]).toMatchObject({
    phase: 'Healthy',
    step: '5/5',
    aborted: false,
  });
  await world.fixtures.gitops!.whenIdle();
  expect(world.fixtures.gitops!.syncs()[6]).toMatchObject({
    cluster: 'prod',
    workload: 'Rollout checkout/checkout',
    digest: C1,
    revision: 10,
    outcome: 'complete',
    state: 'done',
  });
  // Now the ledger knows C2 ran verified in prod and prod does not pin it: it is the target.
  expect(after.rollbackTarget).toMatchObject({
    digest: C2,
    evidence: 'ledger',
    allowed: true,
  });
});
