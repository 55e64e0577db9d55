import type { Digest } from '../types';

/**
 * A digest shortened to `sha256:` and its first 12 hex characters: enough to
 * tell releases apart at a glance. Sentences mark the cut with an ellipsis
 * (the default); labels next to the full digest pass `ellipsis: false`.
 *
 * @public
 */
export function shortDigest(
  digest: Digest,
  options: { ellipsis?: boolean } = {},
): string {
  const { ellipsis = true } = options;
  const [algorithm, hex] = digest.split(':');
  const short = hex ? `${algorithm}:${hex.slice(0, 12)}` : digest.slice(0, 19);
  return ellipsis && short.length < digest.length ? `${short}…` : short;
}
