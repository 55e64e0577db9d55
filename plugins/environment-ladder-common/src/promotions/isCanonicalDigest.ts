const CANONICAL_DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Whether a value is a digest in the one form the ladder accepts: `sha256:` followed by
 * exactly 64 lowercase hex characters. Upper case, short forms, tags, other algorithms
 * (`sha512:`) and anything around the digest (whitespace, newlines) are refused.
 */
export function isCanonicalDigest(value: unknown): value is string {
  return typeof value === 'string' && CANONICAL_DIGEST.test(value);
}
