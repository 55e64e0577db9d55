export { describeSigner } from './describeSigner';
export { findDigestSignature } from './findDigestSignature';
export { findSignatureViolations } from './findSignatureViolations';
export { imageRepository } from './imageRepository';
export { signableDigests } from './signableDigests';
export type { SignableDigest } from './signableDigests';
export type {
  DigestSignature,
  DigestSigner,
  RungSignatures,
  SignatureRequirement,
  SignatureStatus,
} from './types';
