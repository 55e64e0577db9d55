import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type { RungObjects } from '@environment-ladder/plugin-environment-ladder-common';
import type { ClusterReader, ClusterReadRequest } from './types';

/** The kinds the ladder needs, and nothing more: about half of what the Kubernetes tab asks for. */
const LADDER_RESOURCES: Array<{
  key: keyof RungObjects;
  apiPath: string;
  plural: string;
  /** Custom resources may be absent from a cluster: their 404 means "none". */
  optional?: boolean;
  /** Read for preview rungs only: the ApplicationSet's namespaces and Argo CD objects. */
  previewsOnly?: boolean;
  /** Cluster-scoped: listed once, never per namespace. */
  clusterScoped?: boolean;
}> = [
  { key: 'pods', apiPath: '/api/v1', plural: 'pods' },
  { key: 'replicaSets', apiPath: '/apis/apps/v1', plural: 'replicasets' },
  { key: 'deployments', apiPath: '/apis/apps/v1', plural: 'deployments' },
  {
    key: 'rollouts',
    apiPath: '/apis/argoproj.io/v1alpha1',
    plural: 'rollouts',
    optional: true,
  },
  {
    key: 'analysisRuns',
    apiPath: '/apis/argoproj.io/v1alpha1',
    plural: 'analysisruns',
    optional: true,
  },
  {
    key: 'ingresses',
    apiPath: '/apis/networking.k8s.io/v1',
    plural: 'ingresses',
  },
  {
    key: 'horizontalPodAutoscalers',
    apiPath: '/apis/autoscaling/v2',
    plural: 'horizontalpodautoscalers',
  },
  {
    key: 'namespaces',
    apiPath: '/api/v1',
    plural: 'namespaces',
    previewsOnly: true,
    clusterScoped: true,
  },
  {
    key: 'applications',
    apiPath: '/apis/argoproj.io/v1alpha1',
    plural: 'applications',
    optional: true,
    previewsOnly: true,
  },
  {
    key: 'applicationSets',
    apiPath: '/apis/argoproj.io/v1alpha1',
    plural: 'applicationsets',
    optional: true,
    previewsOnly: true,
  },
];

/** The header through which the Kubernetes plugin's proxy picks a cluster. */
const CLUSTER_HEADER = 'Backstage-Kubernetes-Cluster';

/**
 * Reads objects through the Kubernetes plugin's own proxy endpoint, so that
 * clusters, their credentials and TLS settings are configured once, in
 * `kubernetes.clusterLocatorMethods`, and never a second time for the ladder.
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
    resource: (typeof LADDER_RESOURCES)[number],
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
      const resources = LADDER_RESOURCES.filter(
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
