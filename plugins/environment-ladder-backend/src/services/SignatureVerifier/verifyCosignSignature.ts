import { crypto as sigstoreCrypto } from '@sigstore/core';
import type { TrustedKey } from '../../config/readSignaturesConfig';
import type { SignatureOutcome } from './outcome';

/** The annotation cosign puts a layer's base64 signature in. */
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** cosign writes one layer per signature; more than this is not a signature manifest. */
export const MAX_SIGNATURE_LAYERS = 20;

/** The layers of a `sha256-<hex>.sig` manifest that carry a simple-signing payload and its signature. */
export function signatureLayers(
  manifest: unknown,
): Array<{ digest: string; signature: string; certificate: boolean }> | string {
  const layers = (manifest as { layers?: unknown })?.layers;
  if (!Array.isArray(layers)) return 'the signature manifest has no layers';
  const found = [];
  for (const layer of layers) {
    if (found.length >= MAX_SIGNATURE_LAYERS) break;
    const { mediaType, digest, annotations } = (layer ?? {}) as Record<
      string,
      any
    >;
    if (mediaType !== SIMPLE_SIGNING || typeof digest !== 'string') continue;
    const signature = annotations?.[COSIGN_SIGNATURE_ANNOTATION];
    if (
      typeof signature !== 'string' ||
      !/^sha256:[0-9a-f]{64}$/.test(digest)
    ) {
      continue;
    }
    found.push({
      digest,
      signature,
      certificate:
        typeof annotations?.['dev.sigstore.cosign/certificate'] === 'string',
    });
  }
  return found.length
    ? found
    : 'the signature manifest has no simple-signing layer with a signature annotation';
}

/**
 * Checks one cosign key-based signature: the simple-signing payload must name the
 * digest, and the signature must verify with one of the trusted keys. The ECDSA check
 * over the payload is `@sigstore/core`'s `crypto.verify` (sigstore-js has no API for
 * cosign's legacy `.sig` format); keyless legacy signatures (a certificate annotation)
 * are reported as unsupported: cosign v3 writes keyless signatures as bundles.
 */
export function verifyCosignSignature(input: {
  digest: string;
  payload: Buffer;
  signature: string;
  certificate: boolean;
  keys: TrustedKey[];
}): SignatureOutcome {
  let payload: any;
  try {
    payload = JSON.parse(input.payload.toString('utf8'));
  } catch {
    return {
      verified: false,
      reason: 'the simple-signing payload is not JSON',
    };
  }
  const named = payload?.critical?.image?.['docker-manifest-digest'];
  if (typeof named !== 'string') {
    return {
      verified: false,
      reason: 'the simple-signing payload names no image digest',
    };
  }
  if (named !== input.digest) {
    return {
      verified: false,
      reason: `the signed payload names another digest (${named.slice(
        0,
        19,
      )}…), not this one`,
    };
  }
  if (input.certificate) {
    return {
      verified: false,
      reason:
        'a legacy keyless cosign signature (certificate annotation): not supported, sign with a Sigstore bundle (cosign v3)',
    };
  }
  const signature = Buffer.from(input.signature, 'base64');
  if (
    signature.length === 0 ||
    signature.toString('base64') !== input.signature.replace(/\s/g, '')
  ) {
    return {
      verified: false,
      reason: 'the signature annotation is not base64',
    };
  }
  if (input.keys.length === 0) {
    return {
      verified: false,
      reason: 'a key-based signature, but no public key is trusted',
    };
  }
  for (const key of input.keys) {
    let ok = false;
    try {
      ok = sigstoreCrypto.verify(
        input.payload,
        key.publicKey,
        signature,
        'sha256',
      );
    } catch {
      ok = false;
    }
    if (ok) {
      const reference = payload?.critical?.identity?.['docker-reference'];
      return {
        verified: true,
        signer: { kind: 'key', name: key.name },
        format: 'cosign-signature',
        details: [
          `cosign signature verified with the trusted key ${key.name}`,
          `The signed payload names ${
            typeof reference === 'string' ? `${reference}@` : ''
          }${input.digest}`,
        ],
      };
    }
  }
  return {
    verified: false,
    reason: `signed with a key that is not trusted (tried ${input.keys
      .map(k => k.name)
      .join(', ')})`,
  };
}
