import type { Digest, LadderRung } from '../types';
import { imageRepository } from './imageRepository';

/**
 * A digest to verify and the repository its signatures live next to.
 *
 * @public
 */
export interface SignableDigest {
  digest: Digest;
  repository: string;
}

/**
 * Every digest a rung shows (what its pods and rollouts run, and each preview's digest),
 * with the repository it was pulled from, in the order the rung shows them.
 *
 * @remarks
 * A preview's digest is looked up among the rung's workloads (the preview's Deployment);
 * when none runs it, `fallbackRepository` (the service's image elsewhere on the ladder:
 * one build climbs every rung) is used, and without one the digest is left out.
 *
 * @public
 */
export function signableDigests(
  rung: Pick<LadderRung, 'digests' | 'workloads' | 'rollouts' | 'previews'>,
  fallbackRepository?: string | null,
): SignableDigest[] {
  const repositories = new Map<Digest, string>();
  for (const workload of rung.workloads) {
    for (const running of workload.running) {
      if (running.digest && !repositories.has(running.digest)) {
        repositories.set(running.digest, imageRepository(running.image));
      }
    }
  }
  for (const rollout of rung.rollouts) {
    for (const image of rollout.images) {
      for (const digest of image.digests) {
        if (!repositories.has(digest)) {
          repositories.set(digest, imageRepository(image.image));
        }
      }
    }
  }
  const wanted = [
    ...rung.digests,
    ...(rung.previews ?? []).flatMap(preview =>
      preview.digest ? [preview.digest] : [],
    ),
  ];
  const result: SignableDigest[] = [];
  const seen = new Set<Digest>();
  for (const digest of wanted) {
    if (seen.has(digest)) continue;
    seen.add(digest);
    const repository = repositories.get(digest) ?? fallbackRepository;
    if (repository) result.push({ digest, repository });
  }
  return result;
}
