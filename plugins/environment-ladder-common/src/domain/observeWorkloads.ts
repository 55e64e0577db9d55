import type {
  Digest,
  RungObjects,
  RunningImage,
  WorkloadStatus,
} from '../types';
import { isPinnedByDigest } from './isPinnedByDigest';
import { parseImageDigest } from './parseImageDigest';
import { asArray } from './internal/asArray';
import { asCount } from './internal/asCount';
import { asString } from './internal/asString';
import { field } from './internal/field';
import { findOwner } from './internal/findOwner';
import { indexByIdentity } from './internal/indexByIdentity';
import { labelSelectorMatches } from './internal/labelSelectorMatches';
import { pickServiceContainer } from './internal/pickServiceContainer';
import { readObjectMeta, type ObjectMeta } from './internal/readObjectMeta';
import { readPodServiceImage } from './internal/readPodServiceImage';
import { readRevision } from './internal/readRevision';

type WorkloadKind = WorkloadStatus['kind'];

interface RunningGroup {
  image: string;
  digest: Digest | null;
  pods: number;
  readyPods: number;
  since: { text: string; time: number } | null;
}

interface ReplicaSetEntry {
  meta: ObjectMeta;
  workload: WorkloadEntry | null;
  revision: number | null;
  firstRevision: number | null;
  image: string | null;
  digests: Set<Digest>;
}

interface WorkloadEntry {
  kind: WorkloadKind;
  object: unknown;
  meta: ObjectMeta & { name: string };
  running: Map<string, RunningGroup>;
  replicaSets: ReplicaSetEntry[];
}

/**
 * Reads the Deployments and Rollouts of one cluster with what their pods' service containers run.
 *
 * @remarks
 * Pods belong to a workload through their owner chain Pod → ReplicaSet → Deployment or
 * Rollout; a pod whose ReplicaSet is not among the objects, or that has no owner, falls back
 * to the workloads' label selectors (an empty selector matches nothing). Pods owned by any
 * other controller, pods that ended and pods being deleted are left out. The service
 * container is `options.containerName` when set, else the container named like the
 * workload, else the first container that is not a known sidecar (`istio-proxy`,
 * `linkerd-proxy`, …). Objects are untrusted: a malformed one is skipped or read as far as
 * it goes, and the work is linear in the number of pods.
 *
 * @public
 */
export function observeWorkloads(
  objects: RungObjects,
  options: { cluster: string; containerName?: string },
): WorkloadStatus[] {
  const containerName = options.containerName || undefined;
  const workloads: WorkloadEntry[] = [];
  const workloadIndex = {
    Deployment: indexByIdentity<WorkloadEntry>(),
    Rollout: indexByIdentity<WorkloadEntry>(),
  };
  const workloadsByNamespace = new Map<string, WorkloadEntry[]>();
  const sources: Array<[WorkloadKind, unknown]> = [
    ['Deployment', field(objects, 'deployments')],
    ['Rollout', field(objects, 'rollouts')],
  ];
  for (const [kind, list] of sources) {
    for (const object of asArray(list)) {
      const meta = readObjectMeta(object);
      if (!meta.name) {
        continue;
      }
      const entry: WorkloadEntry = {
        kind,
        object,
        meta: { ...meta, name: meta.name },
        running: new Map(),
        replicaSets: [],
      };
      if (!workloadIndex[kind].add(meta, entry)) {
        continue;
      }
      workloads.push(entry);
      const siblings = workloadsByNamespace.get(meta.namespace) ?? [];
      siblings.push(entry);
      workloadsByNamespace.set(meta.namespace, siblings);
    }
  }

  const replicaSetIndex = indexByIdentity<ReplicaSetEntry>();
  for (const object of asArray(field(objects, 'replicaSets'))) {
    const meta = readObjectMeta(object);
    const owner = findOwner(meta, ['Deployment', 'Rollout']);
    const workload = owner
      ? workloadIndex[owner.kind as WorkloadKind].find(meta.namespace, owner) ??
        null
      : null;
    const { revision, firstRevision } = readRevision(meta);
    const template = pickServiceContainer(
      field(object, 'spec', 'template', 'spec', 'containers'),
      workload?.meta.name ?? null,
      containerName,
    );
    const entry: ReplicaSetEntry = {
      meta,
      workload,
      revision,
      firstRevision,
      image: template?.image ?? null,
      digests: new Set(),
    };
    if (!replicaSetIndex.add(meta, entry)) {
      continue;
    }
    if (entry.image && isPinnedByDigest(entry.image)) {
      entry.digests.add(parseImageDigest(entry.image)!);
    }
    workload?.replicaSets.push(entry);
  }

  for (const pod of asArray(field(objects, 'pods'))) {
    const meta = readObjectMeta(pod);
    const owner = findOwner(meta, ['ReplicaSet']);
    let replicaSet: ReplicaSetEntry | undefined;
    let workload: WorkloadEntry | undefined;
    if (owner) {
      replicaSet = replicaSetIndex.find(meta.namespace, owner);
      workload = replicaSet
        ? replicaSet.workload ?? undefined
        : matchBySelector(workloadsByNamespace.get(meta.namespace), meta);
    } else if (!meta.ownerReferences.some(reference => reference.controller)) {
      workload = matchBySelector(
        workloadsByNamespace.get(meta.namespace),
        meta,
      );
    }
    if (!workload) {
      continue;
    }
    const image = readPodServiceImage(pod, workload.meta.name, containerName);
    if (!image) {
      continue;
    }
    if (image.digest) {
      replicaSet?.digests.add(image.digest);
    }
    const key = `${image.image}\u0000${image.digest ?? ''}`;
    let group = workload.running.get(key);
    if (!group) {
      group = {
        image: image.image,
        digest: image.digest,
        pods: 0,
        readyPods: 0,
        since: null,
      };
      workload.running.set(key, group);
    }
    group.pods += 1;
    if (image.ready) {
      group.readyPods += 1;
    }
    if (image.since && (!group.since || image.since.time < group.since.time)) {
      group.since = image.since;
    }
  }

  return workloads.map(entry =>
    toWorkloadStatus(
      entry,
      options.cluster,
      containerName,
      templateOf(entry, workloadIndex.Deployment),
    ),
  );
}

// A Rollout with `workloadRef` takes its pod template from the referenced Deployment.
function templateOf(
  entry: WorkloadEntry,
  deployments: ReturnType<typeof indexByIdentity<WorkloadEntry>>,
): unknown {
  const own = field(entry.object, 'spec', 'template');
  const reference = field(entry.object, 'spec', 'workloadRef');
  if (own !== undefined || field(reference, 'kind') !== 'Deployment') {
    return own;
  }
  const target = deployments.find(entry.meta.namespace, {
    uid: null,
    name: asString(field(reference, 'name')),
  });
  return target ? field(target.object, 'spec', 'template') : undefined;
}

function matchBySelector(
  candidates: WorkloadEntry[] | undefined,
  meta: ObjectMeta,
): WorkloadEntry | undefined {
  return candidates?.find(candidate =>
    labelSelectorMatches(
      field(candidate.object, 'spec', 'selector'),
      meta.labels,
    ),
  );
}

function toWorkloadStatus(
  entry: WorkloadEntry,
  cluster: string,
  containerName: string | undefined,
  podTemplate: unknown,
): WorkloadStatus {
  const { object, meta } = entry;
  const template = pickServiceContainer(
    field(podTemplate, 'spec', 'containers'),
    meta.name,
    containerName,
  );
  const running: RunningImage[] = [...entry.running.values()]
    .sort(
      (a, b) =>
        b.pods - a.pods ||
        a.image.localeCompare(b.image) ||
        // A known digest before one still being pulled.
        (a.digest ?? '\uffff').localeCompare(b.digest ?? '\uffff'),
    )
    .map(group => ({
      image: group.image,
      pinnedByDigest: isPinnedByDigest(group.image),
      digest: group.digest,
      pods: group.pods,
      readyPods: group.readyPods,
      since: group.since?.text ?? null,
    }));
  const history = entry.replicaSets
    .filter(rs => rs.revision !== null)
    .sort((a, b) => a.revision! - b.revision!)
    .map(rs => ({
      revision: rs.revision!,
      firstRevision: rs.firstRevision ?? rs.revision!,
      image: rs.image,
      digests: [...rs.digests].sort(),
    }));
  const status: WorkloadStatus = {
    kind: entry.kind,
    cluster,
    namespace: meta.namespace,
    name: meta.name,
    specImages: template?.image ? [template.image] : [],
    replicas: {
      desired: asCount(field(object, 'spec', 'replicas')) ?? 1,
      current: asCount(field(object, 'status', 'replicas')) ?? 0,
      updated: asCount(field(object, 'status', 'updatedReplicas')) ?? 0,
      ready: asCount(field(object, 'status', 'readyReplicas')) ?? 0,
      available: asCount(field(object, 'status', 'availableReplicas')) ?? 0,
    },
    running,
    revision: readRevision(meta).revision,
    history,
  };
  if (entry.kind === 'Deployment') {
    status.deployment = readDeploymentProgress(object);
  }
  return status;
}

function readDeploymentProgress(
  deployment: unknown,
): NonNullable<WorkloadStatus['deployment']> {
  const conditions = new Map<
    string,
    { status: unknown; message: string | null }
  >();
  for (const condition of asArray(field(deployment, 'status', 'conditions'))) {
    const type = asString(field(condition, 'type'));
    if (type && !conditions.has(type)) {
      conditions.set(type, {
        status: field(condition, 'status'),
        message: asString(field(condition, 'message')),
      });
    }
  }
  const toBoolean = (type: string) => {
    const status = conditions.get(type)?.status;
    if (status === 'True') return true;
    if (status === 'False') return false;
    return null;
  };
  const strategy = field(deployment, 'spec', 'strategy');
  const maxSurge = field(strategy, 'rollingUpdate', 'maxSurge');
  const failure = conditions.get('ReplicaFailure');
  const progressing = conditions.get('Progressing');
  const available = conditions.get('Available');
  // The condition that explains a problem speaks first; otherwise Kubernetes' account of progress.
  const message =
    (failure?.status === 'True' ? failure.message : null) ??
    (progressing?.status === 'False' ? progressing.message : null) ??
    (available?.status === 'False' ? available.message : null) ??
    progressing?.message ??
    available?.message ??
    null;
  return {
    progressing: toBoolean('Progressing'),
    available: toBoolean('Available'),
    maxSurge:
      field(strategy, 'type') === 'Recreate'
        ? null
        : readIntOrPercent(maxSurge),
    message,
  };
}

// An IntOrString such as maxSurge: `1` or `"25%"`.
function readIntOrPercent(value: unknown): string | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : null;
  }
  const text = asString(value);
  return text && text.length <= 16 ? text : null;
}
