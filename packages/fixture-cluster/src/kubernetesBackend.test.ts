import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { readFixtureClustersConfig } from './config';
import { startFixtureClusters } from './startFixtureClusters';
import { FixtureClusters } from './types';

/*
 * The real Kubernetes backend plugin, configured like the demo app, talking
 * to the fixture clusters over HTTP: the same code path as against a real
 * cluster, only config values differ.
 */

const EXAMPLES = path.resolve(__dirname, '../../../examples/clusters');
const expected = JSON.parse(
  fs.readFileSync(path.join(EXAMPLES, 'expected.json'), 'utf8'),
);

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': name },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-shop' },
});

/** What the Kubernetes plugin asks every cluster for, per entity request. */
const DEFAULT_KIND_PATHS = [
  '/api/v1/pods',
  '/api/v1/services',
  '/api/v1/configmaps',
  '/api/v1/limitranges',
  '/api/v1/resourcequotas',
  '/apis/apps/v1/deployments',
  '/apis/apps/v1/replicasets',
  '/apis/autoscaling/v2/horizontalpodautoscalers',
  '/apis/batch/v1/jobs',
  '/apis/batch/v1/cronjobs',
  '/apis/networking.k8s.io/v1/ingresses',
  '/apis/apps/v1/statefulsets',
  '/apis/apps/v1/daemonsets',
];
const CUSTOM_PATHS = [
  '/apis/argoproj.io/v1alpha1/rollouts',
  '/apis/argoproj.io/v1alpha1/analysisruns',
];

/*
 * The plugin loads @kubernetes/client-node (ESM) with a dynamic import(), which
 * Jest only supports with --experimental-vm-modules; this package's `test`
 * script sets it through NODE_OPTIONS, as the plugin's own package does.
 */
const vmModules = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some(
  a => a.includes('--experimental-vm-modules'),
);
if (!vmModules) {
  // eslint-disable-next-line no-console
  console.warn(
    'Skipping the Kubernetes backend integration test: run it with NODE_OPTIONS=--experimental-vm-modules (`yarn test` in packages/fixture-cluster does).',
  );
}

// The first query starts the Kubernetes backend's clients: seconds on a busy 2-core machine.
jest.setTimeout(60_000);

(vmModules ? describe : describe.skip)(
  '@backstage/plugin-kubernetes-backend against the fixture clusters',
  () => {
    let fixtures: FixtureClusters;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let baseUrl: string;

    beforeAll(async () => {
      const config = readFixtureClustersConfig(
        path.join(EXAMPLES, 'clusters.yaml'),
      );
      fixtures = await startFixtureClusters({
        baseDir: config.baseDir,
        clusters: config.clusters.map(c => ({
          ...c,
          port: 0,
          token: 'fixture-token',
        })),
        timeoutFaultMaxMs: 1000,
      });
      backend = await startTestBackend({
        features: [
          kubernetesPlugin,
          catalogServiceMock.factory({
            entities: [
              component('checkout'),
              component('payments'),
              component('inventory'),
            ],
          }),
          mockServices.rootConfig.factory({
            data: {
              kubernetes: {
                // Singular in kubernetes-backend 0.21: `serviceLocatorMethods` (plural)
                // fails start-up with "Missing required config value at
                // 'kubernetes.serviceLocatorMethod.type'".
                serviceLocatorMethod: { type: 'multiTenant' },
                clusterLocatorMethods: [
                  {
                    type: 'config',
                    clusters: fixtures.clusters.map(c => ({
                      name: c.name,
                      url: c.url,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: 'fixture-token',
                      skipTLSVerify: true,
                      skipMetricsLookup: true,
                    })),
                  },
                ],
                customResources: [
                  {
                    group: 'argoproj.io',
                    apiVersion: 'v1alpha1',
                    plural: 'rollouts',
                  },
                  {
                    group: 'argoproj.io',
                    apiVersion: 'v1alpha1',
                    plural: 'analysisruns',
                  },
                ],
              },
            },
          }),
        ],
      });
      baseUrl = `http://127.0.0.1:${
        (backend.server.address() as AddressInfo).port
      }`;
    }, 60_000);

    afterAll(async () => {
      await backend?.stop();
      await fixtures?.close();
    });

    afterEach(() => {
      for (const c of fixtures.clusters) {
        fixtures.setFault(c.name, 'none');
      }
    });

    const queryService = async (name: string) => {
      const res = await fetch(`${baseUrl}/api/kubernetes/services/${name}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: mockCredentials.user.header(),
        },
        body: JSON.stringify({ entity: component(name) }),
      });
      if (res.status !== 200) {
        throw new Error(`${res.status} ${await res.text()}`);
      }
      return (await res.json()) as {
        items: Array<{
          cluster: { name: string };
          resources: Array<{ type: string; resources: any[] }>;
          errors: any[];
          podMetrics: unknown[];
        }>;
      };
    };
    const resourcesOf = (
      item: { resources: Array<{ type: string; resources: any[] }> },
      type: string,
    ) => item.resources.filter(r => r.type === type).flatMap(r => r.resources);

    it('returns the fixture pods and deployments of an entity, per cluster', async () => {
      const body = await queryService('checkout');
      // checkout has objects in every cluster (dev, previews, staging, prod).
      expect(body.items.map(i => i.cluster.name)).toEqual([
        'dev',
        'previews',
        'staging',
        'prod',
      ]);
      for (const item of body.items) {
        expect(item.errors).toEqual([]);
        expect(item.podMetrics).toEqual([]);
      }
      const byCluster = Object.fromEntries(
        body.items.map(i => [i.cluster.name, i]),
      );

      for (const rung of ['dev', 'staging', 'prod']) {
        const pods = resourcesOf(byCluster[rung], 'pods').filter(
          p => p.metadata.namespace === 'checkout',
        );
        const digests = [
          ...new Set(
            pods.map(p => {
              const status = p.status.containerStatuses.find(
                (c: any) => c.name === 'checkout',
              );
              return `sha256:${status.imageID.split('@sha256:')[1]}`;
            }),
          ),
        ].sort();
        expect(digests).toEqual(expected.checkout[rung].digests);
        expect(pods).toHaveLength(
          Object.values(
            expected.checkout[rung].podsByDigest as Record<string, number>,
          ).reduce((a, b) => a + b, 0),
        );
      }
      expect(
        resourcesOf(byCluster.dev, 'deployments').map(d => d.metadata.name),
      ).toEqual(['checkout']);
      expect(
        resourcesOf(byCluster.staging, 'deployments').map(d => d.metadata.name),
      ).toEqual(['checkout']);
      expect(resourcesOf(byCluster.dev, 'replicasets')).toHaveLength(2);
      expect(
        resourcesOf(byCluster.staging, 'ingresses').map(
          i => i.spec.rules[0].host,
        ),
      ).toEqual(['checkout.staging.bitvault.io']);

      // prod runs a Rollout: a custom resource, with its completed analysis.
      const custom = resourcesOf(byCluster.prod, 'customresources');
      expect(
        custom
          .filter(r => r.kind === 'Rollout')
          .map(r => [r.metadata.name, r.status.phase]),
      ).toEqual([['checkout', 'Healthy']]);
      expect(
        custom.filter(r => r.kind === 'AnalysisRun').map(r => r.status.phase),
      ).toEqual(['Successful']);
      expect(
        resourcesOf(byCluster.prod, 'horizontalpodautoscalers')[0].spec,
      ).toMatchObject({ minReplicas: 5, maxReplicas: 20 });

      // The preview of PR #112 lives in the previews cluster.
      expect(
        resourcesOf(byCluster.previews, 'pods').map(p => p.metadata.namespace),
      ).toEqual(['checkout-add-apple-pay-112']);
    });

    it('sends one labelSelector GET list per kind to every cluster, as against a real one', async () => {
      fixtures.resetStats();
      await queryService('payments');
      for (const c of fixtures.clusters) {
        const stats = fixtures.stats(c.name);
        expect(Object.keys(stats.byPath).sort()).toEqual(
          [...DEFAULT_KIND_PATHS, ...CUSTOM_PATHS].sort(),
        );
        expect(stats.total).toBe(
          DEFAULT_KIND_PATHS.length + CUSTOM_PATHS.length,
        );
      }
    });

    it('returns the payments canary: a paused Rollout and a running AnalysisRun', async () => {
      const body = await queryService('payments');
      // No payments objects in the previews cluster: the plugin leaves it out.
      expect(body.items.map(i => i.cluster.name)).toEqual([
        'dev',
        'staging',
        'prod',
      ]);
      const prod = body.items.find(i => i.cluster.name === 'prod')!;
      const custom = resourcesOf(prod, 'customresources');
      const rollout = custom.find(r => r.kind === 'Rollout');
      expect(rollout.status).toMatchObject({
        currentStepIndex: 3,
        phase: expected.payments.prod.rollout.phase,
      });
      // The current canary's run is Running; an older canary's run Failed.
      expect(
        custom
          .filter(r => r.kind === 'AnalysisRun')
          .map(r => [r.metadata.name, r.status.phase])
          .sort(),
      ).toEqual(
        expected.payments.prod.rollout.analysisRuns
          .map((r: { name: string; phase: string }) => [r.name, r.phase])
          .sort(),
      );
      expect(resourcesOf(prod, 'pods')).toHaveLength(10);
    });

    it.each([
      ['500', { errorType: 'SYSTEM_ERROR', statusCode: 500 }],
      ['401', { errorType: 'UNAUTHORIZED_ERROR', statusCode: 401 }],
      ['403', { errorType: 'UNKNOWN_ERROR', statusCode: 403 }],
    ])(
      "reports fault %s of one cluster as that cluster's errors",
      async (fault, error) => {
        fixtures.setFault('prod', fault as any);
        const body = await queryService('inventory');
        const prod = body.items.find(i => i.cluster.name === 'prod')!;
        expect(prod.errors).toHaveLength(
          DEFAULT_KIND_PATHS.length + CUSTOM_PATHS.length,
        );
        expect(prod.errors).toContainEqual({
          ...error,
          resourcePath: '/api/v1/pods',
        });
        const staging = body.items.find(i => i.cluster.name === 'staging')!;
        expect(staging.errors).toEqual([]);
        expect(resourcesOf(staging, 'pods')).toHaveLength(3);
      },
    );

    it.each(['malformed', 'timeout'])(
      'reports fault %s as a fetch error',
      async fault => {
        fixtures.setFault('dev', fault as any);
        const body = await queryService('inventory');
        const dev = body.items.find(i => i.cluster.name === 'dev')!;
        expect(dev.errors).toEqual([
          { errorType: 'FETCH_ERROR', message: expect.any(String) },
        ]);
        expect(body.items.find(i => i.cluster.name === 'prod')!.errors).toEqual(
          [],
        );
      },
      15_000,
    );

    it('serves the proxy endpoint with the Backstage-Kubernetes-Cluster header', async () => {
      const res = await fetch(
        `${baseUrl}/api/kubernetes/proxy/apis/apps/v1/namespaces/inventory/deployments/inventory`,
        {
          headers: {
            'Backstage-Kubernetes-Cluster': 'staging',
            Authorization: mockCredentials.user.header(),
          },
        },
      );
      expect(res.status).toBe(200);
      const deployment = await res.json();
      expect(deployment).toMatchObject({
        kind: 'Deployment',
        metadata: { name: 'inventory', namespace: 'inventory' },
        spec: {
          paused: true,
          template: {
            spec: {
              containers: [{ image: expected.inventory.staging.specImage }],
            },
          },
        },
      });

      // Lists with a label selector pass through the proxy unchanged.
      const canary = await fetch(
        `${baseUrl}/api/kubernetes/proxy/api/v1/namespaces/payments/pods?labelSelector=${encodeURIComponent(
          'backstage.io/kubernetes-id=payments,app.kubernetes.io/version in (2.1.0)',
        )}`,
        {
          headers: {
            'Backstage-Kubernetes-Cluster': 'prod',
            Authorization: mockCredentials.user.header(),
          },
        },
      );
      const canaryPods = await canary.json();
      expect(canaryPods).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
      expect(canaryPods.items).toHaveLength(2);

      const missing = await fetch(
        `${baseUrl}/api/kubernetes/proxy/api/v1/namespaces/inventory/pods/nope`,
        {
          headers: {
            'Backstage-Kubernetes-Cluster': 'prod',
            Authorization: mockCredentials.user.header(),
          },
        },
      );
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({
        kind: 'Status',
        reason: 'NotFound',
      });

      const events = await fetch(
        `${baseUrl}/api/kubernetes/proxy/api/v1/namespaces/inventory/events?fieldSelector=involvedObject.name=inventory`,
        {
          headers: {
            'Backstage-Kubernetes-Cluster': 'dev',
            Authorization: mockCredentials.user.header(),
          },
        },
      );
      expect(await events.json()).toMatchObject({
        kind: 'EventList',
        items: [],
      });
    });
  },
);
