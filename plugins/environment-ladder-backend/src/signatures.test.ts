import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import {
  startFixtureClusters,
  type FixtureClusters,
} from '@environment-ladder/fixture-cluster';
import {
  startFixtureGitHub,
  type FixtureGitHub,
} from '@environment-ladder/fixture-github';
import {
  RegistryContent,
  startFixtureRegistry,
  type RunningFixtureRegistry,
} from '@environment-ladder/fixture-registry';
import type {
  DigestSignature,
  Ladder,
} from '@environment-ladder/plugin-environment-ladder-common';
import { createPromoteAction } from '@environment-ladder/plugin-scaffolder-backend-module-environment-ladder';
import fs from 'fs';
import path from 'path';
import request from 'supertest';
import YAML from 'yaml';
import { environmentLadderPlugin } from './plugin';
import { demoPolicyDecisions } from './__testUtils__/demoPolicyDecisions';

/**
 * Signed digests end to end through HTTP, on the demo's data: the fixture clusters
 * through the real Kubernetes backend, the fixture registry serving the demo's real
 * signatures (examples/registry, acme/payments rate-limited as in registry.yaml), and
 * the signatures config of app-config.yaml with the registry on an ephemeral port.
 */
jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLES = path.join(ROOT, 'examples/clusters');
const REGISTRY_DIR = path.join(ROOT, 'examples/registry');
const CLUSTERS = ['dev', 'previews', 'staging', 'prod'];
const API = '/api/environment-ladder';
const appConfig = YAML.parse(
  fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8'),
);
const demoSignatures = appConfig.environmentLadder.signatures;

const C2 =
  'sha256:867d848fca6fc5b214b1a7d033720452b95b422764aecf313e828e19ca45ed2a';
const I3 =
  'sha256:c79fe132b7882cba2ef0b51bc8b28978dda87ba9c6faa5fa22642cfcc19d94f9';
const I9 =
  'sha256:d248f6d756cc41f153ab03a60752fe49a4fbbf2b97953c9bfed0ac8715e066d6';

const service = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': name,
      'github.com/project-slug': `acme/${name}`,
    },
  },
  spec: {
    type: 'service',
    owner: 'group:default/team-shop',
    lifecycle: 'production',
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-shop' }],
});

const decide = demoPolicyDecisions({
  'user:default/mock': ['group:default/team-shop'],
  'user:default/jane': ['group:default/team-shop'],
});
const permissions = mockServices.permissions.mock({
  authorizeConditional: (requests, { credentials }) =>
    decide(requests, credentials),
  authorize: (requests, { credentials }) => decide(requests, credentials),
});

describe('signed digests over HTTP (demo data)', () => {
  let fixtures: FixtureClusters;
  let github: FixtureGitHub;
  let registry: RunningFixtureRegistry;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  const getLadder = async (name: string): Promise<Ladder> => {
    const response = await request(server)
      .get(`${API}/entities/component/default/${name}/ladder`)
      .set('Authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    return response.body;
  };
  const verdicts = (ladder: Ladder, rung: string): DigestSignature[] =>
    ladder.rungs.find(r => r.name === rung)!.signatures!.digests;

  beforeAll(async () => {
    const settings = YAML.parse(
      fs.readFileSync(path.join(REGISTRY_DIR, 'registry.yaml'), 'utf8'),
    );
    registry = await startFixtureRegistry({
      content: RegistryContent.fromJSON(
        JSON.parse(
          fs.readFileSync(path.join(REGISTRY_DIR, 'content.json'), 'utf8'),
        ),
      ),
      switches: { rateLimited: settings.rateLimited },
    });
    github = await startFixtureGitHub({
      port: 0,
      repositoriesDir: path.join(ROOT, 'examples/gitops'),
      token: 'ghp_signatures-test',
    });
    fixtures = await startFixtureClusters({
      clusters: CLUSTERS.map(name => ({
        name,
        port: 0,
        dir: path.join(EXAMPLES, name),
        token: 'fixture-token',
      })),
    });
    const url = (name: string) =>
      fixtures.clusters.find(c => c.name === name)!.url;
    ({ server } = await startTestBackend({
      features: [
        environmentLadderPlugin,
        kubernetesPlugin,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        permissions.factory,
        mockServices.scheduler.mock().factory,
        catalogServiceMock.factory({
          entities: [
            service('checkout'),
            service('payments'),
            service('inventory'),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            integrations: { github: [github.integrationConfig] },
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: CLUSTERS.map(name => ({
                    name,
                    url: url(name),
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'fixture-token',
                    skipTLSVerify: true,
                    skipMetricsLookup: true,
                  })),
                },
              ],
            },
            environmentLadder: {
              ...appConfig.environmentLadder,
              // A loaded machine's cold Kubernetes client must not time a rung out.
              clusterTimeout: { seconds: 30 },
              gitops: {
                ...appConfig.environmentLadder.gitops,
                repository: github.repositoryUrl('acme/gitops'),
              },
              signatures: {
                ...demoSignatures,
                // What `$file:` includes in app-config.yaml, as text.
                keys: [
                  {
                    name: 'ci-2026',
                    publicKey: fs.readFileSync(
                      path.join(REGISTRY_DIR, 'keys/ci-2026.pub.pem'),
                      'utf8',
                    ),
                  },
                ],
                trustedRoot: fs.readFileSync(
                  path.join(REGISTRY_DIR, 'trusted-root.json'),
                  'utf8',
                ),
                registries: [{ host: 'ghcr.io', url: registry.url }],
              },
            },
          },
        }),
      ],
    }));
    // Warm the Kubernetes backend's client up, as plugin.test.ts does: its first
    // reading may time out on a cold machine.
    await request(server)
      .get(`${API}/entities/component/default/checkout/ladder`)
      .set('Authorization', mockCredentials.user.header());
  });

  afterAll(async () => {
    await fixtures?.close();
    await github?.close();
    await registry?.close();
  });

  it('checkout: every digest on every rung is signed, by key or keyless', async () => {
    const ladder = await getLadder('checkout');
    const dev = ladder.rungs.find(r => r.name === 'dev')!;
    expect({ error: dev.error, digests: dev.digests.length }).toEqual({
      error: null,
      digests: 1,
    });
    expect(verdicts(ladder, 'dev').map(v => v.summary)).toEqual([
      'signed by ci-2026',
    ]);
    const keyless =
      'signed by workflow acme/checkout/.github/workflows/release.yml@refs/heads/main via keyless';
    expect(verdicts(ladder, 'staging').map(v => v.summary)).toEqual([keyless]);
    expect(verdicts(ladder, 'prod').map(v => v.summary)).toEqual([keyless]);
    expect(verdicts(ladder, 'preview').map(v => v.summary)).toEqual([keyless]);
    expect(
      ladder.rungs.find(r => r.name === 'prod')!.signatures!.requirement,
    ).toBe('required');
    expect(
      ladder.violations.filter(v => v.rule === 'digest-not-signed'),
    ).toEqual([]);
  });

  it("inventory: prod's unsigned rebuild is an error, dev's untrusted key a warning", async () => {
    const ladder = await getLadder('inventory');
    expect(verdicts(ladder, 'prod')).toEqual([
      expect.objectContaining({
        digest: I9,
        status: 'unsigned',
        summary: 'unsigned',
      }),
    ]);
    expect(verdicts(ladder, 'dev')).toEqual([
      expect.objectContaining({
        digest: I3,
        status: 'invalid',
        summary: 'signature does not verify',
        reason: 'signed with a key that is not trusted (tried ci-2026)',
      }),
    ]);
    const flagged = ladder.violations.filter(
      v => v.rule === 'digest-not-signed',
    );
    expect(flagged).toEqual([
      {
        rule: 'digest-not-signed',
        severity: 'warning',
        rung: 'dev',
        message:
          'Dev expects signed digests, but sha256:c79fe132b788… has a signature that does not verify (signed with a key that is not trusted (tried ci-2026)): nothing proves CI built it.',
      },
      {
        rule: 'digest-not-signed',
        severity: 'warning',
        rung: 'preview',
        message:
          'Previews expects signed digests, but sha256:53ea1eec44c5… (preview of PR #38) is not signed: nothing proves CI built it.',
      },
      {
        rule: 'digest-not-signed',
        severity: 'error',
        rung: 'prod',
        message:
          'Prod requires signed digests, but sha256:d248f6d756cc… is not signed: nothing proves CI built it.',
      },
    ]);
  });

  it('payments: a rate-limited registry (429) says "could not check", and the ladder still answers', async () => {
    const ladder = await getLadder('payments');
    for (const verdict of [
      ...verdicts(ladder, 'dev'),
      ...verdicts(ladder, 'prod'),
    ]) {
      expect(verdict).toMatchObject({
        status: 'unavailable',
        summary: 'could not check: registry unavailable',
        reason:
          'ghcr.io answered 429 Too Many Requests (rate limited, retry after 60 s)',
      });
    }
    expect(ladder.rungs.find(r => r.name === 'prod')!.error).toBeNull();
  });

  it('a viewed ladder costs the registry nothing more once verified', async () => {
    await getLadder('checkout');
    registry.resetRequests();
    for (let view = 0; view < 5; view++) await getLadder('checkout');
    // Measured: registry requests per ladder view once verified.
    expect(registry.requests().total).toBe(0);
  });

  it('refuses to promote an unsigned digest into a rung that requires signatures (HTTP API)', async () => {
    const response = await request(server)
      .post(`${API}/promotions`)
      .set('Authorization', mockCredentials.user.header())
      .send({
        entityRef: 'component:default/inventory',
        targetEnvironment: 'staging',
        digest: I9,
        reason: 'Ship the rebuild',
        dryRun: true,
      });
    expect(response.status).toBe(409);
    expect(response.body.error).toEqual({
      name: 'ConflictError',
      message:
        'Rule digest-is-signed: Staging requires a valid signature, and sha256:d248f6d756cc… is unsigned',
    });
  });

  it('refuses it through the scaffolder action too', async () => {
    const address = server.address() as { port: number };
    const action = createPromoteAction({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async pluginId =>
          `http://127.0.0.1:${address.port}/api/${pluginId}`,
      }),
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
    });
    const logs: string[] = [];
    const ctx = {
      input: {
        entityRef: 'component:default/inventory',
        targetEnvironment: 'staging',
        digest: I3,
        reason: 'Ship 3.4.0',
      },
      logger: {
        info: (m: string) => logs.push(m),
        warn: () => {},
        error: () => {},
        debug: () => {},
        child: () => ctx.logger,
      },
      secrets: {},
      workspacePath: '/tmp',
      task: { id: 'task-signatures' },
      step: { id: 'promote', name: 'Promote' },
      getInitiatorCredentials: async () =>
        mockCredentials.user('user:default/jane'),
      checkpoint: async ({ fn }: { fn: () => Promise<unknown> }) => fn(),
      output: () => {},
      createTemporaryDirectory: async () => '/tmp',
    };
    await expect(action.handler(ctx as any)).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        'Could not promote component:default/inventory to staging: Rule digest-is-signed: Staging requires a valid signature, and the signature of sha256:c79fe132b788… does not verify (signed with a key that is not trusted (tried ci-2026))',
    });
  });

  it('a signed digest passes the rule, and the pull request records who signed it', async () => {
    const response = await request(server)
      .post(`${API}/promotions`)
      .set('Authorization', mockCredentials.user.header())
      .send({
        entityRef: 'component:default/checkout',
        targetEnvironment: 'staging',
        digest: C2,
        reason: 'Ship 1.5.0',
        dryRun: true,
      });
    expect(response.status).toBeLessThan(300);
    expect(response.body.promotion.verdicts).toContainEqual({
      rule: 'digest-is-signed',
      passed: true,
      message: 'sha256:867d848fca6f… is signed by ci-2026',
    });
    expect(JSON.stringify(response.body)).toContain(
      '| Signed by | ci-2026 (cosign signature, checked',
    );
  });
});
