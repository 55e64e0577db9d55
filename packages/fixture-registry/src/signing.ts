import crypto, { type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundleToJSON } from '@sigstore/bundle';
import {
  initializeCA,
  initializeCTLog,
  initializeTLog,
  rekorHandler,
  type HandlerFn,
} from '@sigstore/mock';
import {
  DSSEBundleBuilder,
  RekorWitness,
  type Signature,
  type Signer,
} from '@sigstore/sign';
import { MEDIA_TYPES, type Descriptor, RegistryContent } from './RegistryContent';

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
    options.repository,
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

/** Starts the mocked Sigstore services (a local Rekor endpoint for the signing client). */
export async function createMockSigstore(options: {
  caKey?: KeyObject;
  tlogKey?: KeyObject;
  ctlogKey?: KeyObject;
} = {}): Promise<MockSigstore> {
  const caKeys = keyPair(options.caKey);
  const ctKeys = keyPair(options.ctlogKey);
  const tlogKeys = keyPair(options.tlogKey);
  const ctlog = await initializeCTLog(ctKeys);
  // The mock CA reads the time from this Date at each issue: setting it backdates
  // one certificate while every certificate still chains to the one root.
  const caClock = new Date();
  const ca = await initializeCA(caKeys, ctlog, caClock);

  let handle: HandlerFn | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', async () => {
      if (!handle || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      const result = await handle(Buffer.concat(chunks).toString('utf8'));
      res
        .writeHead(result.statusCode, {
          'content-type': result.contentType ?? 'application/json',
        })
        .end(result.response);
    });
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const rekorURL = `http://127.0.0.1:${
    (server.address() as AddressInfo).port
  }`;
  const tlog = await initializeTLog(rekorURL, tlogKeys);
  handle = rekorHandler(tlog).fn;
  const witness = new RekorWitness({
    rekorBaseURL: rekorURL,
    entryType: 'intoto',
    retry: false,
  } as ConstructorParameters<typeof RekorWitness>[0]);

  async function bundle(signer: Signer, repository: string, digest: string) {
    const statement = Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [
          { name: repository, digest: { sha256: digest.slice(7) } },
        ],
        predicateType: COSIGN_SIGN_PREDICATE,
        predicate: {},
      }),
    );
    const built = await new DSSEBundleBuilder({
      signer,
      witnesses: [witness],
    }).create({ data: statement, type: 'application/vnd.in-toto+json' });
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
      tlogs: [logKey(tlogKeys.publicKey, rekorURL)],
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
    async signKeyless({ repository, digest, issuer, subject, certificateTime }) {
      const signer: Signer = {
        async sign(data: Buffer): Promise<Signature> {
          const ephemeral = crypto.generateKeyPairSync('ec', {
            namedCurve: 'P-256',
          });
          caClock.setTime((certificateTime ?? new Date()).getTime());
          const certificate = await ca.issueCertificate({
            publicKey: der(ephemeral.publicKey) as any,
            subjectAltName: subject,
            extensions: [
              { oid: OID_FULCIO_ISSUER_V1, value: issuer, legacy: true },
              { oid: OID_FULCIO_ISSUER_V2, value: issuer },
            ],
          });
          return {
            signature: crypto.sign('sha256', data, ephemeral.privateKey),
            key: {
              $case: 'x509Certificate',
              certificate: toPem(Buffer.from(certificate.buffer)),
            },
          };
        },
      };
      return bundle(signer, repository, digest);
    },
    async signWithKey({ repository, digest, privateKey, hint }) {
      const signer: Signer = {
        async sign(data: Buffer): Promise<Signature> {
          return {
            signature: crypto.sign('sha256', data, privateKey),
            key: {
              $case: 'publicKey',
              publicKey: crypto
                .createPublicKey(privateKey)
                .export({ format: 'pem', type: 'spki' })
                .toString(),
              hint,
            },
          };
        },
      };
      return bundle(signer, repository, digest);
    },
    close: () =>
      new Promise<void>(resolve => server.close(() => resolve())),
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
  return content.addManifest(options.repository, {
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
