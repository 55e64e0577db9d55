import crypto from 'node:crypto';
import { deterministicUid } from '../ObjectStore';
import { KubeObject } from '../types';

/**
 * The planner of the GitOps sync: given a cluster's objects and the digest a
 * workload's overlay now pins, the changes a Deployment controller or the Argo
 * Rollouts controller would make, step by step. Pure: no clock, no timers, no
 * store; {@link GitOpsSync} applies the steps with their delays.
 *
 * Demo and test infrastructure: it writes the objects those controllers write,
 * shaped as they shape them, without scheduling anything real.
 */

/** One object to delete. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** One step of a plan: after `afterMs` (at speed 1) since the previous step, these writes. */
export interface PlannedStep {
  afterMs: number;
  /** What happens, in a few words (for logs and tests). */
  description: string;
  /** Objects to create or replace, in order. */
  apply: KubeObject[];
  /** Objects to delete. */
  remove: ObjectRef[];
}

/** What a plan ends in. */
export type RolloutOutcome =
  /** Every replica runs the new digest (a Rollout: Healthy, analysis Successful). */
  | 'complete'
  /** A failed analysis aborted the Rollout: status.abort, phase Degraded, canary scaled down. */
  | 'aborted'
  /** Only the spec changed: a paused Deployment does not roll. */
  | 'spec-only';

/** The changes of one sync of one workload. */
export interface RolloutPlan {
  workload: ObjectRef;
  /** The revision the new pod template rolls out as. */
  revision: number;
  /** Its pod-template hash (a ReplicaSet reused for a rollback keeps its own). */
  podTemplateHash: string;
  outcome: RolloutOutcome;
  steps: PlannedStep[];
}

/** Options of {@link planRollout}. */
export interface PlanRolloutOptions {
  workload: { kind: 'Deployment' | 'Rollout'; namespace: string; name: string };
  /** The image the overlay now names, `repository@sha256:<64 hex>`. */
  image: string;
  /** An AnalysisRun of this digest fails (a Rollout then aborts). */
  failingAnalysis?: boolean;
  /** When the sync starts: timestamps are written from it. */
  now: Date;
  /** Delays are divided by it in the timestamps written (the executor divides its timers alike). Default 1. */
  speed?: number;
}

/** Time between two pods of a Deployment's rolling update, at speed 1. */
export const DEPLOYMENT_POD_INTERVAL_MS = 4000;
/** Time a setWeight step takes (its pods starting), at speed 1. */
export const SET_WEIGHT_MS = 5000;
/** How long any pause step lasts, timed or not, at speed 1 (see the README). */
export const PAUSE_MS = 10_000;
/** Time between two measurements of an AnalysisRun, at speed 1. */
export const MEASUREMENT_INTERVAL_MS = 4000;

const HASH_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const DIGEST_IMAGE = /^(.+)@(sha256:[a-f0-9]{64})$/;

type Any = any;

/** The repository of an image reference: without its digest and its tag. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
}

function hashOf(seed: string, length: number): string {
  const bytes = crypto.createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) {
    out += HASH_ALPHABET[bytes[i] % HASH_ALPHABET.length];
  }
  return out;
}

const keyOf = (o: {
  kind: string;
  metadata: { namespace?: string; name: string };
}) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

const refOf = (o: KubeObject): ObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  namespace: o.metadata.namespace,
  name: o.metadata.name,
});

function revisionOf(o: KubeObject | undefined): number {
  const annotations = o?.metadata.annotations ?? {};
  const value =
    annotations['deployment.kubernetes.io/revision'] ??
    annotations['rollout.argoproj.io/revision'];
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

function ownedBy(o: KubeObject, owner: KubeObject, kind: string): boolean {
  const refs = (o.metadata.ownerReferences as Any[]) ?? [];
  return refs.some(
    r =>
      r?.kind === kind &&
      (r.uid && owner.metadata.uid
        ? r.uid === owner.metadata.uid
        : r.name === owner.metadata.name),
  );
}

/** The index of the service container: the one whose image is of the repository. */
function serviceContainerIndex(containers: Any[], repository: string): number {
  return (containers ?? []).findIndex(
    c =>
      typeof c?.image === 'string' && imageRepository(c.image) === repository,
  );
}

function templateImage(o: KubeObject, repository: string): string | undefined {
  const containers = (o as Any).spec?.template?.spec?.containers ?? [];
  const i = serviceContainerIndex(containers, repository);
  return i >= 0 ? containers[i].image : undefined;
}

/** Whether a cluster's pods report images as Docker does (`docker-pullable://`). */
function runtimeOf(pods: KubeObject[]): 'docker' | 'containerd' {
  for (const pod of pods) {
    for (const s of ((pod as Any).status?.containerStatuses as Any[]) ?? []) {
      if (typeof s?.imageID === 'string') {
        return s.imageID.startsWith('docker-pullable://')
          ? 'docker'
          : 'containerd';
      }
    }
  }
  return 'containerd';
}

/** The objects as the plan changes them, and the steps written so far. */
class PlanWorld {
  readonly objects = new Map<string, KubeObject>();
  readonly steps: PlannedStep[] = [];
  private elapsedMs = 0;
  private current?: PlannedStep;
  private podSequence = 0;
  private readonly podNames = new Set<string>();
  readonly runtime: 'docker' | 'containerd';

  constructor(
    objects: KubeObject[],
    private readonly start: Date,
    private readonly speed: number,
    namespace: string,
  ) {
    for (const o of objects) {
      if (o.metadata.namespace === namespace || o.kind === 'Namespace') {
        this.objects.set(keyOf(o), structuredClone(o));
      }
    }
    this.runtime = runtimeOf(
      objects.filter(o => o.kind === 'Pod') as KubeObject[],
    );
  }

  /** Starts a step `afterMs` after the previous one. */
  step(afterMs: number, description: string) {
    this.elapsedMs += afterMs;
    this.current = { afterMs, description, apply: [], remove: [] };
    this.steps.push(this.current);
  }

  /** The current step's time, as Kubernetes writes it (seconds). */
  get at(): string {
    return new Date(this.start.getTime() + this.elapsedMs / this.speed)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  list(kind: string): KubeObject[] {
    return [...this.objects.values()].filter(o => o.kind === kind);
  }

  get(kind: string, name: string): KubeObject | undefined {
    return this.list(kind).find(o => o.metadata.name === name);
  }

  put(o: KubeObject) {
    const copy = structuredClone(o);
    delete copy.metadata.resourceVersion;
    this.objects.set(keyOf(copy), copy);
    const step = this.current!;
    step.apply = step.apply.filter(x => keyOf(x) !== keyOf(copy));
    step.apply.push(copy);
  }

  remove(o: KubeObject) {
    this.objects.delete(keyOf(o));
    const step = this.current!;
    step.apply = step.apply.filter(x => keyOf(x) !== keyOf(o));
    step.remove.push(refOf(o));
  }

  /**
   * A pod name suffix no pod of the cluster has and none this plan named before: the
   * sequence restarts with every plan, so a ReplicaSet scaled up again (an aborted
   * canary's stable, a rollback) would otherwise reuse a live pod's name, and the new
   * pod would replace it instead of joining it.
   */
  nextPodSuffix(seed: string): string {
    for (;;) {
      this.podSequence += 1;
      const suffix = hashOf(`${seed}/${this.podSequence}`, 5);
      const name = `${seed}-${suffix}`;
      if (!this.podNames.has(name) && !this.get('Pod', name)) {
        this.podNames.add(name);
        return suffix;
      }
    }
  }
}

function podsOf(world: PlanWorld, rs: KubeObject): KubeObject[] {
  return world.list('Pod').filter(p => ownedBy(p, rs, 'ReplicaSet'));
}

/** A new ReplicaSet for a pod template, or an old one of the same template reused (a rollback). */
function replicaSetFor(
  world: PlanWorld,
  owner: KubeObject,
  owned: KubeObject[],
  image: string,
  repository: string,
  revision: number,
  hashLabel: string,
  revisionAnnotation: string,
): { rs: KubeObject; hash: string; reused: boolean } {
  const reused = owned.find(rs => templateImage(rs, repository) === image);
  if (reused) {
    const rs = structuredClone(reused) as Any;
    const previous = rs.metadata.annotations?.[revisionAnnotation];
    rs.metadata.annotations = {
      ...rs.metadata.annotations,
      [revisionAnnotation]: String(revision),
      ...(previous
        ? {
            [`${revisionAnnotation}-history`]: [
              rs.metadata.annotations?.[`${revisionAnnotation}-history`],
              previous,
            ]
              .filter(Boolean)
              .join(','),
          }
        : {}),
    };
    return { rs, hash: rs.metadata.labels?.[hashLabel] ?? '', reused: true };
  }
  const hash = hashOf(
    `${owner.metadata.namespace}/${owner.metadata.name} ${image}`,
    10,
  );
  const template = structuredClone((owner as Any).spec.template);
  template.metadata = {
    ...template.metadata,
    labels: { ...template.metadata?.labels, [hashLabel]: hash },
  };
  setImage(template.spec.containers, repository, image);
  const rsName = `${owner.metadata.name}-${hash}`;
  const desired = String((owner as Any).spec.replicas ?? 1);
  const rs: Any = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rsName,
      namespace: owner.metadata.namespace,
      uid: deterministicUid(`${owner.metadata.namespace}/ReplicaSet/${rsName}`),
      creationTimestamp: world.at,
      generation: 1,
      labels: { ...template.metadata.labels },
      annotations:
        revisionAnnotation === 'deployment.kubernetes.io/revision'
          ? {
              'deployment.kubernetes.io/desired-replicas': desired,
              'deployment.kubernetes.io/max-replicas': String(
                Number(desired) + 1,
              ),
              [revisionAnnotation]: String(revision),
            }
          : {
              'rollout.argoproj.io/desired-replicas': desired,
              [revisionAnnotation]: String(revision),
            },
      ownerReferences: [
        {
          apiVersion: owner.apiVersion,
          blockOwnerDeletion: true,
          controller: true,
          kind: owner.kind,
          name: owner.metadata.name,
          uid: owner.metadata.uid,
        },
      ],
    },
    spec: {
      replicas: 0,
      selector: {
        matchLabels: {
          ...((owner as Any).spec.selector?.matchLabels ?? {}),
          [hashLabel]: hash,
        },
      },
      template,
    },
    status: { observedGeneration: 1, replicas: 0 },
  };
  return { rs, hash, reused: false };
}

function setImage(containers: Any[], repository: string, image: string) {
  const i = serviceContainerIndex(containers, repository);
  if (i >= 0) containers[i].image = image;
}

/** Sets a ReplicaSet's replicas to its pods, all ready and available. */
function setReplicaSetCount(world: PlanWorld, rs: Any, count: number) {
  rs.spec.replicas = count;
  rs.metadata.generation = Number(rs.metadata.generation ?? 1) + 1;
  rs.status = {
    ...(count > 0
      ? {
          availableReplicas: count,
          fullyLabeledReplicas: count,
          readyReplicas: count,
        }
      : {}),
    observedGeneration: rs.metadata.generation,
    replicas: count,
  };
  world.put(rs);
}

/**
 * A pod of a ReplicaSet, running and ready: shaped like a sibling pod of the
 * cluster when there is one (sidecars, init containers, node), the service
 * container on the new image, `imageID` in the cluster runtime's format.
 */
function newPod(
  world: PlanWorld,
  rs: Any,
  hashLabel: string,
  repository: string,
  model: KubeObject | undefined,
): KubeObject {
  const suffix = world.nextPodSuffix(rs.metadata.name);
  const name = `${rs.metadata.name}-${suffix}`;
  const at = world.at;
  const image: string = templateImage(rs, repository)!;
  const digest = DIGEST_IMAGE.exec(image)?.[2];
  const runtime = world.runtime;
  const containerId = (seed: string) =>
    `${runtime}://${crypto
      .createHash('sha256')
      .update(`${name}/${seed}`)
      .digest('hex')}`;
  const imageId = (ref: string) =>
    runtime === 'docker' ? `docker-pullable://${ref}` : ref;
  const labels = {
    ...((model?.metadata.labels as Record<string, string>) ?? {}),
    ...rs.spec.template.metadata?.labels,
    [hashLabel]: rs.metadata.labels?.[hashLabel],
  };
  const pod: Any = model
    ? structuredClone(model)
    : {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {},
        spec: structuredClone(rs.spec.template.spec),
        status: {},
      };
  pod.metadata = {
    ...pod.metadata,
    name,
    namespace: rs.metadata.namespace,
    generateName: `${rs.metadata.name}-`,
    uid: deterministicUid(`${rs.metadata.namespace}/Pod/${name}`),
    creationTimestamp: at,
    labels,
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        blockOwnerDeletion: true,
        controller: true,
        kind: 'ReplicaSet',
        name: rs.metadata.name,
        uid: rs.metadata.uid,
      },
    ],
  };
  delete pod.metadata.resourceVersion;
  if (labels['service.istio.io/canonical-revision'] !== undefined) {
    const version = labels['app.kubernetes.io/version'];
    if (version) labels['service.istio.io/canonical-revision'] = version;
  }
  setImage(pod.spec.containers ?? [], repository, image);
  const serviceName =
    pod.spec.containers?.[
      serviceContainerIndex(pod.spec.containers, repository)
    ]?.name;
  const statuses: Any[] = model
    ? (pod.status?.containerStatuses ?? []).map((s: Any) => ({
        ...s,
        containerID: containerId(s.name),
        ...(s.name === serviceName
          ? { image, imageID: imageId(`${repository}@${digest}`) }
          : {}),
        lastState: {},
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: at } },
      }))
    : (pod.spec.containers ?? []).map((c: Any) => ({
        containerID: containerId(c.name),
        image: c.image,
        imageID: imageId(
          DIGEST_IMAGE.test(c.image) ? c.image : `${imageRepository(c.image)}`,
        ),
        lastState: {},
        name: c.name,
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: at } },
      }));
  const initStatuses: Any[] | undefined =
    pod.status?.initContainerStatuses?.map((s: Any) => {
      const id = containerId(`init/${s.name}`);
      return {
        ...s,
        containerID: id,
        lastState: {},
        ready: true,
        restartCount: 0,
        started: false,
        state: {
          terminated: {
            containerID: id,
            exitCode: 0,
            finishedAt: at,
            reason: 'Completed',
            startedAt: at,
          },
        },
      };
    });
  const condition = (type: string) => ({
    lastProbeTime: null,
    lastTransitionTime: at,
    status: 'True',
    type,
  });
  pod.status = {
    ...pod.status,
    conditions: [
      condition('PodReadyToStartContainers'),
      condition('Initialized'),
      condition('Ready'),
      condition('ContainersReady'),
      condition('PodScheduled'),
    ],
    containerStatuses: statuses,
    ...(initStatuses ? { initContainerStatuses: initStatuses } : {}),
    phase: 'Running',
    startTime: at,
    // A pod IP of its own, in the model's /16, so that no two pods share one.
    ...(typeof pod.status?.podIP === 'string'
      ? (() => {
          const bytes = crypto.createHash('sha1').update(name).digest();
          const ip = `${pod.status.podIP.split('.').slice(0, 2).join('.')}.${
            bytes[0]
          }.${(bytes[1] % 253) + 1}`;
          return { podIP: ip, podIPs: [{ ip }] };
        })()
      : {}),
  };
  return pod as KubeObject;
}

/** Adds or removes pods of a ReplicaSet until it has `count`, and writes its count. */
function scaleReplicaSet(
  world: PlanWorld,
  rs: Any,
  count: number,
  hashLabel: string,
  repository: string,
) {
  const pods = podsOf(world, rs);
  const model =
    pods[0] ??
    world
      .list('Pod')
      .find(
        p =>
          serviceContainerIndex((p as Any).spec?.containers, repository) >= 0,
      );
  for (let i = pods.length; i < count; i++) {
    world.put(newPod(world, rs, hashLabel, repository, model));
  }
  for (const pod of pods.slice(count)) {
    world.remove(pod);
  }
  setReplicaSetCount(world, rs, count);
}

function setCondition(
  status: Any,
  type: string,
  value: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  at: string,
) {
  const conditions: Any[] = (status.conditions ??= []);
  const existing = conditions.find(c => c?.type === type);
  const changed = !existing || existing.status !== value;
  const next = {
    lastTransitionTime: changed ? at : existing.lastTransitionTime,
    lastUpdateTime: at,
    message,
    reason,
    status: value,
    type,
  };
  if (existing) conditions[conditions.indexOf(existing)] = next;
  else conditions.push(next);
}

function planDeployment(
  world: PlanWorld,
  deployment: KubeObject,
  image: string,
  repository: string,
): RolloutPlan {
  const owned = world
    .list('ReplicaSet')
    .filter(rs => ownedBy(rs, deployment, 'Deployment'));
  const revision =
    Math.max(revisionOf(deployment), ...owned.map(revisionOf)) + 1;
  const dep = structuredClone(deployment) as Any;
  const desired: number = dep.spec.replicas ?? 1;
  const generation = Number(dep.metadata.generation ?? 1) + 1;
  dep.metadata.generation = generation;
  setImage(dep.spec.template.spec.containers, repository, image);
  const workload = refOf(deployment);

  if (dep.spec.paused === true) {
    // A paused Deployment takes the new template and rolls nothing until resumed.
    world.step(0, `${deployment.metadata.name}: spec updated, paused`);
    dep.status = { ...dep.status, observedGeneration: generation };
    world.put(dep);
    return {
      workload,
      revision: revisionOf(deployment),
      podTemplateHash: '',
      outcome: 'spec-only',
      steps: world.steps,
    };
  }

  const label = 'pod-template-hash';
  const { rs, hash } = replicaSetFor(
    world,
    deployment,
    owned,
    image,
    repository,
    revision,
    label,
    'deployment.kubernetes.io/revision',
  );
  dep.metadata.annotations = {
    ...dep.metadata.annotations,
    'deployment.kubernetes.io/revision': String(revision),
  };
  const rsName = rs.metadata.name;
  const olds = owned.filter(o => o.metadata.name !== rsName);

  const writeDeployment = (updated: number) => {
    const pods = [rs, ...olds].reduce((n, r) => n + podsOf(world, r).length, 0);
    const at = world.at;
    const status: Any = {
      ...dep.status,
      observedGeneration: generation,
      replicas: pods,
      updatedReplicas: updated,
      readyReplicas: pods,
      availableReplicas: pods,
    };
    if (updated > 0 && pods === 0) delete status.readyReplicas;
    const done = updated >= desired && pods === desired;
    setCondition(
      status,
      'Available',
      pods >= desired - Math.floor(desired / 4) ? 'True' : 'False',
      'MinimumReplicasAvailable',
      'Deployment has minimum availability.',
      at,
    );
    setCondition(
      status,
      'Progressing',
      'True',
      done ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
      done
        ? `ReplicaSet "${rsName}" has successfully progressed.`
        : `ReplicaSet "${rsName}" is progressing.`,
      at,
    );
    dep.status = status;
    world.put(dep);
  };

  world.step(0, `${deployment.metadata.name}: revision ${revision} (${hash})`);
  setReplicaSetCount(world, rs, podsOf(world, rs).length);
  writeDeployment(podsOf(world, rs).length);

  for (
    let updated = podsOf(world, rs).length + 1;
    updated <= desired;
    updated++
  ) {
    world.step(
      DEPLOYMENT_POD_INTERVAL_MS,
      `${deployment.metadata.name}: ${updated}/${desired} pods on the new digest`,
    );
    scaleReplicaSet(world, rs, updated, label, repository);
    // One old pod goes for each new one that is ready (maxUnavailable 0 in effect).
    const oldWithPods = olds
      .map(o => world.get('ReplicaSet', o.metadata.name)!)
      .filter(o => podsOf(world, o).length > 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    const total = [rs, ...olds].reduce(
      (n, r) => n + podsOf(world, r).length,
      0,
    );
    if (total > desired && oldWithPods[0]) {
      const old = structuredClone(oldWithPods[0]) as Any;
      scaleReplicaSet(
        world,
        old,
        podsOf(world, old).length - 1,
        label,
        repository,
      );
    }
    writeDeployment(updated);
  }
  // Whatever old pods are left (more than desired before) go, and every old ReplicaSet is at 0.
  world.step(
    DEPLOYMENT_POD_INTERVAL_MS / 2,
    `${deployment.metadata.name}: old ReplicaSets scaled to 0`,
  );
  for (const o of olds) {
    const old = structuredClone(
      world.get('ReplicaSet', o.metadata.name)!,
    ) as Any;
    if (old.spec.replicas !== 0 || podsOf(world, old).length > 0) {
      scaleReplicaSet(world, old, 0, label, repository);
    }
  }
  if (podsOf(world, rs).length !== desired) {
    scaleReplicaSet(world, rs, desired, label, repository);
  }
  writeDeployment(desired);
  return {
    workload,
    revision,
    podTemplateHash: hash,
    outcome: 'complete',
    steps: world.steps,
  };
}

// ---- Argo Rollouts canary -------------------------------------------------

const ROLLOUT_HASH = 'rollouts-pod-template-hash';

interface Measurement {
  value: string;
  phase: 'Successful' | 'Failed';
}

/** A measured value that meets (or, failing, misses) a `result >= x` / `result <= x` condition. */
function measure(
  successCondition: unknown,
  failing: boolean,
  index: number,
): Measurement {
  const condition =
    typeof successCondition === 'string' ? successCondition : '';
  const match = /result\s*(>=|>|<=|<)\s*([0-9.]+)/.exec(condition);
  const jitter = (index % 3) * 0.0003;
  if (!match) {
    return failing
      ? { value: '0', phase: 'Failed' }
      : { value: '1', phase: 'Successful' };
  }
  const threshold = Number(match[2]);
  const atLeast = match[1].startsWith('>');
  let value: number;
  if (atLeast) {
    value = failing
      ? threshold - 0.025 - jitter * 10
      : threshold + (1 - threshold) * 0.8 - jitter;
  } else {
    value = failing
      ? threshold * (1.5 + jitter * 10)
      : threshold * (0.6 + jitter * 10);
  }
  const decimals = threshold < 1 ? 4 : 1;
  return {
    value: value.toFixed(decimals),
    phase: failing ? 'Failed' : 'Successful',
  };
}

/** An AnalysisRun of a rollout's revision, as the controller creates it from templates. */
function newAnalysisRun(
  world: PlanWorld,
  rollout: Any,
  revision: number,
  hash: string,
  analysis: Any,
  type: 'Step' | 'Background',
  stepIndex?: number,
): Any {
  const templates: Any[] = (analysis?.templates ?? [])
    .map((t: Any) => world.get('AnalysisTemplate', t?.templateName))
    .filter(Boolean);
  const args: Any[] = (analysis?.args ?? []).map((a: Any) => ({
    name: a.name,
    value: a.value,
  }));
  const metrics = templates.flatMap(t =>
    structuredClone(((t as Any).spec?.metrics as Any[]) ?? []),
  );
  const name =
    type === 'Step'
      ? `${rollout.metadata.name}-${hash}-${revision}-${stepIndex}`
      : `${rollout.metadata.name}-${hash}-${revision}`;
  const kubernetesId = rollout.metadata.labels?.['backstage.io/kubernetes-id'];
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name,
      namespace: rollout.metadata.namespace,
      uid: deterministicUid(
        `${rollout.metadata.namespace}/AnalysisRun/${name}`,
      ),
      creationTimestamp: world.at,
      generation: 1,
      annotations: { 'rollout.argoproj.io/revision': String(revision) },
      labels: {
        ...(kubernetesId ? { 'backstage.io/kubernetes-id': kubernetesId } : {}),
        'rollout-type': type,
        [ROLLOUT_HASH]: hash,
        ...(type === 'Step' ? { 'step-index': String(stepIndex) } : {}),
      },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          blockOwnerDeletion: true,
          controller: true,
          kind: 'Rollout',
          name: rollout.metadata.name,
          uid: rollout.metadata.uid,
        },
      ],
    },
    spec: { args, metrics },
    status: {
      dryRunSummary: {},
      metricResults: [],
      phase: 'Running',
      runSummary: { count: metrics.length, running: metrics.length },
      startedAt: world.at,
    },
  };
}

/** How many measurements decide a metric: failing, one more than its failureLimit. */
function measurementsNeeded(metric: Any, failing: boolean): number {
  const limit = Number(metric?.failureLimit ?? 0);
  return failing ? Math.min(Math.max(limit, 0) + 1, 6) : 3;
}

/** Takes the next measurement of every metric still running; returns the run's phase. */
function measureRun(world: PlanWorld, run: Any, failing: boolean): string {
  const at = world.at;
  const metrics: Any[] = run.spec.metrics ?? [];
  let failedMessage: string | undefined;
  run.status.metricResults = metrics.map((metric, i) => {
    const result: Any = structuredClone(
      run.status.metricResults?.[i] ?? {
        name: metric.name,
        count: 0,
        measurements: [],
        phase: 'Running',
      },
    );
    const needed = measurementsNeeded(metric, failing);
    if (result.count < needed) {
      const m = measure(metric.successCondition, failing, result.count);
      result.measurements.push({
        finishedAt: at,
        phase: m.phase,
        startedAt: at,
        value: m.value,
      });
      result.count += 1;
      if (m.phase === 'Failed') result.failed = (result.failed ?? 0) + 1;
      else result.successful = (result.successful ?? 0) + 1;
    }
    if (result.count >= needed) {
      result.phase = failing ? 'Failed' : 'Successful';
      if (failing) {
        failedMessage ??= `Metric "${
          metric.name
        }" assessed Failed due to failed (${
          result.failed
        }) > failureLimit (${Number(metric.failureLimit ?? 0)})`;
      }
    }
    return result;
  });
  const results: Any[] = run.status.metricResults;
  const done = results.every(r => r.phase !== 'Running');
  if (done || failedMessage) {
    const phase = failing ? 'Failed' : 'Successful';
    run.status.phase = phase;
    run.status.completedAt = at;
    run.status.runSummary = {
      count: results.length,
      ...(failing
        ? { failed: results.length }
        : { successful: results.length }),
    };
    if (failing) {
      run.status.message = failedMessage ?? 'Metric assessed Failed';
    }
  }
  world.put(run);
  return run.status.phase;
}

/** The revision a ReplicaSet was created at: its lowest, past ones in `revision-history`. */
function firstRevisionOf(rs: KubeObject): number {
  const history = String(
    rs.metadata.annotations?.['rollout.argoproj.io/revision-history'] ?? '',
  )
    .split(',')
    .map(Number)
    .filter(n => Number.isInteger(n) && n > 0);
  return Math.min(revisionOf(rs), ...history);
}

/**
 * Whether moving to the ReplicaSet of `hash` is a rollback within
 * `spec.rollbackWindow`, as Argo Rollouts decides it: that ReplicaSet is older than
 * the stable one, and fewer than `revisions` ReplicaSets were created between the two.
 * The controller orders them by creationTimestamp; the stand-in by the revision each
 * was created at (the same order, without ties within a second).
 */
function rollbackWithinWindow(
  owned: KubeObject[],
  hash: string,
  stableRs: KubeObject,
  window: Any,
): boolean {
  const revisions = Number(window?.revisions ?? 0);
  if (!(revisions > 0)) return false;
  const target = owned.find(rs => rs.metadata.labels?.[ROLLOUT_HASH] === hash);
  if (!target) return false;
  const targetCreated = firstRevisionOf(target);
  const stableCreated = firstRevisionOf(stableRs);
  if (!(targetCreated < stableCreated)) return false;
  const between = owned.filter(rs => {
    const created = firstRevisionOf(rs);
    return created > targetCreated && created < stableCreated;
  }).length;
  return between < revisions;
}

function planCanary(
  world: PlanWorld,
  rollout: KubeObject,
  image: string,
  repository: string,
  failing: boolean,
): RolloutPlan {
  const owned = world
    .list('ReplicaSet')
    .filter(rs => ownedBy(rs, rollout, 'Rollout'));
  const revision = Math.max(revisionOf(rollout), ...owned.map(revisionOf)) + 1;
  const ro = structuredClone(rollout) as Any;
  const canary: Any = ro.spec.strategy?.canary ?? {};
  const steps: Any[] = canary.steps ?? [];
  const desired: number = ro.spec.replicas ?? 1;
  const generation = Number(ro.metadata.generation ?? 1) + 1;
  ro.metadata.generation = generation;
  ro.metadata.annotations = {
    ...ro.metadata.annotations,
    'rollout.argoproj.io/revision': String(revision),
  };
  setImage(ro.spec.template.spec.containers, repository, image);
  const stableHash: string = ro.status?.stableRS ?? '';
  const stableRs = owned.find(
    rs => rs.metadata.labels?.[ROLLOUT_HASH] === stableHash,
  );
  const { rs: canaryRs, hash } = replicaSetFor(
    world,
    rollout,
    owned,
    image,
    repository,
    revision,
    ROLLOUT_HASH,
    'rollout.argoproj.io/revision',
  );
  const workload = refOf(rollout);
  /** The plan as it ends: the steps so far and how the rollout came out. */
  const planned = (outcome: RolloutOutcome): RolloutPlan => ({
    workload,
    revision,
    podTemplateHash: hash,
    outcome,
    steps: world.steps,
  });
  const trafficRouted = canary.trafficRouting !== undefined;
  const rsNow = (name: string) =>
    structuredClone(world.get('ReplicaSet', name)!) as Any;
  const podCount = (name: string) => {
    const rs = world.get('ReplicaSet', name);
    return rs ? podsOf(world, rs).length : 0;
  };

  const status = (): Any => ro.status;
  const writeRollout = (phase: string, message: string) => {
    const at = world.at;
    const canaryPods = podCount(canaryRs.metadata.name);
    const stablePods =
      stableRs && stableRs.metadata.name !== canaryRs.metadata.name
        ? podCount(stableRs.metadata.name)
        : 0;
    const s = status();
    s.observedGeneration = String(generation);
    s.currentPodHash = hash;
    s.phase = phase;
    s.message = message;
    s.replicas = canaryPods + stablePods;
    s.updatedReplicas = canaryPods;
    s.readyReplicas = canaryPods + stablePods;
    s.availableReplicas = canaryPods + stablePods;
    if (s.HPAReplicas !== undefined) s.HPAReplicas = s.replicas;
    s.currentStepHash = hashOf(JSON.stringify(steps), 10);
    setCondition(
      s,
      'Available',
      'True',
      'AvailableReason',
      'Rollout has minimum availability',
      at,
    );
    if (phase === 'Healthy') {
      setCondition(
        s,
        'Completed',
        'True',
        'RolloutCompleted',
        'RolloutCompleted',
        at,
      );
      setCondition(
        s,
        'Healthy',
        'True',
        'RolloutHealthy',
        'Rollout is healthy',
        at,
      );
      setCondition(
        s,
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${canaryRs.metadata.name}" has successfully progressed.`,
        at,
      );
    } else {
      setCondition(
        s,
        'Completed',
        'False',
        'RolloutCompleted',
        `Rollout not completed, started update to revision ${revision} (${hash})`,
        at,
      );
      setCondition(
        s,
        'Healthy',
        'False',
        'RolloutHealthy',
        'Rollout is not healthy',
        at,
      );
    }
    s.conditions = (s.conditions as Any[]).filter(c => c.type !== 'Paused');
    if (phase === 'Paused') {
      setCondition(
        s,
        'Progressing',
        'Unknown',
        'RolloutPaused',
        'Rollout is paused',
        at,
      );
      setCondition(
        s,
        'Paused',
        'True',
        'RolloutPaused',
        'Rollout is paused',
        at,
      );
    } else if (phase === 'Progressing') {
      setCondition(
        s,
        'Progressing',
        'True',
        'ReplicaSetUpdated',
        `ReplicaSet "${canaryRs.metadata.name}" is progressing.`,
        at,
      );
    }
    world.put(ro);
  };
  const setWeights = (weight: number) => {
    if (!trafficRouted) {
      status().canary = {
        ...(status().canary ?? {}),
      };
      delete status().canary.weights;
      return;
    }
    status().canary = {
      ...(status().canary ?? {}),
      weights: {
        canary: {
          podTemplateHash: hash,
          ...(canary.canaryService
            ? { serviceName: canary.canaryService }
            : {}),
          weight,
        },
        stable: {
          podTemplateHash: stableHash,
          ...(canary.stableService
            ? { serviceName: canary.stableService }
            : {}),
          weight: 100 - weight,
        },
      },
    };
  };
  const scaleCanaryAndStable = (canaryCount: number, stableCount: number) => {
    scaleReplicaSet(
      world,
      rsNow(canaryRs.metadata.name),
      canaryCount,
      ROLLOUT_HASH,
      repository,
    );
    if (stableRs && stableRs.metadata.name !== canaryRs.metadata.name) {
      scaleReplicaSet(
        world,
        rsNow(stableRs.metadata.name),
        stableCount,
        ROLLOUT_HASH,
        repository,
      );
    }
  };
  const scaleTo = (weight: number) =>
    scaleCanaryAndStable(
      Math.ceil((desired * weight) / 100),
      trafficRouted && canary.dynamicStableScale !== true
        ? desired
        : Math.ceil((desired * (100 - weight)) / 100),
    );

  // Step 0: the new revision, its ReplicaSet, and any other canary superseded.
  world.step(0, `${rollout.metadata.name}: revision ${revision} (${hash})`);
  world.put(canaryRs);
  for (const other of owned) {
    const name = other.metadata.name;
    if (name === canaryRs.metadata.name || name === stableRs?.metadata.name)
      continue;
    if ((other as Any).spec?.replicas !== 0 || podCount(name) > 0) {
      scaleReplicaSet(world, rsNow(name), 0, ROLLOUT_HASH, repository);
    }
  }
  const s0 = status();
  delete s0.abort;
  delete s0.abortedAt;
  delete s0.pauseConditions;
  delete s0.controllerPause;
  s0.canary = {};

  if (
    hash !== stableHash &&
    stableRs &&
    rollbackWithinWindow(owned, hash, stableRs, ro.spec.rollbackWindow)
  ) {
    // A rollback within spec.rollbackWindow: Argo Rollouts skips every step (and so
    // every analysis), scales the older ReplicaSet up and promotes it once available.
    s0.currentStepIndex = steps.length;
    setWeights(0);
    writeRollout('Progressing', 'more replicas need to be updated');
    world.step(
      SET_WEIGHT_MS,
      `${rollout.metadata.name}: rollback within rollbackWindow, steps skipped`,
    );
    scaleReplicaSet(
      world,
      rsNow(canaryRs.metadata.name),
      desired,
      ROLLOUT_HASH,
      repository,
    );
    scaleReplicaSet(
      world,
      rsNow(stableRs.metadata.name),
      0,
      ROLLOUT_HASH,
      repository,
    );
    status().stableRS = hash;
    status().canary = {};
    writeRollout('Healthy', '');
    return planned('complete');
  }
  if (hash === stableHash) {
    // Back to the stable ReplicaSet: Argo Rollouts skips the steps.
    s0.currentStepIndex = steps.length;
    s0.stableRS = hash;
    world.put(canaryRs);
    scaleReplicaSet(
      world,
      rsNow(canaryRs.metadata.name),
      desired,
      ROLLOUT_HASH,
      repository,
    );
    writeRollout('Healthy', '');
    return planned('complete');
  }
  s0.currentStepIndex = 0;
  setWeights(0);
  writeRollout('Progressing', 'more replicas need to be updated');

  let background: Any | undefined;
  const startingStep = Number(canary.analysis?.startingStep ?? 0);
  const maybeStartBackground = (index: number) => {
    if (!background && canary.analysis?.templates && index >= startingStep) {
      background = newAnalysisRun(
        world,
        ro,
        revision,
        hash,
        canary.analysis,
        'Background',
      );
      world.put(background);
      status().canary = {
        ...status().canary,
        currentBackgroundAnalysisRunStatus: {
          name: background.metadata.name,
          status: 'Running',
        },
      };
    }
  };
  maybeStartBackground(0);
  const measureBackground = () => {
    if (background && background.status.phase === 'Running') {
      measureRun(world, background, failing);
      status().canary.currentBackgroundAnalysisRunStatus = {
        name: background.metadata.name,
        status: background.status.phase,
      };
    }
  };

  const abort = (run: Any) => {
    world.step(1000, `${rollout.metadata.name}: aborted`);
    const at = world.at;
    const message = `RolloutAborted: Rollout aborted update to revision ${revision}: ${run.status.message}`;
    scaleCanaryAndStable(0, desired);
    if (background && background.status.phase === 'Running') {
      background.status.phase = 'Successful';
      background.status.message = 'Run Terminated';
      background.status.completedAt = at;
      world.put(background);
    }
    setWeights(0);
    const s = status();
    s.abort = true;
    s.abortedAt = at;
    writeRollout('Degraded', message);
    setCondition(
      s,
      'Progressing',
      'False',
      'RolloutAborted',
      message.replace(/^RolloutAborted: /, ''),
      at,
    );
    world.put(ro);
    return planned('aborted');
  };

  let weight = 0;
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index] ?? {};
    if (typeof step.setWeight === 'number') {
      world.step(
        SET_WEIGHT_MS,
        `${rollout.metadata.name}: step ${index + 1}/${
          steps.length
        }, setWeight ${step.setWeight}`,
      );
      weight = step.setWeight;
      scaleTo(weight);
      setWeights(weight);
      status().currentStepIndex = index + 1;
      maybeStartBackground(index + 1);
      measureBackground();
      writeRollout('Progressing', 'more replicas need to be updated');
    } else if (step.pause !== undefined) {
      world.step(
        1000,
        `${rollout.metadata.name}: step ${index + 1}/${steps.length}, pause`,
      );
      const s = status();
      s.pauseConditions = [{ reason: 'CanaryPauseStep', startTime: world.at }];
      s.controllerPause = true;
      measureBackground();
      writeRollout('Paused', 'CanaryPauseStep');
      world.step(
        PAUSE_MS,
        `${rollout.metadata.name}: step ${index + 1}/${
          steps.length
        }, pause over`,
      );
      delete s.pauseConditions;
      delete s.controllerPause;
      s.currentStepIndex = index + 1;
      maybeStartBackground(index + 1);
      measureBackground();
      if (background?.status.phase === 'Failed') return abort(background);
      writeRollout('Progressing', 'more replicas need to be updated');
    } else if (step.analysis !== undefined) {
      world.step(
        1000,
        `${rollout.metadata.name}: step ${index + 1}/${steps.length}, analysis`,
      );
      const run = newAnalysisRun(
        world,
        ro,
        revision,
        hash,
        step.analysis,
        'Step',
        index,
      );
      world.put(run);
      status().canary = {
        ...status().canary,
        currentStepAnalysisRunStatus: {
          name: run.metadata.name,
          status: 'Running',
        },
      };
      writeRollout('Progressing', '');
      let phase = 'Running';
      while (phase === 'Running') {
        world.step(
          MEASUREMENT_INTERVAL_MS,
          `${rollout.metadata.name}: analysis ${run.metadata.name} measures`,
        );
        phase = measureRun(world, run, failing);
        measureBackground();
        status().canary.currentStepAnalysisRunStatus = {
          name: run.metadata.name,
          status: phase,
        };
        world.put(ro);
      }
      if (phase === 'Failed') return abort(run);
      status().currentStepIndex = index + 1;
      writeRollout('Progressing', 'more replicas need to be updated');
    } else {
      // Steps the stand-in does not act out (experiment, setCanaryScale, ...) just pass.
      world.step(
        1000,
        `${rollout.metadata.name}: step ${index + 1}/${steps.length}`,
      );
      status().currentStepIndex = index + 1;
      writeRollout('Progressing', 'more replicas need to be updated');
    }
  }

  // All steps done: the canary becomes stable, the old stable scales to 0.
  world.step(
    SET_WEIGHT_MS,
    `${rollout.metadata.name}: promoted, old stable scaled to 0`,
  );
  if (background?.status.phase === 'Running') {
    while (background.status.phase === 'Running') measureBackground();
    if (background.status.phase === 'Failed') return abort(background);
  }
  scaleCanaryAndStable(desired, 0);
  const s = status();
  s.stableRS = hash;
  s.currentStepIndex = steps.length;
  if (trafficRouted) {
    s.canary = {
      ...s.canary,
      weights: {
        canary: {
          podTemplateHash: hash,
          ...(canary.canaryService
            ? { serviceName: canary.canaryService }
            : {}),
          weight: 0,
        },
        stable: {
          podTemplateHash: hash,
          ...(canary.stableService
            ? { serviceName: canary.stableService }
            : {}),
          weight: 100,
        },
      },
    };
  }
  writeRollout('Healthy', '');
  return planned('complete');
}

/**
 * The plan of one sync. Throws when the workload is not among the objects, has
 * no container of the image's repository, or the image is not pinned by digest.
 */
export function planRollout(
  objects: KubeObject[],
  options: PlanRolloutOptions,
): RolloutPlan {
  const match = DIGEST_IMAGE.exec(options.image);
  if (!match) {
    throw new Error(
      `image must be repository@sha256:<64 hex>, got ${JSON.stringify(
        options.image,
      )}`,
    );
  }
  const speed = options.speed ?? 1;
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new Error(`speed must be a number > 0, got ${speed}`);
  }
  const { kind, namespace, name } = options.workload;
  const apiVersion = kind === 'Rollout' ? 'argoproj.io/v1alpha1' : 'apps/v1';
  const workload = objects.find(
    o =>
      o.kind === kind &&
      o.apiVersion === apiVersion &&
      o.metadata.namespace === namespace &&
      o.metadata.name === name,
  );
  if (!workload) {
    throw new Error(`no ${kind} ${namespace}/${name}`);
  }
  const repository = match[1];
  const containers = (workload as Any).spec?.template?.spec?.containers ?? [];
  if (serviceContainerIndex(containers, repository) < 0) {
    throw new Error(
      `${kind} ${namespace}/${name} has no container of ${repository}`,
    );
  }
  const world = new PlanWorld(objects, options.now, speed, namespace);
  return kind === 'Deployment'
    ? planDeployment(world, workload, options.image, repository)
    : planCanary(
        world,
        workload,
        options.image,
        repository,
        options.failingAnalysis === true,
      );
}
