import crypto from 'node:crypto';
import type {
  DigestSignature,
  SignableDigest,
} from '@environment-ladder/plugin-environment-ladder-common';
import { describeSigner } from '@environment-ladder/plugin-environment-ladder-common';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import type { SignaturesConfig } from '../../config/readSignaturesConfig';
import {
  RegistryUnavailableError,
  TooLargeError,
  type RegistryClient,
} from './createRegistryClient';
import type { SignatureOutcome } from './outcome';
import type { SignatureVerifier } from './types';
import {
  signatureLayers,
  verifyCosignSignature,
} from './verifyCosignSignature';
import { verifySigstoreBundle } from './verifySigstoreBundle';

const BUNDLE_ARTIFACT_TYPES = [
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
];
/** Bundles examined per digest: a referrers list of thousands costs no more than this. */
export const MAX_BUNDLES = 10;

/**
 * Verifies a digest's signatures in both formats cosign writes: the key-based
 * `sha256-<hex>.sig` tag (simple-signing payloads) and Sigstore bundles attached as OCI
 * 1.1 referrers (or listed under the referrers tag schema). The first signature that
 * verifies wins; otherwise the verdict says why each failed. A registry that cannot be
 * asked makes the verdict `unavailable`, anything malformed makes it `invalid`: it never
 * throws.
 */
export function createSignatureVerifier(options: {
  config: SignaturesConfig;
  registry: RegistryClient;
  now?: () => Date;
}): SignatureVerifier {
  const { config, registry } = options;
  const now = options.now ?? (() => new Date());
  const trustMaterial: TrustMaterial | null = config.trustedRoot
    ? toTrustMaterial(config.trustedRoot)
    : null;
  const keyTrustMaterial = toTrustMaterial(
    config.trustedRoot ?? TrustedRoot.fromJSON({}),
    (hint: string) => {
      const key = config.keys.find(
        k => k.name === hint || fingerprint(k.publicKey) === hint,
      );
      if (!key) {
        throw new Error(`the bundle's key '${hint}' is not a trusted key`);
      }
      return { publicKey: key.publicKey, validFor: () => true };
    },
  );

  async function candidates(target: SignableDigest) {
    const outcomes: SignatureOutcome[] = [];
    const found: string[] = [];
    const sigTag = `${target.digest.replace(':', '-')}.sig`;
    let sigManifest: { bytes: Buffer } | null = null;
    try {
      sigManifest = await registry.getManifest(target.repository, sigTag);
    } catch (error) {
      if (!(error instanceof TooLargeError)) throw error;
      outcomes.push({
        verified: false,
        reason: `the ${sigTag} manifest ${error.message}`,
      });
    }
    if (sigManifest) {
      found.push(`cosign signature tag ${sigTag}`);
      const layers = signatureLayers(parseJson(sigManifest.bytes));
      if (typeof layers === 'string') {
        outcomes.push({ verified: false, reason: layers });
      } else {
        for (const layer of layers) {
          const payload = await blob(target.repository, layer.digest);
          const outcome =
            typeof payload === 'string'
              ? ({ verified: false, reason: payload } as const)
              : verifyCosignSignature({
                  digest: target.digest,
                  payload,
                  signature: layer.signature,
                  certificate: layer.certificate,
                  keys: config.keys,
                });
          outcomes.push(outcome);
          if (outcome.verified) return { outcomes, found };
        }
      }
    }

    let index: unknown;
    try {
      index = await registry.getReferrers(target.repository, target.digest);
    } catch (error) {
      if (!(error instanceof TooLargeError)) throw error;
      outcomes.push({
        verified: false,
        reason: `the referrers list ${error.message}`,
      });
      return { outcomes, found };
    }
    const manifests = (index as { manifests?: unknown })?.manifests;
    const listed = Array.isArray(manifests) ? manifests : [];
    const bundles = listed.filter(
      (m: any) =>
        BUNDLE_ARTIFACT_TYPES.includes(m?.artifactType) &&
        typeof m?.digest === 'string' &&
        /^sha256:[0-9a-f]{64}$/.test(m.digest),
    );
    if (bundles.length) {
      found.push(
        `${bundles.length} Sigstore bundle${
          bundles.length === 1 ? '' : 's'
        } among ${listed.length} referrer${listed.length === 1 ? '' : 's'}${
          bundles.length > MAX_BUNDLES
            ? ` (the first ${MAX_BUNDLES} examined)`
            : ''
        }`,
      );
    }
    for (const descriptor of bundles.slice(0, MAX_BUNDLES)) {
      const outcome = await bundleOutcome(target, descriptor.digest);
      outcomes.push(outcome);
      if (outcome.verified) break;
    }
    return { outcomes, found };
  }

  async function blob(
    repository: string,
    digest: string,
  ): Promise<Buffer | string> {
    try {
      const bytes = await registry.getBlob(repository, digest);
      return (
        bytes ??
        `the registry does not have the signed payload ${digest.slice(0, 19)}…`
      );
    } catch (error) {
      if (error instanceof RegistryUnavailableError) throw error;
      return (error as Error).message;
    }
  }

  async function bundleOutcome(
    target: SignableDigest,
    manifestDigest: string,
  ): Promise<SignatureOutcome> {
    let manifest;
    try {
      manifest = await registry.getManifest(target.repository, manifestDigest);
    } catch (error) {
      if (error instanceof TooLargeError) {
        return {
          verified: false,
          reason: `the bundle manifest ${error.message}`,
        };
      }
      throw error;
    }
    if (!manifest) {
      return { verified: false, reason: 'a listed bundle manifest is missing' };
    }
    const layer = (parseJson(manifest.bytes) as any)?.layers?.[0];
    if (
      typeof layer?.digest !== 'string' ||
      !/^sha256:[0-9a-f]{64}$/.test(layer.digest)
    ) {
      return {
        verified: false,
        reason: 'the bundle manifest has no bundle layer',
      };
    }
    const bytes = await blob(target.repository, layer.digest);
    if (typeof bytes === 'string') return { verified: false, reason: bytes };
    const json = parseJson(bytes);
    if (json === undefined) {
      return { verified: false, reason: 'the Sigstore bundle is not JSON' };
    }
    return verifySigstoreBundle({
      digest: target.digest,
      bundle: json,
      trustMaterial,
      keyTrustMaterial,
      identities: config.identities,
      keys: config.keys,
    });
  }

  return {
    async verify(target) {
      const checkedAt = now().toISOString();
      const base = {
        digest: target.digest,
        repository: target.repository,
        checkedAt,
      };
      try {
        const { outcomes, found } = await candidates(target);
        const verified = outcomes.find(o => o.verified);
        if (verified && verified.verified) {
          return {
            ...base,
            status: 'signed',
            signer: verified.signer,
            format: verified.format,
            summary: `signed by ${describeSigner(verified.signer)}`,
            details: verified.details,
          } satisfies DigestSignature;
        }
        if (outcomes.length === 0) {
          return {
            ...base,
            status: 'unsigned',
            signer: null,
            format: null,
            summary: 'unsigned',
            reason: 'no signature was found',
            details: [
              `No cosign signature (tag ${target.digest.replace(
                ':',
                '-',
              )}.sig) and no Sigstore bundle among the referrers of ${
                target.repository
              }@${target.digest}`,
            ],
          };
        }
        const reasons = [
          ...new Set(outcomes.flatMap(o => (o.verified ? [] : [o.reason]))),
        ];
        return {
          ...base,
          status: 'invalid',
          signer: null,
          format: null,
          summary: 'signature does not verify',
          reason: reasons[0],
          details: [
            `Found ${found.join(' and ') || 'signatures'} for ${
              target.repository
            }@${target.digest}; none verifies`,
            ...reasons.map(capitalize),
          ],
        };
      } catch (error) {
        const message =
          error instanceof RegistryUnavailableError
            ? error.message
            : `the registry's answer could not be read (${
                (error as Error).message
              })`;
        return {
          ...base,
          status: 'unavailable',
          signer: null,
          format: null,
          summary: 'could not check: registry unavailable',
          reason: message,
          details: [
            capitalize(message),
            `Checked again after ${Math.round(config.retryAfterMs / 1000)} s`,
          ],
        };
      }
    },
  };
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The hex SHA-256 of a key's SPKI form: how a bundle may name a key. */
function fingerprint(key: crypto.KeyObject): string {
  return crypto
    .createHash('sha256')
    .update(key.export({ format: 'der', type: 'spki' }) as Buffer)
    .digest('hex');
}
