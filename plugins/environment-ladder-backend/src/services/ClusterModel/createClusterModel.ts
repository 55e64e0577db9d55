import type { LoggerService } from '@backstage/backend-plugin-api';
import type { RungObjects } from '@environment-ladder/plugin-environment-ladder-common';
import type { LadderConfig } from '../../config';
import type { KubernetesProxyGet } from './kubernetesProxy';
import { matchesLabelSelector, parseLabelSelector } from './labelSelector';
import { Reflector, type ModelResource } from './reflector';
import type { ClusterModel, ModelChange } from './types';

/** The kinds the ladder reads; the same as a direct read asks for. */
export const MODEL_RESOURCES: ModelResource[] = [
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

/** The model's own settings (environmentLadder.model). */
export interface ClusterModelConfig {
  /** What the model lists and watches in every cluster, e.g. `backstage.io/kubernetes-id`. */
  labelSelector: string;
  /** The label objects are indexed by: a view finds its service's objects without a scan. */
  indexLabel: string;
  /** How long each watch is asked to last before it is resumed. */
  watchTimeoutSeconds: number;
  /** A watch stream quiet for longer is cut and resumed (see the reflector). */
  watchIdleTimeoutMs: number;
}

/** What each cluster is read for: its namespaces (undefined: all) and whether for previews. */
function clusterScopes(config: LadderConfig) {
  const scopes = new Map<
    string,
    { namespaces: Set<string> | undefined; previews: boolean }
  >();
  for (const rung of config.rungs) {
    for (const cluster of rung.clusters) {
      const scope = scopes.get(cluster) ?? {
        namespaces: new Set<string>(),
        previews: false,
      };
      if (rung.kind === 'preview') {
        // Previews live in namespaces of their own, which come and go.
        scope.previews = true;
        scope.namespaces = undefined;
      } else if (rung.namespaces.length === 0) {
        scope.namespaces = undefined;
      } else {
        rung.namespaces.forEach(ns => scope.namespaces?.add(ns));
      }
      scopes.set(cluster, scope);
    }
  }
  return scopes;
}

/**
 * Creates the live model of every rung cluster: one reflector (list, then
 * watch) per kind and namespace, selecting only objects a catalog entity can
 * select. Views read it without asking any cluster.
 */
export function createClusterModel(options: {
  config: LadderConfig;
  model: ClusterModelConfig;
  get: KubernetesProxyGet;
  logger: LoggerService;
  /** Batches change notifications (signals) over this many milliseconds. */
  changeBatchMs?: number;
}): ClusterModel {
  const { config, model, get, logger } = options;
  const changeBatchMs = options.changeBatchMs ?? 50;
  const listeners = new Set<(change: ModelChange) => void>();
  let version = 0;
  let pending: ModelChange | undefined;
  let flushTimer: NodeJS.Timeout | undefined;

  function changed(cluster: string, ids: Set<string>, state = false) {
    version += 1;
    pending ??= { clusters: new Set(), ids: new Set() };
    pending.clusters.add(cluster);
    ids.forEach(id => pending!.ids.add(id));
    if (state) pending.state = true;
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      const change = pending!;
      pending = undefined;
      for (const listener of listeners) {
        try {
          listener(change);
        } catch (error) {
          logger.warn('Cluster model: a change listener failed', {
            error: String(error),
          });
        }
      }
    }, changeBatchMs);
  }

  const reflectors = new Map<
    string,
    Array<{ resource: ModelResource; reflector: Reflector }>
  >();
  for (const [cluster, scope] of clusterScopes(config)) {
    const list = [];
    for (const resource of MODEL_RESOURCES) {
      if (resource.previewsOnly && !scope.previews) continue;
      const namespaces =
        resource.clusterScoped || !scope.namespaces
          ? [undefined]
          : [...scope.namespaces];
      for (const namespace of namespaces) {
        list.push({
          resource,
          reflector: new Reflector({
            cluster,
            resource,
            namespace,
            labelSelector: model.labelSelector,
            indexLabel: model.indexLabel,
            get,
            requestTimeoutMs: config.clusterTimeoutMs,
            watchTimeoutSeconds: model.watchTimeoutSeconds,
            watchIdleTimeoutMs: model.watchIdleTimeoutMs,
            onChange: ids => changed(cluster, ids),
            onStateChange: () => changed(cluster, new Set(), true),
            logger,
          }),
        });
      }
    }
    reflectors.set(cluster, list);
  }

  // Parsed selectors, few and reused by every view of a service.
  const parsed = new Map<string, ReturnType<typeof parseLabelSelector>>();
  function requirementsOf(selector: string) {
    let requirements = parsed.get(selector);
    if (!requirements) {
      requirements = parseLabelSelector(selector);
      if (parsed.size > 10_000) parsed.clear();
      parsed.set(selector, requirements);
    }
    return requirements;
  }

  return {
    start() {
      for (const list of reflectors.values()) {
        list.forEach(({ reflector }) => reflector.start());
      }
    },
    async stop() {
      clearTimeout(flushTimer);
      await Promise.all(
        [...reflectors.values()]
          .flat()
          .map(({ reflector }) => reflector.stop()),
      );
    },
    has(cluster) {
      return reflectors.has(cluster);
    },
    get version() {
      return version;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async read(query) {
      const all = reflectors.get(query.cluster);
      if (!all) {
        throw new Error(
          `cluster '${query.cluster}' is not read by any rung of the model`,
        );
      }
      const needed = all.filter(
        ({ resource }) => query.previews || !resource.previewsOnly,
      );
      // A cluster that is listing or reconnecting is waited for, once: all
      // kinds list at the same time, so this is one round trip, not one per kind.
      await Promise.all(
        needed.map(({ reflector }) => reflector.settled(query.signal)),
      );
      const failing = needed.find(
        ({ reflector }) => reflector.state === 'error',
      );
      if (failing) {
        throw new Error(failing.reflector.error);
      }
      const requirements = requirementsOf(query.labelSelector);
      const indexed = requirements.find(
        r => r.key === model.indexLabel && r.op === 'in',
      ) as { values: string[] } | undefined;
      const namespaces =
        query.namespaces.length > 0 ? new Set(query.namespaces) : undefined;
      const objects: Record<string, unknown[]> = {};
      for (const { resource } of needed) objects[resource.key] ??= [];
      for (const { resource, reflector } of needed) {
        for (const object of reflector.select(indexed?.values)) {
          if (
            namespaces &&
            !resource.clusterScoped &&
            !namespaces.has(object.metadata?.namespace)
          ) {
            continue;
          }
          if (matchesLabelSelector(requirements, object.metadata?.labels)) {
            objects[resource.key].push(object);
          }
        }
      }
      return objects as unknown as RungObjects;
    },
    status() {
      return [...reflectors].map(([cluster, list]) => {
        const failing = list.find(
          ({ reflector }) => reflector.state === 'error',
        );
        const stats = list.map(({ reflector }) => reflector.stats());
        const sum = (key: keyof (typeof stats)[number]) =>
          stats.reduce((n, s) => n + s[key], 0);
        let state: 'live' | 'syncing' | 'error' = 'live';
        if (failing) state = 'error';
        else if (list.some(({ reflector }) => reflector.state === 'syncing')) {
          state = 'syncing';
        }
        return {
          cluster,
          state,
          ...(failing ? { error: failing.reflector.error } : {}),
          objects: sum('objects'),
          lists: sum('lists'),
          watches: sum('watches'),
          relistsAfterGone: sum('relistsAfterGone'),
        };
      });
    },
  };
}
