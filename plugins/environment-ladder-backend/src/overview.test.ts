import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import {
  startFixtureClusters,
  type FixtureClusters,
} from '@environment-ladder/fixture-cluster';
import type {
  LadderOverview,
  OverviewRow,
} from '@environment-ladder/plugin-environment-ladder-common';
import fs from 'fs';
import path from 'path';
import request from 'supertest';
import { demoPolicyDecisions } from './__testUtils__/demoPolicyDecisions';
import { environmentLadderPlugin } from './plugin';

/**
 * The org-wide overview end to end: the demo's fixture clusters read through
 * the real Kubernetes backend, a catalog that hides entities from some users,
 * and the demo policy's conditional decision on reading a ladder.
 */
// A backend with the Kubernetes plugin and four fixture clusters takes seconds to start on a busy machine.
jest.setTimeout(60_000);

const EXAMPLES = path.resolve(__dirname, '../../../examples/clusters');
const expected = JSON.parse(
  fs.readFileSync(path.join(EXAMPLES, 'expected.json'), 'utf8'),
);
const CLUSTERS = ['dev', 'previews', 'staging', 'prod'];
const TOKEN = 'fixture-token';
const RUNGS = ['local', 'dev', 'preview', 'staging', 'prod'];

const service = (
  name: string,
  spec: { owner: string; system: string; lifecycle: string },
  annotations: Record<string, string> = {
    'backstage.io/kubernetes-id': name,
  },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', ...spec },
  // As the catalog's processors resolve them.
  relations: [
    { type: 'ownedBy', targetRef: `group:default/${spec.owner}` },
    { type: 'partOf', targetRef: `system:default/${spec.system}` },
  ],
});
const shop = { owner: 'team-shop', system: 'shop', lifecycle: 'production' };
const ENTITIES: Entity[] = [
  service('checkout', shop),
  service('payments', { ...shop, owner: 'team-payments' }),
  service('inventory', shop),
  service('storefront-docs', { ...shop, lifecycle: 'experimental' }, {}),
  // The demo policy lets nobody read a ladder annotated acme.io/secret.
  service('ledger', shop, {
    'backstage.io/kubernetes-id': 'checkout',
    'acme.io/secret': 'yes',
  }),
  // Not a service: never a row.
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'shop-site', namespace: 'default' },
    spec: { type: 'website', owner: 'team-shop', lifecycle: 'production' },
  },
];

/** The catalog's visibility: the outsider does not see what team-payments owns. */
const visibleTo = (credentials: BackstageCredentials) => (entity: Entity) =>
  !(
    (credentials.principal as { userEntityRef?: string }).userEntityRef ===
      'user:default/outsider' &&
    (entity.spec as { owner?: string }).owner === 'team-payments'
  );

const MEMBERSHIPS: Record<string, string[]> = {
  'user:default/shopper': ['group:default/team-shop'],
  'user:default/outsider': [],
};

const short = (digest: string) => `sha256:${digest.slice(7, 19)}`;

describe('GET /api/environment-ladder/overview', () => {
  let fixtures: FixtureClusters;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  const catalogCalls: Array<{ filter: unknown; user?: string }> = [];

  const getOverview = (query = '', user = 'user:default/shopper') =>
    request(server)
      .get(`/api/environment-ladder/overview${query}`)
      .set('Authorization', mockCredentials.user.header(user));
  const names = (body: LadderOverview) =>
    body.rows.map(row => row.entityRef.replace('component:default/', ''));

  beforeAll(async () => {
    fixtures = await startFixtureClusters({
      clusters: CLUSTERS.map(name => ({
        name,
        port: 0,
        dir: path.join(EXAMPLES, name),
        token: TOKEN,
      })),
    });
    const url = (name: string) =>
      fixtures.clusters.find(c => c.name === name)!.url;
    const inMemory = catalogServiceMock({ entities: ENTITIES });
    const decide = demoPolicyDecisions(MEMBERSHIPS);
    ({ server } = await startTestBackend({
      features: [
        environmentLadderPlugin,
        kubernetesPlugin,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        catalogServiceMock.mock({
          getEntities: async (req, options) => {
            const credentials = (
              options as { credentials: BackstageCredentials }
            ).credentials;
            catalogCalls.push({
              filter: req?.filter,
              user: (credentials.principal as { userEntityRef?: string })
                .userEntityRef,
            });
            const { items } = await inMemory.getEntities(req);
            return { items: items.filter(visibleTo(credentials)) };
          },
          getEntityByRef: async (ref, options) => {
            const entity = await inMemory.getEntityByRef(ref);
            const credentials = (
              options as { credentials: BackstageCredentials }
            ).credentials;
            return entity && visibleTo(credentials)(entity)
              ? entity
              : undefined;
          },
        }).factory,
        mockServices.permissions.mock({
          // The Kubernetes backend's proxy asks plain questions; it is allowed.
          authorize: async requests =>
            requests.map(() => ({ result: AuthorizeResult.ALLOW })),
          authorizeConditional: async (requests, options) =>
            decide(requests, options!.credentials),
        }).factory,
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: CLUSTERS.map(name => ({
                    name,
                    url: url(name),
                    authProvider: 'serviceAccount',
                    serviceAccountToken: TOKEN,
                    skipTLSVerify: true,
                    skipMetricsLookup: true,
                  })),
                },
              ],
            },
            environmentLadder: {
              clusterTimeout: { seconds: 2 },
              cache: { freshness: '300ms' },
              // The model is on. The Kubernetes plugin's proxy does not pass on
              // a cluster's dropped watch (the stream just goes quiet): the
              // idle limit notices it. Short here (the defaults: 60 s, 90 s).
              model: { watchTimeout: '3s', watchIdleTimeout: '4s' },
              rungs: [
                { name: 'local', title: 'Local' },
                { name: 'dev', title: 'Dev', clusters: ['dev'] },
                {
                  name: 'preview',
                  title: 'Previews',
                  clusters: ['previews'],
                  previews: {
                    nameTemplate: '{{entity}}-{{branch_slug}}-{{number}}',
                  },
                },
                { name: 'staging', title: 'Staging', clusters: ['staging'] },
                { name: 'prod', title: 'Prod', clusters: ['prod'] },
              ],
            },
          },
        }),
      ],
    }));
    // The Kubernetes backend loads its client library on the first proxied request.
    await getOverview();
    await new Promise(resolve => setTimeout(resolve, 350));
  });

  afterEach(() => {
    for (const name of CLUSTERS) fixtures.setFault(name, 'none');
  });

  afterAll(async () => {
    await fixtures?.close();
  });

  it('answers every visible service × every rung in one response', async () => {
    const response = await getOverview();
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('private, no-cache');
    const body: LadderOverview = response.body;
    expect(body.rungs).toEqual([
      { name: 'local', title: 'Local' },
      { name: 'dev', title: 'Dev' },
      { name: 'preview', title: 'Previews', kind: 'preview' },
      { name: 'staging', title: 'Staging' },
      { name: 'prod', title: 'Prod' },
    ]);
    // By title; the website is no service and ledger's ladder is not readable.
    expect(names(body)).toEqual([
      'checkout',
      'inventory',
      'payments',
      'storefront-docs',
    ]);
    for (const name of ['checkout', 'payments', 'inventory']) {
      const row = body.rows.find(r => r.title === name)!;
      expect(row).toMatchObject({
        entityRef: `component:default/${name}`,
        owner: `group:default/${
          name === 'payments' ? 'team-payments' : 'team-shop'
        }`,
        system: 'system:default/shop',
        lifecycle: 'production',
      });
      expect(row.cells.map(c => c.rung)).toEqual(RUNGS);
      for (const rung of ['dev', 'staging', 'prod']) {
        const cell = row.cells.find(c => c.rung === rung)!;
        const digests: string[] = expected[name][rung].digests;
        expect(cell.error).toBeNull();
        expect(cell.digestCount).toBe(digests.length);
        expect(cell.digest).toBe(
          digests.length === 1 ? short(digests[0]) : null,
        );
        expect(cell.rolloutPhase).not.toBeNull();
      }
      expect(row.cells[0]).toMatchObject({ observed: false, digest: null });
    }
    const checkout = body.rows.find(r => r.title === 'checkout')!;
    // prod runs what staging runs.
    expect(checkout.cells[4].comparedToBelow).toEqual({ relation: 'same' });
    const inventory = body.rows.find(r => r.title === 'inventory')!;
    expect(inventory.cells[2]).toMatchObject({
      rung: 'preview',
      previews: expected.inventory.previews.length,
      brokenRules: 1,
      worstSeverity: 'warning',
    });
    expect(inventory.brokenRules).toBe(
      inventory.cells.reduce((sum, c) => sum + c.brokenRules, 0),
    );
    expect(inventory.brokenRules).toBeGreaterThan(1);
    expect(body.rows.find(r => r.title === 'storefront-docs')).toMatchObject({
      cells: [],
      notSetUp: expect.stringContaining('backstage.io/kubernetes-id'),
    });
  });

  it("reads the catalog with the caller's credentials and omits what they cannot see", async () => {
    catalogCalls.length = 0;
    const outsider = await getOverview('', 'user:default/outsider');
    expect(outsider.status).toBe(200);
    expect(names(outsider.body)).toEqual([
      'checkout',
      'inventory',
      'storefront-docs',
    ]);
    expect(catalogCalls).toEqual([
      {
        user: 'user:default/outsider',
        filter: { kind: 'component', 'spec.type': 'service' },
      },
    ]);
  });

  it('omits a service whose ladder the policy does not let the caller read', async () => {
    const response = await getOverview();
    expect(names(response.body)).not.toContain('ledger');
    // ...while the same user reads the others, so the omission is the policy's.
    const denied = await request(server)
      .get('/api/environment-ladder/entities/component/default/ledger/ladder')
      .set(
        'Authorization',
        mockCredentials.user.header('user:default/shopper'),
      );
    expect(denied.status).toBe(403);
  });

  it.each([
    ['?owner=team-shop', ['checkout', 'inventory', 'storefront-docs']],
    ['?owner=group:default/team-payments', ['payments']],
    ['?system=shop', ['checkout', 'inventory', 'payments', 'storefront-docs']],
    ['?system=developer-portal', []],
    ['?lifecycle=experimental', ['storefront-docs']],
    ['?owner=team-shop&lifecycle=production', ['checkout', 'inventory']],
  ])('filters %s on the server', async (query, want) => {
    const response = await getOverview(query);
    expect(response.status).toBe(200);
    expect(names(response.body)).toEqual(want);
  });

  it('keeps only the services that break a rule for onlyBroken=true', async () => {
    const all: OverviewRow[] = (await getOverview()).body.rows;
    const broken = await getOverview('?onlyBroken=true');
    expect(broken.status).toBe(200);
    const want = all.filter(r => r.brokenRules > 0).map(r => r.title);
    expect(want).toContain('inventory');
    expect(want.length).toBeLessThan(all.length);
    expect(broken.body.rows.map((r: OverviewRow) => r.title)).toEqual(want);
    const unbroken = await getOverview('?onlyBroken=false');
    expect(unbroken.body.rows).toHaveLength(all.length);
  });

  it.each([
    [
      '?onlyBroken=yes',
      "Invalid overview query: 'onlyBroken' must be true or false",
    ],
    [
      '?owner=team%20shop',
      "Invalid overview query: 'owner' must be an entity ref such as group:default/name",
    ],
    [
      '?system=a:b:c',
      "Invalid overview query: 'system' must be an entity ref such as system:default/name",
    ],
    [
      '?lifecycle=%3Cscript%3E',
      "Invalid overview query: 'lifecycle' must be a lifecycle such as production",
    ],
    [
      '?owner=team-shop&owner=team-payments',
      "Invalid overview query: 'owner' must be given once",
    ],
    [
      '?colour=red',
      "Invalid overview query: 'colour' is not a filter (owner, system, lifecycle, onlyBroken)",
    ],
  ])('answers 400 for %s, naming the parameter', async (query, message) => {
    const response = await getOverview(query);
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual(
      expect.objectContaining({ name: 'InputError', message }),
    );
  });

  it('answers 401 without credentials', async () => {
    const response = await request(server).get(
      '/api/environment-ladder/overview',
    );
    expect(response.status).toBe(401);
  });

  it("marks only prod's cells when the prod cluster fails", async () => {
    fixtures.setFault('prod', '500');
    // Past the cache window, so the fault meets a fresh read; the model
    // notices when it cannot resume prod's watches.
    await new Promise(resolve => setTimeout(resolve, 350));
    let response = await getOverview();
    const deadline = Date.now() + 20_000;
    const prodFails = () =>
      (response.body as LadderOverview).rows?.every(row =>
        row.cells.find(c => c.rung === 'prod')?.error?.includes('answered 500'),
      );
    while (!prodFails() && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 200));
      response = await getOverview();
    }
    expect(response.status).toBe(200);
    const body: LadderOverview = response.body;
    for (const name of ['checkout', 'payments', 'inventory']) {
      const row = body.rows.find(r => r.title === name)!;
      const prod = row.cells.find(c => c.rung === 'prod')!;
      expect(prod).toMatchObject({
        error: expect.stringMatching(/cluster 'prod' answered 500/),
        digest: null,
        digestCount: 0,
      });
      expect(prod.error).not.toContain(TOKEN);
      const staging = row.cells.find(c => c.rung === 'staging')!;
      expect(staging.error).toBeNull();
      expect(staging.digestCount).toBe(expected[name].staging.digests.length);
    }
  });
});
