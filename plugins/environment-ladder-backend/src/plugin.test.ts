import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  startFixtureClusters,
  type FixtureClusters,
} from '@environment-ladder/fixture-cluster';
import type { Ladder } from '@environment-ladder/plugin-environment-ladder-common';
import fs from 'fs';
import path from 'path';
import request from 'supertest';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { environmentLadderPlugin } from './plugin';

/**
 * The production code path end to end: our plugin reads the demo's fixture
 * clusters through the real Kubernetes backend's proxy, configured exactly
 * as in app-config.yaml but on ephemeral ports.
 */
const EXAMPLES = path.resolve(__dirname, '../../../examples/clusters');
const expected = JSON.parse(
  fs.readFileSync(path.join(EXAMPLES, 'expected.json'), 'utf8'),
);
const CLUSTERS = ['dev', 'previews', 'staging', 'prod'];
const TOKEN = 'fixture-token';

const service = (
  name: string,
  annotations: Record<string, string> = {
    'backstage.io/kubernetes-id': name,
  },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
});

// The model's retry pause after a fault grows from 1 s; its first lists wait
// for the Kubernetes plugin to load its client.
jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe.each([
  ['with the live model (the default)', true],
  ['with the model off (each view reads the clusters)', false],
])('environment-ladder backend %s', (_title, modelOn) => {
  let fixtures: FixtureClusters;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  const getLadder = (name: string) =>
    request(server)
      .get(`/api/environment-ladder/entities/component/default/${name}/ladder`)
      .set('Authorization', mockCredentials.user.header());

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
    ({ server } = await startTestBackend({
      features: [
        environmentLadderPlugin,
        kubernetesPlugin,
        // Requests without a token are anonymous, as in a real backend.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        catalogServiceMock.factory({
          entities: [
            service('checkout'),
            service('payments'),
            service('inventory'),
            service('storefront-docs', {}),
          ],
        }),
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
              // On when absent. Short watches, so that a cluster that hangs
              // is noticed within a test (the defaults are 60 s and 90 s).
              model: modelOn
                ? { watchTimeout: '3s', watchIdleTimeout: '4s' }
                : { enabled: false },
              // Short without the model, so that each fault below meets a fresh
              // read. With it, ladders follow the model's version and the window
              // only renews preview pull-request states: long enough that two
              // requests in a row on a busy machine see one build (the ETag test).
              cache: { freshness: modelOn ? '10s' : '300ms' },
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
    // The Kubernetes backend loads its client library on the first proxied
    // request; warm it up so the cluster timeout measures clusters only, and
    // let the warm-up's reading leave the cache.
    await getLadder('checkout');
    // The model's first round of lists may outlast that first view.
    if (modelOn) await allLive();
    await new Promise(resolve => setTimeout(resolve, 350));
  }, 60_000);

  afterEach(() => {
    for (const name of CLUSTERS) fixtures.setFault(name, 'none');
  });

  afterAll(async () => {
    await fixtures?.close();
  });

  it.each(['checkout', 'payments', 'inventory'])(
    'shows for %s the digests the fixture pods run in each rung',
    async name => {
      const response = await getLadder(name);
      expect(response.status).toBe(200);
      const ladder: Ladder = response.body;
      expect(ladder.entityRef).toBe(`component:default/${name}`);
      expect(ladder.rungs.map(r => r.name)).toEqual([
        'local',
        'dev',
        'preview',
        'staging',
        'prod',
      ]);
      expect(ladder.rungs[0]).toMatchObject({
        observed: false,
        digests: [],
        error: null,
      });
      for (const rung of ladder.rungs.filter(r => r.observed && !r.kind)) {
        expect(rung.error).toBeNull();
        expect([...rung.digests].sort()).toEqual(
          [...expected[name][rung.name].digests].sort(),
        );
      }
    },
  );

  it('lists the previews of inventory: #41 open, #38 flagged because its ApplicationSet no longer lists it', async () => {
    const response = await getLadder('inventory');
    expect(response.status).toBe(200);
    const ladder: Ladder = response.body;
    const rung = ladder.rungs.find(r => r.name === 'preview')!;
    expect(rung).toMatchObject({ kind: 'preview', digest: null, error: null });
    const previews = rung.previews!;
    expect(previews.map(p => p.prNumber)).toEqual(
      expected.inventory.previews.map((p: { prNumber: number }) => p.prNumber),
    );
    for (const [index, want] of expected.inventory.previews.entries()) {
      expect(previews[index]).toMatchObject({
        cluster: want.cluster,
        namespace: want.namespace,
        applicationName: want.application,
        prNumber: want.prNumber,
        branch: want.branch,
        headSha: want.headSha,
        digest: want.digest,
        health: 'Healthy',
        // No GitHub token in this backend: the state is unknown, the ApplicationSet tells.
        prState: 'unknown',
      });
      // Argo CD shows the Ingress rule's path, `/`, after the host.
      expect(previews[index].urls).toEqual([`${want.url}/`]);
    }
    expect(previews[0].flags).toEqual([]);
    expect(previews[1].flags.map(f => f.rule)).toEqual(['preview-outlived-pr']);
    expect(rung.digests).toEqual(
      expected.inventory.previews.map((p: { digest: string }) => p.digest),
    );
    expect(rung.violations).toEqual([
      {
        rule: 'preview-outlived-pr',
        severity: 'warning',
        rung: 'preview',
        message: expect.stringMatching(
          /^Preview of PR #38 \(fix\/stock-race\) outlived its pull request: Application inventory-fix-stock-race-38 names ApplicationSet inventory-previews as its owner, but the ApplicationSet no longer lists it/,
        ),
      },
    ]);
    // Staging is still compared with dev, and prod's rebuild is still caught.
    const staging = ladder.rungs.find(r => r.name === 'staging')!;
    expect(staging.comparedToBelow).not.toBeNull();
    const prod = ladder.rungs.find(r => r.name === 'prod')!;
    expect(prod.violations.map(v => v.rule)).toContain(
      'digest-not-from-rung-below',
    );
  });

  it('lists the preview of checkout: #112, open, with the links Argo CD shows', async () => {
    const response = await getLadder('checkout');
    const rung = (response.body as Ladder).rungs.find(
      r => r.name === 'preview',
    )!;
    const want = expected.checkout.previews[0];
    expect(rung.previews).toEqual([
      expect.objectContaining({
        cluster: 'previews',
        namespace: want.namespace,
        prNumber: 112,
        branch: want.branch,
        headSha: want.headSha,
        digest: want.digest,
        // The link annotation first, then the rule's URL.
        urls: [want.url, `${want.url}/`],
        flags: [],
      }),
    ]);
    expect(rung.violations).toEqual([]);
  });

  it('shows no previews for payments, which has none', async () => {
    const response = await getLadder('payments');
    const rung = (response.body as Ladder).rungs.find(
      r => r.name === 'preview',
    )!;
    expect(rung).toMatchObject({
      kind: 'preview',
      previews: [],
      digests: [],
      error: null,
    });
  });

  it('tells what is missing for an entity without the Kubernetes annotations', async () => {
    const response = await getLadder('storefront-docs');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      entityRef: 'component:default/storefront-docs',
      rungs: [],
      violations: [],
      generatedAt: expect.any(String),
      notSetUp:
        'Add the annotation backstage.io/kubernetes-id (or backstage.io/kubernetes-label-selector) to this entity so that the ladder can find its workloads.',
    });
  });

  it('answers 404 for an entity the catalog does not have (or the caller cannot see)', async () => {
    const response = await getLadder('nope');
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({
      name: 'NotFoundError',
      message: 'No entity component:default/nope in the catalog',
    });
  });

  it('answers 401 without credentials', async () => {
    const response = await request(server).get(
      '/api/environment-ladder/entities/component/default/checkout/ladder',
    );
    expect(response.status).toBe(401);
  });

  it.each([
    ['a kind with a dot', 'comp.onent/default/checkout', 'kind'],
    ['an upper-case namespace', 'component/Default/checkout', 'namespace'],
    ['a name with a space', 'component/default/check%20out', 'name'],
    ['a huge name', `component/default/${'a'.repeat(300)}`, 'name'],
  ])('answers 400 for %s', async (_case, ref, parameter) => {
    const response = await request(server)
      .get(`/api/environment-ladder/entities/${ref}/ladder`)
      .set('Authorization', mockCredentials.user.header());
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      name: 'InputError',
      message: `Invalid entity reference: '${parameter}' is not a valid catalog ${parameter}`,
    });
  });

  /** Requests that were not watches: what a view or a re-list costs. */
  const lists = () =>
    CLUSTERS.reduce(
      (sum, name) =>
        sum + fixtures.stats(name).total - fixtures.stats(name).watches,
      0,
    );

  /** Until every rung of checkout answers (the model is live after a fault). */
  async function allLive(timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ladder: Ladder = (await getLadder('checkout')).body;
      if (ladder.rungs.every(r => !r.error)) return;
      if (Date.now() > deadline) throw new Error('a rung still fails');
      await sleep(200);
    }
  }

  it.each([
    ['500', /cluster 'prod' answered 500/],
    ['401', /cluster 'prod' answered 401/],
    ['malformed', /cluster 'prod' returned a malformed answer/],
    ['timeout', /cluster 'prod' did not answer within 2000 ms/],
  ] as const)(
    'keeps the other rungs when prod fails with %s',
    async (fault, message) => {
      if (modelOn) await allLive();
      fixtures.setFault('prod', fault);
      // Model off: past the cache window, so the fault meets a fresh read.
      // Model on: the fault ends prod's watches; the model notices when it
      // cannot resume them (after its retry pause).
      await sleep(350);
      let response = await getLadder('checkout');
      const deadline = Date.now() + 20_000;
      while (
        modelOn &&
        !message.test(
          response.body.rungs?.find((r: { name: string }) => r.name === 'prod')
            ?.error?.message ?? '',
        ) &&
        Date.now() < deadline
      ) {
        await sleep(200);
        response = await getLadder('checkout');
      }
      expect(response.status).toBe(200);
      const ladder: Ladder = response.body;
      const prod = ladder.rungs.find(r => r.name === 'prod')!;
      expect(prod.error).toEqual({
        cluster: 'prod',
        message: expect.stringMatching(message),
      });
      expect(JSON.stringify(prod.error)).not.toContain(TOKEN);
      const staging = ladder.rungs.find(r => r.name === 'staging')!;
      expect(staging.error).toBeNull();
      expect(staging.digests).toEqual(expected.checkout.staging.digests);
    },
  );
  it('answers an unchanged ladder with 304 when the client has its ETag', async () => {
    const first = await getLadder('payments');
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.headers.etag).toBeTruthy();
    // On a machine busy with other suites a cluster read can time out and the
    // ladder really change (the rung's error, then its recovery) between the read
    // that gave the ETag and the conditional one: ask again with the newest ETag.
    // A ladder that differed on every read would still fail below.
    let etag = first.headers.etag;
    let second = await getLadder('payments').set('If-None-Match', etag);
    for (let read = 0; read < 10 && second.status !== 304; read++) {
      await new Promise(resolve => setTimeout(resolve, 300));
      etag = second.headers.etag;
      second = await getLadder('payments').set('If-None-Match', etag);
    }
    expect(second.status).toBe(304);
    expect(second.text).toBe('');
  });

  if (!modelOn) {
    it('costs the clusters for 10 concurrent viewers what it costs for one', async () => {
      const total = () =>
        CLUSTERS.reduce((sum, name) => sum + fixtures.stats(name).total, 0);
      await new Promise(resolve => setTimeout(resolve, 400)); // past the window
      fixtures.resetStats();
      expect((await getLadder('inventory')).status).toBe(200);
      const oneViewer = total();
      expect(oneViewer).toBeGreaterThan(0);

      await new Promise(resolve => setTimeout(resolve, 400));
      fixtures.resetStats();
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => getLadder('inventory')),
      );
      expect(responses.map(r => r.status)).toEqual(Array(10).fill(200));
      expect(total()).toBe(oneViewer);
    });
  }

  if (modelOn) {
    it('costs the clusters nothing for 10 concurrent viewers once the model is live', async () => {
      await allLive();
      const before = lists();
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => getLadder('inventory')),
      );
      expect(responses.map(r => r.status)).toEqual(Array(10).fill(200));
      expect(lists()).toBe(before);
    });
  }

  if (modelOn) {
    it("keeps quiet watches open through the Kubernetes plugin's proxy past the cluster timeout", async () => {
      await allLive();
      const before = lists();
      // Nothing changes for longer than the cluster timeout (2 s): the
      // streams say nothing until they end (3 s) and are resumed. The proxy
      // sends a watch's headers only with its first byte: a cluster timeout
      // on them would cut every quiet watch, fail the rung and list again.
      await sleep(3500);
      expect(lists()).toBe(before);
      const ladder: Ladder = (await getLadder('checkout')).body;
      expect(ladder.rungs.filter(r => r.error)).toEqual([]);
    });
  }

  if (modelOn) {
    it("shows a dev change through the proxy's watch, without a list", async () => {
      await allLive();
      const dev = () =>
        getLadder('checkout').then(
          r => (r.body as Ladder).rungs.find(rung => rung.name === 'dev')!,
        );
      // What a rollout does to the pods: each now runs another digest.
      const url = fixtures.clusters.find(c => c.name === 'dev')!.url;
      const { items: pods } = await fetch(
        `${url}/api/v1/pods?labelSelector=backstage.io%2Fkubernetes-id%3Dcheckout`,
        { headers: { Authorization: `Bearer ${TOKEN}` } },
      ).then(r => r.json());
      expect(pods.length).toBeGreaterThan(0);
      const digest = `sha256:${'7'.repeat(64)}`;
      const before = lists();
      const changedAt = Date.now();
      for (const pod of pods) {
        const image = `ghcr.io/acme/checkout@${digest}`;
        pod.spec.containers[0].image = image;
        for (const status of pod.status?.containerStatuses ?? []) {
          status.image = image;
          status.imageID = image;
        }
        fixtures.apply('dev', { apiVersion: 'v1', kind: 'Pod', ...pod });
      }
      while (!(await dev()).digests.includes(digest)) {
        if (Date.now() - changedAt > 5000) throw new Error('not seen in 5 s');
        await sleep(20);
      }
      // eslint-disable-next-line no-console
      console.log(
        `model: a dev change reached the ladder in ${
          Date.now() - changedAt
        } ms (through the Kubernetes plugin's proxy)`,
      );
      expect(lists()).toBe(before);
    });
  }
});
