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
import fs from 'fs';
import path from 'path';
import request from 'supertest';
import { environmentLadderPlugin } from './plugin';
import { demoPolicyDecisions } from './__testUtils__/demoPolicyDecisions';

/**
 * Promotions end to end through HTTP: our plugin reads the demo's fixture clusters
 * through the real Kubernetes backend, records promotions in the real database (the
 * test backend's SQLite) and opens the pull request on the fixture GitHub holding the
 * demo's acme/gitops, both configured as in app-config.yaml but on ephemeral ports.
 */
jest.setTimeout(60_000);

const EXAMPLES = path.resolve(__dirname, '../../../examples/clusters');
const expected = JSON.parse(
  fs.readFileSync(path.join(EXAMPLES, 'expected.json'), 'utf8'),
);
const CLUSTERS = ['dev', 'previews', 'staging', 'prod'];
const CLUSTER_TOKEN = 'fixture-token';
const GITHUB_TOKEN = 'ghp_e2e-do-not-leak-0123456789abcdefghij';

/** checkout: dev runs 1.5.0 (C2), staging and prod 1.4.0 (C1). */
const C1: string = expected.checkout.staging.digests[0];
const C2: string = expected.checkout.dev.digests[0];
const STAGING_FILE = 'apps/checkout/overlays/staging/kustomization.yaml';
const BRANCH = `environment-ladder/checkout/staging-${C2.slice(7, 19)}`;
const API = '/api/environment-ladder';
const SHOPPER = 'user:default/mock';

// ---------------------------------------------------------------------------
// The catalog and the permission policy
// ---------------------------------------------------------------------------

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

const MEMBERSHIPS: Record<string, string[]> = {
  [SHOPPER]: ['group:default/team-shop'],
  'user:default/releaser': ['group:default/platform-team'],
};

const decide = demoPolicyDecisions(MEMBERSHIPS);

const permissions = mockServices.permissions.mock({
  authorizeConditional: (requests, { credentials }) =>
    decide(requests, credentials),
  authorize: (requests, { credentials }) => decide(requests, credentials),
});

// ---------------------------------------------------------------------------
// The demo's GitOps repository
// ---------------------------------------------------------------------------

const GITOPS = path.resolve(__dirname, '../../../examples/gitops');

/** The staging overlay of checkout in acme/gitops, pinned to what staging runs (C1). */
const STAGING_OVERLAY = fs.readFileSync(
  path.join(GITOPS, 'acme/gitops', STAGING_FILE),
  'utf8',
);

/** The unified diff of the promotion: C1 → C2 on the digest line, three lines of context. */
function expectedDiff() {
  const lines = STAGING_OVERLAY.split('\n');
  const at = lines.indexOf(`    digest: ${C1}`);
  expect(at).toBeGreaterThan(3);
  return [
    `--- a/${STAGING_FILE}`,
    `+++ b/${STAGING_FILE}`,
    `@@ -${at - 2},7 +${at - 2},7 @@`,
    ...lines.slice(at - 3, at).map(line => ` ${line}`),
    `-    digest: ${C1}`,
    `+    digest: ${C2}`,
    ...lines.slice(at + 1, at + 4).map(line => ` ${line}`),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------
// The backend
// ---------------------------------------------------------------------------

describe('promotions over HTTP', () => {
  let fixtures: FixtureClusters;
  let github: FixtureGitHub;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  // The reconciler runs when a test runs it, not on a timer.
  const scheduler = mockServices.scheduler.mock();
  const reconcile = () => {
    const [task] = scheduler.scheduleTask.mock.calls.find(
      ([{ id }]) => id === 'environment-ladder-reconcile-promotions',
    )!;
    return task.fn(new AbortController().signal);
  };
  /** The GitOps repository's URL on the fixture GitHub. */
  let gitops: string;
  /** What the backend asked the fixture GitHub, as `METHOD /endpoint`. */
  const githubCalls = () => github.requests().map(entry => entry.route);

  /** Every response of this file, to check that none carries a token. */
  const responses: request.Response[] = [];
  const answered = async (pending: request.Test) => {
    const response = await pending;
    responses.push(response);
    return response;
  };
  const post = (
    body: unknown,
    header = mockCredentials.user.header(),
    route = '/promotions',
  ) =>
    answered(
      request(server)
        .post(`${API}${route}`)
        .set('Authorization', header)
        .send(body as object),
    );
  const get = (route: string, header = mockCredentials.user.header()) =>
    answered(
      request(server).get(`${API}${route}`).set('Authorization', header),
    );

  const errorBody = (
    name: string,
    message: string,
    status: number,
    method = 'POST',
    url = '/promotions',
  ) => ({
    error: { name, message },
    request: { method, url },
    response: { statusCode: status },
  });

  /** Nothing a caller sees may carry the GitHub or the cluster token. */
  function expectNoSecrets(response: request.Response) {
    expect(response.text).not.toContain(GITHUB_TOKEN);
    expect(response.text).not.toContain(CLUSTER_TOKEN);
  }

  beforeAll(async () => {
    github = await startFixtureGitHub({
      port: 0,
      repositoriesDir: GITOPS,
      token: GITHUB_TOKEN,
    });
    gitops = github.repositoryUrl('acme/gitops');
    fixtures = await startFixtureClusters({
      clusters: CLUSTERS.map(name => ({
        name,
        port: 0,
        dir: path.join(EXAMPLES, name),
        token: CLUSTER_TOKEN,
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
        scheduler.factory,
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
                    serviceAccountToken: CLUSTER_TOKEN,
                    skipTLSVerify: true,
                    skipMetricsLookup: true,
                  })),
                },
              ],
            },
            environmentLadder: {
              clusterTimeout: { seconds: 5 },
              gitops: {
                repository: gitops,
                baseBranch: 'main',
                pathTemplate:
                  'apps/{{name}}/overlays/{{environment}}/kustomization.yaml',
                format: 'kustomize',
              },
              rungs: [
                { name: 'local', title: 'Local', gate: { type: 'auto-merge' } },
                {
                  name: 'dev',
                  title: 'Dev',
                  clusters: ['dev'],
                  gate: { type: 'auto-merge' },
                },
                {
                  name: 'preview',
                  title: 'Previews',
                  clusters: ['previews'],
                  previews: {
                    nameTemplate: '{{entity}}-{{branch_slug}}-{{number}}',
                  },
                },
                {
                  name: 'staging',
                  title: 'Staging',
                  clusters: ['staging'],
                  gate: { type: 'review' },
                },
                {
                  name: 'prod',
                  title: 'Prod',
                  clusters: ['prod'],
                  gate: { type: 'review-and-approval', canaryAnalysis: true },
                },
              ],
            },
          },
        }),
      ],
    }));
    // Warm the Kubernetes backend's client up, as plugin.test.ts does.
    await get('/entities/component/default/checkout/ladder');
    github.clearRequests();
  });

  afterAll(async () => {
    await fixtures?.close();
    await github?.close();
  });

  const valid = {
    entityRef: 'component:default/checkout',
    targetEnvironment: 'staging',
    reason: 'Ship 1.5.0 to staging',
  };

  describe('who may ask', () => {
    it('answers 401 without credentials', async () => {
      const response = await answered(
        request(server).post(`${API}/promotions`).send(valid),
      );
      expect(response.status).toBe(401);
      expect(response.body).toEqual(
        errorBody('AuthenticationError', 'Missing credentials', 401),
      );
    });

    it('answers 403 to a service: only users request promotions', async () => {
      const response = await post(valid, mockCredentials.service.header());
      expect(response.status).toBe(403);
      expect(response.body).toEqual(
        errorBody(
          'NotAllowedError',
          "This endpoint does not allow 'service' credentials",
          403,
        ),
      );
    });

    it('answers 403 when the policy does not let the user promote into the target', async () => {
      const response = await post({ ...valid, targetEnvironment: 'prod' });
      expect(response.status).toBe(403);
      expect(response.body).toEqual(
        errorBody(
          'NotAllowedError',
          'You may not promote component:default/checkout to prod',
          403,
        ),
      );
      expect(githubCalls()).toEqual([]);
    });

    it('answers 404 for an entity the catalog does not have', async () => {
      const response = await post({
        ...valid,
        entityRef: 'component:default/nope',
      });
      expect(response.status).toBe(404);
      expect(response.body).toEqual(
        errorBody(
          'NotFoundError',
          'No entity component:default/nope in the catalog',
          404,
        ),
      );
    });
  });

  describe('malformed requests answer 400 naming the field', () => {
    it.each<[string, unknown, string]>([
      [
        'an extra field',
        { ...valid, force: true },
        `Invalid promotion request: 'body' Unrecognized key: "force"`,
      ],
      [
        'an array',
        [valid],
        `Invalid promotion request: 'body' Invalid input: expected object, received array`,
      ],
      [
        'a target that is not a string',
        { ...valid, targetEnvironment: ['staging'] },
        `Invalid promotion request: 'targetEnvironment' Invalid input: expected string, received array`,
      ],
      [
        'a missing reason',
        { entityRef: valid.entityRef, targetEnvironment: 'staging' },
        `Invalid promotion request: 'reason' Invalid input: expected string, received undefined`,
      ],
      [
        'a blank reason',
        { ...valid, reason: '   ' },
        `Invalid promotion request: 'reason' must say why`,
      ],
      [
        'a reason that is not a string',
        { ...valid, reason: 42 },
        `Invalid promotion request: 'reason' Invalid input: expected string, received number`,
      ],
      [
        'dryRun as a string',
        { ...valid, dryRun: 'yes' },
        `Invalid promotion request: 'dryRun' Invalid input: expected boolean, received string`,
      ],
      [
        'a bad entityRef',
        { ...valid, entityRef: 'checkout' },
        `Invalid promotion request: 'entityRef' must be kind:namespace/name`,
      ],
      [
        'a huge reason',
        { ...valid, reason: 'x'.repeat(2001) },
        `Invalid promotion request: 'reason' Too big: expected string to have <=2000 characters`,
      ],
      [
        'a bad idempotency key',
        { ...valid, idempotencyKey: 'a b' },
        `Invalid promotion request: 'idempotencyKey' must be 1-200 letters, digits, dots, dashes, colons or underscores`,
      ],
    ])('%s', async (_case, body, message) => {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorBody('InputError', message, 400));
    });

    it('answers 413 for a body over 64 kB, before reading it', async () => {
      const response = await post({ ...valid, reason: 'x'.repeat(70_000) });
      expect(response.status).toBe(413);
      expect(response.body).toEqual({
        error: {
          name: 'PayloadTooLargeError',
          message: 'request entity too large',
          expected: 70084,
          length: 70084,
          limit: 65536,
          type: 'entity.too.large',
        },
        request: { method: 'POST', url: '/promotions' },
        response: { statusCode: 413 },
      });
    });

    it('answers 400 for a body that is not JSON', async () => {
      const response = await answered(
        request(server)
          .post(`${API}/promotions`)
          .set('Authorization', mockCredentials.user.header())
          .set('content-type', 'application/json')
          .send('{"entityRef":'),
      );
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        name: 'InputError',
        message: 'Invalid promotion request: the body is not valid JSON',
      });
      // The malformed body is not echoed back.
      expect(JSON.stringify(response.body)).not.toContain('"entityRef":');
    });

    it('refuses a non-canonical digest by its rule', async () => {
      const response = await post({
        ...valid,
        digest: C2.toUpperCase().replace('SHA256', 'sha256'),
      });
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
      expect(response.body.error.message).toMatch(
        /^Rule digest-is-canonical: /,
      );
    });
  });

  describe('a promotion of checkout from dev to staging', () => {
    it('shows the change in a dry run: staging’s digest replaced by dev’s, nothing written', async () => {
      const response = await post({ ...valid, dryRun: true });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        promotion: {
          id: 'dry-run',
          kind: 'promotion',
          entityRef: 'component:default/checkout',
          sourceEnvironment: 'dev',
          targetEnvironment: 'staging',
          digest: C2,
          reason: 'Ship 1.5.0 to staging',
          requestedBy: SHOPPER,
          state: 'requested',
          verdicts: expect.any(Array),
          pullRequest: null,
          approvals: [],
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
          history: [],
          error: null,
        },
        created: false,
        dryRun: {
          repository: gitops,
          filePath: STAGING_FILE,
          diff: expectedDiff(),
          pullRequest: {
            branch: BRANCH,
            title: `Promote checkout to staging: sha256:${C2.slice(7, 19)}`,
            body: expect.stringContaining(`| Digest | \`${C2}\` |`),
          },
        },
      });
      expect(
        response.body.promotion.verdicts.every(
          (v: { passed: boolean }) => v.passed,
        ),
      ).toBe(true);
      expectNoSecrets(response);
      // A dry run only reads.
      expect(githubCalls()).toEqual([
        'GET /repos/{owner}/{repo}/pulls',
        'GET /repos/{owner}/{repo}/contents/{path}',
      ]);
      expect(github.state().repositories[0].pulls).toEqual([]);
      const listed = await get(
        '/entities/component/default/checkout/promotions',
      );
      expect(listed.body).toEqual({ items: [] });
    });

    it('records it, opens the pull request changing only the digest line, and lists it', async () => {
      github.clearRequests();
      const response = await post({ ...valid, idempotencyKey: 'e2e-1' });

      expect(response.status).toBe(201);
      const pullRequest = {
        url: `${gitops}/pull/1`,
        number: 1,
        branch: BRANCH,
      };
      expect(response.body).toEqual({
        created: true,
        promotion: {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          kind: 'promotion',
          entityRef: 'component:default/checkout',
          sourceEnvironment: 'dev',
          targetEnvironment: 'staging',
          digest: C2,
          reason: 'Ship 1.5.0 to staging',
          requestedBy: SHOPPER,
          state: 'pr-open',
          verdicts: expect.any(Array),
          pullRequest,
          approvals: [],
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
          history: [
            {
              state: 'requested',
              at: expect.any(String),
              message: `requested by ${SHOPPER}`,
            },
            {
              state: 'pr-open',
              at: expect.any(String),
              message: 'pull request #1 opened',
            },
          ],
          error: null,
        },
      });
      expectNoSecrets(response);

      // What GitHub was asked (with the token, which it checks): the branch from main,
      // one commit of one file, one pull request: 5 calls, the file read before recording.
      expect(githubCalls()).toEqual([
        'GET /repos/{owner}/{repo}/git/ref/{ref}',
        'GET /repos/{owner}/{repo}/contents/{path}',
        'POST /repos/{owner}/{repo}/git/refs',
        'PUT /repos/{owner}/{repo}/contents/{path}',
        'POST /repos/{owner}/{repo}/pulls',
      ]);
      expect(github.state().repositories[0].pulls).toEqual([
        expect.objectContaining({
          number: 1,
          head: BRANCH,
          base: 'main',
          state: 'open',
          files: [STAGING_FILE],
        }),
      ]);
      const before = STAGING_OVERLAY.split('\n');
      const after = github
        .readFile('acme/gitops', STAGING_FILE, BRANCH)!
        .split('\n');
      expect(after).toHaveLength(before.length);
      expect(after.filter((line, index) => line !== before[index])).toEqual([
        `    digest: ${C2}`,
      ]);
      expect(github.readFile('acme/gitops', STAGING_FILE)).toBe(
        STAGING_OVERLAY,
      );

      const listed = await get(
        '/entities/component/default/checkout/promotions',
      );
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual({ items: [response.body.promotion] });
      expectNoSecrets(listed);

      // The retry of the same request answers the same promotion, 200, nothing new on GitHub.
      github.clearRequests();
      const retry = await post({ ...valid, idempotencyKey: 'e2e-1' });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual({
        promotion: response.body.promotion,
        created: false,
      });
      expect(githubCalls()).toEqual([]);

      // Approving needs a requested promotion behind an approval gate; this one is pr-open.
      const approval = await post(
        {},
        mockCredentials.user.header('user:default/releaser'),
        `/promotions/${response.body.promotion.id}/approve`,
      );
      expect(approval.status).toBe(409);
      expect(approval.body).toEqual(
        errorBody(
          'ConflictError',
          `Rule approval-while-requested: promotion ${response.body.promotion.id} is pr-open; only a requested promotion can be approved`,
          409,
          'POST',
          `/promotions/${response.body.promotion.id}/approve`,
        ),
      );

      // Another request for the same rung is refused while this one is in flight.
      const other = await post({ ...valid, reason: 'Again' });
      expect(other.status).toBe(409);
      expect(other.body).toEqual(
        errorBody(
          'ConflictError',
          `Rule no-promotion-in-flight: A promotion to Staging is already in flight (pull request #${
            response.body.promotion.pullRequest.number
          }, state pr-open, sha256:${C2.slice(
            7,
            19,
          )}…); wait until it is verified or has failed`,
          409,
        ),
      );
    });

    it('follows the merge on GitHub in the ledger when the reconciler runs', async () => {
      github.mergePull('acme/gitops', 1);

      await reconcile();

      const listed = await get(
        '/entities/component/default/checkout/promotions',
      );
      expect(listed.status).toBe(200);
      // The fixture staging cluster still runs C1: merged, not yet running.
      expect(listed.body.items).toEqual([
        expect.objectContaining({
          state: 'merged',
          pullRequest: { url: `${gitops}/pull/1`, number: 1, branch: BRANCH },
          error: null,
        }),
      ]);
      expect(
        listed.body.items[0].history.map((e: { state: string }) => e.state),
      ).toEqual(['requested', 'pr-open', 'merged']);
      expect(github.readFile('acme/gitops', STAGING_FILE)).toBe(
        STAGING_OVERLAY.replace(C1, C2),
      );
    });
  });

  it.each([
    [
      'not-a-uuid',
      400,
      'InputError',
      "Invalid promotion id: 'id' Invalid UUID",
    ],
    [
      '00000000-0000-4000-8000-000000000000',
      404,
      'NotFoundError',
      'No promotion 00000000-0000-4000-8000-000000000000',
    ],
  ] as const)(
    'answers the approval of promotion %s with %d',
    async (id, status, name, message) => {
      const response = await post(
        {},
        mockCredentials.user.header(),
        `/promotions/${id}/approve`,
      );
      expect(response.status).toBe(status);
      expect(response.body).toEqual(
        errorBody(name, message, status, 'POST', `/promotions/${id}/approve`),
      );
    },
  );

  it('lists the rungs the user may promote into', async () => {
    const response = await get(
      '/entities/component/default/checkout/promotions/targets',
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      targets: [
        { environment: 'dev', allowed: true },
        { environment: 'staging', allowed: true },
        { environment: 'prod', allowed: false },
      ],
    });
    const releaser = await get(
      '/entities/component/default/checkout/promotions/targets',
      mockCredentials.user.header('user:default/releaser'),
    );
    expect(releaser.body).toEqual({
      targets: [
        { environment: 'dev', allowed: true },
        { environment: 'staging', allowed: true },
        { environment: 'prod', allowed: true },
      ],
    });
  });

  it('answers 404 for the promotions of an unknown entity', async () => {
    const response = await get('/entities/component/default/nope/promotions');
    expect(response.status).toBe(404);
    expect(response.body).toEqual(
      errorBody(
        'NotFoundError',
        'No entity component:default/nope in the catalog',
        404,
        'GET',
        '/entities/component/default/nope/promotions',
      ),
    );
  });
  // Last, so that it sees every answer of this file.
  it('never answered with the GitHub or the cluster token', () => {
    expect(responses.length).toBeGreaterThan(20);
    for (const response of responses) {
      expect(response.text).not.toContain(GITHUB_TOKEN);
      expect(response.text).not.toContain(CLUSTER_TOKEN);
    }
  });
});
