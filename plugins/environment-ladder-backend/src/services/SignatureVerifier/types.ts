import type {
  DigestSignature,
  SignableDigest,
} from '@environment-ladder/plugin-environment-ladder-common';

/** Verifies the signatures of a digest in its registry, against the configured trust. */
export interface SignatureVerifier {
  /** Never throws: every failure is a verdict (`invalid`, `unavailable`). */
  verify(target: SignableDigest): Promise<DigestSignature>;
}
