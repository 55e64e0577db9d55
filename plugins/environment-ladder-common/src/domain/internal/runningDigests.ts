import type { Digest, WorkloadStatus } from '../../types';

/** The digests a rung's pods run with their pod counts, most pods first. */
export function runningDigests(
  workloads: readonly WorkloadStatus[],
): Array<{ digest: Digest; pods: number }> {
  const pods = new Map<Digest, number>();
  for (const workload of workloads) {
    for (const running of workload.running) {
      if (running.digest) {
        pods.set(
          running.digest,
          (pods.get(running.digest) ?? 0) + running.pods,
        );
      }
    }
  }
  return [...pods]
    .map(([digest, count]) => ({ digest, pods: count }))
    .sort((a, b) => b.pods - a.pods || a.digest.localeCompare(b.digest));
}
