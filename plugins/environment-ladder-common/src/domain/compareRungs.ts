import type {
  Digest,
  RolloutStatus,
  RungComparison,
  WorkloadStatus,
} from '../types';
import { knownDigests } from './internal/knownDigests';
import { runningDigests } from './internal/runningDigests';
import { shortDigest } from './shortDigest';

type Side = {
  /** How to name the rung in reasons; defaults to "the lower rung" / "the upper rung". */
  name?: string;
  digest: Digest | null;
  workloads: WorkloadStatus[];
  rollouts: RolloutStatus[];
};

/**
 * Relates an upper rung to the rung below it: same digest, behind by N releases, ahead, or unknown with a reason.
 *
 * @remarks
 * Releases are counted in the lower rung's revision history (`WorkloadStatus.history`):
 * the distinct digests its workload rolled out after the upper rung's digest, up to and
 * including the one it runs now. `ahead` means the upper rung runs a digest the lower rung
 * rolled out after the one it runs now, i.e. the lower rung was rolled back. An upper
 * digest that never ran below is not "ahead": it is a broken ladder (reported by
 * `findRungViolations`), and the comparison is unknown with that reason, as it is when
 * either rung does not run exactly one digest.
 */
export function compareRungs(lower: Side, upper: Side): RungComparison {
  const lowerName = lower.name ?? 'the lower rung';
  const upperName = upper.name ?? 'the upper rung';
  if (!upper.digest) {
    return unknown(noSingleDigest(upper, upperName));
  }
  if (!lower.digest) {
    return unknown(noSingleDigest(lower, lowerName));
  }
  if (upper.digest === lower.digest) {
    return { relation: 'same' };
  }

  let behind: number | null = null;
  let ahead = false;
  for (const workload of lower.workloads) {
    const position = positionInHistory(workload, lower.digest, upper.digest);
    if (position === null) continue;
    if (position.relation === 'ahead') {
      ahead = true;
    } else {
      behind = Math.max(behind ?? 0, position.releases);
    }
  }
  if (behind !== null) {
    return { relation: 'behind', releases: behind };
  }
  if (ahead) {
    return { relation: 'ahead' };
  }

  const known = knownDigests(lower.workloads, lower.rollouts);
  if (known.digests.has(upper.digest)) {
    return unknown(
      `${upperName} runs ${shortDigest(
        upper.digest,
      )}, which ${lowerName} ran, but ${lowerName}'s revision history does not tell when`,
    );
  }
  const hasHistory = lower.workloads.some(w => (w.history ?? []).length > 0);
  let reason = `${upperName} runs ${shortDigest(
    upper.digest,
  )}, which never ran in ${lowerName}`;
  if (!hasHistory) {
    reason += ` (${lowerName}'s revision history is not available)`;
  } else if (known.incomplete) {
    reason += ` as far as its revision history tells (some earlier revisions are not pinned by digest)`;
  }
  return unknown(reason);
}

function unknown(reason: string): RungComparison {
  return { relation: 'unknown', reason };
}

function noSingleDigest(side: Side, name: string): string {
  const digests = runningDigests(side.workloads);
  if (digests.length > 1) {
    const list = `${digests
      .slice(0, 3)
      .map(d => shortDigest(d.digest))
      .join(', ')}${digests.length > 3 ? ', …' : ''}`;
    const moving = side.rollouts.find(
      r => r.phase === 'Progressing' || r.phase === 'Paused',
    );
    if (moving) {
      const at = moving.step ? ` at step ${moving.step}` : '';
      return `${name} is rolling out (Rollout ${moving.name}${at}) and runs ${digests.length} digests (${list})`;
    }
    return `${name} runs ${digests.length} digests (${list})`;
  }
  const pods = side.workloads.reduce(
    (sum, w) => sum + w.running.reduce((n, r) => n + r.pods, 0),
    0,
  );
  if (pods > 0) {
    return `${name}'s pods report no image digest yet`;
  }
  return `${name} runs no pods`;
}

// Where the upper digest sits in one workload's history relative to what it runs now.
function positionInHistory(
  workload: WorkloadStatus,
  lowerDigest: Digest,
  upperDigest: Digest,
): { relation: 'behind'; releases: number } | { relation: 'ahead' } | null {
  const history = workload.history ?? [];
  if (history.length === 0) {
    return null;
  }
  const current = history.reduce((a, b) => (b.revision > a.revision ? b : a));
  if (!current.digests.includes(lowerDigest)) {
    return null;
  }
  // When each template first rolled out: a rollback re-labels an old ReplicaSet, but its
  // release happened at its first revision.
  let upperRelease: number | null = null;
  for (const entry of history) {
    if (entry !== current && entry.digests.includes(upperDigest)) {
      upperRelease = Math.max(upperRelease ?? -1, entry.firstRevision);
    }
  }
  if (upperRelease === null) {
    return null;
  }
  if (upperRelease > current.firstRevision) {
    return { relation: 'ahead' };
  }
  const released = new Set<Digest>();
  for (const entry of history) {
    if (
      entry.firstRevision > upperRelease &&
      entry.firstRevision <= current.firstRevision
    ) {
      for (const digest of entry.digests) {
        if (digest !== upperDigest) released.add(digest);
      }
    }
  }
  released.add(lowerDigest);
  return { relation: 'behind', releases: released.size };
}
