import crypto, { type KeyObject } from 'node:crypto';
import { bundleToJSON, toDSSEBundle } from '@sigstore/bundle';
import { dsse, json } from '@sigstore/core';
import { initializeCA, initializeCTLog, initializeTLog } from '@sigstore/mock';
import {
  MEDIA_TYPES,
  type Descriptor,
  RegistryContent,
} from './RegistryContent';

/** The annotation cosign puts the base64 signature of a simple-signing payload in. */
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** The predicate type cosign v3 gives the in-toto statement it signs for an image. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const OID_FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

/** The tag cosign stores an image's key-based signatures under: `sha256-<hex>.sig`. */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}

/** cosign's simple-signing payload for an image digest. */
export function simpleSigningPayload(
  repository: string,
  digest: string,
): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': repository },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
}

/**
 * Signs a digest the way `cosign sign --key` does (without a transparency log): a
 * simple-signing payload, its ECDSA signature in the layer's annotation, stored as the
 * `sha256-<hex>.sig` manifest. `payloadDigest` and `payload` let tests sign a payload that
 * names another digest, or garbage.
 */
export function signWithKey(
  content: RegistryContent,
  options: {
    repository: string;
    digest: string;
    privateKey: KeyObject;
    payloadDigest?: string;
    payload?: Buffer;
    signature?: string;
  },
): Descriptor {
  const payload =
    options.payload ??
    simpleSigningPayload(
      options.repository,
      options.payloadDigest ?? options.digest,
    );
  const signature =
    options.signature ??
    crypto.sign('sha256', payload, options.privateKey).toString('base64');
  const layer = content.addBlob(payload, MEDIA_TYPES.simpleSigning);
  const config = content.addBlob(
    Buffer.from(
      JSON.stringify({
        architecture: '',
        os: '',
        rootfs: { type: 'layers', diff_ids: [] },
      }),
    ),
    MEDIA_TYPES.config,
  );
  return content.addManifest(
    registryPath(options.repository),
    {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config,
      layers: [
        {
          ...layer,
          annotations: { [COSIGN_SIGNATURE_ANNOTATION]: signature },
        },
      ],
    },
    { tag: signatureTag(options.digest) },
  );
}

/** A mocked Fulcio, Rekor and CT log (from `@sigstore/mock`) with their trusted root. */
export interface MockSigstore {
  /** The trusted root (Sigstore's `TrustedRoot` JSON) that verifies what this instance signs. */
  trustedRoot: Record<string, unknown>;
  /**
   * A Sigstore bundle (v0.3, DSSE in-toto statement as cosign v3 signs an image) for a
   * digest, signed keyless: a certificate for `subject`/`issuer` from the mock Fulcio and
   * an inclusion proof from the mock Rekor. `certificateTime` backdates the certificate
   * (it is valid for 10 minutes), to make one that expired before it was logged.
   */
  signKeyless(options: {
    repository: string;
    digest: string;
    issuer: string;
    subject: string;
    certificateTime?: Date;
  }): Promise<Record<string, unknown>>;
  /** The same with a public key (`hint` names it) instead of a certificate. */
  signWithKey(options: {
    repository: string;
    digest: string;
    privateKey: KeyObject;
    hint: string;
  }): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

const REKOR_URL = 'https://rekor.fixture.invalid';
const IN_TOTO = 'application/vnd.in-toto+json';

/**
 * Creates the mocked Sigstore services, in process: `@sigstore/mock`'s CA (with its CT
 * log) issues certificates and its transparency log logs entries and proves inclusion;
 * `@sigstore/bundle` packs the result.
 */
export async function createMockSigstore(
  options: {
    caKey?: KeyObject;
    tlogKey?: KeyObject;
    ctlogKey?: KeyObject;
  } = {},
): Promise<MockSigstore> {
  const caKeys = keyPair(options.caKey);
  const ctKeys = keyPair(options.ctlogKey);
  const tlogKeys = keyPair(options.tlogKey);
  const ctlog = await initializeCTLog(ctKeys);
  // The mock CA reads the time from this Date at each issue: setting it backdates
  // one certificate while every certificate still chains to the one root.
  const caClock = new Date();
  const ca = await initializeCA(caKeys, ctlog, caClock);
  const tlog = await initializeTLog(REKOR_URL, tlogKeys);

  /** Signs the in-toto statement naming the digest, logs it, and packs the bundle. */
  async function bundle(
    repository: string,
    digest: string,
    signer: {
      privateKey: KeyObject;
      /** PEM of the certificate or public key, as Rekor records it. */
      pem: string;
      certificate?: Buffer;
      hint?: string;
    },
  ) {
    const payload = Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: repository, digest: { sha256: digest.slice(7) } }],
        predicateType: COSIGN_SIGN_PREDICATE,
        predicate: {},
      }),
    );
    const signature = crypto.sign(
      'sha256',
      dsse.preAuthEncoding(IN_TOTO, payload),
      signer.privateKey,
    );
    const built = toDSSEBundle({
      artifact: payload,
      artifactType: IN_TOTO,
      signature,
      certificate: signer.certificate,
      keyHint: signer.hint,
    });
    const logged = await tlog.log(intotoEntry(payload, signature, signer.pem));
    const [entry] = Object.values(logged) as any[];
    built.verificationMaterial.tlogEntries.push({
      logIndex: String(entry.logIndex),
      logId: { keyId: Buffer.from(entry.logID, 'hex') },
      integratedTime: String(entry.integratedTime),
      kindVersion: { kind: 'intoto', version: '0.0.2' },
      inclusionPromise: {
        signedEntryTimestamp: Buffer.from(
          entry.verification.signedEntryTimestamp,
          'base64',
        ),
      },
      inclusionProof: {
        logIndex: String(entry.verification.inclusionProof.logIndex),
        treeSize: String(entry.verification.inclusionProof.treeSize),
        rootHash: Buffer.from(
          entry.verification.inclusionProof.rootHash,
          'hex',
        ),
        hashes: [],
        checkpoint: { envelope: entry.verification.inclusionProof.checkpoint },
      },
      canonicalizedBody: Buffer.from(entry.body, 'base64'),
    });
    return bundleToJSON(built) as unknown as Record<string, unknown>;
  }

  const validFor = { start: '2020-01-01T00:00:00Z' };
  const der = (key: KeyObject) =>
    key.export({ format: 'der', type: 'spki' }) as Buffer;
  const logKey = (key: KeyObject, baseUrl: string) => ({
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: der(key).toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor,
    },
    logId: {
      keyId: crypto.createHash('sha256').update(der(key)).digest('base64'),
    },
  });

  return {
    trustedRoot: {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [logKey(tlogKeys.publicKey, REKOR_URL)],
      certificateAuthorities: [
        {
          subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
          uri: 'https://fulcio.fixture.invalid',
          certChain: {
            certificates: [
              {
                rawBytes: Buffer.from(ca.rootCertificate.buffer).toString(
                  'base64',
                ),
              },
            ],
          },
          validFor,
        },
      ],
      ctlogs: [logKey(ctKeys.publicKey, 'https://ctfe.fixture.invalid')],
      timestampAuthorities: [],
    },
    async signKeyless({
      repository,
      digest,
      issuer,
      subject,
      certificateTime,
    }) {
      const ephemeral = crypto.generateKeyPairSync('ec', {
        namedCurve: 'P-256',
      });
      caClock.setTime((certificateTime ?? new Date()).getTime());
      const certificate = Buffer.from(
        (
          await ca.issueCertificate({
            publicKey: der(ephemeral.publicKey) as any,
            subjectAltName: subject,
            extensions: [
              { oid: OID_FULCIO_ISSUER_V1, value: issuer, legacy: true },
              { oid: OID_FULCIO_ISSUER_V2, value: issuer },
            ],
          })
        ).buffer,
      );
      return bundle(repository, digest, {
        privateKey: ephemeral.privateKey,
        pem: toPem(certificate),
        certificate,
      });
    },
    async signWithKey({ repository, digest, privateKey, hint }) {
      return bundle(repository, digest, {
        privateKey,
        pem: crypto
          .createPublicKey(privateKey)
          .export({ format: 'pem', type: 'spki' })
          .toString(),
        hint,
      });
    },
    close: async () => undefined,
  };
}

/** Rekor's `intoto` v0.0.2 entry for a DSSE envelope, as a Sigstore client proposes it. */
function intotoEntry(payload: Buffer, signature: Buffer, pem: string) {
  const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64');
  const envelopeHash = crypto
    .createHash('sha256')
    .update(
      json.canonicalize({
        payloadType: IN_TOTO,
        payload: payload.toString('base64'),
        signatures: [{ sig: signature.toString('base64'), publicKey: pem }],
      }),
    )
    .digest('hex');
  return {
    apiVersion: '0.0.2',
    kind: 'intoto',
    spec: {
      content: {
        envelope: {
          payloadType: IN_TOTO,
          // Rekor expects the payload and signature base64-encoded twice.
          payload: b64(payload.toString('base64')),
          signatures: [
            { sig: b64(signature.toString('base64')), publicKey: b64(pem) },
          ],
        },
        hash: { algorithm: 'sha256', value: envelopeHash },
        payloadHash: {
          algorithm: 'sha256',
          value: crypto.createHash('sha256').update(payload).digest('hex'),
        },
      },
    },
  };
}

/**
 * Attaches a Sigstore bundle to a digest as an OCI 1.1 referrer, as cosign v3 does: a
 * manifest of artifact type `application/vnd.dev.sigstore.bundle.v0.3+json` whose one
 * layer is the bundle and whose `subject` is the image.
 */
export function attachBundle(
  content: RegistryContent,
  options: {
    repository: string;
    digest: string;
    bundle: Record<string, unknown> | Buffer;
  },
): Descriptor {
  const bytes = Buffer.isBuffer(options.bundle)
    ? options.bundle
    : Buffer.from(JSON.stringify(options.bundle));
  const layer = content.addBlob(bytes, MEDIA_TYPES.sigstoreBundle);
  const config = content.addBlob(Buffer.from('{}'), MEDIA_TYPES.empty);
  return content.addManifest(registryPath(options.repository), {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    artifactType: MEDIA_TYPES.sigstoreBundle,
    config,
    layers: [layer],
    subject: {
      mediaType: MEDIA_TYPES.manifest,
      digest: options.digest,
      size: 0,
    },
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE,
    },
  });
}

/** The repository's path in its registry: `ghcr.io/acme/shop` → `acme/shop`. */
export function registryPath(repository: string): string {
  const [first, ...rest] = repository.split('/');
  return rest.length && /[.:]/.test(first) ? rest.join('/') : repository;
}

function keyPair(privateKey?: KeyObject) {
  if (privateKey) {
    return { privateKey, publicKey: crypto.createPublicKey(privateKey) };
  }
  return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join(
    '\n',
  )}\n-----END CERTIFICATE-----\n`;
}
