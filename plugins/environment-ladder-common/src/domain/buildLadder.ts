import type {
  DeclaredRungValues,
  Digest,
  Ladder,
  LadderRung,
  RolloutStatus,
  RungObjects,
  WorkloadStatus,
} from '../types';
import { compareRungs } from './compareRungs';
import { findRungViolations } from './findRungViolations';
import { getRolloutStatus } from './getRolloutStatus';
import { observeRungValues } from './observeRungValues';
import { observeWorkloads } from './observeWorkloads';
import { asArray } from './internal/asArray';
import { field } from './internal/field';
import { runningDigests } from './internal/runningDigests';

type RungResult =
  | { objectsByCluster: Array<{ cluster: string; objects: RungObjects }> }
  | { error: { cluster: string; message: string } }
  | null;

const OBJECT_KINDS: Array<keyof RungObjects> = [
  'pods',
  'replicaSets',
  'deployments',
  'rollouts',
  'analysisRuns',
  'ingresses',
  'horizontalPodAutoscalers',
];

/**
 * Composes the ladder of one entity from the objects each rung's clusters returned, lowest rung first.
 *
 * @remarks
 * Per rung: workloads and rollouts of every cluster; `digest` when the rung's pods run
 * exactly one digest, with `since` the earliest start of a pod running it; ready and
 * desired replicas summed over workloads; the comparison with, and the digest check
 * against, the next observed rung below that could be read (a rung whose clusters
 * failed is skipped, and keeps its error); declared values next to observed ones; and
 * the rung's violations, all of which are also collected in `Ladder.violations`. A rung
 * that is not observed (e.g. `local`), or whose result is null, has no data.
 */
export function buildLadder(input: {
  entityRef: string;
  rungs: Array<{
    name: string;
    title: string;
    observed: boolean;
    declared: DeclaredRungValues;
    checkDigestFromBelow?: boolean;
    result: RungResult;
  }>;
  now: Date;
  containerName?: string;
}): Ladder {
  const rungs: LadderRung[] = [];
  let below: LadderRung | null = null;
  for (const rung of input.rungs) {
    const built = buildRung(rung, input.containerName);
    if (built.observed && !built.error && rung.result !== null) {
      if (below) {
        built.comparedToBelow = compareRungs(
          { ...below, name: below.title || below.name },
          { ...built, name: built.title || built.name },
        );
      }
      built.violations = findRungViolations({
        name: built.name,
        title: built.title,
        workloads: built.workloads,
        rollouts: built.rollouts,
        declared: built.declared,
        observedValues: built.observedValues,
        below,
        checkDigestFromBelow: rung.checkDigestFromBelow,
      });
      below = built;
    }
    rungs.push(built);
  }
  return {
    entityRef: input.entityRef,
    rungs,
    violations: rungs.flatMap(r => r.violations),
    generatedAt: input.now.toISOString(),
  };
}

function buildRung(
  rung: {
    name: string;
    title: string;
    observed: boolean;
    declared: DeclaredRungValues;
    result: RungResult;
  },
  containerName: string | undefined,
): LadderRung {
  const empty: LadderRung = {
    name: rung.name,
    title: rung.title,
    observed: rung.observed,
    digest: null,
    digests: [],
    since: null,
    replicas: { ready: 0, desired: 0 },
    workloads: [],
    rollouts: [],
    comparedToBelow: null,
    declared: rung.declared ?? {},
    observedValues: null,
    violations: [],
    error: null,
  };
  const result = rung.result;
  if (!rung.observed || result === null || typeof result !== 'object') {
    return empty;
  }
  if ('error' in result) {
    return { ...empty, error: result.error };
  }

  const workloads: WorkloadStatus[] = [];
  const rollouts: RolloutStatus[] = [];
  const merged: RungObjects = {
    pods: [],
    replicaSets: [],
    deployments: [],
    rollouts: [],
    analysisRuns: [],
    ingresses: [],
    horizontalPodAutoscalers: [],
  };
  const seenRollouts = new Set<string>();
  for (const entry of asArray(field(result, 'objectsByCluster'))) {
    const cluster = field(entry, 'cluster');
    const clusterName = typeof cluster === 'string' ? cluster : '';
    const objects = field(entry, 'objects');
    const safe = {} as RungObjects;
    for (const kind of OBJECT_KINDS) {
      safe[kind] = asArray(field(objects, kind)) as unknown[];
      for (const item of safe[kind]) merged[kind].push(item);
    }
    for (const workload of observeWorkloads(safe, {
      cluster: clusterName,
      containerName,
    })) {
      workloads.push(workload);
    }
    for (const rollout of safe.rollouts) {
      const name = field(rollout, 'metadata', 'name');
      const namespace = field(rollout, 'metadata', 'namespace');
      if (typeof name !== 'string' || name === '') {
        continue;
      }
      const key = `${clusterName}\u0000${
        typeof namespace === 'string' ? namespace : ''
      }\u0000${name}`;
      if (seenRollouts.has(key)) {
        continue;
      }
      seenRollouts.add(key);
      rollouts.push(
        getRolloutStatus(rollout, {
          replicaSets: safe.replicaSets,
          pods: safe.pods,
          analysisRuns: safe.analysisRuns,
          cluster: clusterName,
          containerName,
        }),
      );
    }
  }

  const digests = runningDigests(workloads).map(d => d.digest);
  const digest = digests.length === 1 ? digests[0] : null;
  return {
    ...empty,
    digest,
    digests,
    since: digest ? earliestSince(workloads, digest) : null,
    replicas: workloads.reduce(
      (sum, w) => ({
        ready: sum.ready + w.replicas.ready,
        desired: sum.desired + w.replicas.desired,
      }),
      { ready: 0, desired: 0 },
    ),
    workloads,
    rollouts,
    observedValues: observeRungValues(merged, workloads, rollouts),
  };
}

function earliestSince(
  workloads: WorkloadStatus[],
  digest: Digest,
): string | null {
  let earliest: { text: string; time: number } | null = null;
  for (const workload of workloads) {
    for (const running of workload.running) {
      if (running.digest !== digest || !running.since) continue;
      const time = Date.parse(running.since);
      if (!Number.isNaN(time) && (!earliest || time < earliest.time)) {
        earliest = { text: running.since, time };
      }
    }
  }
  return earliest?.text ?? null;
}
