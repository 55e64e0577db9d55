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
  ])('files %s %s under %s', (apiVersion, kind, key) => {
    expect(rungObjectsKey({ apiVersion, kind })).toBe(key);
  });

  it.each([
    ['v1', 'Service'],
    ['v1', 'Namespace'],
    ['argoproj.io/v1alpha1', 'Application'],
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

  it('fails a cluster without objects', async () => {
    const reader = createFileClusterReader({
      byCluster: new Map([['prod', own]]),
    });
    await expect(
      reader.readObjects({ cluster: 'dev', namespaces: [], labelSelector: '' }),
    ).rejects.toThrow("cluster 'dev' has no objects");
  });
});
