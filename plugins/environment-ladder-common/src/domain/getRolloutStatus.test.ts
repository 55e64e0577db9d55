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

// The four places where the tab differed from `kubectl argo rollouts get rollout`
// (issue 12), each on objects written for it.
describe('getRolloutStatus as the CLI prints it', () => {
  const meta = (name: string, extra: object = {}) => ({
    name,
    namespace: 'shop',
    uid: `uid-${name}`,
    ...extra,
  });
  const replicaSet = (
    hash: string,
    revision: number,
    image: string,
    status: { replicas: number; availableReplicas: number },
  ) => ({
    metadata: meta(`shop-${hash}`, {
      labels: { 'rollouts-pod-template-hash': hash },
      annotations: { 'rollout.argoproj.io/revision': String(revision) },
      ownerReferences: [
        { kind: 'Rollout', name: 'shop', uid: 'uid-shop', controller: true },
      ],
    }),
    spec: { template: { spec: { containers: [{ name: 'shop', image }] } } },
    status,
  });

  it('gives the pause reason as message for a paused blue-green rollout', () => {
    const status = getRolloutStatus(
      {
        metadata: meta('shop', { generation: 3 }),
        spec: {
          replicas: 2,
          strategy: {
            blueGreen: { activeService: 'a', autoPromotionEnabled: false },
          },
        },
        status: {
          observedGeneration: '3',
          phase: 'Paused',
          message: 'BlueGreenPause',
          pauseConditions: [{ reason: 'BlueGreenPause' }],
          controllerPause: true,
          currentPodHash: 'new',
          stableRS: 'old',
          blueGreen: { activeSelector: 'old', previewSelector: 'new' },
          replicas: 4,
          updatedReplicas: 2,
          readyReplicas: 4,
          availableReplicas: 4,
        },
      },
      {
        ...none,
        replicaSets: [
          replicaSet('new', 2, 'shop:2', { replicas: 2, availableReplicas: 2 }),
          replicaSet('old', 1, 'shop:1', { replicas: 2, availableReplicas: 2 }),
        ],
      },
    );
    expect(status).toMatchObject({
      strategy: 'BlueGreen',
      phase: 'Paused',
      message: 'BlueGreenPause',
      step: null,
      setWeight: null,
      actualWeight: null,
      replicas: { desired: 2, current: 4, updated: 2, ready: 4, available: 4 },
      cliImages: [
        { image: 'shop:1', tags: ['active', 'stable'] },
        { image: 'shop:2', tags: ['preview'] },
      ],
    });
    expect(status.explanation).toMatch(/preview/);
  });

  const canaryRollout = (statusExtra: object, canaryExtra: object = {}) => ({
    metadata: meta('shop', { generation: 7 }),
    spec: {
      replicas: 4,
      strategy: {
        canary: {
          steps: [{ setWeight: 50 }, { pause: {} }],
          ...canaryExtra,
        },
      },
    },
    status: {
      observedGeneration: '7',
      currentPodHash: 'new',
      stableRS: 'old',
      currentStepIndex: 0,
      replicas: 5,
      updatedReplicas: 1,
      readyReplicas: 4,
      availableReplicas: 4,
      ...statusExtra,
    },
  });
  const scaling = {
    ...none,
    replicaSets: [
      replicaSet('new', 2, 'shop:2', { replicas: 2, availableReplicas: 1 }),
      replicaSet('old', 1, 'shop:1', { replicas: 3, availableReplicas: 3 }),
    ],
  };

  it("gives the controller's short text, with no prefix, while the new ReplicaSet scales", () => {
    const status = getRolloutStatus(
      canaryRollout({
        phase: 'Progressing',
        message: 'more replicas need to be updated',
      }),
      scaling,
    );
    expect(status).toMatchObject({
      strategy: 'Canary',
      phase: 'Progressing',
      message: 'more replicas need to be updated',
      explanation: '1 of 4 replicas run the new version so far.',
      step: '0/2',
      setWeight: 50,
      replicas: { desired: 4, current: 5, updated: 1, ready: 4, available: 4 },
    });
  });

  it('computes the actual weight from available replicas without traffic routing', () => {
    // 1 available canary pod of 4 available: 25, whatever the set weight (50).
    expect(getRolloutStatus(canaryRollout({}), scaling).actualWeight).toBe(25);
  });

  it("takes the status' canary weight, else the set weight, with traffic routing", () => {
    const routing = { trafficRouting: { nginx: { stableIngress: 'shop' } } };
    expect(
      getRolloutStatus(
        canaryRollout(
          {
            canary: {
              weights: { canary: { weight: 10 }, stable: { weight: 90 } },
            },
          },
          routing,
        ),
        scaling,
      ).actualWeight,
    ).toBe(10);
    expect(
      getRolloutStatus(canaryRollout({}, routing), scaling).actualWeight,
    ).toBe(50);
  });

  it('gives the max traffic weight with no current step', () => {
    expect(
      getRolloutStatus(canaryRollout({ currentStepIndex: 2 }), scaling),
    ).toMatchObject({ step: '2/2', setWeight: 100, actualWeight: 100 });
  });

  it('still computes the actual weight of an invalid spec', () => {
    const status = getRolloutStatus(
      canaryRollout({
        phase: 'Degraded',
        message: 'InvalidSpec: The Rollout "shop" is invalid: bad step',
        conditions: [{ type: 'InvalidSpec', message: 'bad step' }],
      }),
      scaling,
    );
    expect(status).toMatchObject({
      phase: 'Degraded',
      message: 'InvalidSpec: The Rollout "shop" is invalid: bad step',
      actualWeight: 25,
    });
  });

  it('lists analysis runs newest revision first and names the failed one when aborted', () => {
    const run = (
      name: string,
      revision: number,
      phase: string,
      extra = {},
    ) => ({
      metadata: meta(name, {
        creationTimestamp: `2025-01-0${revision}T00:00:00Z`,
        annotations: { 'rollout.argoproj.io/revision': String(revision) },
        ownerReferences: [{ kind: 'Rollout', name: 'shop', uid: 'uid-shop' }],
      }),
      status: { phase, ...extra },
    });
    const status = getRolloutStatus(
      canaryRollout({
        abort: true,
        phase: 'Degraded',
        message: 'RolloutAborted: Rollout aborted update to revision 2',
      }),
      {
        ...scaling,
        analysisRuns: [
          run('shop-old-1', 1, 'Successful'),
          run('shop-new-2', 2, 'Failed', {
            message:
              'Metric "error-rate" assessed Failed due to failed (3) > failureLimit (2)',
          }),
        ],
      },
    );
    expect(status.analysisRuns.map(r => [r.name, r.revision])).toEqual([
      ['shop-new-2', 2],
      ['shop-old-1', 1],
    ]);
    expect(status).toMatchObject({
      message: 'RolloutAborted: Rollout aborted update to revision 2',
      setWeight: 0,
      explanation:
        'Analysis shop-new-2 ended Failed: Metric "error-rate" assessed Failed due to failed (3) > failureLimit (2).',
    });
  });
});
