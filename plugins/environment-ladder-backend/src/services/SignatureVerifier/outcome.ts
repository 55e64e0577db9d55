import type { DigestSigner } from '@environment-ladder/plugin-environment-ladder-common';

/** What checking one signature (a `.sig` layer or a bundle) concluded. */
export type SignatureOutcome =
  | {
      verified: true;
      signer: DigestSigner;
      format: 'cosign-signature' | 'sigstore-bundle';
      details: string[];
    }
  | { verified: false; reason: string };
