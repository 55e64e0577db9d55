import {
  matchesLabelSelector,
  parseLabelSelector,
  type RungObjects,
} from '@environment-ladder/plugin-environment-ladder-common';
import type {
  ClusterReader,
  ClusterReadRequest,
} from '../services/ClusterReader/types';

/** The lists every cluster read returns (optional ones, read for some rungs only, are not served from files). */
type ListKey = {
  [K in keyof RungObjects]-?: undefined extends RungObjects[K] ? never : K;
}[keyof RungObjects];

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
 * The kinds the ladder reads, by kind and API group: the API server serves
 * every version of a group, so a dump written in another version counts too.
 */
const LADDER_KINDS: Record<string, { key: ListKey; groups: string[] }> = {
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
};

/** An empty set of the objects the ladder reads. */
export function emptyRungObjects(): RungObjects {
  return {
    pods: [],
    replicaSets: [],
    deployments: [],
    rollouts: [],
    analysisRuns: [],
    ingresses: [],
    horizontalPodAutoscalers: [],
  };
}

/** Which list of {@link RungObjects} an object belongs to, or undefined for kinds the ladder does not read. */
export function rungObjectsKey(object: unknown): ListKey | undefined {
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
  return entry?.groups.includes(group) ? entry.key : undefined;
}

/**
 * Sorts objects into the lists the ladder reads; other kinds are dropped.
 * As in a cluster, there is one object per kind, namespace and name: of
 * several, the first counts and `onDuplicate` hears of the others.
 */
export function toRungObjects(
  objects: readonly unknown[],
  onDuplicate?: (duplicate: { index: number; firstIndex: number }) => void,
): RungObjects {
  const result = emptyRungObjects();
  const seen = new Map<string, number>();
  objects.forEach((object, index) => {
    const key = rungObjectsKey(object);
    if (!key) {
      return;
    }
    const name = metadataOf(object).name;
    const identity = `${key}\u0000${namespaceOf(object)}\u0000${
      typeof name === 'string' ? name : ''
    }`;
    const firstIndex = seen.get(identity);
    if (firstIndex !== undefined) {
      onDuplicate?.({ index, firstIndex });
      return;
    }
    seen.set(identity, index);
    result[key].push(object);
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
 * refuse throws, as its 400 would.
 */
export function selectRungObjects(
  objects: RungObjects,
  request: Pick<ClusterReadRequest, 'cluster' | 'namespaces' | 'labelSelector'>,
): RungObjects {
  let requirements;
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
  const result = emptyRungObjects();
  for (const key of LIST_KEYS) {
    result[key] = objects[key].filter(
      object =>
        (namespaces.size === 0 || namespaces.has(namespaceOf(object))) &&
        matchesLabelSelector(labelsOf(object), requirements),
    );
  }
  return result;
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
