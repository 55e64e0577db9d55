import { mockServices } from '@backstage/backend-test-utils';
import {
  startFixtureClusters,
  type FixtureClusters,
} from '@environment-ladder/fixture-cluster';
import type { LadderConfig } from '../../config';
import { createClusterModel, MODEL_RESOURCES } from './createClusterModel';
import type { KubernetesProxyGet } from './kubernetesProxy';
import type { ClusterModel } from './types';

const ID = 'backstage.io/kubernetes-id';
const SERVICES = 1000;
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

/** What kubectl and the controllers leave on an object: most of its size. */
function managedFields(manager: string) {
  return [
    {
      manager,
      operation: 'Update',
      apiVersion: 'v1',
      time: '2025-06-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': {
          'f:labels': { '.': {}, [`f:${ID}`]: {}, 'f:app': {} },
          'f:annotations': {
            '.': {},
            'f:deployment.kubernetes.io/revision': {},
          },
        },
        'f:spec': {
          'f:containers': {
            'k:{"name":"app"}': {
              '.': {},
              'f:image': {},
              'f:env': {
                '.': {},
                'k:{"name":"LOG_LEVEL"}': { '.': {}, 'f:value': {} },
              },
              'f:resources': { '.': {}, 'f:limits': {}, 'f:requests': {} },
              'f:livenessProbe': { '.': {}, 'f:httpGet': {} },
            },
          },
        },
        'f:status': { 'f:conditions': {}, 'f:containerStatuses': {} },
      },
    },
  ];
}

function podSpec(name: string, image: string) {
  return {
    containers: [
      {
        name: 'app',
        image,
        env: Array.from({ length: 8 }, (_, i) => ({
          name: `SETTING_${i}`,
          value: `value-${name}-${i}`,
        })),
        resources: {
          limits: { cpu: '500m', memory: '512Mi' },
          requests: { cpu: '100m', memory: '128Mi' },
        },
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
        readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
        volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
      },
    ],
    volumes: [{ name: 'config', configMap: { name: `${name}-config` } }],
    serviceAccountName: name,
    nodeSelector: { 'kubernetes.io/os': 'linux' },
  };
}

/** One service as a cluster holds it: a Deployment, its ReplicaSet, two pods. */
function serviceObjects(n: number) {
  const name = `svc-${n}`;
  const image = `ghcr.io/acme/${name}@${digest(n)}`;
  const labels = { [ID]: name, app: name };
  const lastApplied = JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', labels },
    spec: { template: { spec: podSpec(name, image) } },
  });
  const meta = (objectName: string, manager: string) => ({
    name: objectName,
    namespace: 'shop',
    labels,
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': lastApplied,
    },
    uid: `uid-${objectName}`,
    creationTimestamp: '2025-06-01T10:00:00Z',
    managedFields: managedFields(manager),
  });
  const replicaSet = `${name}-7d9f8b6c5`;
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, 'kubectl-client-side-apply'),
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: podSpec(name, image) },
      },
      status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2 },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        ...meta(replicaSet, 'kube-controller-manager'),
        ownerReferences: [{ kind: 'Deployment', name, uid: `uid-${name}` }],
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: podSpec(name, image) },
      },
      status: { replicas: 2, readyReplicas: 2 },
    },
    ...[0, 1].map(i => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...meta(`${replicaSet}-${i}abcd`, 'kubelet'),
        ownerReferences: [
          { kind: 'ReplicaSet', name: replicaSet, uid: `uid-${replicaSet}` },
        ],
      },
      spec: podSpec(name, image),
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', image, imageID: image, ready: true, restartCount: 0 },
        ],
      },
    })),
  ];
}

jest.setTimeout(60_000);

describe('the cluster model at 1,000 services', () => {
  let fixtures: FixtureClusters;
  let model: ClusterModel | undefined;

  afterEach(async () => {
    await model?.stop();
    await fixtures?.close();
  });

  it('keeps a fraction of what the clusters list: managedFields, last-applied and unread pod spec dropped', async () => {
    fixtures = await startFixtureClusters({
      clusters: [
        {
          name: 'dev',
          port: 0,
          objects: Array.from({ length: SERVICES }, (_, n) =>
            serviceObjects(n),
          ).flat(),
        },
      ],
    });
    const url = fixtures.clusters[0].url;
    const get: KubernetesProxyGet = (_cluster, pathAndQuery, signal) =>
      fetch(`${url}${pathAndQuery}`, { signal });
    model = createClusterModel({
      config: {
        clusterTimeoutMs: 10_000,
        cacheFreshnessMs: 10_000,
        rungs: [
          { name: 'dev', clusters: ['dev'], namespaces: [], declared: {} },
        ],
      } as unknown as LadderConfig,
      model: {
        labelSelector: ID,
        indexLabel: ID,
        watchTimeoutSeconds: 60,
        watchIdleTimeoutMs: 90_000,
      },
      get,
      logger: mockServices.logger.mock(),
    });
    const startedAt = Date.now();
    model.start();
    // Everything the model holds: a read that selects by the label only.
    const all = await model.read({
      cluster: 'dev',
      namespaces: [],
      labelSelector: ID,
      signal: AbortSignal.timeout(30_000),
    });
    const syncMs = Date.now() - startedAt;

    // What the clusters answer to the same lists, as sent.
    let rawBytes = 0;
    let rawObjects = 0;
    for (const resource of MODEL_RESOURCES.filter(r => !r.previewsOnly)) {
      const response = await fetch(
        `${url}${resource.apiPath}/${
          resource.plural
        }?labelSelector=${encodeURIComponent(ID)}`,
      );
      if (response.status === 404) continue;
      const text = await response.text();
      rawBytes += Buffer.byteLength(text);
      rawObjects += JSON.parse(text).items.length;
    }
    const kept = Object.values(all).flat();
    const keptBytes = Buffer.byteLength(JSON.stringify(kept));

    expect(kept).toHaveLength(SERVICES * 4);
    expect(rawObjects).toBe(SERVICES * 4);
    expect(
      kept.some(
        (o: any) =>
          o.metadata.managedFields ||
          o.metadata.annotations?.[
            'kubectl.kubernetes.io/last-applied-configuration'
          ],
      ),
    ).toBe(false);
    // What a view reads is still there.
    const pod = all.pods[0] as any;
    expect(pod.status.containerStatuses[0].imageID).toMatch(/@sha256:/);
    expect(pod.spec).toEqual({
      containers: [{ name: 'app', image: expect.stringMatching(/@sha256:/) }],
    });
    // The figure the README quotes.
    // eslint-disable-next-line no-console
    console.log(
      `model at ${SERVICES} services (${
        SERVICES * 4
      } objects: ${SERVICES} deployments, ${SERVICES} replica sets, ${
        SERVICES * 2
      } pods): listed ${(rawBytes / 1e6).toFixed(2)} MB of JSON, kept ${(
        keptBytes / 1e6
      ).toFixed(2)} MB (${((100 * keptBytes) / rawBytes).toFixed(
        1,
      )}%), synced in ${syncMs} ms`,
    );
    expect(keptBytes).toBeLessThan(rawBytes * 0.3);
    // Bounded: well under the 50 MB target even as JS objects (a few times the JSON).
    expect(keptBytes).toBeLessThan(5e6);
  });
});
