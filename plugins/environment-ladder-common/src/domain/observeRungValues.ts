import type {
  ObservedRungValues,
  RolloutStatus,
  RungObjects,
  WorkloadStatus,
} from '../types';
import { asArray } from './internal/asArray';
import { asCount } from './internal/asCount';
import { asString } from './internal/asString';
import { field } from './internal/field';
import { readObjectMeta } from './internal/readObjectMeta';

const MAX_HOST_LENGTH = 253;

/**
 * Reads the values of a rung to set next to the declared ones: replicas, autoscaler bounds, Ingress hosts and rollout strategy.
 *
 * @remarks
 * `replicas` is the desired replica count of the rung's workloads, the largest when they
 * differ (e.g. one per cluster); null without workloads. `autoscaler` spans the
 * HorizontalPodAutoscalers that target one of the workloads (all of them when there are
 * no workloads to match): the smallest `minReplicas` (Kubernetes' default 1) and the
 * largest `maxReplicas`. `ingressHosts` are the distinct hosts of Ingress rules and TLS
 * sections, lower-case and sorted. `rolloutStrategy` is the rollouts' strategy when there
 * is a Rollout (`Canary` when they differ), else `Deployment` when there is a Deployment.
 */
export function observeRungValues(
  objects: RungObjects,
  workloads: WorkloadStatus[],
  rollouts: RolloutStatus[],
): ObservedRungValues {
  const names = new Set(
    workloads.map(w => `${w.kind}/${w.namespace}/${w.name}`),
  );
  let min: number | null = null;
  let max: number | null = null;
  let autoscaled = false;
  for (const hpa of asArray(field(objects, 'horizontalPodAutoscalers'))) {
    const meta = readObjectMeta(hpa);
    const target = field(hpa, 'spec', 'scaleTargetRef');
    const key = `${asString(field(target, 'kind'))}/${
      meta.namespace
    }/${asString(field(target, 'name'))}`;
    if (names.size > 0 && !names.has(key)) {
      continue;
    }
    autoscaled = true;
    const hpaMin = asCount(field(hpa, 'spec', 'minReplicas')) ?? 1;
    const hpaMax = asCount(field(hpa, 'spec', 'maxReplicas'));
    min = min === null ? hpaMin : Math.min(min, hpaMin);
    if (hpaMax !== null) {
      max = max === null ? hpaMax : Math.max(max, hpaMax);
    }
  }

  const hosts = new Set<string>();
  for (const ingress of asArray(field(objects, 'ingresses'))) {
    for (const rule of asArray(field(ingress, 'spec', 'rules'))) {
      addHost(hosts, field(rule, 'host'));
    }
    for (const tls of asArray(field(ingress, 'spec', 'tls'))) {
      for (const host of asArray(field(tls, 'hosts'))) {
        addHost(hosts, host);
      }
    }
  }

  // A rollout whose spec names no strategy tells nothing about it.
  const strategies = new Set(rollouts.flatMap(r => r.strategy ?? []));
  let rolloutStrategy: ObservedRungValues['rolloutStrategy'] = null;
  if (strategies.size > 0) {
    rolloutStrategy = strategies.has('Canary') ? 'Canary' : 'BlueGreen';
  } else if (workloads.some(w => w.kind === 'Deployment')) {
    rolloutStrategy = 'Deployment';
  }

  return {
    replicas:
      workloads.length > 0
        ? workloads.reduce((most, w) => Math.max(most, w.replicas.desired), 0)
        : null,
    autoscaler: autoscaled ? { min, max } : null,
    ingressHosts: [...hosts].sort(),
    rolloutStrategy,
  };
}

function addHost(hosts: Set<string>, value: unknown): void {
  const host = asString(value);
  if (host && host.length <= MAX_HOST_LENGTH) {
    hosts.add(host.toLowerCase());
  }
}
