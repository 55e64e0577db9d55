import type { Digest } from '../../types';

/** A digest shortened for sentences: `sha256:` and the first 12 hex characters. */
export function shortDigest(digest: Digest): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}
