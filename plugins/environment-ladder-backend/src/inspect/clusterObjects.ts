import {
  emptyRungObjects,
  matchesLabelSelector,
  parseLabelSelector,
  type RungObjects,
} from '@environment-ladder/plugin-environment-ladder-common';
import type {
  ClusterReader,
  ClusterReadRequest,
} from '../services/ClusterReader/types';

/** Every list of {@link RungObjects}; the objects read from files fill all of them. */
export type ClusterObjects = Required<RungObjects>;

type ListKey = keyof ClusterObjects;

/** The lists every cluster read returns. */
const LIST_KEYS: ListKey[] = [
  'pods',
  'replicaSets',
  'deployments',
  'rollouts',
  'analysisRuns',
  'ingresses',
  'horizontalPodAutoscalers',
];

/**
 * The lists a cluster read returns only when it asks for `previews`, as the
 * real ClusterReader lists them for preview rungs only.
 */
const PREVIEW_LIST_KEYS: ListKey[] = [
  'namespaces',
  'applications',
  'applicationSets',
];

/**
 * The kinds the ladder reads, by kind and API group: the API server serves
 * every version of a group, so a dump written in another version counts too.
 */
const LADDER_KINDS: Record<
  string,
  { key: ListKey; groups: string[]; clusterScoped?: boolean }
> = {
  Pod: { key: 'pods', groups: [''] },
  ReplicaSet: { key: 'replicaSets', groups: ['apps', 'extensions'] },
  Deployment: { key: 'deployments', groups: ['apps', 'extensions'] },
  Rollout: { key: 'rollouts', groups: ['argoproj.io'] },
  AnalysisRun: { key: 'analysisRuns', groups: ['argoproj.io'] },
  Ingress: { key: 'ingresses', groups: ['networking.k8s.io', 'extensions'] },
  HorizontalPodAutoscaler: {
    key: 'horizontalPodAutoscalers',
    groups: ['autoscaling'],
  },
  Namespace: { key: 'namespaces', groups: [''], clusterScoped: true },
  Application: { key: 'applications', groups: ['argoproj.io'] },
  ApplicationSet: { key: 'applicationSets', groups: ['argoproj.io'] },
};

/** The label the API server gives every namespace: its own name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** How the ladder reads an object's kind, or undefined for kinds it does not read. */
function ladderKindOf(object: unknown) {
  const { apiVersion, kind } = (object ?? {}) as {
    apiVersion?: unknown;
    kind?: unknown;
  };
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return undefined;
  }
  const entry = Object.prototype.hasOwnProperty.call(LADDER_KINDS, kind)
    ? LADDER_KINDS[kind]
    : undefined;
  const group = apiVersion.includes('/')
    ? apiVersion.slice(0, apiVersion.indexOf('/'))
    : '';
  return entry?.groups.includes(group) ? entry : undefined;
}

/** Which list of {@link RungObjects} an object belongs to, or undefined for kinds the ladder does not read. */
export function rungObjectsKey(object: unknown): ListKey | undefined {
  return ladderKindOf(object)?.key;
}

/** Whether an object is of a cluster-scoped kind the ladder reads (a Namespace). */
export function isClusterScoped(object: unknown): boolean {
  return ladderKindOf(object)?.clusterScoped === true;
}

/**
 * An object as a message names it: `namespace/name`, or just `name` for a
 * cluster-scoped kind (a Namespace); a namespaced object written without a
 * namespace is in `default`.
 */
export function objectName(object: unknown): string {
  const name = metadataOf(object).name;
  const text = typeof name === 'string' ? name : '';
  return isClusterScoped(object) ? text : `${namespaceOf(object)}/${text}`;
}

/**
 * A Namespace as the API server serves it: cluster-scoped (no
 * `metadata.namespace`) and labelled `kubernetes.io/metadata.name` with its
 * own name, a label the API server sets on every namespace.
 */
function asServedNamespace(object: unknown): unknown {
  const metadata: Record<string, unknown> = { ...metadataOf(object) };
  delete metadata.namespace;
  const labels = metadata.labels;
  metadata.labels = {
    ...(labels && typeof labels === 'object' && !Array.isArray(labels)
      ? labels
      : {}),
    [NAMESPACE_NAME_LABEL]: metadata.name,
  };
  return { ...(object as Record<string, unknown>), metadata };
}

/**
 * Sorts objects into the lists the ladder reads; other kinds are dropped.
 * As in a cluster, there is one object per kind, namespace and name: of
 * several, the first counts and `onDuplicate` hears of the others.
 * Namespaces are cluster-scoped: one per name, served as the API server
 * serves them (see {@link asServedNamespace}).
 */
export function toRungObjects(
  objects: readonly unknown[],
  onDuplicate?: (duplicate: { index: number; firstIndex: number }) => void,
): ClusterObjects {
  const result = emptyRungObjects();
  const seen = new Map<string, number>();
  objects.forEach((object, index) => {
    const kind = ladderKindOf(object);
    if (!kind) {
      return;
    }
    const identity = `${kind.key}\u0000${objectName(object)}`;
    const firstIndex = seen.get(identity);
    if (firstIndex !== undefined) {
      onDuplicate?.({ index, firstIndex });
      return;
    }
    seen.set(identity, index);
    result[kind.key].push(
      kind.key === 'namespaces' ? asServedNamespace(object) : object,
    );
  });
  return result;
}

function metadataOf(object: unknown): Record<string, unknown> {
  const metadata = (object as { metadata?: unknown } | null)?.metadata;
  return metadata && typeof metadata === 'object' && !Array.isArray(metadata)
    ? (metadata as Record<string, unknown>)
    : {};
}

/** An object's namespace; one written without it lands in `default`, as `kubectl apply` would put it. */
function namespaceOf(object: unknown): string {
  const namespace = metadataOf(object).namespace;
  return typeof namespace === 'string' && namespace !== ''
    ? namespace
    : 'default';
}

function labelsOf(object: unknown): Record<string, string> {
  const labels = metadataOf(object).labels;
  if (!labels || typeof labels !== 'object' || Array.isArray(labels)) {
    return {};
  }
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value === 'string') {
      result[key] = value;
    }
  }
  return result;
}

/**
 * What a cluster holding `objects` answers to the ladder's reads: each list
 * filtered by namespaces (empty means all) and the label selector, as the
 * API server filters `?labelSelector=`. A selector the API server would
 * refuse throws, as its 400 would. With `previews`, as the real
 * ClusterReader does for preview rungs, the answer also has `namespaces`
 * (cluster-scoped: filtered by the selector only), `applications` and
 * `applicationSets`; without it, it has none of them.
 */
export function selectRungObjects(
  objects: RungObjects,
  request: Pick<
    ClusterReadRequest,
    'cluster' | 'namespaces' | 'labelSelector' | 'previews'
  >,
): RungObjects {
  let requirements: ReturnType<typeof parseLabelSelector>;
  try {
    requirements = parseLabelSelector(request.labelSelector);
  } catch (error) {
    throw new Error(
      `cluster '${request.cluster}' refused the label selector '${
        request.labelSelector
      }': ${(error as Error).message}`,
    );
  }
  const namespaces = new Set(request.namespaces);
  const select = (key: ListKey) =>
    (objects[key] ?? []).filter(
      object =>
        (key === 'namespaces' ||
          namespaces.size === 0 ||
          namespaces.has(namespaceOf(object))) &&
        matchesLabelSelector(labelsOf(object), requirements),
    );
  const keys = request.previews
    ? [...LIST_KEYS, ...PREVIEW_LIST_KEYS]
    : LIST_KEYS;
  return Object.fromEntries(
    keys.map(key => [key, select(key)]),
  ) as unknown as RungObjects;
}

/**
 * A {@link ClusterReader} that serves objects read from files instead of
 * listing them from clusters: the objects of the cluster's own files when
 * given (`--cluster NAME=PATH`), else the objects given for every cluster.
 */
export function createFileClusterReader(options: {
  /** Objects served to every cluster without objects of its own; undefined when none were given. */
  shared?: RungObjects;
  /** Objects of single clusters, by cluster name. */
  byCluster?: ReadonlyMap<string, RungObjects>;
}): ClusterReader {
  return {
    async readObjects(request) {
      request.signal?.throwIfAborted();
      const objects = options.byCluster?.get(request.cluster) ?? options.shared;
      if (!objects) {
        throw new Error(
          `cluster '${request.cluster}' has no objects: no paths were given for it (--cluster ${request.cluster}=PATH)`,
        );
      }
      return selectRungObjects(objects, request);
    },
  };
}
