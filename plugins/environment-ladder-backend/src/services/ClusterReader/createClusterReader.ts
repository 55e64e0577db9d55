import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  LADDER_OBJECT_KINDS,
  type LadderObjectKind,
  type RungObjects,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { ClusterReader, ClusterReadRequest } from './types';

/** The header through which the Kubernetes plugin's proxy picks a cluster. */
const CLUSTER_HEADER = 'Backstage-Kubernetes-Cluster';

/**
 * Reads objects through the Kubernetes plugin's own proxy endpoint, so that
 * clusters, their credentials and TLS settings are configured once, in
 * `kubernetes.clusterLocatorMethods`, and never a second time for the ladder.
 *
 * @public
 */
export function createClusterReader(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  fetch?: typeof fetch;
}): ClusterReader {
  const { discovery, auth } = options;
  const doFetch = options.fetch ?? fetch;

  async function list(
    request: ClusterReadRequest,
    resource: LadderObjectKind,
    namespace: string | undefined,
    baseUrl: string,
    token: string,
  ): Promise<unknown[]> {
    const path =
      namespace && !resource.clusterScoped
        ? `${resource.apiPath}/namespaces/${encodeURIComponent(namespace)}/${
            resource.plural
          }`
        : `${resource.apiPath}/${resource.plural}`;
    const query = new URLSearchParams({ labelSelector: request.labelSelector });
    const response = await doFetch(`${baseUrl}/proxy${path}?${query}`, {
      headers: {
        Authorization: `Bearer ${token}`,
        [CLUSTER_HEADER]: request.cluster,
        Accept: 'application/json',
      },
      signal: request.signal,
    });
    if (response.status === 404 && resource.optional) {
      return [];
    }
    if (!response.ok) {
      // The body is the cluster's or the proxy's; only its status line is
      // passed on, so that nothing the cluster echoes can leak.
      const status = `${response.status} ${response.statusText || ''}`.trim();
      throw new Error(
        `cluster '${request.cluster}' answered ${status} when listing ${resource.plural}`,
      );
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new Error(
        `cluster '${request.cluster}' returned a malformed answer when listing ${resource.plural}`,
      );
    }
    const items = (body as { items?: unknown })?.items;
    if (!Array.isArray(items)) {
      throw new Error(
        `cluster '${request.cluster}' returned something other than a list when listing ${resource.plural}`,
      );
    }
    return items;
  }

  return {
    async readObjects(request) {
      const [baseUrl, { token }] = await Promise.all([
        discovery.getBaseUrl('kubernetes'),
        auth.getPluginRequestToken({
          onBehalfOf: await auth.getOwnServiceCredentials(),
          targetPluginId: 'kubernetes',
        }),
      ]);
      const namespaces =
        request.namespaces.length > 0 ? request.namespaces : [undefined];
      const resources = LADDER_OBJECT_KINDS.filter(
        resource => request.previews || !resource.previewsOnly,
      );
      const lists = await Promise.all(
        resources.map(async resource => {
          const perNamespace = await Promise.all(
            (resource.clusterScoped ? [undefined] : namespaces).map(namespace =>
              list(request, resource, namespace, baseUrl, token),
            ),
          );
          return [resource.key, perNamespace.flat()] as const;
        }),
      );
      return Object.fromEntries(lists) as unknown as RungObjects;
    },
  };
}
