import crypto from 'node:crypto';
import { ConfigReader } from '@backstage/config';
import { readSignaturesConfig } from './readSignaturesConfig';

const PEM = crypto
  .generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ format: 'pem', type: 'spki' })
  .toString();
const RSA = crypto
  .generateKeyPairSync('rsa', { modulusLength: 1024 })
  .publicKey.export({ format: 'pem', type: 'spki' })
  .toString();
const ROOT = JSON.stringify({
  certificateAuthorities: [
    {
      certChain: { certificates: [{ rawBytes: 'AAAA' }] },
      validFor: { start: '2020-01-01T00:00:00Z' },
    },
  ],
});

const read = (signatures: unknown) =>
  readSignaturesConfig(
    new ConfigReader({ signatures } as any),
    'environmentLadder',
    ['dev', 'staging', 'prod'],
  );

describe('readSignaturesConfig', () => {
  it('is undefined without a signatures section', () => {
    expect(
      readSignaturesConfig(new ConfigReader({}), 'environmentLadder', []),
    ).toBeUndefined();
  });

  it('reads keys, identities, registries, rungs and durations', () => {
    const config = read({
      keys: [{ name: 'ci-2026', publicKey: PEM }],
      identities: [
        {
          issuer: 'https://token.actions.githubusercontent.com',
          subject:
            'https://github.com/acme/shop/.github/workflows/r.yml@refs/heads/main',
        },
      ],
      trustedRoot: ROOT,
      registries: [
        { host: 'GHCR.io', url: 'http://127.0.0.1:7120/', token: 't0ken' },
      ],
      rungs: { prod: 'required', dev: 'warn' },
      retryAfter: '30s',
    })!;
    expect(config.keys.map(k => k.name)).toEqual(['ci-2026']);
    expect(config.identities[0].name).toBe(
      'https://github.com/acme/shop/.github/workflows/r.yml@refs/heads/main',
    );
    expect(config.registries).toEqual([
      {
        host: 'ghcr.io',
        url: 'http://127.0.0.1:7120',
        credentials: { token: 't0ken' },
      },
    ]);
    expect(config.rungs).toEqual({ prod: 'required', dev: 'warn' });
    expect(config.retryAfterMs).toBe(30_000);
    expect(config.verifiedForMs).toBe(24 * 3600_000);
  });

  it.each([
    [
      { keys: [] },
      "'environmentLadder.signatures.keys': trust at least one key",
    ],
    [
      { keys: [{ name: 'ci', publicKey: 'not a key' }] },
      "'environmentLadder.signatures.keys[0].publicKey'",
    ],
    [
      { keys: [{ name: 'ci', publicKey: RSA }] },
      "'environmentLadder.signatures.keys[0].publicKey': only ECDSA keys",
    ],
    [
      { keys: [{ name: 'a b', publicKey: PEM }] },
      "'environmentLadder.signatures.keys[0].name'",
    ],
    [
      {
        keys: [
          { name: 'ci', publicKey: PEM },
          { name: 'ci', publicKey: PEM },
        ],
      },
      "'environmentLadder.signatures.keys[1].name': the key name 'ci' is used twice",
    ],
    [
      { identities: [{ issuer: 'https://issuer', subject: 's' }] },
      "'environmentLadder.signatures.trustedRoot': keyless identities need",
    ],
    [
      { keys: [{ name: 'ci', publicKey: PEM }], trustedRoot: '{"nope": ' },
      "'environmentLadder.signatures.trustedRoot': not a Sigstore trusted root",
    ],
    [
      {
        keys: [{ name: 'ci', publicKey: PEM }],
        trustedRoot: '/no/such/trusted_root.json',
      },
      "'environmentLadder.signatures.trustedRoot': cannot read the file",
    ],
    [
      { keys: [{ name: 'ci', publicKey: PEM }], rungs: { prd: 'required' } },
      "'environmentLadder.signatures.rungs.prd': 'prd' is not a rung of the ladder",
    ],
    [
      { keys: [{ name: 'ci', publicKey: PEM }], rungs: { prod: 'always' } },
      "'environmentLadder.signatures.rungs.prod': must be one of required, warn, off",
    ],
    [
      {
        keys: [{ name: 'ci', publicKey: PEM }],
        registries: [{ host: 'ghcr.io', url: 'ftp://x' }],
      },
      "'environmentLadder.signatures.registries[0].url'",
    ],
    [
      {
        keys: [{ name: 'ci', publicKey: PEM }],
        registries: [{ host: 'ghcr.io', password: 'hunter2-secret' }],
      },
      "'environmentLadder.signatures.registries[0]': username and password go together",
    ],
    [
      {
        keys: [{ name: 'ci', publicKey: PEM }],
        registries: [
          {
            host: 'ghcr.io',
            dockerConfig: '{"auths": {"docker.io": {"auth": "eDp5"}}}',
          },
        ],
      },
      "'environmentLadder.signatures.registries[0].dockerConfig': it has no credentials for ghcr.io",
    ],
    [
      { keys: [{ name: 'ci', publicKey: PEM }], timeout: 'soon' },
      "'environmentLadder.signatures.timeout'",
    ],
  ])('stops start-up naming the key: %#', (signatures, message) => {
    let error: Error | undefined;
    try {
      read(signatures);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('InputError');
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain('hunter2');
  });
});
