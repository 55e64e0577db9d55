import type {
  Digest,
  RolloutImage,
  RolloutPhase,
  RolloutStatus,
} from '../types';
import { getAnalysisRunStatus } from './getAnalysisRunStatus';
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

const POD_TEMPLATE_HASH = 'rollouts-pod-template-hash';
const PHASES: ReadonlySet<string> = new Set<RolloutPhase>([
  'Healthy',
  'Progressing',
  'Paused',
  'Degraded',
]);
const NOT_OBSERVED = 'Waiting for rollout spec update to be observed';

type Role = RolloutImage['roles'][number];

interface ReplicaSetEntry {
  meta: ObjectMeta;
  hash: string | null;
  revision: number;
  image: string | null;
  available: number;
  replicas: number;
  podDigests: Set<Digest>;
  pods: number;
  podImage: string | null;
}

/**
 * Reads an Argo Rollouts Rollout as `kubectl argo rollouts get rollout` shows it: phase, message, step, weights, replicas, images and analysis.
 *
 * @remarks
 * The phase is `status.phase` when the controller has observed the current spec, that
 * is when `status.observedGeneration` (a number, or a string in older objects) is at least
 * `metadata.generation`. A non-numeric `observedGeneration` is a pre-v0.10 pod-template
 * hash, which Argo Rollouts and Argo CD also take as observed. When the spec is not
 * observed yet the rollout is Progressing; when it is observed but has no `phase` (before
 * v1.0), the phase is derived from conditions, pause state and replica counts as Argo
 * CD's health check does, Argo CD's `Suspended` being our `Paused`. A Degraded rollout's
 * message is `<condition reason>: <condition message>`, as Argo Rollouts writes it.
 *
 * @public
 */
export function getRolloutStatus(
  rollout: unknown,
  context: {
    replicaSets: unknown[];
    pods: unknown[];
    analysisRuns: unknown[];
    cluster: string;
    containerName?: string;
  },
): RolloutStatus {
  const meta = readObjectMeta(rollout);
  const spec = field(rollout, 'spec');
  const status = field(rollout, 'status');
  const isBlueGreen = isObject(field(spec, 'strategy', 'blueGreen'));
  const canary = field(spec, 'strategy', 'canary');
  const aborted = field(status, 'abort') === true;
  const { phase, message } = computePhase(rollout, meta);

  const stableHash =
    asString(field(status, 'stableRS')) ??
    asString(field(status, 'canary', 'stableRS'));
  const currentHash = asString(field(status, 'currentPodHash'));
  const activeHash =
    asString(field(status, 'blueGreen', 'activeSelector')) ??
    asString(field(status, 'activeSelector'));
  const previewHash =
    asString(field(status, 'blueGreen', 'previewSelector')) ??
    asString(field(status, 'previewSelector'));

  const replicaSets = collectReplicaSets(rollout, meta, context);
  const rolesOf = (hash: string | null): Role[] => {
    const roles: Role[] = [];
    if (!hash) return roles;
    if (hash === stableHash) roles.push('stable');
    if (isBlueGreen) {
      if (hash === activeHash) roles.push('active');
      if (hash === previewHash) roles.push('preview');
    } else if (hash === currentHash && hash !== stableHash) {
      roles.push('canary');
    }
    return roles;
  };

  const steps = isObject(canary) ? asArray(field(canary, 'steps')) : [];
  const stepIndex = asCount(field(status, 'currentStepIndex'));
  const setWeight =
    !isBlueGreen && isObject(canary)
      ? currentSetWeight(steps, stepIndex ?? 0, aborted)
      : null;

  return {
    cluster: context.cluster,
    namespace: meta.namespace,
    name: meta.name ?? '',
    strategy: isBlueGreen ? 'BlueGreen' : 'Canary',
    phase,
    message,
    step:
      !isBlueGreen && steps.length > 0
        ? `${Math.min(stepIndex ?? 0, steps.length)}/${steps.length}`
        : null,
    setWeight,
    actualWeight: isBlueGreen
      ? null
      : actualWeight(status, replicaSets, currentHash, stableHash),
    replicas: {
      desired: asCount(field(spec, 'replicas')) ?? 1,
      current: asCount(field(status, 'replicas')) ?? 0,
      updated: asCount(field(status, 'updatedReplicas')) ?? 0,
      ready: asCount(field(status, 'readyReplicas')) ?? 0,
      available: asCount(field(status, 'availableReplicas')) ?? 0,
    },
    images: collectImages(replicaSets, rolesOf),
    analysisRuns: collectAnalysisRuns(meta, context.analysisRuns),
    aborted,
  };
}

function isObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function computePhase(
  rollout: unknown,
  meta: ObjectMeta,
): { phase: RolloutPhase; message: string } {
  const spec = field(rollout, 'spec');
  const status = field(rollout, 'status');
  const observedGeneration = field(status, 'observedGeneration');
  if (
    !isObject(status) ||
    observedGeneration === undefined ||
    observedGeneration === null ||
    observedGeneration === ''
  ) {
    return { phase: 'Progressing', message: NOT_OBSERVED };
  }
  const observed = asCount(observedGeneration);
  // A non-numeric observedGeneration is a legacy pod-template hash: it says nothing about
  // generations, so (as in Argo Rollouts and Argo CD) the spec counts as observed. A
  // number above the generation is a legacy hash made of digits, or a recreated rollout.
  if (
    observed !== null &&
    meta.generation !== null &&
    observed < meta.generation
  ) {
    return { phase: 'Progressing', message: NOT_OBSERVED };
  }
  if (isObject(field(spec, 'workloadRef'))) {
    const wanted = asCount(
      meta.annotations.get('rollout.argoproj.io/workload-generation'),
    );
    const seen = asCount(field(status, 'workloadObservedGeneration'));
    if (wanted !== null && wanted !== seen) {
      return { phase: 'Progressing', message: NOT_OBSERVED };
    }
  }
  const pauseConditions = asArray(field(status, 'pauseConditions'));
  if (
    field(status, 'controllerPause') === true &&
    field(spec, 'paused') !== true &&
    pauseConditions.length === 0
  ) {
    return { phase: 'Progressing', message: 'Waiting for rollout to unpause' };
  }
  const phase = field(status, 'phase');
  if (typeof phase === 'string' && PHASES.has(phase)) {
    return {
      phase: phase as RolloutPhase,
      message: asString(field(status, 'message')) ?? '',
    };
  }
  return derivePhase(spec, status, pauseConditions.length > 0);
}

// For controllers before v1.0, which record no phase: the same checks, in the same order,
// as Argo CD's health assessment of a Rollout.
function derivePhase(
  spec: unknown,
  status: unknown,
  hasPauseConditions: boolean,
): { phase: RolloutPhase; message: string } {
  for (const condition of asArray(field(status, 'conditions'))) {
    const type = field(condition, 'type');
    const reason = asString(field(condition, 'reason'));
    const message = asString(field(condition, 'message')) ?? '';
    if (type === 'InvalidSpec') {
      return { phase: 'Degraded', message: `InvalidSpec: ${message}` };
    }
    if (
      type === 'Progressing' &&
      (reason === 'RolloutAborted' || reason === 'ProgressDeadlineExceeded')
    ) {
      return { phase: 'Degraded', message: `${reason}: ${message}` };
    }
  }
  if (field(status, 'abort') === true) {
    return { phase: 'Degraded', message: 'RolloutAborted: Rollout is aborted' };
  }
  if (hasPauseConditions || field(spec, 'paused') === true) {
    return { phase: 'Paused', message: 'Rollout is paused' };
  }
  const currentHash = asString(field(status, 'currentPodHash'));
  if (!currentHash) {
    return {
      phase: 'Progressing',
      message: 'Waiting for rollout to finish: status has not been reconciled.',
    };
  }
  const desired = asCount(field(spec, 'replicas')) ?? 1;
  const replicas = asCount(field(status, 'replicas')) ?? 0;
  const updated = asCount(field(status, 'updatedReplicas')) ?? 0;
  const available = asCount(field(status, 'availableReplicas')) ?? 0;
  if (updated < desired) {
    return {
      phase: 'Progressing',
      message:
        'Waiting for roll out to finish: More replicas need to be updated',
    };
  }
  if (available < updated) {
    return {
      phase: 'Progressing',
      message:
        'Waiting for roll out to finish: updated replicas are still becoming available',
    };
  }
  const stableHash =
    asString(field(status, 'stableRS')) ??
    asString(field(status, 'canary', 'stableRS'));
  if (isObject(field(spec, 'strategy', 'blueGreen'))) {
    const activeHash =
      asString(field(status, 'blueGreen', 'activeSelector')) ??
      asString(field(status, 'activeSelector'));
    if (activeHash !== currentHash) {
      return {
        phase: 'Progressing',
        message: 'active service cutover pending',
      };
    }
    // v0.7 blue-green rollouts record no stableRS.
    if (stableHash && stableHash !== currentHash) {
      return {
        phase: 'Progressing',
        message: 'waiting for analysis to complete',
      };
    }
  } else if (isObject(field(spec, 'strategy', 'canary'))) {
    if (replicas > updated) {
      return {
        phase: 'Progressing',
        message:
          'Waiting for roll out to finish: old replicas are pending termination',
      };
    }
    if (stableHash !== currentHash) {
      return {
        phase: 'Progressing',
        message: 'Waiting for rollout to finish steps',
      };
    }
  }
  return { phase: 'Healthy', message: '' };
}

// The weight of the last setWeight step at or before the current one; 100 once all steps
// ran (or with none), 0 once aborted, as Argo Rollouts computes it.
function currentSetWeight(
  steps: readonly unknown[],
  stepIndex: number,
  aborted: boolean,
): number {
  if (aborted) {
    return 0;
  }
  if (stepIndex >= steps.length) {
    return 100;
  }
  for (let index = stepIndex; index >= 0; index--) {
    const weight = field(steps[index], 'setWeight');
    if (typeof weight === 'number' && Number.isFinite(weight)) {
      return Math.max(0, Math.min(100, weight));
    }
  }
  return 0;
}

function actualWeight(
  status: unknown,
  replicaSets: ReplicaSetEntry[],
  currentHash: string | null,
  stableHash: string | null,
): number | null {
  const routed = field(status, 'canary', 'weights', 'canary', 'weight');
  if (typeof routed === 'number' && Number.isFinite(routed)) {
    return Math.max(0, Math.min(100, routed));
  }
  // Without a traffic router, traffic follows pods: the canary's share of available pods.
  const total = replicaSets.reduce((sum, rs) => sum + rs.available, 0);
  if (total === 0) {
    return currentHash !== null && currentHash === stableHash ? 100 : null;
  }
  const canary = replicaSets
    .filter(rs => rs.hash !== null && rs.hash === currentHash)
    .reduce((sum, rs) => sum + rs.available, 0);
  return Math.round((canary * 100) / total);
}

function collectReplicaSets(
  rollout: unknown,
  meta: ObjectMeta,
  context: { replicaSets: unknown[]; pods: unknown[]; containerName?: string },
): ReplicaSetEntry[] {
  const selector = field(rollout, 'spec', 'selector');
  const entries: ReplicaSetEntry[] = [];
  const index = indexByIdentity<ReplicaSetEntry>();
  const byHash = new Map<string, ReplicaSetEntry>();
  for (const object of asArray(context.replicaSets)) {
    const rsMeta = readObjectMeta(object);
    if (
      rsMeta.namespace !== meta.namespace ||
      !ownedBy(rsMeta, meta, selector)
    ) {
      continue;
    }
    const container = pickServiceContainer(
      field(object, 'spec', 'template', 'spec', 'containers'),
      meta.name,
      context.containerName,
    );
    const entry: ReplicaSetEntry = {
      meta: rsMeta,
      hash: rsMeta.labels.get(POD_TEMPLATE_HASH) ?? null,
      revision: readRevision(rsMeta).revision ?? 0,
      image: container?.image ?? null,
      available: asCount(field(object, 'status', 'availableReplicas')) ?? 0,
      replicas: asCount(field(object, 'status', 'replicas')) ?? 0,
      podDigests: new Set(),
      pods: 0,
      podImage: null,
    };
    if (!index.add(rsMeta, entry)) {
      continue;
    }
    entries.push(entry);
    if (entry.hash && !byHash.has(entry.hash)) {
      byHash.set(entry.hash, entry);
    }
  }
  if (entries.length === 0) {
    return entries;
  }
  for (const pod of asArray(context.pods)) {
    const podMeta = readObjectMeta(pod);
    if (podMeta.namespace !== meta.namespace) {
      continue;
    }
    const owner = findOwner(podMeta, ['ReplicaSet']);
    let entry = owner ? index.find(podMeta.namespace, owner) : undefined;
    if (!entry && !owner) {
      // Owner references stripped (e.g. by a proxy): the hash label and the selector still tell.
      const hash = podMeta.labels.get(POD_TEMPLATE_HASH);
      entry =
        hash && labelSelectorMatches(selector, podMeta.labels)
          ? byHash.get(hash)
          : undefined;
    }
    if (!entry) {
      continue;
    }
    const image = readPodServiceImage(pod, meta.name, context.containerName);
    if (!image) {
      continue;
    }
    entry.pods += 1;
    entry.podImage ??= image.image;
    if (image.digest) {
      entry.podDigests.add(image.digest);
    }
  }
  return entries;
}

function ownedBy(
  rsMeta: ObjectMeta,
  rollout: ObjectMeta,
  selector: unknown,
): boolean {
  const owner = findOwner(rsMeta, ['Rollout']);
  if (owner) {
    return owner.uid && rollout.uid
      ? owner.uid === rollout.uid
      : owner.name === rollout.name;
  }
  return (
    !rsMeta.ownerReferences.some(reference => reference.controller) &&
    labelSelectorMatches(selector, rsMeta.labels)
  );
}

function collectImages(
  replicaSets: ReplicaSetEntry[],
  rolesOf: (hash: string | null) => Role[],
): RolloutImage[] {
  const images = new Map<string, { image: RolloutImage; revision: number }>();
  const ordered = [...replicaSets].sort((a, b) => b.revision - a.revision);
  for (const rs of ordered) {
    const roles = rolesOf(rs.hash);
    const reference = rs.image ?? rs.podImage;
    if (
      !reference ||
      (roles.length === 0 && rs.replicas === 0 && rs.pods === 0)
    ) {
      continue;
    }
    const digests = [...rs.podDigests];
    if (digests.length === 0 && isPinnedByDigest(reference)) {
      digests.push(parseImageDigest(reference)!);
    }
    let entry = images.get(reference);
    if (!entry) {
      entry = {
        image: { image: reference, digests: [], roles: [] },
        revision: rs.revision,
      };
      images.set(reference, entry);
    }
    for (const digest of digests) {
      if (!entry.image.digests.includes(digest))
        entry.image.digests.push(digest);
    }
    for (const role of roles) {
      if (!entry.image.roles.includes(role)) entry.image.roles.push(role);
    }
  }
  return [...images.values()].map(({ image }) => image);
}

function collectAnalysisRuns(meta: ObjectMeta, runs: unknown[]) {
  return asArray(runs)
    .map((run, order) => ({ run, order, runMeta: readObjectMeta(run) }))
    .filter(({ runMeta }) => {
      if (runMeta.namespace !== meta.namespace) {
        return false;
      }
      const owner = findOwner(runMeta, ['Rollout']);
      if (!owner) {
        return false;
      }
      return owner.uid && meta.uid
        ? owner.uid === meta.uid
        : owner.name === meta.name;
    })
    .sort(
      (a, b) =>
        timeOf(a.runMeta.creationTimestamp) -
          timeOf(b.runMeta.creationTimestamp) || a.order - b.order,
    )
    .map(({ run }) => getAnalysisRunStatus(run));
}

function timeOf(timestamp: string | null): number {
  const time = timestamp && timestamp.length < 64 ? Date.parse(timestamp) : NaN;
  return Number.isNaN(time) ? 0 : time;
}
