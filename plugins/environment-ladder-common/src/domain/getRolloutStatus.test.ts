import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { builds, pinned, workload } from '../__fixtures__/ladder/kubernetes';
import { prodMidCanaryLadder } from '../__fixtures__/ladder/stories';
import type { RungObjects } from '../types';
import { getRolloutStatus } from './getRolloutStatus';

const TESTDATA = path.resolve(
  __dirname,
  '../__fixtures__/argo-cd/resource_customizations/argoproj.io/Rollout/testdata',
);

function argoFixture(file: string): any {
  return parse(fs.readFileSync(path.join(TESTDATA, file), 'utf8'));
}

const none = { replicaSets: [], pods: [], analysisRuns: [], cluster: 'c' };

function context(objects: RungObjects, cluster = 'prod-eu-1') {
  return {
    replicaSets: objects.replicaSets,
    pods: objects.pods,
    analysisRuns: objects.analysisRuns,
    cluster,
  };
}

describe('getRolloutStatus', () => {
  it('reads a canary mid-way: step, weights, roles, digests and analysis', () => {
    const prod = prodMidCanaryLadder().rungs[3].result as {
      objectsByCluster: Array<{ cluster: string; objects: RungObjects }>;
    };
    const objects = prod.objectsByCluster[0].objects;
    expect(getRolloutStatus(objects.rollouts[0], context(objects))).toEqual({
      cluster: 'prod-eu-1',
      namespace: 'shop',
      name: 'shop',
      strategy: 'Canary',
      phase: 'Progressing',
      message: 'more replicas need to be updated',
      explanation: '1 of 4 replicas run the new version so far.',
      step: '3/8',
      setWeight: 25,
      actualWeight: 25,
      replicas: { desired: 4, current: 4, updated: 1, ready: 4, available: 4 },
      images: [
        { image: pinned(builds.v3), digests: [builds.v3], roles: ['canary'] },
        { image: pinned(builds.v2), digests: [builds.v2], roles: ['stable'] },
      ],
      // The CLI's list: every container (the sidecar too), sorted by image.
      cliImages: [
        { image: 'docker.io/istio/proxyv2:1.22.1', tags: ['canary', 'stable'] },
        { image: pinned(builds.v2), tags: ['stable'] },
        { image: pinned(builds.v3), tags: ['canary'] },
      ],
      analysisRuns: [
        expect.objectContaining({
          name: 'shop-6c7b8d9e5f-2-3',
          phase: 'Successful',
          message: 'Metric assessed Successful',
          metrics: [
            expect.objectContaining({
              name: 'success-rate',
              phase: 'Successful',
              lastValue: '[0.9991]',
              successful: 3,
              failed: 0,
              inconclusive: 0,
              error: 0,
              message: null,
            }),
          ],
        }),
        expect.objectContaining({
          name: 'shop-7f9c8b6d4e-3-3',
          phase: 'Running',
          message: null,
          metrics: [
            expect.objectContaining({
              name: 'success-rate',
              phase: 'Running',
              lastValue: '[0.9981]',
              successful: 2,
            }),
          ],
        }),
      ],
      aborted: false,
    });
  });

  it('takes the setWeight of the last weight step at or before the current one', () => {
    // steps: setWeight 20, pause 20s, setWeight 40, pause {} — at index 3
    const status = getRolloutStatus(
      argoFixture('canary/progressing_setWeightStep.yaml'),
      none,
    );
    expect(status).toMatchObject({
      step: '3/4',
      setWeight: 40,
      strategy: 'Canary',
    });
    // v1.0 paused at step 1 after setWeight 21
    expect(
      getRolloutStatus(argoFixture('suspended_v1.0_pausedRollout.yaml'), none),
    ).toMatchObject({
      phase: 'Paused',
      message: 'CanaryPauseStep',
      step: '1/8',
      setWeight: 21,
    });
  });

  it('reports 100% once all steps ran or without steps, 0% once aborted', () => {
    expect(
      getRolloutStatus(
        argoFixture('canary/healthy_executedAllSteps.yaml'),
        none,
      ),
    ).toMatchObject({
      step: '4/4',
      setWeight: 100,
    });
    expect(
      getRolloutStatus(argoFixture('canary/healthy_noSteps.yaml'), none),
    ).toMatchObject({
      step: null,
      setWeight: 100,
    });
    expect(
      getRolloutStatus(argoFixture('degraded_abortedRollout.yaml'), none),
    ).toMatchObject({
      phase: 'Degraded',
      aborted: true,
      setWeight: 0,
    });
  });

  it('takes the actual weight from a traffic router when it reports one', () => {
    const rollout = argoFixture('suspended_v1.0_pausedRollout.yaml');
    rollout.spec.strategy.canary.trafficRouting = {
      nginx: { stableIngress: 'x' },
    };
    rollout.status.canary = {
      weights: {
        canary: {
          podTemplateHash: '8566c77b97',
          serviceName: 'rollouts-demo-desired',
          weight: 20,
        },
        stable: {
          podTemplateHash: '77f4f8ff97',
          serviceName: 'rollouts-demo-stable',
          weight: 80,
        },
      },
    };
    expect(getRolloutStatus(rollout, none).actualWeight).toBe(20);
  });

  it('reads a blue-green rollout: active and preview roles, no weights', () => {
    const objects = workload({
      kind: 'Rollout',
      namespace: 'shop',
      name: 'shop',
      replicas: 2,
      strategy: {
        blueGreen: {
          activeService: 'shop',
          previewService: 'shop-preview',
          autoPromotionEnabled: false,
        },
      },
      revisions: [
        {
          revision: 1,
          hash: 'aaaaaaaaa1',
          image: pinned(builds.v1),
          podDigests: [builds.v1, builds.v1],
        },
        {
          revision: 2,
          hash: 'bbbbbbbbb2',
          image: pinned(builds.v2),
          podDigests: [builds.v2, builds.v2],
        },
      ],
      status: {
        phase: 'Paused',
        message: 'BlueGreenPause',
        currentPodHash: 'bbbbbbbbb2',
        stableRS: 'aaaaaaaaa1',
        blueGreen: {
          activeSelector: 'aaaaaaaaa1',
          previewSelector: 'bbbbbbbbb2',
        },
        pauseConditions: [
          { reason: 'BlueGreenPause', startTime: '2024-05-08T12:00:00Z' },
        ],
        controllerPause: true,
      },
    });
    expect(
      getRolloutStatus(objects.rollouts[0], context(objects)),
    ).toMatchObject({
      strategy: 'BlueGreen',
      phase: 'Paused',
      message: 'BlueGreenPause',
      step: null,
      setWeight: null,
      actualWeight: null,
      images: [
        { image: pinned(builds.v2), digests: [builds.v2], roles: ['preview'] },
        {
          image: pinned(builds.v1),
          digests: [builds.v1],
          roles: ['stable', 'active'],
        },
      ],
    });
  });

  it("uses the ReplicaSet's pinned image when no pod reports a digest, and pod digests over the spec", () => {
    const objects = workload({
      kind: 'Rollout',
      namespace: 'shop',
      name: 'shop',
      replicas: 1,
      revisions: [
        { revision: 1, hash: 'aaaaaaaaa1', image: pinned(builds.v1) },
        {
          revision: 2,
          hash: 'bbbbbbbbb2',
          image: 'ghcr.io/acme/shop:2',
          podDigests: [builds.v2],
        },
      ],
      status: { currentPodHash: 'bbbbbbbbb2', stableRS: 'aaaaaaaaa1' },
    });
    // The stable ReplicaSet is scaled down but keeps its role.
    expect(
      getRolloutStatus(objects.rollouts[0], context(objects)).images,
    ).toEqual([
      { image: 'ghcr.io/acme/shop:2', digests: [builds.v2], roles: ['canary'] },
      { image: pinned(builds.v1), digests: [builds.v1], roles: ['stable'] },
    ]);
  });

  it('finds pods by the hash label when owner references are missing, and ignores other rollouts', () => {
    const objects = workload({
      kind: 'Rollout',
      namespace: 'shop',
      name: 'shop',
      replicas: 2,
      revisions: [
        {
          revision: 1,
          hash: 'aaaaaaaaa1',
          image: 'shop:1',
          podDigests: [builds.v1, builds.v1],
        },
      ],
      status: { currentPodHash: 'aaaaaaaaa1', stableRS: 'aaaaaaaaa1' },
    });
    for (const p of objects.pods as any[]) delete p.metadata.ownerReferences;
    const other = { ...(objects.replicaSets[0] as any) };
    other.metadata = {
      ...other.metadata,
      name: 'cart-aaaaaaaaa1',
      uid: 'cart-rs',
      ownerReferences: [
        { kind: 'Rollout', name: 'cart', uid: 'cart-uid', controller: true },
      ],
    };
    const status = getRolloutStatus(objects.rollouts[0], {
      ...context(objects),
      replicaSets: [...objects.replicaSets, other],
    });
    expect(status.images).toEqual([
      { image: 'shop:1', digests: [builds.v1], roles: ['stable'] },
    ]);
  });

  it('does not trust status.phase before the controller observed the current generation', () => {
    const rollout = argoFixture('healthy_newWorkloadGeneration.yaml');
    expect(getRolloutStatus(rollout, none).phase).toBe('Healthy');
    for (const observedGeneration of ['2', 2]) {
      const stale = {
        ...rollout,
        status: { ...rollout.status, observedGeneration },
      };
      expect(getRolloutStatus(stale, none)).toMatchObject({
        phase: 'Progressing',
        message: 'waiting for rollout spec update to be observed',
      });
    }
    const numeric = {
      ...rollout,
      status: { ...rollout.status, observedGeneration: 3 },
    };
    expect(getRolloutStatus(numeric, none).phase).toBe('Healthy');
  });

  it('derives the phase of a rollout without status.phase from the older fields', () => {
    const rollout = argoFixture('healthy_newWorkloadGeneration.yaml');
    const { phase: _phase, ...legacy } = rollout.status;
    expect(getRolloutStatus({ ...rollout, status: legacy }, none).phase).toBe(
      'Healthy',
    );
    expect(
      getRolloutStatus(
        { ...rollout, status: { ...legacy, stableRS: 'old' } },
        none,
      ),
    ).toMatchObject({
      phase: 'Progressing',
      message: 'waiting for all steps to complete',
    });
    // CalculateRolloutPhase reads the RolloutAborted condition, not status.abort.
    expect(
      getRolloutStatus(
        { ...rollout, status: { ...legacy, abort: true } },
        none,
      ),
    ).toMatchObject({ phase: 'Healthy', message: '', aborted: true });
  });

  it('is Progressing while the controller lifts its own pause', () => {
    const rollout = argoFixture('suspended_v1.0_pausedRollout.yaml');
    rollout.status.pauseConditions = [];
    expect(getRolloutStatus(rollout, none)).toMatchObject({
      phase: 'Progressing',
      message: 'waiting for rollout to unpause',
    });
  });

  it('names no strategy when the spec has none, as the CLI prints an empty Strategy', () => {
    const status = getRolloutStatus(
      argoFixture('degraded_invalidSpec.yaml'),
      none,
    );
    expect(status).toMatchObject({
      strategy: null,
      actualWeight: null,
      setWeight: null,
      step: null,
    });
  });
});
