import type { RungObjects } from '@environment-ladder/plugin-environment-ladder-common';
import {
  createFileClusterReader,
  rungObjectsKey,
  selectRungObjects,
  toRungObjects,
} from './clusterObjects';

const pod = (
  name: string,
  labels?: Record<string, unknown>,
  namespace: string | null = 'shop',
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...(namespace ? { namespace } : {}), labels },
});

describe('rungObjectsKey', () => {
  it.each([
    ['v1', 'Pod', 'pods'],
    ['apps/v1', 'ReplicaSet', 'replicaSets'],
    ['extensions/v1beta1', 'ReplicaSet', 'replicaSets'],
    ['apps/v1', 'Deployment', 'deployments'],
    ['argoproj.io/v1alpha1', 'Rollout', 'rollouts'],
    ['argoproj.io/v1alpha1', 'AnalysisRun', 'analysisRuns'],
    ['networking.k8s.io/v1', 'Ingress', 'ingresses'],
    ['extensions/v1beta1', 'Ingress', 'ingresses'],
    ['autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalPodAutoscalers'],
    ['autoscaling/v1', 'HorizontalPodAutoscaler', 'horizontalPodAutoscalers'],
    ['v1', 'Namespace', 'namespaces'],
    ['argoproj.io/v1alpha1', 'Application', 'applications'],
    ['argoproj.io/v1alpha1', 'ApplicationSet', 'applicationSets'],
  ])('files %s %s under %s', (apiVersion, kind, key) => {
    expect(rungObjectsKey({ apiVersion, kind })).toBe(key);
  });

  it.each([
    ['v1', 'Service'],
    ['apps/v1', 'Namespace'],
    ['example.com/v1', 'Application'],
    ['argoproj.io/v1alpha1', 'AppProject'],
    ['example.com/v1', 'Rollout'],
    ['apps/v1', 'Pod'],
    ['v1', 'toString'],
  ])('leaves out %s %s', (apiVersion, kind) => {
    expect(rungObjectsKey({ apiVersion, kind })).toBeUndefined();
  });
});

describe('selectRungObjects', () => {
  const objects: RungObjects = toRungObjects([
    pod('web', { app: 'checkout', tier: 'web' }),
    pod('api', { app: 'checkout', tier: 'api', canary: 'true' }),
    pod('pay', { app: 'payments', tier: 'api' }),
    pod('bare', undefined),
    pod('numeric', { app: 7 as unknown as string }),
    pod('other-ns', { app: 'checkout', tier: 'web' }, 'other'),
    pod('no-ns', { app: 'checkout', tier: 'web' }, null),
  ]);
  const names = (labelSelector: string, namespaces: string[] = []) =>
    selectRungObjects(objects, {
      cluster: 'c',
      namespaces,
      labelSelector,
    }).pods.map(p => (p as { metadata: { name: string } }).metadata.name);

  it('matches equality and inequality', () => {
    expect(names('app=checkout')).toEqual(['web', 'api', 'other-ns', 'no-ns']);
    expect(names('app==payments')).toEqual(['pay']);
    expect(names('app!=checkout')).toEqual(['pay', 'bare', 'numeric']);
  });

  it('matches in and notin', () => {
    expect(names('tier in (api, db)')).toEqual(['api', 'pay']);
    expect(names('tier notin (api)')).toEqual([
      'web',
      'bare',
      'numeric',
      'other-ns',
      'no-ns',
    ]);
  });

  it('matches exists and !key', () => {
    expect(names('canary')).toEqual(['api']);
    expect(names('app,!canary')).toEqual(['web', 'pay', 'other-ns', 'no-ns']);
  });

  it('ignores labels that are not strings, as the domain does', () => {
    expect(names('app')).not.toContain('numeric');
  });

  it('keeps the rung namespaces only; an object without one is in default', () => {
    expect(names('app=checkout', ['shop'])).toEqual(['web', 'api']);
    expect(names('app=checkout', ['other', 'default'])).toEqual([
      'other-ns',
      'no-ns',
    ]);
    expect(names('', [])).toHaveLength(7);
  });

  it('throws as a cluster answers 400 for a selector it cannot parse', () => {
    expect(() => names('app payments')).toThrow(
      "cluster 'c' refused the label selector 'app payments': unable to parse requirement",
    );
  });
});

describe('selectRungObjects for preview rungs', () => {
  const namespace = (name: string, labels?: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels },
  });
  const argo = (
    kind: 'Application' | 'ApplicationSet',
    name: string,
    labels: Record<string, string>,
    ns = 'argocd',
  ) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind,
    metadata: { name, namespace: ns, labels },
  });
  const objects = toRungObjects([
    namespace('shop-pr-1', { app: 'shop' }),
    namespace('other-pr-2', { app: 'other' }),
    namespace('bare'),
    argo('Application', 'shop-pr-1', { app: 'shop' }),
    argo('Application', 'shop-pr-3', { app: 'shop' }, 'team-argocd'),
    argo('Application', 'other-pr-2', { app: 'other' }),
    argo('ApplicationSet', 'shop-previews', { app: 'shop' }),
    argo('ApplicationSet', 'other-previews', { app: 'other' }),
    pod('web', { app: 'shop' }),
  ]);
  const names = (list: unknown[] | undefined) =>
    list?.map(o => (o as { metadata: { name: string } }).metadata.name);

  it('lists namespaces, Applications and ApplicationSets only when asked for previews, as the ClusterReader does', () => {
    const plain = selectRungObjects(objects, {
      cluster: 'c',
      namespaces: [],
      labelSelector: 'app=shop',
    });
    expect(Object.keys(plain)).toEqual([
      'pods',
      'replicaSets',
      'deployments',
      'rollouts',
      'analysisRuns',
      'ingresses',
      'horizontalPodAutoscalers',
    ]);
    const previews = selectRungObjects(objects, {
      cluster: 'c',
      namespaces: [],
      labelSelector: 'app=shop',
      previews: true,
    });
    expect(Object.keys(previews)).toEqual([
      ...Object.keys(plain),
      'namespaces',
      'applications',
      'applicationSets',
    ]);
    expect(names(previews.pods)).toEqual(['web']);
    expect(names(previews.namespaces)).toEqual(['shop-pr-1']);
    expect(names(previews.applications)).toEqual(['shop-pr-1', 'shop-pr-3']);
    expect(names(previews.applicationSets)).toEqual(['shop-previews']);
  });

  it('filters Applications and ApplicationSets by namespace, never Namespaces, which are cluster-scoped', () => {
    const read = selectRungObjects(objects, {
      cluster: 'c',
      namespaces: ['team-argocd', 'shop'],
      labelSelector: '',
      previews: true,
    });
    expect(names(read.namespaces)).toEqual(['shop-pr-1', 'other-pr-2', 'bare']);
    expect(names(read.applications)).toEqual(['shop-pr-3']);
    expect(names(read.applicationSets)).toEqual([]);
  });

  it('serves Namespaces as the API server does: cluster-scoped, labelled with their name', () => {
    const [served] = toRungObjects([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'shop-pr-1', namespace: 'x', labels: { a: 'b' } },
      },
    ]).namespaces;
    expect(served).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'shop-pr-1',
        labels: { a: 'b', 'kubernetes.io/metadata.name': 'shop-pr-1' },
      },
    });
    const read = (labelSelector: string) =>
      names(
        selectRungObjects(objects, {
          cluster: 'c',
          namespaces: [],
          labelSelector,
          previews: true,
        }).namespaces,
      );
    expect(read('kubernetes.io/metadata.name=bare')).toEqual(['bare']);
    expect(read('kubernetes.io/metadata.name in (bare, shop-pr-1)')).toEqual([
      'shop-pr-1',
      'bare',
    ]);
  });

  it('keeps one Namespace per name, wherever a file put it', () => {
    const duplicates: Array<{ index: number; firstIndex: number }> = [];
    const read = toRungObjects(
      [
        { ...namespace('shop'), metadata: { name: 'shop', namespace: 'a' } },
        { ...namespace('shop'), metadata: { name: 'shop', namespace: 'b' } },
        pod('shop', {}, 'a'),
        pod('shop', {}, 'b'),
      ],
      duplicate => duplicates.push(duplicate),
    );
    expect(read.namespaces).toHaveLength(1);
    expect(read.pods).toHaveLength(2);
    expect(duplicates).toEqual([{ index: 1, firstIndex: 0 }]);
  });
});

describe('createFileClusterReader', () => {
  const shared = toRungObjects([pod('shared', { app: 'x' })]);
  const own = toRungObjects([pod('own', { app: 'x' })]);

  it('serves a cluster its own objects, else the shared ones', async () => {
    const reader = createFileClusterReader({
      shared,
      byCluster: new Map([['prod', own]]),
    });
    const read = async (cluster: string) =>
      (
        await reader.readObjects({
          cluster,
          namespaces: [],
          labelSelector: 'app=x',
        })
      ).pods.map(p => (p as { metadata: { name: string } }).metadata.name);
    expect(await read('prod')).toEqual(['own']);
    expect(await read('dev')).toEqual(['shared']);
  });

  it('serves the preview lists when the request asks for previews', async () => {
    const reader = createFileClusterReader({
      shared: toRungObjects([
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'ApplicationSet',
          metadata: {
            name: 'x-previews',
            namespace: 'argocd',
            labels: { app: 'x' },
          },
        },
      ]),
    });
    const request = {
      cluster: 'previews',
      namespaces: [],
      labelSelector: 'app=x',
    };
    expect(await reader.readObjects(request)).not.toHaveProperty(
      'applicationSets',
    );
    expect(
      (await reader.readObjects({ ...request, previews: true }))
        .applicationSets,
    ).toHaveLength(1);
  });

  it('fails a cluster without objects', async () => {
    const reader = createFileClusterReader({
      byCluster: new Map([['prod', own]]),
    });
    await expect(
      reader.readObjects({ cluster: 'dev', namespaces: [], labelSelector: '' }),
    ).rejects.toThrow("cluster 'dev' has no objects");
  });
});
