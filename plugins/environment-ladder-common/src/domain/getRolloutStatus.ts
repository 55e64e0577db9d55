import type { Digest, RolloutImage, RolloutStatus } from '../types';
import {
  computeActualWeight,
  formatCanaryStep,
  getCurrentSetWeight,
} from './argoRollouts/canaryWeights';
import { explainRollout } from './argoRollouts/explainRollout';
import { isObject } from './argoRollouts/isObject';
import {
  listCliImages,
  replicaSetRoles,
  sortReplicaSetInfos,
  type ReplicaSetTag,
} from './argoRollouts/replicaSetRoles';
import {
  getRolloutPhase,
  readReplicasOrDefault,
} from './argoRollouts/rolloutPhase';
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
const LADDER_ROLES: ReadonlySet<string> = new Set([
  'stable',
  'canary',
  'active',
  'preview',
]);

type Role = RolloutImage['roles'][number];

interface ReplicaSetEntry {
  meta: ObjectMeta;
  name: string;
  hash: string | null;
  revision: number;
  image: string | null;
  containerImages: string[];
  available: number;
  replicas: number;
  tags: ReplicaSetTag[];
  podDigests: Set<Digest>;
  pods: number;
  podImage: string | null;
}

/**
 * Reads an Argo Rollouts Rollout as `kubectl argo rollouts get rollout` shows it:
 * phase, message, strategy, step, weights, replicas, images and analysis, plus the
 * ladder's own explanation apart from the CLI's words.
 *
 * @remarks
 * Mirrors `NewRolloutInfo` (argo-rollouts pkg/kubectl-argo-rollouts/info/rollout_info.go);
 * each rule lives in `./argoRollouts` with the upstream function it mirrors. Where the
 * ladder differs, on purpose: ReplicaSets whose owner references were stripped still
 * count when the rollout's selector and hash label match them; `images` is the
 * ladder's view (the service container, with digests from the pods), `cliImages` the
 * CLI's; analysis runs carry their failure reason and measurements.
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
  // Upstream checks canary first: a spec naming both is a canary to the CLI.
  let strategy: RolloutStatus['strategy'] = null;
  if (isObject(field(spec, 'strategy', 'canary'))) strategy = 'Canary';
  else if (isObject(field(spec, 'strategy', 'blueGreen')))
    strategy = 'BlueGreen';
  const { unknownRecordedPhase, ...phaseAndMessage } = getRolloutPhase(rollout);

  const replicaSets = sortReplicaSetInfos(
    collectReplicaSets(rollout, meta, context),
  );
  for (const rs of replicaSets) {
    rs.tags = replicaSetRoles(spec, status, rs.hash ?? '');
  }
  const step = strategy === 'Canary' ? formatCanaryStep(spec, status) : null;
  const replicas = {
    desired: readReplicasOrDefault(spec),
    current: asCount(field(status, 'replicas')) ?? 0,
    updated: asCount(field(status, 'updatedReplicas')) ?? 0,
    ready: asCount(field(status, 'readyReplicas')) ?? 0,
    available: asCount(field(status, 'availableReplicas')) ?? 0,
  };
  const analysisRuns = collectAnalysisRuns(meta, context.analysisRuns);

  return {
    cluster: context.cluster,
    namespace: meta.namespace,
    name: meta.name ?? '',
    strategy,
    ...phaseAndMessage,
    explanation: explainRollout({
      rollout,
      ...phaseAndMessage,
      unknownRecordedPhase,
      step,
      replicas,
      analysisRuns,
    }),
    step,
    setWeight: strategy === 'Canary' ? getCurrentSetWeight(spec, status) : null,
    actualWeight:
      strategy === 'Canary'
        ? computeActualWeight(
            spec,
            status,
            replicaSets.map(rs => ({
              canary: rs.tags.includes('canary'),
              available: rs.available,
            })),
          )
        : null,
    replicas,
    images: collectImages(replicaSets),
    cliImages: listCliImages(
      replicaSets.map(rs => ({
        name: rs.name,
        revision: rs.revision,
        replicas: rs.replicas,
        images: rs.containerImages,
        tags: rs.tags,
      })),
    ),
    analysisRuns,
    aborted: field(status, 'abort') === true,
  };
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
      name: rsMeta.name ?? '',
      hash: rsMeta.labels.get(POD_TEMPLATE_HASH) ?? null,
      revision: readRevision(rsMeta).revision ?? 0,
      image: container?.image ?? null,
      containerImages: asArray(
        field(object, 'spec', 'template', 'spec', 'containers'),
      ).flatMap(c => asString(field(c, 'image')) ?? []),
      tags: [],
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

// The ladder's images: the service container of each ReplicaSet that plays a role or
// still has pods, newest revision first, with the digests its pods run.
function collectImages(replicaSets: ReplicaSetEntry[]): RolloutImage[] {
  const images = new Map<string, RolloutImage>();
  for (const rs of replicaSets) {
    const roles = rs.tags.filter((tag): tag is Role => LADDER_ROLES.has(tag));
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
    let image = images.get(reference);
    if (!image) {
      image = { image: reference, digests: [], roles: [] };
      images.set(reference, image);
    }
    for (const digest of digests) {
      if (!image.digests.includes(digest)) image.digests.push(digest);
    }
    for (const role of roles) {
      if (!image.roles.includes(role)) image.roles.push(role);
    }
  }
  return [...images.values()];
}

// Mirrors the filter and sort of `getAnalysisRunInfo` (info/analysisrun_info.go):
// runs the rollout owns, newest revision first, then oldest first, then by name
// descending. Ownership by name counts too when a reference has no uid.
function collectAnalysisRuns(meta: ObjectMeta, runs: unknown[]) {
  return asArray(runs)
    .map(run => ({
      runMeta: readObjectMeta(run),
      status: getAnalysisRunStatus(run),
    }))
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
        (b.status.revision ?? 0) - (a.status.revision ?? 0) ||
        timeOf(a.runMeta.creationTimestamp) -
          timeOf(b.runMeta.creationTimestamp) ||
        compareDescending(a.status.name, b.status.name),
    )
    .map(({ status }) => status);
}

function compareDescending(a: string, b: string): number {
  if (a > b) return -1;
  return a < b ? 1 : 0;
}

function timeOf(timestamp: string | null): number {
  const time = timestamp && timestamp.length < 64 ? Date.parse(timestamp) : NaN;
  return Number.isNaN(time) ? 0 : time;
}
