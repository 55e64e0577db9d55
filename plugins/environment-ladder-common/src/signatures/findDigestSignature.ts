import type { Digest, Ladder } from '../types';
import type { DigestSignature } from './types';

/**
 * The signature verdict of a digest anywhere on the ladder (the first rung that shows it), or null when none was made.
 *
 * @public
 */
export function findDigestSignature(
  ladder: Pick<Ladder, 'rungs'>,
  digest: Digest,
): DigestSignature | null {
  for (const rung of ladder.rungs) {
    const found = rung.signatures?.digests.find(s => s.digest === digest);
    if (found) return found;
  }
  return null;
}
