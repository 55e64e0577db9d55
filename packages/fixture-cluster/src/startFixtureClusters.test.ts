import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFixtureClusters } from './startFixtureClusters';
import { FixtureClusters } from './types';

const MULTI_DOC = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: checkout
  labels:
    backstage.io/kubernetes-id: checkout
    tier: web
spec:
  replicas: 2
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
  namespace: payments
  labels:
    backstage.io/kubernetes-id: payments
    tier: api
spec:
  replicas: 3
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
  labels:
    k8s-app: kube-dns
---
`;

const LIST = `
apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: checkout-7d9f-abcde
    namespace: checkout
    labels:
      backstage.io/kubernetes-id: checkout
      release: "1.5.0"
  spec:
    containers:
    - name: checkout
      image: ghcr.io/acme/checkout@sha256:${'a'.repeat(64)}
    - name: istio-proxy
      image: docker.io/istio/proxyv2:1.22.0
  status:
    phase: Running
- apiVersion: v1
  kind: Pod
  metadata:
    name: payments-5c8b-fghij
    namespace: payments
    labels:
      backstage.io/kubernetes-id: payments
      release: "2.1.0"
  spec:
    containers:
    - name: payments
      image: ghcr.io/acme/payments@sha256:${'b'.repeat(64)}
  status:
    phase: Running
- apiVersion: v1
  kind: Namespace
  metadata:
    name: checkout
    labels:
      backstage.io/kubernetes-id: checkout
`;

const ROLLOUT = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: {
    name: 'payments',
    namespace: 'payments',
    labels: { 'backstage.io/kubernetes-id': 'payments' },
  },
  spec: { replicas: 10 },
  status: { phase: 'Paused', currentStepIndex: 3 },
};

function writeFixtureDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-cluster-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('startFixtureClusters', () => {
  let dir: string;
  let running: FixtureClusters;
  let url: string;
  let otherUrl: string;

  const get = async (p: string, init?: RequestInit) => {
    const res = await fetch(`${url}${p}`, init);
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body, headers: res.headers };
  };
  const names = (body: any) =>
    body.items.map((i: any) =>
      i.metadata.namespace
        ? `${i.metadata.namespace}/${i.metadata.name}`
        : i.metadata.name,
    );

  beforeAll(async () => {
    dir = writeFixtureDir({
      'workloads.yaml': MULTI_DOC,
      'nested/pods.yml': LIST,
      'README.md': 'not yaml, ignored',
    });
    running = await startFixtureClusters({
      clusters: [
        { name: 'dev', port: 0, dir, objects: [ROLLOUT] },
        { name: 'other', port: 0, objects: [] },
      ],
      timeoutFaultMaxMs: 300,
    });
    url = running.clusters[0].url;
    otherUrl = running.clusters[1].url;
  });

  afterAll(async () => {
    await running.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    running.setFault('dev', 'none');
    running.setLatency('dev', 0);
  });

  it('reports each cluster on its own ephemeral port of 127.0.0.1', () => {
    expect(running.clusters).toEqual([
      {
        name: 'dev',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        port: expect.any(Number),
        objects: expect.any(Number),
      },
      {
        name: 'other',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        port: expect.any(Number),
        objects: expect.any(Number),
      },
    ]);
    expect(running.clusters[0].port).not.toBe(running.clusters[1].port);
    expect(running.clusters[0].port).toBeGreaterThan(0);
  });

  describe('lists', () => {
    it('answers a cluster-wide list with a real list object', async () => {
      const { status, body } = await get('/apis/apps/v1/deployments');
      expect(status).toBe(200);
      expect(body).toEqual({
        apiVersion: 'apps/v1',
        kind: 'DeploymentList',
        metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
        items: expect.any(Array),
      });
      expect(names(body)).toEqual([
        'checkout/checkout',
        'kube-system/coredns',
        'payments/payments',
      ]);
      for (const item of body.items) {
        expect(item.apiVersion).toBe('apps/v1');
        expect(item.kind).toBe('Deployment');
        expect(item.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
        expect(item.metadata.resourceVersion).toMatch(/^\d+$/);
      }
    });

    it('answers a namespaced list with only that namespace', async () => {
      const { body } = await get(
        '/apis/apps/v1/namespaces/payments/deployments',
      );
      expect(body.kind).toBe('DeploymentList');
      expect(names(body)).toEqual(['payments/payments']);
      const empty = await get('/apis/apps/v1/namespaces/nowhere/deployments');
      expect(empty.status).toBe(200);
      expect(empty.body.items).toEqual([]);
    });

    it('loads kind: List documents from nested folders', async () => {
      const { body } = await get('/api/v1/pods');
      expect(body).toMatchObject({ apiVersion: 'v1', kind: 'PodList' });
      expect(names(body)).toEqual([
        'checkout/checkout-7d9f-abcde',
        'payments/payments-5c8b-fghij',
      ]);
      expect(body.items[0].kind).toBe('Pod');
    });

    it('serves custom resources given as objects', async () => {
      const { body } = await get(
        '/apis/argoproj.io/v1alpha1/namespaces/payments/rollouts',
      );
      expect(body.kind).toBe('RolloutList');
      expect(body.items).toEqual([
        expect.objectContaining({
          kind: 'Rollout',
          status: { phase: 'Paused', currentStepIndex: 3 },
        }),
      ]);
    });

    it.each([
      ['/api/v1/services', 'v1', 'ServiceList'],
      ['/api/v1/configmaps', 'v1', 'ConfigMapList'],
      ['/api/v1/limitranges', 'v1', 'LimitRangeList'],
      ['/api/v1/resourcequotas', 'v1', 'ResourceQuotaList'],
      ['/apis/apps/v1/replicasets', 'apps/v1', 'ReplicaSetList'],
      ['/apis/apps/v1/statefulsets', 'apps/v1', 'StatefulSetList'],
      ['/apis/apps/v1/daemonsets', 'apps/v1', 'DaemonSetList'],
      ['/apis/batch/v1/jobs', 'batch/v1', 'JobList'],
      ['/apis/batch/v1/cronjobs', 'batch/v1', 'CronJobList'],
      [
        '/apis/networking.k8s.io/v1/ingresses',
        'networking.k8s.io/v1',
        'IngressList',
      ],
      [
        '/apis/autoscaling/v2/horizontalpodautoscalers',
        'autoscaling/v2',
        'HorizontalPodAutoscalerList',
      ],
      [
        '/apis/argoproj.io/v1alpha1/analysisruns',
        'argoproj.io/v1alpha1',
        'AnalysisRunList',
      ],
      [
        '/apis/argoproj.io/v1alpha1/applications',
        'argoproj.io/v1alpha1',
        'ApplicationList',
      ],
      [
        '/apis/argoproj.io/v1alpha1/applicationsets',
        'argoproj.io/v1alpha1',
        'ApplicationSetList',
      ],
      [
        '/apis/argoproj.io/v1alpha1/namespaces/x/analysisruns',
        'argoproj.io/v1alpha1',
        'AnalysisRunList',
      ],
    ])(
      'answers %s with an empty %s list when there are no such objects',
      async (p, apiVersion, kind) => {
        const { status, body } = await get(p);
        expect(status).toBe(200);
        expect(body).toEqual({
          apiVersion,
          kind: kind,
          metadata: { resourceVersion: expect.any(String) },
          items: [],
        });
      },
    );

    it('lists namespaces: declared ones, implied ones and the system ones', async () => {
      const { body } = await get('/api/v1/namespaces');
      expect(body.kind).toBe('NamespaceList');
      expect(names(body)).toEqual([
        'checkout',
        'default',
        'kube-node-lease',
        'kube-public',
        'kube-system',
        'payments',
      ]);
      const checkout = body.items.find(
        (n: any) => n.metadata.name === 'checkout',
      );
      expect(checkout.metadata.labels).toEqual({
        'kubernetes.io/metadata.name': 'checkout',
        'backstage.io/kubernetes-id': 'checkout',
      });
      expect(checkout.status).toEqual({ phase: 'Active' });
    });

    it('pages with limit and continue', async () => {
      const first = await get('/apis/apps/v1/deployments?limit=2');
      expect(names(first.body)).toEqual([
        'checkout/checkout',
        'kube-system/coredns',
      ]);
      expect(first.body.metadata).toEqual({
        resourceVersion: expect.any(String),
        continue: expect.any(String),
        remainingItemCount: 1,
      });
      const second = await get(
        `/apis/apps/v1/deployments?limit=2&continue=${encodeURIComponent(
          first.body.metadata.continue,
        )}`,
      );
      expect(names(second.body)).toEqual(['payments/payments']);
      expect(second.body.metadata.continue).toBeUndefined();
      expect(
        (await get('/apis/apps/v1/deployments?continue=garbage')).status,
      ).toBe(400);
    });

    it('answers HEAD like GET without a body', async () => {
      const res = await fetch(`${url}/api/v1/pods`, { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.text()).toBe('');
    });
  });

  describe('label selectors', () => {
    const select = async (selector: string) =>
      names(
        (
          await get(
            `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(
              selector,
            )}`,
          )
        ).body,
      );

    it('equality with = and ==', async () => {
      expect(await select('backstage.io/kubernetes-id=checkout')).toEqual([
        'checkout/checkout',
      ]);
      expect(await select('backstage.io/kubernetes-id==payments')).toEqual([
        'payments/payments',
      ]);
    });
    it('inequality', async () => {
      expect(await select('tier!=web')).toEqual([
        'kube-system/coredns',
        'payments/payments',
      ]);
    });
    it('in and notin', async () => {
      expect(await select('tier in (web,api)')).toEqual([
        'checkout/checkout',
        'payments/payments',
      ]);
      expect(await select('tier notin (web)')).toEqual([
        'kube-system/coredns',
        'payments/payments',
      ]);
    });
    it('existence and non-existence', async () => {
      expect(await select('k8s-app')).toEqual(['kube-system/coredns']);
      expect(await select('!backstage.io/kubernetes-id')).toEqual([
        'kube-system/coredns',
      ]);
    });
    it('comma-separated requirements are ANDed', async () => {
      expect(await select('backstage.io/kubernetes-id,tier!=web')).toEqual([
        'payments/payments',
      ]);
    });
    it('applies within a namespace too', async () => {
      const { body } = await get(
        '/api/v1/namespaces/checkout/pods?labelSelector=backstage.io%2Fkubernetes-id%3Dcheckout',
      );
      expect(names(body)).toEqual(['checkout/checkout-7d9f-abcde']);
    });
    it('answers a malformed selector with 400 and a Status', async () => {
      const { status, body } = await get(
        '/apis/apps/v1/deployments?labelSelector=tier%20in%20web',
      );
      expect(status).toBe(400);
      expect(body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: expect.stringContaining('unable to parse requirement'),
        reason: 'BadRequest',
        code: 400,
      });
    });
  });

  describe('field selectors', () => {
    const select = async (selector: string) =>
      get(`/api/v1/pods?fieldSelector=${encodeURIComponent(selector)}`);

    it('metadata.name and metadata.namespace with =, == and !=', async () => {
      expect(
        names((await select('metadata.name=payments-5c8b-fghij')).body),
      ).toEqual(['payments/payments-5c8b-fghij']);
      expect(
        names((await select('metadata.namespace==checkout')).body),
      ).toEqual(['checkout/checkout-7d9f-abcde']);
      expect(
        names((await select('metadata.namespace!=checkout')).body),
      ).toEqual(['payments/payments-5c8b-fghij']);
    });
    it('combines with a label selector', async () => {
      const { body } = await get(
        '/api/v1/pods?fieldSelector=metadata.namespace%3Dcheckout&labelSelector=release%3D2.1.0',
      );
      expect(body.items).toEqual([]);
    });
    it('answers an unsupported field with 400', async () => {
      const { status, body } = await select('spec.nope=x');
      expect(status).toBe(400);
      expect(body).toMatchObject({
        kind: 'Status',
        reason: 'BadRequest',
        message: 'field label not supported: spec.nope',
        code: 400,
      });
    });
  });

  describe('single objects', () => {
    it('gets one namespaced object', async () => {
      const { status, body } = await get(
        '/apis/apps/v1/namespaces/checkout/deployments/checkout',
      );
      expect(status).toBe(200);
      expect(body).toMatchObject({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'checkout', namespace: 'checkout' },
        spec: { replicas: 2 },
      });
    });
    it('answers a missing object with 404 and a NotFound Status', async () => {
      const { status, body } = await get(
        '/apis/apps/v1/namespaces/checkout/deployments/nope',
      );
      expect(status).toBe(404);
      expect(body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'deployments.apps "nope" not found',
        reason: 'NotFound',
        details: { name: 'nope', group: 'apps', kind: 'deployments' },
        code: 404,
      });
      const core = await get('/api/v1/namespaces/checkout/pods/nope');
      expect(core.body.message).toBe('pods "nope" not found');
    });
    it('gets namespaces by name', async () => {
      expect((await get('/api/v1/namespaces/payments')).body).toMatchObject({
        kind: 'Namespace',
        metadata: { name: 'payments' },
      });
      expect((await get('/api/v1/namespaces/nope')).status).toBe(404);
    });
    it('serves the status subresource and made-up pod logs', async () => {
      expect(
        (
          await get(
            '/apis/argoproj.io/v1alpha1/namespaces/payments/rollouts/payments/status',
          )
        ).body.status.phase,
      ).toBe('Paused');
      const log = await get(
        '/api/v1/namespaces/payments/pods/payments-5c8b-fghij/log',
      );
      expect(log.status).toBe(200);
      expect(log.headers.get('content-type')).toBe('text/plain');
      expect(log.body).toContain('no recorded logs');
      const ambiguous = await get(
        '/api/v1/namespaces/checkout/pods/checkout-7d9f-abcde/log',
      );
      expect(ambiguous.status).toBe(400);
      expect(ambiguous.body.message).toBe(
        'a container name must be specified for pod checkout-7d9f-abcde, choose one of: [checkout istio-proxy]',
      );
      expect(
        (
          await get(
            '/api/v1/namespaces/checkout/pods/checkout-7d9f-abcde/log?container=checkout',
          )
        ).status,
      ).toBe(200);
    });
  });

  describe('discovery', () => {
    it('serves /api and /api/v1', async () => {
      expect((await get('/api')).body).toMatchObject({
        kind: 'APIVersions',
        versions: ['v1'],
      });
      const { body } = await get('/api/v1');
      expect(body).toMatchObject({
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'v1',
      });
      expect(body.resources).toContainEqual(
        expect.objectContaining({
          name: 'pods',
          kind: 'Pod',
          namespaced: true,
          verbs: ['get', 'list', 'watch'],
        }),
      );
      expect(body.resources).toContainEqual(
        expect.objectContaining({
          name: 'namespaces',
          kind: 'Namespace',
          namespaced: false,
        }),
      );
      expect(body.resources).toContainEqual(
        expect.objectContaining({ name: 'pods/log' }),
      );
    });
    it('serves /apis with every group and its preferred version', async () => {
      const { body } = await get('/apis');
      expect(body.kind).toBe('APIGroupList');
      const groups = Object.fromEntries(
        body.groups.map((g: any) => [g.name, g.preferredVersion.groupVersion]),
      );
      expect(groups).toMatchObject({
        apps: 'apps/v1',
        batch: 'batch/v1',
        'networking.k8s.io': 'networking.k8s.io/v1',
        autoscaling: 'autoscaling/v2',
        'argoproj.io': 'argoproj.io/v1alpha1',
      });
      expect((await get('/apis/apps')).body).toMatchObject({
        kind: 'APIGroup',
        name: 'apps',
      });
    });
    it('serves /apis/<group>/<version> resource lists', async () => {
      const { body } = await get('/apis/argoproj.io/v1alpha1');
      expect(body.groupVersion).toBe('argoproj.io/v1alpha1');
      expect(body.resources.map((r: any) => r.name)).toEqual(
        expect.arrayContaining([
          'rollouts',
          'analysisruns',
          'applications',
          'applicationsets',
        ]),
      );
      expect(
        (await get('/apis/autoscaling/v2')).body.resources[0],
      ).toMatchObject({
        name: 'horizontalpodautoscalers',
        kind: 'HorizontalPodAutoscaler',
      });
      expect((await get('/apis/nope.example.com/v1')).status).toBe(404);
    });
    it('serves /version', async () => {
      expect((await get('/version')).body).toMatchObject({
        major: '1',
        gitVersion: expect.stringContaining('fixture'),
      });
    });
  });

  describe('what it refuses', () => {
    it.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
      'answers %s with 405',
      async method => {
        const { status, body, headers } = await get(
          '/apis/apps/v1/namespaces/checkout/deployments/checkout',
          { method },
        );
        expect(status).toBe(405);
        expect(headers.get('allow')).toBe('GET, HEAD');
        expect(body).toMatchObject({
          kind: 'Status',
          reason: 'MethodNotAllowed',
          code: 405,
        });
      },
    );
    it('refuses watching a single object (watches are of collections)', async () => {
      expect(
        (await get('/api/v1/namespaces/checkout/pods/x?watch=true')).status,
      ).toBe(405);
    });
    it.each([
      '/nope',
      '/api/v2',
      '/apis/apps/v1/widgets',
      '/api/v1/pods/x',
      '/apis/apps/v1/namespaces/a/deployments/b/c/d',
    ])('answers the unknown path %s with a 404 Status', async p => {
      const { status, body } = await get(p);
      expect(status).toBe(404);
      expect(body).toMatchObject({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
      });
    });
    it('answers 406 to a client that accepts no JSON', async () => {
      const { status } = await get('/api/v1/pods', {
        headers: { Accept: 'application/vnd.kubernetes.protobuf' },
      });
      expect(status).toBe(406);
      const fallback = await get('/api/v1/pods', {
        headers: {
          Accept:
            'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
        },
      });
      expect(fallback.status).toBe(200);
    });
  });

  describe('faults', () => {
    it('timeout: never answers; the client gives up', async () => {
      running.setFault('dev', 'timeout');
      await expect(
        fetch(`${url}/api/v1/pods`, { signal: AbortSignal.timeout(150) }),
      ).rejects.toThrow(/aborted|timeout/i);
    });

    it('timeout: drops the connection at the cap so nothing leaks', async () => {
      running.setFault('dev', 'timeout');
      const started = Date.now();
      await expect(fetch(`${url}/api/v1/pods`)).rejects.toThrow();
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    });

    it('500: InternalError Status', async () => {
      running.setFault('dev', '500');
      const { status, body } = await get('/api/v1/pods');
      expect(status).toBe(500);
      expect(body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'InternalError',
        code: 500,
      });
    });

    it('401: Unauthorized Status', async () => {
      running.setFault('dev', '401');
      const { status, body } = await get('/apis/apps/v1/deployments');
      expect(status).toBe(401);
      expect(body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    });

    it('403: Forbidden Status naming the resource, as RBAC words it', async () => {
      running.setFault('dev', '403');
      const { status, body } = await get(
        '/apis/apps/v1/namespaces/checkout/deployments',
      );
      expect(status).toBe(403);
      expect(body).toMatchObject({
        kind: 'Status',
        reason: 'Forbidden',
        code: 403,
        message:
          'deployments.apps is forbidden: User "system:serviceaccount:backstage:backstage" cannot list resource "deployments" in API group "apps" in the namespace "checkout"',
        details: { group: 'apps', kind: 'deployments' },
      });
    });

    it('malformed: 200 with a truncated JSON body', async () => {
      running.setFault('dev', 'malformed');
      const res = await fetch(`${url}/api/v1/pods`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      const text = await res.text();
      expect(text.startsWith('{"apiVersion":"v1","kind":"PodList"')).toBe(true);
      expect(() => JSON.parse(text)).toThrow();
    });

    it('applies to one cluster only', async () => {
      running.setFault('dev', '500');
      expect((await fetch(`${otherUrl}/api/v1/pods`)).status).toBe(200);
    });

    it('can be set from the start options', async () => {
      const faulty = await startFixtureClusters({
        clusters: [
          { name: 'f', port: 0, objects: [], fault: '403', latencyMs: 5 },
        ],
      });
      try {
        expect(
          (await fetch(`${faulty.clusters[0].url}/api/v1/pods`)).status,
        ).toBe(403);
        const admin = await fetch(`${faulty.clusters[0].url}/_fixture/faults`);
        expect(await admin.json()).toEqual({ fault: '403', latencyMs: 5 });
      } finally {
        await faulty.close();
      }
    });
  });

  describe('bearer token', () => {
    it('answers 401 without the configured token, as an API server would', async () => {
      const guarded = await startFixtureClusters({
        clusters: [{ name: 'g', port: 0, objects: [], token: 'fixture-token' }],
      });
      try {
        const u = guarded.clusters[0].url;
        expect((await fetch(`${u}/api/v1/pods`)).status).toBe(401);
        expect(
          (
            await fetch(`${u}/api/v1/pods`, {
              headers: { Authorization: 'Bearer wrong' },
            })
          ).status,
        ).toBe(401);
        expect(
          (
            await fetch(`${u}/api/v1/pods`, {
              headers: { Authorization: 'Bearer fixture-token' },
            })
          ).status,
        ).toBe(200);
        expect((await fetch(`${u}/_fixture/stats`)).status).toBe(200);
      } finally {
        await guarded.close();
      }
    });
  });

  describe('latency', () => {
    it('delays every answer by at least latencyMs', async () => {
      running.setLatency('dev', 200);
      const started = Date.now();
      const res = await fetch(`${url}/api/v1/pods`);
      await res.text();
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    });

    it('delays fault answers too', async () => {
      running.setLatency('dev', 150);
      running.setFault('dev', '500');
      const started = Date.now();
      expect((await fetch(`${url}/api/v1/pods`)).status).toBe(500);
      expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    });
  });

  describe('admin API', () => {
    it('GET and PUT /_fixture/faults switch fault and latency at runtime', async () => {
      expect(await (await fetch(`${url}/_fixture/faults`)).json()).toEqual({
        fault: 'none',
        latencyMs: 0,
      });
      const put = await fetch(`${url}/_fixture/faults`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fault: '500', latencyMs: 20 }),
      });
      expect(put.status).toBe(200);
      expect(await put.json()).toEqual({ fault: '500', latencyMs: 20 });
      expect((await fetch(`${url}/api/v1/pods`)).status).toBe(500);
      // Only the given fields change.
      await fetch(`${url}/_fixture/faults`, {
        method: 'PUT',
        body: JSON.stringify({ fault: 'none' }),
      });
      expect(await (await fetch(`${url}/_fixture/faults`)).json()).toEqual({
        fault: 'none',
        latencyMs: 20,
      });
    });

    it('rejects bad admin input with 400', async () => {
      const bad = async (body: string) =>
        (await fetch(`${url}/_fixture/faults`, { method: 'PUT', body })).status;
      expect(await bad('{"fault":"teapot"}')).toBe(400);
      expect(await bad('{"latencyMs":-1}')).toBe(400);
      expect(await bad('not json')).toBe(400);
      expect(await bad('[]')).toBe(400);
      expect((await fetch(`${url}/_fixture/nope`)).status).toBe(404);
      expect(
        (await fetch(`${url}/_fixture/stats`, { method: 'POST' })).status,
      ).toBe(405);
    });

    it('is never subject to faults or latency', async () => {
      for (const fault of [
        'timeout',
        '500',
        '401',
        '403',
        'malformed',
      ] as const) {
        running.setFault('dev', fault);
        const res = await fetch(`${url}/_fixture/faults`, {
          signal: AbortSignal.timeout(2000),
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ fault, latencyMs: 0 });
      }
      running.setFault('dev', 'none');
      running.setLatency('dev', 5000);
      const res = await fetch(`${url}/_fixture/stats`, {
        signal: AbortSignal.timeout(2000),
      });
      expect(res.status).toBe(200);
    });

    it('counts requests per path and in total, and resets', async () => {
      await fetch(`${url}/_fixture/stats`, { method: 'DELETE' });
      await fetch(`${url}/api/v1/pods`);
      await fetch(`${url}/api/v1/pods?labelSelector=a%3Db`);
      await fetch(`${url}/apis/apps/v1/deployments`);
      await fetch(`${url}/nope`);
      const stats = await (await fetch(`${url}/_fixture/stats`)).json();
      expect(stats).toEqual({
        total: 4,
        watches: 0,
        byPath: {
          '/api/v1/pods': 2,
          '/apis/apps/v1/deployments': 1,
          '/nope': 1,
        },
        since: expect.any(String),
      });
      expect(running.stats('dev')).toEqual(stats);
      const reset = await fetch(`${url}/_fixture/stats`, { method: 'DELETE' });
      expect((await reset.json()).total).toBe(0);
      expect(running.stats('dev').total).toBe(0);
    });

    it('counts requests that fail by a fault, and resetStats() resets every cluster', async () => {
      running.resetStats();
      running.setFault('dev', '401');
      await fetch(`${url}/api/v1/pods`);
      await fetch(`${otherUrl}/api/v1/pods`);
      expect(running.stats('dev').byPath).toEqual({ '/api/v1/pods': 1 });
      expect(running.stats('other').total).toBe(1);
      running.resetStats();
      expect(running.stats('dev').total).toBe(0);
      expect(running.stats('other').total).toBe(0);
    });
  });

  describe('programmatic API', () => {
    it('throws for an unknown cluster name or a bad fault', () => {
      expect(() => running.setFault('nope', '500')).toThrow(
        "Unknown fixture cluster 'nope'; known: dev, other",
      );
      expect(() => running.setFault('dev', 'bogus' as any)).toThrow(
        'fault must be one of none, timeout, 500, 401, 403, malformed',
      );
      expect(() => running.setLatency('dev', -5)).toThrow(
        'latencyMs must be a number',
      );
    });
  });
});

describe('start-up errors', () => {
  it('fails on a bad YAML file, naming the file and the parse error', async () => {
    const dir = writeFixtureDir({
      'good.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n',
      'broken.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n',
    });
    try {
      const error = await startFixtureClusters({
        clusters: [{ name: 'x', port: 0, dir }],
      }).catch(e => e);
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toContain(path.join(dir, 'broken.yaml'));
      expect(error.message).toMatch(
        /Invalid YAML in fixture file .*broken\.yaml: .*(flow|collection|\])/i,
      );
      expect(error.message).toMatch(/line \d+/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ apiVersion: 'v1', kind: 'Pod' }, 'missing metadata'],
    [{ apiVersion: 'v1', kind: 'Pod', metadata: {} }, 'missing metadata.name'],
    [{ kind: 'Pod', metadata: { name: 'x' } }, 'missing apiVersion'],
    [
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } },
      'does not serve kind Widget of apiVersion example.com/v1',
    ],
    [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'x', labels: { n: 5 } },
      },
      'metadata.labels.n must be a string',
    ],
  ])('rejects the object %j', async (object, message) => {
    await expect(
      startFixtureClusters({
        clusters: [{ name: 'x', port: 0, objects: [object] }],
      }),
    ).rejects.toThrow(message);
  });

  it('rejects duplicate objects, naming both sources', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'n' },
    };
    await expect(
      startFixtureClusters({
        clusters: [{ name: 'x', port: 0, objects: [pod, pod] }],
      }),
    ).rejects.toThrow(
      "cluster 'x' objects[1]: duplicate Pod n/p, already defined in cluster 'x' objects[0]",
    );
  });

  it('rejects bad cluster options, naming the key', async () => {
    await expect(startFixtureClusters({ clusters: [] })).rejects.toThrow(
      'clusters must be a non-empty array',
    );
    await expect(
      startFixtureClusters({
        clusters: [{ name: 'a', port: 70000, objects: [] }],
      }),
    ).rejects.toThrow('clusters[0].port must be an integer from 0 to 65535');
    await expect(
      startFixtureClusters({
        clusters: [{ name: 'a', port: 0, objects: [], fault: 'boom' as any }],
      }),
    ).rejects.toThrow('clusters[0].fault must be one of');
    await expect(
      startFixtureClusters({
        clusters: [
          { name: 'a', port: 0, objects: [] },
          { name: 'a', port: 0, objects: [] },
        ],
      }),
    ).rejects.toThrow("clusters[1].name 'a' is used twice");
    await expect(
      startFixtureClusters({ clusters: [{ name: 'a', port: 0 }] }),
    ).rejects.toThrow('clusters[0] needs a dir');
    await expect(
      startFixtureClusters({
        clusters: [{ name: 'a', port: 0, dir: '/nonexistent/fixtures' }],
      }),
    ).rejects.toThrow('Fixture folder /nonexistent/fixtures does not exist');
  });

  it('fails when a port is taken, and closes the clusters it had started', async () => {
    const first = await startFixtureClusters({
      clusters: [{ name: 'a', port: 0, objects: [] }],
    });
    try {
      const taken = first.clusters[0].port;
      await expect(
        startFixtureClusters({
          clusters: [
            { name: 'b', port: 0, objects: [] },
            { name: 'c', port: taken, objects: [] },
          ],
        }),
      ).rejects.toThrow(
        `Cannot start fixture cluster 'c' on 127.0.0.1:${taken}`,
      );
    } finally {
      await first.close();
    }
  });

  it('shifts non-zero ports by portOffset', async () => {
    const probe = await startFixtureClusters({
      clusters: [{ name: 'p', port: 0, objects: [] }],
    });
    const free = probe.clusters[0].port;
    await probe.close();
    const shifted = await startFixtureClusters({
      clusters: [{ name: 's', port: free - 7, objects: [] }],
      portOffset: 7,
    });
    try {
      expect(shifted.clusters[0].port).toBe(free);
    } finally {
      await shifted.close();
    }
  });
});
