import fs from 'node:fs';
import path from 'node:path';
import { getRolloutStatus } from '@environment-ladder/plugin-environment-ladder-common';
import { loadFixtureDir } from '../loadFixtures';
import { ObjectStore } from '../ObjectStore';
import { KubeObject } from '../types';
import { allObjects } from './GitOpsSync';
import {
  DEPLOYMENT_POD_INTERVAL_MS,
  PAUSE_MS,
  planRollout,
  RolloutPlan,
} from './planRollout';

const EXAMPLES = path.resolve(__dirname, '../../../../examples/clusters');
const expected = JSON.parse(
  fs.readFileSync(path.join(EXAMPLES, 'expected.json'), 'utf8'),
);
const C0: string = expected.checkout.staging.replicaSets.find(
  (rs: { replicas: number }) => rs.replicas === 0,
).digest;
const C1: string = expected.checkout.staging.digests[0];
const C2: string = expected.checkout.dev.digests[0];
const NEW = `sha256:${'ab'.repeat(32)}`;
const NOW = new Date('2026-12-06T20:00:00Z');

function storeOf(cluster: string) {
  return new ObjectStore(
    cluster,
    loadFixtureDir(path.join(EXAMPLES, cluster)).objects,
  );
}

/** Applies every step, as the sync does, and returns the objects after each. */
function applyPlan(store: ObjectStore, plan: RolloutPlan) {
  const after: KubeObject[][] = [];
  for (const step of plan.steps) {
    for (const object of step.apply) store.apply(object);
    for (const ref of step.remove) store.remove(ref);
    after.push(allObjects(store));
  }
  return after;
}

const inNamespace = (objects: KubeObject[], kind: string, ns: string) =>
  objects.filter(o => o.kind === kind && o.metadata.namespace === ns) as any[];

const serviceStatus = (pod: any, name: string) =>
  pod.status.containerStatuses.find((s: any) => s.name === name);

const ownerName = (o: any) => o.metadata.ownerReferences?.[0]?.name;

function rolloutStatus(objects: KubeObject[], ns: string, name: string) {
  return getRolloutStatus(
    objects.find(o => o.kind === 'Rollout' && o.metadata.name === name),
    {
      replicaSets: inNamespace(objects, 'ReplicaSet', ns),
      pods: inNamespace(objects, 'Pod', ns),
      analysisRuns: inNamespace(objects, 'AnalysisRun', ns),
      cluster: 'prod',
    },
  );
}

describe('planRollout, a Deployment', () => {
  it('rolls staging checkout to a new digest: a new ReplicaSet at revision 6, pods one by one, the old ReplicaSet at 0', () => {
    const store = storeOf('staging');
    const plan = planRollout(allObjects(store), {
      workload: { kind: 'Deployment', namespace: 'checkout', name: 'checkout' },
      image: `ghcr.io/acme/checkout@${C2}`,
      now: NOW,
    });
    expect(plan.outcome).toBe('complete');
    expect(plan.revision).toBe(6);
    expect(plan.podTemplateHash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    // The first step writes the spec at once; three pods follow, one every interval.
    expect(plan.steps.map(s => s.afterMs)).toEqual([
      0,
      DEPLOYMENT_POD_INTERVAL_MS,
      DEPLOYMENT_POD_INTERVAL_MS,
      DEPLOYMENT_POD_INTERVAL_MS,
      DEPLOYMENT_POD_INTERVAL_MS / 2,
    ]);

    const states = applyPlan(store, plan);
    // Never fewer than the desired 3 pods while rolling (maxUnavailable respected).
    for (const objects of states) {
      expect(inNamespace(objects, 'Pod', 'checkout')).toHaveLength(3);
    }
    const mid = states[2];
    const midPods = inNamespace(mid, 'Pod', 'checkout');
    expect(
      midPods.map(p => serviceStatus(p, 'checkout').imageID).sort(),
    ).toEqual([
      `ghcr.io/acme/checkout@${C1}`,
      `ghcr.io/acme/checkout@${C2}`,
      `ghcr.io/acme/checkout@${C2}`,
    ]);

    const end = states[states.length - 1];
    const newRs = `checkout-${plan.podTemplateHash}`;
    const deployment = inNamespace(end, 'Deployment', 'checkout')[0];
    expect(deployment.metadata.generation).toBe(6);
    expect(
      deployment.metadata.annotations['deployment.kubernetes.io/revision'],
    ).toBe('6');
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      `ghcr.io/acme/checkout@${C2}`,
    );
    expect(deployment.status).toMatchObject({
      observedGeneration: 6,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(
      deployment.status.conditions.map((c: any) => [
        c.type,
        c.status,
        c.reason,
      ]),
    ).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    const replicaSets = Object.fromEntries(
      inNamespace(end, 'ReplicaSet', 'checkout').map(rs => [
        rs.metadata.name,
        rs,
      ]),
    );
    expect(replicaSets[newRs].spec.replicas).toBe(3);
    expect(replicaSets[newRs].status.readyReplicas).toBe(3);
    expect(
      replicaSets[newRs].metadata.annotations[
        'deployment.kubernetes.io/revision'
      ],
    ).toBe('6');
    expect(replicaSets[newRs].metadata.ownerReferences[0]).toMatchObject({
      kind: 'Deployment',
      uid: deployment.metadata.uid,
    });
    expect(replicaSets[newRs].spec.template.metadata.labels).toMatchObject({
      'pod-template-hash': plan.podTemplateHash,
      'backstage.io/kubernetes-id': 'checkout',
    });
    expect(replicaSets['checkout-5t4pphrjc9'].spec.replicas).toBe(0);
    expect(replicaSets['checkout-5t4pphrjc9'].status.replicas).toBe(0);

    const pods = inNamespace(end, 'Pod', 'checkout');
    expect(pods.map(ownerName)).toEqual([newRs, newRs, newRs]);
    expect(new Set(pods.map(p => p.status.podIP)).size).toBe(3);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^${newRs}-[a-z0-9]{5}$`));
      expect(pod.metadata.labels['pod-template-hash']).toBe(
        plan.podTemplateHash,
      );
      expect(pod.status.phase).toBe('Running');
      // containerd in staging: no prefix; the sidecar keeps its own digest.
      expect(serviceStatus(pod, 'checkout')).toMatchObject({
        image: `ghcr.io/acme/checkout@${C2}`,
        imageID: `ghcr.io/acme/checkout@${C2}`,
        ready: true,
      });
      expect(serviceStatus(pod, 'checkout').containerID).toMatch(
        /^containerd:\/\/[0-9a-f]{64}$/,
      );
      expect(serviceStatus(pod, 'istio-proxy').imageID).toBe(
        'docker.io/istio/proxyv2@sha256:1405f9b6c89de87fa4723b608d470822c83aa3625ab170ba99f494a62aaff6f9',
      );
    }
    // Other services are untouched.
    expect(
      inNamespace(end, 'Pod', 'payments').map(p => p.metadata.name),
    ).toEqual(
      inNamespace(allObjects(storeOf('staging')), 'Pod', 'payments').map(
        p => p.metadata.name,
      ),
    );
  });

  it("writes imageID in the Docker runtime's format in dev", () => {
    const store = storeOf('dev');
    const plan = planRollout(allObjects(store), {
      workload: { kind: 'Deployment', namespace: 'checkout', name: 'checkout' },
      image: `ghcr.io/acme/checkout@${NEW}`,
      now: NOW,
    });
    const end = applyPlan(store, plan).pop()!;
    const pods = inNamespace(end, 'Pod', 'checkout');
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(serviceStatus(pod, 'checkout').imageID).toBe(
        `docker-pullable://ghcr.io/acme/checkout@${NEW}`,
      );
      expect(serviceStatus(pod, 'checkout').containerID).toMatch(
        /^docker:\/\//,
      );
    }
  });

  it('reuses the old ReplicaSet of a digest that ran before (a rollback), at a new revision', () => {
    const store = storeOf('staging');
    const plan = planRollout(allObjects(store), {
      workload: { kind: 'Deployment', namespace: 'checkout', name: 'checkout' },
      image: `ghcr.io/acme/checkout@${C0}`,
      now: NOW,
    });
    expect(plan.podTemplateHash).toBe('nw8sqlg6dz');
    const end = applyPlan(store, plan).pop()!;
    const rs = inNamespace(end, 'ReplicaSet', 'checkout').find(
      r => r.metadata.name === 'checkout-nw8sqlg6dz',
    );
    expect(rs.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '6',
      'deployment.kubernetes.io/revision-history': '4',
    });
    expect(rs.spec.replicas).toBe(3);
    expect(
      inNamespace(end, 'ReplicaSet', 'checkout').map(r => [
        r.metadata.name,
        r.spec.replicas,
      ]),
    ).toEqual([
      ['checkout-5t4pphrjc9', 0],
      ['checkout-nw8sqlg6dz', 3],
    ]);
  });

  it('only updates the spec of a paused Deployment', () => {
    const store = storeOf('staging');
    const before = inNamespace(allObjects(store), 'Pod', 'inventory');
    const plan = planRollout(allObjects(store), {
      workload: {
        kind: 'Deployment',
        namespace: 'inventory',
        name: 'inventory',
      },
      image: `ghcr.io/acme/inventory@${NEW}`,
      now: NOW,
    });
    expect(plan.outcome).toBe('spec-only');
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0].apply.map(o => o.kind)).toEqual(['Deployment']);
    const end = applyPlan(store, plan).pop()!;
    expect(inNamespace(end, 'Pod', 'inventory')).toEqual(before);
  });

  it('refuses an image without a digest and a workload that is not there, changing nothing', () => {
    const objects = allObjects(storeOf('staging'));
    const copy = structuredClone(objects);
    expect(() =>
      planRollout(objects, {
        workload: {
          kind: 'Deployment',
          namespace: 'checkout',
          name: 'checkout',
        },
        image: 'ghcr.io/acme/checkout:1.6.0',
        now: NOW,
      }),
    ).toThrow('image must be repository@sha256:<64 hex>');
    expect(() =>
      planRollout(objects, {
        workload: { kind: 'Deployment', namespace: 'checkout', name: 'nope' },
        image: `ghcr.io/acme/checkout@${NEW}`,
        now: NOW,
      }),
    ).toThrow('no Deployment checkout/nope');
    expect(() =>
      planRollout(objects, {
        workload: {
          kind: 'Deployment',
          namespace: 'checkout',
          name: 'checkout',
        },
        image: `ghcr.io/acme/other@${NEW}`,
        now: NOW,
      }),
    ).toThrow('has no container of ghcr.io/acme/other');
    expect(objects).toEqual(copy);
  });
});

describe('planRollout, an Argo Rollouts canary', () => {
  it("walks checkout's steps in prod: setWeight 20, pause, analysis, setWeight 50, pause; then Healthy with the old stable at 0", () => {
    const store = storeOf('prod');
    const plan = planRollout(allObjects(store), {
      workload: { kind: 'Rollout', namespace: 'checkout', name: 'checkout' },
      image: `ghcr.io/acme/checkout@${C2}`,
      now: NOW,
    });
    expect(plan.outcome).toBe('complete');
    expect(plan.revision).toBe(7);
    // About a minute at speed 1.
    const total = plan.steps.reduce((n, s) => n + s.afterMs, 0);
    expect(total).toBeGreaterThan(40_000);
    expect(total).toBeLessThan(120_000);

    const states = applyPlan(store, plan);
    const seen = states.map(objects => {
      const status = rolloutStatus(objects, 'checkout', 'checkout');
      return `${status.phase} ${status.step} ${status.setWeight}`;
    });
    // Each state the controller passes through, in order (consecutive repeats collapsed).
    expect(seen.filter((s, i) => s !== seen[i - 1])).toEqual([
      // The CLI's SetWeight at step 0 is the weight that step is setting.
      'Progressing 0/5 20',
      'Progressing 1/5 20',
      'Paused 1/5 20',
      'Progressing 2/5 20',
      'Progressing 3/5 50',
      'Progressing 4/5 50',
      'Paused 4/5 50',
      'Progressing 5/5 100',
      'Healthy 5/5 100',
    ]);
    // At 20 %, a basic canary (no traffic routing) runs 1 canary pod and 4 stable ones.
    const atTwenty = states[seen.indexOf('Progressing 1/5 20')];
    const twenty = rolloutStatus(atTwenty, 'checkout', 'checkout');
    expect(twenty.images).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ digests: [C2], roles: ['canary'] }),
        expect.objectContaining({ digests: [C1], roles: ['stable'] }),
      ]),
    );
    expect(twenty.actualWeight).toBe(20);
    expect(inNamespace(atTwenty, 'Pod', 'checkout')).toHaveLength(5);

    const end = states[states.length - 1];
    const rollout = inNamespace(end, 'Rollout', 'checkout')[0];
    expect(rollout.metadata.annotations['rollout.argoproj.io/revision']).toBe(
      '7',
    );
    expect(rollout.metadata.generation).toBe(10);
    expect(rollout.status).toMatchObject({
      observedGeneration: '10',
      phase: 'Healthy',
      currentStepIndex: 5,
      stableRS: plan.podTemplateHash,
      currentPodHash: plan.podTemplateHash,
      replicas: 5,
      updatedReplicas: 5,
      readyReplicas: 5,
      availableReplicas: 5,
    });
    const status = rolloutStatus(end, 'checkout', 'checkout');
    expect(status.aborted).toBe(false);
    expect(status.images).toEqual([
      expect.objectContaining({ digests: [C2], roles: ['stable'] }),
    ]);
    // The step analysis of revision 7: labelled and annotated as Argo Rollouts does, Successful.
    const run = status.analysisRuns.find(r => r.revision === 7)!;
    expect(run).toMatchObject({
      name: `checkout-${plan.podTemplateHash}-7-2`,
      phase: 'Successful',
    });
    const runObject = inNamespace(end, 'AnalysisRun', 'checkout').find(
      r => r.metadata.name === run.name,
    );
    expect(runObject.metadata.labels).toMatchObject({
      'rollout-type': 'Step',
      'rollouts-pod-template-hash': plan.podTemplateHash,
      'step-index': '2',
      'backstage.io/kubernetes-id': 'checkout',
    });
    expect(runObject.spec.metrics.map((m: any) => m.name)).toEqual([
      'success-rate',
    ]);
    expect(runObject.status.metricResults[0].measurements).toHaveLength(3);
    // Old stable at 0, every pod on the new digest, containerd format.
    const replicaSets = inNamespace(end, 'ReplicaSet', 'checkout');
    expect(
      replicaSets.find(r => r.metadata.name === 'checkout-wqn2hkdvrv').spec
        .replicas,
    ).toBe(0);
    const pods = inNamespace(end, 'Pod', 'checkout');
    expect(pods).toHaveLength(5);
    expect(
      new Set(pods.map(p => serviceStatus(p, 'checkout').imageID)),
    ).toEqual(new Set([`ghcr.io/acme/checkout@${C2}`]));
  });

  it('makes a failing digest fail its analysis: the Rollout aborts, Degraded, the canary scaled down, stable back to full', () => {
    const store = storeOf('prod');
    const plan = planRollout(allObjects(store), {
      workload: { kind: 'Rollout', namespace: 'checkout', name: 'checkout' },
      image: `ghcr.io/acme/checkout@${C2}`,
      failingAnalysis: true,
      now: NOW,
    });
    expect(plan.outcome).toBe('aborted');
    const end = applyPlan(store, plan).pop()!;
    const rollout = inNamespace(end, 'Rollout', 'checkout')[0];
    expect(rollout.status.abort).toBe(true);
    const status = rolloutStatus(end, 'checkout', 'checkout');
    expect(status.phase).toBe('Degraded');
    expect(status.aborted).toBe(true);
    expect(status.message).toBe(
      'RolloutAborted: Rollout aborted update to revision 7: Metric "success-rate" assessed Failed due to failed (3) > failureLimit (2)',
    );
    const run = status.analysisRuns.find(r => r.revision === 7)!;
    expect(run.phase).toBe('Failed');
    // The canary ReplicaSet (still the rollout's current hash) has no pods; stable runs all 5.
    expect(status.images).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ digests: [C2], roles: ['canary'] }),
        expect.objectContaining({ digests: [C1], roles: ['stable'] }),
      ]),
    );
    const canaryRs = inNamespace(end, 'ReplicaSet', 'checkout').find(
      r => r.metadata.name === `checkout-${plan.podTemplateHash}`,
    );
    expect(canaryRs.spec.replicas).toBe(0);
    const pods = inNamespace(end, 'Pod', 'checkout');
    expect(pods).toHaveLength(5);
    expect(
      new Set(pods.map(p => serviceStatus(p, 'checkout').imageID)),
    ).toEqual(new Set([`ghcr.io/acme/checkout@${C1}`]));
  });

  it('fast-tracks a rollback within spec.rollbackWindow: no steps, no AnalysisRun, the older ReplicaSet promoted; outside the window the steps run again', () => {
    const store = storeOf('prod');
    applyPlan(
      store,
      planRollout(allObjects(store), {
        workload: { kind: 'Rollout', namespace: 'checkout', name: 'checkout' },
        image: `ghcr.io/acme/checkout@${NEW}`,
        now: NOW,
      }),
    );
    // Revision 7 (NEW) is stable; C1's ReplicaSet is revision 6, C0's revision 5.
    const withWindow = (revisions: number) =>
      allObjects(store).map(o =>
        o.kind === 'Rollout' && o.metadata.name === 'checkout'
          ? ({
              ...o,
              spec: { ...(o as any).spec, rollbackWindow: { revisions } },
            } as KubeObject)
          : o,
      );
    const rollbackTo = (digest: string, revisions: number) =>
      planRollout(withWindow(revisions), {
        workload: { kind: 'Rollout', namespace: 'checkout', name: 'checkout' },
        image: `ghcr.io/acme/checkout@${digest}`,
        now: NOW,
      });
    const analysisSteps = (plan: RolloutPlan) =>
      plan.steps.filter(s => s.apply.some(o => o.kind === 'AnalysisRun'));

    // C0 lies behind C1: outside a window of one revision, the steps and their analysis run.
    const outside = rollbackTo(C0, 1);
    expect(outside.revision).toBe(8);
    expect(analysisSteps(outside).length).toBeGreaterThan(0);
    expect(outside.steps.length).toBeGreaterThan(5);

    const back = rollbackTo(C1, 1);
    expect(back.outcome).toBe('complete');
    expect(back.revision).toBe(8);
    expect(analysisSteps(back)).toEqual([]);
    expect(back.steps.map(s => s.description)).toEqual([
      `checkout: revision 8 (${back.podTemplateHash})`,
      'checkout: rollback within rollbackWindow, steps skipped',
    ]);
    const end = applyPlan(store, back).pop()!;
    const status = rolloutStatus(end, 'checkout', 'checkout');
    expect(status.phase).toBe('Healthy');
    expect(status.step).toBe('5/5');
    expect(status.aborted).toBe(false);
    expect(status.images).toEqual([
      expect.objectContaining({ digests: [C1], roles: ['stable'] }),
    ]);
    expect(status.analysisRuns.filter(r => r.revision === 8)).toEqual([]);
    const pods = inNamespace(end, 'Pod', 'checkout');
    expect(pods).toHaveLength(5);
    expect(
      new Set(pods.map(p => serviceStatus(p, 'checkout').imageID)),
    ).toEqual(new Set([`ghcr.io/acme/checkout@${C1}`]));
  });

  it("supersedes payments' canary in flight and runs the background analysis too; indefinite pauses last as long as timed ones", () => {
    const store = storeOf('prod');
    const plan = planRollout(allObjects(store), {
      workload: { kind: 'Rollout', namespace: 'payments', name: 'payments' },
      image: `ghcr.io/acme/payments@${NEW}`,
      now: NOW,
    });
    expect(plan.revision).toBe(13);
    expect(
      plan.steps.filter(s => s.afterMs === PAUSE_MS).map(s => s.description),
    ).toHaveLength(3);
    const end = applyPlan(store, plan).pop()!;
    const status = rolloutStatus(end, 'payments', 'payments');
    expect(status.phase).toBe('Healthy');
    expect(status.step).toBe('8/8');
    expect(status.images).toEqual([
      expect.objectContaining({ digests: [NEW], roles: ['stable'] }),
    ]);
    const runs = status.analysisRuns.filter(r => r.revision === 13);
    expect(runs.map(r => [r.name, r.phase]).sort()).toEqual([
      [`payments-${plan.podTemplateHash}-13`, 'Successful'],
      [`payments-${plan.podTemplateHash}-13-4`, 'Successful'],
    ]);
    // The superseded canary of revision 12 and the old stable are both at 0.
    expect(
      inNamespace(end, 'ReplicaSet', 'payments')
        .filter(r => r.metadata.name !== `payments-${plan.podTemplateHash}`)
        .map(r => r.spec.replicas),
    ).toEqual([0, 0]);
    expect(inNamespace(end, 'Pod', 'payments')).toHaveLength(10);
  });
});
