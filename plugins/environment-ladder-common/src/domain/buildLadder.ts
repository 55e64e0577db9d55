import { emptyRungObjects } from './emptyRungObjects';
import type {
  DeclaredRungValues,
  Digest,
  Ladder,
  LadderRung,
  LadderViolation,
  RolloutStatus,
  RungObjects,
  WorkloadStatus,
} from '../types';
import {
  findPreviews,
  type FindPreviewsOptions,
} from '../previews/findPreviews';
import type { PreviewEnvironment } from '../previews/types';
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

/** Read for preview rungs only, so absent from other rungs' objects. */
const PREVIEW_OBJECT_KINDS: Array<keyof RungObjects> = [
  'namespaces',
  'applications',
  'applicationSets',
];

/** How to find a preview rung's previews; the containerName comes from the ladder. */
type PreviewRungOptions = Omit<
  FindPreviewsOptions,
  'cluster' | 'containerName'
>;

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
 *
 * A rung of `kind: 'preview'` lists its previews (`findPreviews` over all its clusters'
 * objects, so that an Application in one cluster and its namespace in another make one
 * preview), newest first; their flags are its violations. It is never "the rung below"
 * of another rung, is compared with nothing, and its `digest` and `since` stay null:
 * its `digests` are the previews' digests, which no rung is promoted from.
 */
export function buildLadder(input: {
  entityRef: string;
  rungs: Array<{
    name: string;
    title: string;
    observed: boolean;
    declared: DeclaredRungValues;
    checkDigestFromBelow?: boolean;
    kind?: 'preview';
    /** For preview rungs: how to find, link and check the previews. */
    previews?: PreviewRungOptions;
    result: RungResult;
  }>;
  now: Date;
  containerName?: string;
}): Ladder {
  const rungs: LadderRung[] = [];
  let below: LadderRung | null = null;
  for (const rung of input.rungs) {
    const { built, merged, namespaceClusters } = buildRung(
      rung,
      input.containerName,
    );
    if (rung.kind === 'preview') {
      rungs.push(
        withPreviews(built, {
          readable: built.observed && !built.error && rung.result !== null,
          merged,
          namespaceClusters,
          options: { ...rung.previews, containerName: input.containerName },
        }),
      );
      continue;
    }
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

/** A preview rung with its previews, their digests, and their flags as its violations. */
function withPreviews(
  built: LadderRung,
  context: {
    readable: boolean;
    merged: RungObjects;
    namespaceClusters: Map<string, string>;
    options: Omit<FindPreviewsOptions, 'cluster'>;
  },
): LadderRung {
  const rung: LadderRung = {
    ...built,
    kind: 'preview',
    digest: null,
    since: null,
    comparedToBelow: null,
    violations: [],
    previews: [],
  };
  if (!context.readable) {
    return rung;
  }
  let previews: PreviewEnvironment[];
  try {
    previews = findPreviews(context.merged, context.options);
  } catch (error) {
    return {
      ...rung,
      error: {
        cluster: '',
        message: `Previews cannot be found: ${(error as Error).message}`,
      },
    };
  }
  previews = previews.map(preview => {
    const cluster = context.namespaceClusters.get(preview.namespace);
    return cluster === undefined ? preview : { cluster, ...preview };
  });
  const digests = [
    ...new Set(previews.flatMap(p => (p.digest ? [p.digest] : []))),
  ];
  return {
    ...rung,
    digests,
    previews,
    violations: previews.flatMap(preview =>
      preview.flags.map(
        (flag): LadderViolation => ({
          rule: flag.rule,
          severity:
            flag.rule === 'preview-uses-production-values'
              ? 'error'
              : 'warning',
          rung: rung.name,
          message: `Preview of ${describePreview(preview)} ${
            flag.rule === 'preview-outlived-pr'
              ? 'outlived its pull request'
              : 'uses production values'
          }: ${flag.message}`,
        }),
      ),
    ),
  };
}

/** `PR #38 (fix/stock-race)`, or where the preview runs when its pull request is unknown. */
function describePreview(preview: PreviewEnvironment): string {
  if (preview.prNumber !== null) {
    return `PR #${preview.prNumber}${
      preview.branch ? ` (${preview.branch})` : ''
    }`;
  }
  if (preview.namespace) return `namespace ${preview.namespace}`;
  return `Application ${preview.applicationName ?? '?'}`;
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
): {
  built: LadderRung;
  /** Every cluster's objects together. */
  merged: RungObjects;
  /** The cluster each namespace (or workload's namespace) was seen in. */
  namespaceClusters: Map<string, string>;
} {
  const merged: RungObjects = emptyRungObjects();
  const namespaceClusters = new Map<string, string>();
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
    return { built: empty, merged, namespaceClusters };
  }
  if ('error' in result) {
    return {
      built: { ...empty, error: result.error },
      merged,
      namespaceClusters,
    };
  }

  const workloads: WorkloadStatus[] = [];
  const rollouts: RolloutStatus[] = [];
  const seenRollouts = new Set<string>();
  for (const entry of asArray(field(result, 'objectsByCluster'))) {
    const cluster = field(entry, 'cluster');
    const clusterName = typeof cluster === 'string' ? cluster : '';
    const objects = field(entry, 'objects');
    const safe = {} as RungObjects;
    for (const kind of OBJECT_KINDS) {
      safe[kind] = asArray(field(objects, kind)) as unknown[];
      for (const item of safe[kind]) merged[kind]!.push(item);
    }
    for (const kind of PREVIEW_OBJECT_KINDS) {
      for (const item of asArray(field(objects, kind)))
        merged[kind]!.push(item);
    }
    for (const namespace of asArray(field(objects, 'namespaces'))) {
      const name = field(namespace, 'metadata', 'name');
      if (typeof name === 'string' && !namespaceClusters.has(name)) {
        namespaceClusters.set(name, clusterName);
      }
    }
    for (const workload of observeWorkloads(safe, {
      cluster: clusterName,
      containerName,
    })) {
      workloads.push(workload);
      // Where a workload runs says more than where a namespace of that name exists.
      namespaceClusters.set(workload.namespace, clusterName);
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
  const built: LadderRung = {
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
  return { built, merged, namespaceClusters };
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
