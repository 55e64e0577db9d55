import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';

/** The header through which the Kubernetes plugin's proxy picks a cluster. */
const CLUSTER_HEADER = 'Backstage-Kubernetes-Cluster';

/** A GET to one cluster's API, through the Kubernetes plugin's proxy. */
export type KubernetesProxyGet = (
  cluster: string,
  pathAndQuery: string,
  signal?: AbortSignal,
) => Promise<Response>;

/**
 * GETs through the Kubernetes plugin's proxy with this plugin's own service
 * token: clusters, their credentials and TLS stay configured once, in
 * `kubernetes.clusterLocatorMethods`. A watch (`?watch=true`) streams through
 * it like any answer. The token is asked for on every call: the auth service
 * caches it and hands out a new one before it expires, so a watch that
 * reconnects after an hour still authenticates.
 */
export function createKubernetesProxyGet(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  fetch?: typeof fetch;
}): KubernetesProxyGet {
  const { discovery, auth } = options;
  const doFetch = options.fetch ?? fetch;
  return async (cluster, pathAndQuery, signal) => {
    const [baseUrl, { token }] = await Promise.all([
      discovery.getBaseUrl('kubernetes'),
      auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'kubernetes',
      }),
    ]);
    return doFetch(`${baseUrl}/proxy${pathAndQuery}`, {
      headers: {
        Authorization: `Bearer ${token}`,
        [CLUSTER_HEADER]: cluster,
        Accept: 'application/json',
        // The backend's compression middleware would gzip a watch stream
        // through the proxy and hold its headers and events until its buffer
        // fills: a quiet watch then never opens, and changes arrive late. A
        // list is one answer and may be compressed.
        ...(isWatch(pathAndQuery) ? { 'Accept-Encoding': 'identity' } : {}),
      },
      signal,
    });
  };
}

function isWatch(pathAndQuery: string): boolean {
  const query = pathAndQuery.indexOf('?');
  return (
    query >= 0 &&
    new URLSearchParams(pathAndQuery.slice(query + 1)).get('watch') === 'true'
  );
}
