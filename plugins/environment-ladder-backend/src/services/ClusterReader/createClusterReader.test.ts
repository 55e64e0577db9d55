import { mockServices } from '@backstage/backend-test-utils';
import { createClusterReader } from './createClusterReader';

function setUp(answer: (path: string) => { status: number; body?: unknown }) {
  const paths: string[] = [];
  const reader = createClusterReader({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
    fetch: (async (url: string) => {
      const { pathname, search } = new URL(url);
      const path = `${pathname.replace(/^.*\/proxy/, '')}${decodeURIComponent(
        search,
      )}`;
      paths.push(path);
      const { status, body } = answer(path);
      return new Response(JSON.stringify(body ?? {}), { status });
    }) as typeof fetch,
  });
  return { reader, paths };
}

const list = (name: string) => ({
  status: 200,
  body: { items: [{ metadata: { name } }] },
});

describe('createClusterReader', () => {
  it('reads only the kinds the ladder needs for an ordinary rung', async () => {
    const { reader, paths } = setUp(path => list(path));
    const objects = await reader.readObjects({
      cluster: 'dev',
      namespaces: ['shop'],
      labelSelector: 'backstage.io/kubernetes-id=shop',
    });
    expect(paths.sort()).toEqual([
      '/api/v1/namespaces/shop/pods?labelSelector=backstage.io/kubernetes-id=shop',
      '/apis/apps/v1/namespaces/shop/deployments?labelSelector=backstage.io/kubernetes-id=shop',
      '/apis/apps/v1/namespaces/shop/replicasets?labelSelector=backstage.io/kubernetes-id=shop',
      '/apis/argoproj.io/v1alpha1/namespaces/shop/analysisruns?labelSelector=backstage.io/kubernetes-id=shop',
      '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts?labelSelector=backstage.io/kubernetes-id=shop',
      '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers?labelSelector=backstage.io/kubernetes-id=shop',
      '/apis/networking.k8s.io/v1/namespaces/shop/ingresses?labelSelector=backstage.io/kubernetes-id=shop',
    ]);
    expect(Object.keys(objects).sort()).toEqual([
      'analysisRuns',
      'deployments',
      'horizontalPodAutoscalers',
      'ingresses',
      'pods',
      'replicaSets',
      'rollouts',
    ]);
  });

  it('also lists namespaces, Applications and ApplicationSets for a preview rung', async () => {
    const { reader, paths } = setUp(path => list(path));
    const objects = await reader.readObjects({
      cluster: 'previews',
      namespaces: [],
      labelSelector: 'backstage.io/kubernetes-id=shop',
      previews: true,
    });
    expect(
      paths.filter(p => /namespaces\?|applications/.test(p)).sort(),
    ).toEqual([
      '/api/v1/namespaces?labelSelector=backstage.io/kubernetes-id=shop',
      '/apis/argoproj.io/v1alpha1/applications?labelSelector=backstage.io/kubernetes-id=shop',
      '/apis/argoproj.io/v1alpha1/applicationsets?labelSelector=backstage.io/kubernetes-id=shop',
    ]);
    expect(paths).toHaveLength(10);
    expect(objects.namespaces).toEqual([
      {
        metadata: {
          name: '/api/v1/namespaces?labelSelector=backstage.io/kubernetes-id=shop',
        },
      },
    ]);
  });

  it('lists namespaces once, cluster-wide, whatever namespaces are read', async () => {
    const { reader, paths } = setUp(path => list(path));
    await reader.readObjects({
      cluster: 'previews',
      namespaces: ['a', 'b'],
      labelSelector: 'app=shop',
      previews: true,
    });
    expect(paths.filter(p => p.startsWith('/api/v1/namespaces?'))).toHaveLength(
      1,
    );
    expect(paths.filter(p => p.includes('/pods?'))).toHaveLength(2);
  });

  it('takes a cluster without Argo CD as one without previews', async () => {
    const { reader } = setUp(path =>
      path.includes('argoproj.io')
        ? { status: 404 }
        : { status: 200, body: { items: [] } },
    );
    const objects = await reader.readObjects({
      cluster: 'previews',
      namespaces: [],
      labelSelector: 'app=shop',
      previews: true,
    });
    expect(objects).toMatchObject({
      applications: [],
      applicationSets: [],
      rollouts: [],
    });
  });

  it('fails when namespaces cannot be listed', async () => {
    const { reader } = setUp(path =>
      path.startsWith('/api/v1/namespaces?')
        ? { status: 403 }
        : { status: 200, body: { items: [] } },
    );
    await expect(
      reader.readObjects({
        cluster: 'previews',
        namespaces: [],
        labelSelector: 'app=shop',
        previews: true,
      }),
    ).rejects.toThrow(
      "cluster 'previews' answered 403 when listing namespaces",
    );
  });
});
