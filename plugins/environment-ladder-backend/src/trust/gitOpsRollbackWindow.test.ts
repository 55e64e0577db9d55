import {
  C1,
  C2,
  startTrustWorld,
  type TrustBackend,
  type TrustWorld,
} from './__testUtils__/startTrustWorld';
import { gitOpsLadderDriver } from './__testUtils__/gitOpsLadderDriver';
import { SECRETS } from './__testUtils__/secrets';

/**
 * A rollback of prod that Argo Rollouts fast-tracks: checkout's Rollout has
 * `spec.rollbackWindow` (packages/fixture-cluster, "Rollbacks of a Rollout"), so going
 * back to the ReplicaSet before the stable one skips every canary step and creates no
 * AnalysisRun. Prod's gate asks for canary analysis; the ledger's rollback must still
 * reach `verified` (nextPromotionState), not wait in `running` for a run that never
 * comes. The cases run in order on one world (gitOpsSync.test.ts: the default, where
 * the steps and their analysis run again).
 */
jest.setTimeout(120_000);

let world: TrustWorld;
let api: TrustBackend;
let driver: ReturnType<typeof gitOpsLadderDriver>;

const ROLLOUT_PATH =
  '/apis/argoproj.io/v1alpha1/namespaces/checkout/rollouts/checkout';

beforeAll(async () => {
  world = await startTrustWorld({ gitops: { speed: 25 } });
  api = await world.startBackend({ model: true, claimDuration: '1s' });
  driver = gitOpsLadderDriver(world, api);
});

afterAll(async () => {
  await world?.close();
});

it("gives prod's Rollout a rollback window of two revisions, then promotes 1.5.0 through staging into prod: a full canary with analysis, verified", async () => {
  const prodUrl = world.fixtures.clusters.find(c => c.name === 'prod')!.url;
  const read = await fetch(`${prodUrl}${ROLLOUT_PATH}`, {
    headers: { Authorization: `Bearer ${SECRETS.TRUST_CLUSTER_TOKEN}` },
  });
  expect(read.status).toBe(200);
  const rollout = await read.json();
  world.fixtures.apply('prod', {
    ...rollout,
    spec: { ...rollout.spec, rollbackWindow: { revisions: 2 } },
  });

  const toStaging = await api.post('/promotions', {
    entityRef: 'component:default/checkout',
    targetEnvironment: 'staging',
    reason: 'Ship 1.5.0 to staging',
  });
  expect(toStaging.status).toBe(201);
  await driver.mergeAtTheStandIn(toStaging.body.promotion.pullRequest.number);
  expect(
    (
      await driver.reconcileUntil(toStaging.body.promotion.id, [
        'verified',
        'failed',
      ])
    ).promotion.state,
  ).toBe('verified');

  const toProd = await driver.requestIntoProd('Ship 1.5.0 to prod');
  expect(toProd.digest).toBe(C2);
  await driver.mergeAtTheStandIn(toProd.pullRequest.number);
  const { promotion } = await driver.reconcileUntil(toProd.id, [
    'verified',
    'failed',
  ]);
  expect(promotion.state).toBe('verified');
  expect(promotion.history[promotion.history.length - 1].message).toMatch(
    /; analysis checkout-[a-z0-9]{10}-7-2 Successful$/,
  );
});

it('rolls prod back to 1.4.0 within the window: Argo Rollouts skips the steps and the analysis, and the ledger still reaches verified', async () => {
  const before = await driver.rung('prod', 'releaser');
  expect(before.rung.digests).toEqual([C2]);
  expect(before.rollbackTarget).toMatchObject({ digest: C1, allowed: true });

  const rollback = await driver.requestIntoProd('1.5.0 misbehaves in prod', {
    kind: 'rollback',
  });
  expect(rollback).toMatchObject({ kind: 'rollback', digest: C1 });
  await driver.mergeAtTheStandIn(rollback.pullRequest.number);
  const { promotion } = await driver.reconcileUntil(rollback.id, [
    'verified',
    'failed',
  ]);
  expect(promotion.state).toBe('verified');
  // One 5 s step (at speed 25): a single reconciler pass may see it all the way.
  // (The approval is an event of its own, still `requested`.)
  expect(
    promotion.history.map((e: { state: string }) => e.state).slice(-4),
  ).toEqual(['pr-open', 'merged', 'running', 'verified']);
  expect(promotion.history[promotion.history.length - 1].message).toBe(
    'Prod runs sha256:1f04c1cf8c64… on all 5 replicas; rollout checkout Healthy; no analysis of this revision: Argo Rollouts fast-tracked the rollback',
  );

  const after = await driver.rung('prod');
  expect(after.rung.digests).toEqual([C1]);
  const status = after.rung.rollouts[0];
  expect(status).toMatchObject({ phase: 'Healthy', aborted: false });
  // Revision 8 reused C1's ReplicaSet and ran no AnalysisRun.
  expect(
    status.analysisRuns.filter((r: { revision: number }) => r.revision === 8),
  ).toEqual([]);
  expect(
    world.fixtures.gitops!.syncs().map(s => [s.cluster, s.revision, s.outcome]),
  ).toEqual([
    ['staging', 6, 'complete'],
    ['prod', 7, 'complete'],
    ['prod', 8, 'complete'],
  ]);
});
