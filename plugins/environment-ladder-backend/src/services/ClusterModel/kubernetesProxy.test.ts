import { mockServices } from '@backstage/backend-test-utils';
import { createKubernetesProxyGet } from './kubernetesProxy';

describe('createKubernetesProxyGet', () => {
  function proxyGet() {
    const calls: Array<{ url: string; headers: Record<string, string> }> = [];
    const get = createKubernetesProxyGet({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async () => 'http://backstage/api/kubernetes',
      }),
      auth: mockServices.auth(),
      fetch: (async (url: string, init: RequestInit) => {
        calls.push({ url, headers: init.headers as Record<string, string> });
        return new Response('{}');
      }) as unknown as typeof fetch,
    });
    return { get, calls };
  }

  it('asks for an uncompressed stream on a watch, so that the proxy cannot buffer its events', async () => {
    const { get, calls } = proxyGet();
    await get(
      'dev',
      '/apis/apps/v1/deployments?labelSelector=a&watch=true&resourceVersion=5',
    );
    expect(calls[0].url).toBe(
      'http://backstage/api/kubernetes/proxy/apis/apps/v1/deployments?labelSelector=a&watch=true&resourceVersion=5',
    );
    expect(calls[0].headers).toMatchObject({
      'Accept-Encoding': 'identity',
      'Backstage-Kubernetes-Cluster': 'dev',
      Authorization: expect.stringMatching(/^Bearer /),
    });
  });

  it('leaves a list free to be compressed', async () => {
    const { get, calls } = proxyGet();
    await get('dev', '/apis/apps/v1/deployments?labelSelector=watch%3Dtrue');
    await get('dev', '/api/v1/pods');
    for (const call of calls) {
      expect(call.headers['Accept-Encoding']).toBeUndefined();
    }
  });
});
