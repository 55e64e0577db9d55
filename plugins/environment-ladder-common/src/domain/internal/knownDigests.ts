import type { Digest, RolloutStatus, WorkloadStatus } from '../../types';

/**
 * Every digest a rung is known to have run: its pods now, its rollouts' images, and the
 * revision history of its workloads. `incomplete` is set when some revision's digest is
 * unknown (a tag whose pods are gone), so "never ran" cannot be certain.
 */
export function knownDigests(
  workloads: readonly WorkloadStatus[],
  rollouts: readonly RolloutStatus[],
): { digests: Set<Digest>; incomplete: boolean } {
  const digests = new Set<Digest>();
  let incomplete = false;
  for (const workload of workloads) {
    for (const running of workload.running) {
      if (running.digest) digests.add(running.digest);
    }
    for (const revision of workload.history ?? []) {
      if (revision.digests.length === 0) incomplete = true;
      for (const digest of revision.digests) digests.add(digest);
    }
  }
  for (const rollout of rollouts) {
    for (const image of rollout.images) {
      for (const digest of image.digests) digests.add(digest);
    }
  }
  return { digests, incomplete };
}
