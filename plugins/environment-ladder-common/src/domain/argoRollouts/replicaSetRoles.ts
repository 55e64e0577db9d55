import { asString } from '../internal/asString';
import { field } from '../internal/field';
import { isObject } from './isObject';
import { readStableHash } from './rolloutPhase';

/** The tags `kubectl argo rollouts get rollout` puts on a ReplicaSet and its images. */
export type ReplicaSetTag =
  | 'canary'
  | 'stable'
  | 'active'
  | 'preview'
  | 'ping'
  | 'pong';

/**
 * Mirrors the roles of `GetReplicaSetInfo` (info/replicaset_info.go), in the order
 * the CLI prints them:
 * - canary: `stable` when the hash is `status.stableRS`, else `canary` when it is
 *   `status.currentPodHash`; with `pingPong`, the stable one is `ping` when
 *   `status.canary.stablePingPong` is `ping` (else `pong`), the canary the other;
 * - blue-green: `stable` as above, and `active` when the hash is the active selector,
 *   else `preview` when it is the preview selector.
 * Hashes compare as upstream's strings do: a missing one is "". The stable hash
 * falls back to the pre-v0.8 `status.canary.stableRS` ({@link readStableHash}).
 */
export function replicaSetRoles(
  spec: unknown,
  status: unknown,
  podTemplateHash: string,
): ReplicaSetTag[] {
  const tags: ReplicaSetTag[] = [];
  const stableHash = readStableHash(status);
  const canary = field(spec, 'strategy', 'canary');
  if (isObject(canary)) {
    const pingPong = isObject(field(canary, 'pingPong'));
    const stableIsPing = field(status, 'canary', 'stablePingPong') === 'ping';
    if (stableHash === podTemplateHash) {
      tags.push('stable');
      if (pingPong) tags.push(stableIsPing ? 'ping' : 'pong');
    } else if (
      (asString(field(status, 'currentPodHash')) ?? '') === podTemplateHash
    ) {
      tags.push('canary');
      if (pingPong) tags.push(stableIsPing ? 'pong' : 'ping');
    }
  }
  if (isObject(field(spec, 'strategy', 'blueGreen'))) {
    if (stableHash === podTemplateHash && !tags.includes('stable')) {
      tags.push('stable');
    }
    if (
      (asString(field(status, 'blueGreen', 'activeSelector')) ?? '') ===
      podTemplateHash
    ) {
      tags.push('active');
    } else if (
      (asString(field(status, 'blueGreen', 'previewSelector')) ?? '') ===
      podTemplateHash
    ) {
      tags.push('preview');
    }
  }
  return tags;
}

/** A ReplicaSet as the CLI's image list reads it. */
export interface TaggedReplicaSet {
  name: string;
  revision: number;
  replicas: number;
  images: string[];
  tags: ReplicaSetTag[];
}

/** Mirrors the sort of `GetReplicaSetInfo`: newest revision first, then by name. */
export function sortReplicaSetInfos<
  T extends { revision: number; name: string },
>(replicaSets: readonly T[]): T[] {
  // Upstream's creationTimestamp tie-break computes a value it never returns.
  return [...replicaSets].sort(
    (a, b) => b.revision - a.revision || compareStrings(a.name, b.name),
  );
}

/**
 * Mirrors `info.Images` and `mergeImageAndTags` (info/rollout_info.go): every
 * container image of each ReplicaSet with `status.replicas` above 0, once, with the
 * union of its ReplicaSets' tags sorted; images sorted by name. Experiments' images,
 * which the CLI adds too, are not read (the ladder does not list Experiments).
 */
export function listCliImages(
  replicaSets: readonly TaggedReplicaSet[],
): Array<{ image: string; tags: ReplicaSetTag[] }> {
  const tagsByImage = new Map<string, Set<ReplicaSetTag>>();
  for (const rs of replicaSets) {
    if (rs.replicas <= 0) continue;
    for (const image of rs.images) {
      const tags = tagsByImage.get(image) ?? new Set<ReplicaSetTag>();
      rs.tags.forEach(tag => tags.add(tag));
      tagsByImage.set(image, tags);
    }
  }
  return [...tagsByImage.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([image, tags]) => ({ image, tags: [...tags].sort(compareStrings) }));
}

// Go compares strings byte by byte; so does this for the ASCII of image names.
function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
