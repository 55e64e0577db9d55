import crypto from 'node:crypto';
import { ConfigReader } from '@backstage/config';
import {
  RegistryContent,
  attachBundle,
  createMockSigstore,
  signWithKey,
  startFixtureRegistry,
  type MockSigstore,
  type RunningFixtureRegistry,
} from '@environment-ladder/fixture-registry';
import { readSignaturesConfig } from '../../config/readSignaturesConfig';
import { createRegistryClient } from './createRegistryClient';
import { createSignatureVerifier } from './createSignatureVerifier';

const ISSUER = 'https://token.actions.githubusercontent.com';
const WORKFLOW =
  'https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main';
const REPOSITORY = 'ghcr.io/acme/shop';
const PATH = 'acme/shop';

function digestOf(name: string) {
  return `sha256:${crypto.createHash('sha256').update(name).digest('hex')}`;
}
function ecKey() {
  return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
}
function pem(key: crypto.KeyObject) {
  return key.export({ format: 'pem', type: 'spki' }).toString();
}

describe('createSignatureVerifier (real signatures, fixture registry over HTTP)', () => {
  const trusted = ecKey();
  const untrusted = ecKey();
  let sigstore: MockSigstore;
  let content: RegistryContent;
  let registry: RunningFixtureRegistry;

  const D = {
    keySigned: digestOf('key-signed'),
    keyless: digestOf('keyless'),
    bundleWithKey: digestOf('bundle-with-key'),
    unsigned: digestOf('unsigned'),
    untrustedKey: digestOf('untrusted-key'),
    wrongPayload: digestOf('wrong-payload'),
    garbageSignature: digestOf('garbage-signature'),
    payloadNotJson: digestOf('payload-not-json'),
    malformedBundle: digestOf('malformed-bundle'),
    expired: digestOf('expired-certificate'),
    wrongIdentity: digestOf('wrong-identity'),
    oversized: digestOf('oversized'),
    thousands: digestOf('thousands-of-referrers'),
    bundleOfOther: digestOf('bundle-of-another-digest'),
  };

  beforeAll(async () => {
    sigstore = await createMockSigstore();
    content = new RegistryContent();
    const sign = (digest: string, privateKey = trusted.privateKey) =>
      signWithKey(content, { repository: REPOSITORY, digest, privateKey });
    sign(D.keySigned);
    sign(D.untrustedKey, untrusted.privateKey);
    signWithKey(content, {
      repository: REPOSITORY,
      digest: D.wrongPayload,
      payloadDigest: D.keySigned,
      privateKey: trusted.privateKey,
    });
    signWithKey(content, {
      repository: REPOSITORY,
      digest: D.garbageSignature,
      privateKey: trusted.privateKey,
      signature: 'bm90IGEgc2lnbmF0dXJl',
    });
    signWithKey(content, {
      repository: REPOSITORY,
      digest: D.payloadNotJson,
      privateKey: trusted.privateKey,
      payload: Buffer.from('<html>not a payload</html>'),
    });
    const keyless = (
      digest: string,
      subject = WORKFLOW,
      certificateTime?: Date,
    ) =>
      sigstore
        .signKeyless({
          repository: REPOSITORY,
          digest,
          issuer: ISSUER,
          subject,
          certificateTime,
        })
        .then(bundle =>
          attachBundle(content, { repository: PATH, digest, bundle }),
        );
    await keyless(D.keyless);
    await keyless(
      D.wrongIdentity,
      'https://github.com/evil/fork/.github/workflows/release.yml@refs/heads/main',
    );
    // Valid for 10 minutes from an hour ago: expired when Rekor logged the signature.
    await keyless(D.expired, WORKFLOW, new Date(Date.now() - 3600_000));
    attachBundle(content, {
      repository: PATH,
      digest: D.bundleWithKey,
      bundle: await sigstore.signWithKey({
        repository: REPOSITORY,
        digest: D.bundleWithKey,
        privateKey: trusted.privateKey,
        hint: 'ci-2026',
      }),
    });
    attachBundle(content, {
      repository: PATH,
      digest: D.malformedBundle,
      bundle: {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: 'nope',
      },
    });
    // A real bundle for one digest, attached to another.
    attachBundle(content, {
      repository: PATH,
      digest: D.bundleOfOther,
      bundle: await sigstore.signKeyless({
        repository: REPOSITORY,
        digest: D.keySigned,
        issuer: ISSUER,
        subject: WORKFLOW,
      }),
    });
    // A signature manifest of 5 MiB (more than the 4 MiB a client must accept).
    content.addManifest(
      PATH,
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          layers: [],
          padding: 'x'.repeat(5 * 1024 * 1024),
        }),
      ),
      { tag: `${D.oversized.replace(':', '-')}.sig` },
    );
    // 3000 unrelated referrers (e.g. SBOMs), then the one bundle that counts.
    for (let i = 0; i < 3000; i++) {
      content.addManifest(PATH, {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/spdx+json',
        config: {
          mediaType: 'application/vnd.oci.empty.v1+json',
          digest: digestOf('{}'),
          size: 2,
        },
        layers: [],
        subject: {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: D.thousands,
          size: 0,
        },
        annotations: { n: String(i) },
      });
    }
    await keyless(D.thousands);
    registry = await startFixtureRegistry({ content });
  }, 60_000);

  afterAll(async () => {
    await registry?.close();
    await sigstore?.close();
  });

  function verifierFor(
    overrides: Record<string, unknown> = {},
    registryOverrides: Record<string, unknown> = {},
  ) {
    const config = readSignaturesConfig(
      new ConfigReader({
        signatures: {
          keys: [{ name: 'ci-2026', publicKey: pem(trusted.publicKey) }],
          identities: [
            { name: 'shop-release', issuer: ISSUER, subject: WORKFLOW },
          ],
          trustedRoot: JSON.stringify(sigstore.trustedRoot),
          registries: [
            { host: 'ghcr.io', url: registry.url, ...registryOverrides },
          ],
          timeout: '2s',
          ...overrides,
        },
      }),
      'environmentLadder',
      ['dev', 'prod'],
    )!;
    return createSignatureVerifier({
      config,
      registry: createRegistryClient({
        registries: config.registries,
        timeoutMs: config.timeoutMs,
      }),
    });
  }
  const verify = (digest: string) =>
    verifierFor().verify({ digest, repository: REPOSITORY });

  it('verifies a cosign key-based signature (.sig tag) with a trusted key', async () => {
    const verdict = await verify(D.keySigned);
    expect(verdict).toMatchObject({
      status: 'signed',
      signer: { kind: 'key', name: 'ci-2026' },
      format: 'cosign-signature',
      summary: 'signed by ci-2026',
    });
    expect(verdict.details[0]).toContain('trusted key ci-2026');
  });

  it('verifies a keyless Sigstore bundle attached as an OCI 1.1 referrer', async () => {
    const verdict = await verify(D.keyless);
    expect(verdict).toMatchObject({
      status: 'signed',
      signer: {
        kind: 'keyless',
        name: 'shop-release',
        issuer: ISSUER,
        subject: WORKFLOW,
      },
      format: 'sigstore-bundle',
      summary:
        'signed by workflow acme/shop/.github/workflows/release.yml@refs/heads/main via keyless',
    });
    expect(verdict.details.join(' ')).toContain('logged in Rekor');
  });

  it('verifies a Sigstore bundle signed with a trusted public key', async () => {
    expect(await verify(D.bundleWithKey)).toMatchObject({
      status: 'signed',
      signer: { kind: 'key', name: 'ci-2026' },
      format: 'sigstore-bundle',
    });
  });

  it('says unsigned when there is neither a .sig tag nor a bundle', async () => {
    expect(await verify(D.unsigned)).toMatchObject({
      status: 'unsigned',
      summary: 'unsigned',
    });
  });

  it.each([
    ['untrustedKey', /key that is not trusted \(tried ci-2026\)/],
    ['wrongPayload', /names another digest/],
    ['garbageSignature', /key that is not trusted/],
    ['payloadNotJson', /payload is not JSON/],
    ['malformedBundle', /bundle is malformed/],
    ['expired', /expired/],
    ['wrongIdentity', /evil\/fork.*not a trusted identity/],
    ['bundleOfOther', /names another digest/],
    ['oversized', /5242924 bytes, more than the 4194304/],
  ] as const)(
    '%s: signature does not verify, with the reason',
    async (name, reason) => {
      const verdict = await verify(D[name]);
      expect(verdict.status).toBe('invalid');
      expect(verdict.summary).toBe('signature does not verify');
      expect(verdict.reason).toMatch(reason);
    },
  );

  it('finds the bundle among thousands of referrers in one referrers request', async () => {
    registry.resetRequests();
    expect(await verify(D.thousands)).toMatchObject({ status: 'signed' });
    // .sig tag (404), referrers, bundle manifest, bundle blob.
    expect(registry.requests().total).toBe(4);
  });

  it('a rate-limited registry (429) is "could not check", not a failure', async () => {
    registry.switches.rateLimited = ['acme/shop'];
    try {
      const verdict = await verify(D.keySigned);
      expect(verdict).toMatchObject({
        status: 'unavailable',
        summary: 'could not check: registry unavailable',
        reason:
          'ghcr.io answered 429 Too Many Requests (rate limited, retry after 60 s)',
      });
    } finally {
      registry.switches.rateLimited = [];
    }
  });

  it.each([
    ['500', /ghcr.io answered 500/],
    ['timeout', /did not answer within 2000 ms/],
    ['malformed', /not JSON|could not be read|does not verify|no layers/],
  ] as const)(
    'registry fault %s gives a clear verdict',
    async (fault, reason) => {
      registry.switches.fault = fault;
      try {
        const verdict = await verify(D.keySigned);
        expect(['unavailable', 'invalid']).toContain(verdict.status);
        expect(verdict.reason).toMatch(reason);
      } finally {
        registry.switches.fault = 'none';
      }
    },
    20_000,
  );

  it('an unreachable registry is "could not check"', async () => {
    const verdict = await verifierFor({
      registries: [{ host: 'ghcr.io', url: 'http://127.0.0.1:1' }],
    }).verify({ digest: D.keySigned, repository: REPOSITORY });
    expect(verdict).toMatchObject({ status: 'unavailable' });
    expect(verdict.reason).toMatch(/ghcr.io cannot be reached/);
  });
});

describe('registry credentials', () => {
  const trusted = ecKey();
  let registry: RunningFixtureRegistry;
  const digest = digestOf('private');

  beforeAll(async () => {
    const content = new RegistryContent();
    signWithKey(content, {
      repository: REPOSITORY,
      digest,
      privateKey: trusted.privateKey,
    });
    registry = await startFixtureRegistry({
      content,
      auth: { username: 'robot', password: 's3cret-pa55' },
    });
  });
  afterAll(() => registry.close());

  function verdictWith(registryConfig: Record<string, unknown>) {
    const config = readSignaturesConfig(
      new ConfigReader({
        signatures: {
          keys: [{ name: 'ci-2026', publicKey: pem(trusted.publicKey) }],
          registries: [
            { host: 'ghcr.io', url: registry.url, ...registryConfig },
          ],
        },
      }),
      'environmentLadder',
      [],
    )!;
    return createSignatureVerifier({
      config,
      registry: createRegistryClient({
        registries: config.registries,
        timeoutMs: 2000,
      }),
    }).verify({ digest, repository: REPOSITORY });
  }

  it('signs in with a username and password from config', async () => {
    expect(
      await verdictWith({ username: 'robot', password: 's3cret-pa55' }),
    ).toMatchObject({ status: 'signed' });
  });

  it('signs in with a Docker config JSON', async () => {
    const dockerConfig = JSON.stringify({
      auths: {
        'ghcr.io': {
          auth: Buffer.from('robot:s3cret-pa55').toString('base64'),
        },
      },
    });
    expect(await verdictWith({ dockerConfig })).toMatchObject({
      status: 'signed',
    });
  });

  it('without credentials says so, and never repeats a secret', async () => {
    const verdict = await verdictWith({
      username: 'robot',
      password: 'wrong-pa55',
    });
    expect(verdict.status).toBe('unavailable');
    expect(verdict.reason).toMatch(/refused the request \(401\)/);
    expect(JSON.stringify(verdict)).not.toMatch(/pa55/);
  });
});
