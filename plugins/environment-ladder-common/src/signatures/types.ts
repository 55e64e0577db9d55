import type { Digest } from '../types';

/**
 * Whether a rung needs its digests signed: refuse (`required`), flag (`warn`) or ignore (`off`).
 *
 * @public
 */
export type SignatureRequirement = 'required' | 'warn' | 'off';

/**
 * What the signature check concluded for one digest.
 *
 * - `signed`: a signature verified against a trusted key or keyless identity.
 * - `unsigned`: the registry holds no signature for the digest.
 * - `invalid`: signatures exist but none verifies against the policy (bad signature, an
 *   untrusted key or identity, a payload naming another digest, an expired certificate…).
 * - `unavailable`: the registry could not be asked (down, rate-limited, not configured);
 *   retried after a short window.
 *
 * @public
 */
export type SignatureStatus = 'signed' | 'unsigned' | 'invalid' | 'unavailable';

/**
 * Who signed a digest.
 *
 * @public
 */
export type DigestSigner =
  | { kind: 'key'; name: string }
  | { kind: 'keyless'; name: string; issuer: string; subject: string };

/**
 * The signature verdict of one digest, as the ladder shows it.
 *
 * @public
 */
export interface DigestSignature {
  digest: Digest;
  /** The repository the signatures were looked up in, e.g. `ghcr.io/acme/checkout`. */
  repository: string;
  status: SignatureStatus;
  /** Set when `status` is `signed`. */
  signer: DigestSigner | null;
  /** The format of the signature that verified: cosign's `.sig` tag or a Sigstore bundle. */
  format: 'cosign-signature' | 'sigstore-bundle' | null;
  /** What the badge says, e.g. `signed by ci-2026` or `could not check: registry unavailable`. */
  summary: string;
  /** Why it is not `signed`, as a phrase for sentences (e.g. `ghcr.io answered 429 Too Many Requests`). */
  reason?: string;
  /** What was checked and why it concluded so, one sentence each (shown on hover). */
  details: string[];
  /** When the registry was asked (ISO 8601). */
  checkedAt: string;
}

/**
 * The signature verdicts of the digests a rung shows (its own and its previews').
 *
 * @public
 */
export interface RungSignatures {
  requirement: SignatureRequirement;
  digests: DigestSignature[];
}
