import { isPinnedByDigest } from '../domain/isPinnedByDigest';
import { parseImageDigest } from '../domain/parseImageDigest';
import { shortDigest } from '../domain/shortDigest';
import type { Digest, LadderRung, WorkloadStatus } from '../types';
import { rungLabel } from './internal';

/**
 * What a rung is pinned to, as against what its pods run.
 *
 * @public
 */
export interface RungPins {
  /** The digests the rung is pinned to, sorted (its pods' digests when `source` is `pods`). */
  digests: Digest[];
  /**
   * `spec`: every workload's spec names its service image by digest, and those are the
   * digests; `pods`: some spec names none (no workload, no image, a tag), so what the
   * rung's pods run stands in for what it is pinned to.
   */
  source: 'spec' | 'pods';
  /** Pinned digests no pod of the rung runs, each with why in a few words (`its aborted canary`). */
  notRunning: Array<{ digest: Digest; why: string }>;
}

function specDigests(workload: WorkloadStatus): Digest[] | null {
  if (workload.specImages.length === 0) return null;
  const digests: Digest[] = [];
  for (const image of workload.specImages) {
    const digest = isPinnedByDigest(image) ? parseImageDigest(image) : null;
    if (!digest) return null;
    digests.push(digest);
  }
  return digests;
}

/**
 * The digests a rung is pinned to: what its workloads' specs name (the GitOps
 * repository's pin, as Argo CD applied it), not only what its pods run.
 *
 * @remarks
 * The two differ while an update rolls out and, for good, after an Argo Rollouts
 * canary aborted: the spec still names the canary's digest while the stable pods run
 * the digest before it, until the pin changes. A rollback compares against the pin, so
 * that going back to the stable digest (what the pods run) is a change, and the
 * aborted digest (what the spec names) is not a rollback target. When any workload's
 * spec cannot be read as a digest, the rung's running digests stand in
 * (`source: 'pods'`), as before pins were read.
 *
 * @public
 */
export function rungPins(rung: LadderRung): RungPins {
  const pinned = new Set<Digest>();
  const why = new Map<Digest, string>();
  let readable = rung.workloads.length > 0;
  for (const workload of rung.workloads) {
    const digests = specDigests(workload);
    if (!digests) {
      readable = false;
      break;
    }
    for (const digest of digests) {
      pinned.add(digest);
      if (!why.has(digest)) why.set(digest, reasonNotRunning(rung, workload));
    }
  }
  if (!readable) {
    return {
      digests: [...rung.digests].sort(),
      source: 'pods',
      notRunning: [],
    };
  }
  const running = new Set(rung.digests);
  const digests = [...pinned].sort();
  return {
    digests,
    source: 'spec',
    notRunning: digests
      .filter(digest => !running.has(digest))
      .map(digest => ({ digest, why: why.get(digest)! })),
  };
}

/** Why a workload's pinned digest may run on no pod: its Rollout aborted, or its update is under way. */
function reasonNotRunning(rung: LadderRung, workload: WorkloadStatus): string {
  if (workload.kind === 'Rollout') {
    const rollout = rung.rollouts.find(
      candidate =>
        candidate.cluster === workload.cluster &&
        candidate.namespace === workload.namespace &&
        candidate.name === workload.name,
    );
    if (rollout?.aborted) {
      return rollout.strategy === 'BlueGreen'
        ? 'its aborted blue-green update'
        : 'its aborted canary';
    }
  }
  return 'its update under way';
}

/**
 * A sentence saying what a rung is pinned to and what its pods run, when they differ
 * (`Prod pins sha256:… (its aborted canary); its pods run sha256:…`); null when the
 * rung runs exactly what it is pinned to, or its pins could not be read.
 *
 * @public
 */
export function describeRungPins(
  rung: LadderRung,
  pins: RungPins = rungPins(rung),
): string | null {
  if (pins.source === 'pods') return null;
  const running = [...rung.digests].sort();
  if (
    running.length === pins.digests.length &&
    running.every((digest, index) => digest === pins.digests[index])
  ) {
    return null;
  }
  const pinned = pins.digests
    .map(digest => {
      const why = pins.notRunning.find(entry => entry.digest === digest)?.why;
      return `${shortDigest(digest)}${why ? ` (${why})` : ''}`;
    })
    .join(', ');
  return `${rungLabel(rung)} pins ${pinned}; its pods run ${
    running.length
      ? running.map(digest => shortDigest(digest)).join(', ')
      : 'no digest that could be read'
  }`;
}
