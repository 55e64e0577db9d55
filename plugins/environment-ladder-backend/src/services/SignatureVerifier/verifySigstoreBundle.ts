import { crypto as sigstoreCrypto } from '@sigstore/core';
import {
  bundleFromJSON,
  isBundleWithDsseEnvelope,
  type Bundle,
} from '@sigstore/bundle';
import { toSignedEntity, Verifier, type TrustMaterial } from '@sigstore/verify';
import type {
  TrustedIdentity,
  TrustedKey,
} from '../../config/readSignaturesConfig';
import type { SignatureOutcome } from './outcome';

/**
 * Checks one Sigstore bundle attached to a digest, with sigstore-js: the bundle's
 * structure (`@sigstore/bundle`), then its signature, certificate chain, SCT and Rekor
 * inclusion proof against the trusted root, or its public key (`@sigstore/verify`), then
 * that the signer is a trusted identity (issuer and subject, exact) or key, and that the
 * signed in-toto statement names this digest. Only DSSE bundles (what cosign v3 writes
 * for an image) are supported: a message-signature bundle signs a blob, not the image.
 */
export function verifySigstoreBundle(input: {
  digest: string;
  bundle: unknown;
  trustMaterial: TrustMaterial | null;
  keyTrustMaterial: TrustMaterial;
  identities: TrustedIdentity[];
  keys: TrustedKey[];
}): SignatureOutcome {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(input.bundle);
  } catch (error) {
    return {
      verified: false,
      reason: `the Sigstore bundle is malformed (${(error as Error).message})`,
    };
  }
  if (!isBundleWithDsseEnvelope(bundle)) {
    return {
      verified: false,
      reason:
        'a message-signature bundle: not supported for images (cosign v3 signs an in-toto statement)',
    };
  }
  const envelope = bundle.content.dsseEnvelope;
  let statement: any;
  try {
    statement = JSON.parse(envelope.payload.toString('utf8'));
  } catch {
    return { verified: false, reason: 'the signed statement is not JSON' };
  }
  const hex = input.digest.slice('sha256:'.length);
  const subjects: unknown[] = Array.isArray(statement?.subject)
    ? statement.subject
    : [];
  if (!subjects.some((s: any) => s?.digest?.sha256 === hex)) {
    return {
      verified: false,
      reason: 'the signed statement names another digest, not this one',
    };
  }

  const material = bundle.verificationMaterial.content;
  const withKey = material.$case === 'publicKey';
  const trust = withKey ? input.keyTrustMaterial : input.trustMaterial;
  if (!trust) {
    return {
      verified: false,
      reason:
        'a keyless bundle, but no trusted root is configured (environmentLadder.signatures.trustedRoot)',
    };
  }
  const entries = bundle.verificationMaterial.tlogEntries.length;
  let signer;
  try {
    signer = new Verifier(
      trust,
      withKey
        ? {
            tlogThreshold: Math.min(entries, input.trustMaterial ? 1 : 0),
            ctlogThreshold: 0,
            timestampThreshold: Math.min(entries, input.trustMaterial ? 1 : 0),
          }
        : undefined,
    ).verify(toSignedEntity(bundle));
  } catch (error) {
    const err = error as Error & { cause?: Error };
    return {
      verified: false,
      reason: `${err.message}${
        err.cause?.message ? `: ${err.cause.message}` : ''
      }`,
    };
  }
  const integrated = bundle.verificationMaterial.tlogEntries[0]?.integratedTime;
  const logged = integrated
    ? `logged in Rekor at ${new Date(Number(integrated) * 1000).toISOString()}`
    : 'not logged in a transparency log';

  if (withKey) {
    const key = input.keys.find(k =>
      sigstoreCrypto.bufferEqual(
        k.publicKey.export({ format: 'der', type: 'spki' }) as Buffer,
        signer.key.export({ format: 'der', type: 'spki' }) as Buffer,
      ),
    );
    return key
      ? {
          verified: true,
          signer: { kind: 'key', name: key.name },
          format: 'sigstore-bundle',
          details: [
            `Sigstore bundle verified with the trusted key ${key.name}`,
            `The signed statement names ${input.digest}; ${logged}`,
          ],
        }
      : { verified: false, reason: 'signed with a key that is not trusted' };
  }
  const san = signer.identity?.subjectAlternativeName ?? '';
  const issuer = signer.identity?.extensions?.issuer ?? '';
  const identity = input.identities.find(
    i => i.subject === san && i.issuer === issuer,
  );
  if (!identity) {
    return {
      verified: false,
      reason: `signed keyless by ${san || 'an unnamed identity'} (issuer ${
        issuer || 'unknown'
      }), which is not a trusted identity`,
    };
  }
  return {
    verified: true,
    signer: { kind: 'keyless', name: identity.name, issuer, subject: san },
    format: 'sigstore-bundle',
    details: [
      `Sigstore bundle verified keyless: certificate for ${san}, issued by the trusted Fulcio for ${issuer}`,
      `The signed statement names ${input.digest}; ${logged}`,
    ],
  };
}
