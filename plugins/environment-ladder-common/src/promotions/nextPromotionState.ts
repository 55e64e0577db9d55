import type { LadderRung } from '../types';
import { rungLabel } from './internal';
import { shortDigest } from '../domain/shortDigest';
import { isPromotionTerminal } from './promotionStates';
import type { Promotion, PromotionKind, PromotionState } from './types';

/**
 * What the reconciler saw of a promotion: its pull request and the target rung.
 *
 * @public
 */
export interface PromotionObservation {
  pullRequest?: { state: 'open' | 'closed'; merged: boolean };
  targetRung?: LadderRung;
  /** The target's gate asks for canary analysis: verified needs at least one successful AnalysisRun. */
  requireAnalysis?: boolean;
}

/**
 * The ledger's next step for a promotion, from what was observed; null when it stays.
 *
 * @remarks
 * One step per call, so that every state lands in the history:
 * - requested → pr-open: the pull request exists.
 * - pr-open → merged: it was merged; pr-open → failed: closed without merging.
 * - merged → running: the target rung runs the digest (on some or all pods); merged →
 *   failed: a rollout that carries the digest aborted or went Degraded before it was seen
 *   running (Argo Rollouts scales an aborted canary down at once).
 * - running → failed: a rollout of the target aborted or went Degraded, or a Deployment
 *   exceeded its progress deadline.
 * - running → verified: the target runs only the digest with all replicas ready, and
 *   every rollout is Healthy with every AnalysisRun of its current revision Successful
 *   (at least one when `requireAnalysis`, except for a rollback: see below), or,
 *   without rollouts, every Deployment is fully available.
 * A rollback (`kind: 'rollback'`) into a rung whose gate requires analysis is verified
 * without an AnalysisRun of the current revision: Argo Rollouts fast-tracks a rollback
 * that lands within `spec.rollbackWindow` (or back on the stable ReplicaSet of an
 * unfinished update), skipping every step and so every analysis, and the digest ran in
 * the rung before (the rollback rules demand it). A run of the current revision that
 * exists must still be Successful; outside a rollback window the controller re-runs the
 * steps, and the rollback waits for their analysis like a promotion.
 * A target rung that could not be read changes nothing. Terminal states never change.
 *
 * @public
 */
export function nextPromotionState(
  current: Pick<Promotion, 'state' | 'digest' | 'targetEnvironment'> & {
    /** Default `promotion`. */
    kind?: PromotionKind;
  },
  observation: PromotionObservation,
): { state: PromotionState; message: string } | null {
  if (isPromotionTerminal(current.state)) {
    return null;
  }
  const { pullRequest, targetRung } = observation;
  switch (current.state) {
    case 'requested':
      return pullRequest
        ? { state: 'pr-open', message: 'pull request opened' }
        : null;
    case 'pr-open':
      if (!pullRequest) return null;
      if (pullRequest.merged) {
        return { state: 'merged', message: 'pull request merged' };
      }
      if (pullRequest.state === 'closed') {
        return {
          state: 'failed',
          message: 'pull request closed without merging',
        };
      }
      return null;
    case 'merged': {
      if (!targetRung || targetRung.error) return null;
      const label = rungLabel(targetRung);
      if (targetRung.digests.includes(current.digest)) {
        return {
          state: 'running',
          message: `${label} runs ${shortDigest(current.digest)}`,
        };
      }
      const broken = brokenRollout(targetRung, current.digest);
      return broken ? { state: 'failed', message: broken } : null;
    }
    case 'running':
      return runningStep(
        current.digest,
        targetRung,
        observation.requireAnalysis,
        current.kind === 'rollback',
      );
    default:
      return null;
  }
}

function runningStep(
  digest: string,
  rung: LadderRung | undefined,
  requireAnalysis: boolean | undefined,
  rollback: boolean,
): { state: PromotionState; message: string } | null {
  if (!rung || rung.error) return null;
  const label = rungLabel(rung);
  const broken = brokenRollout(rung, null);
  if (broken) return { state: 'failed', message: broken };
  const stuck = rung.workloads.find(
    workload =>
      workload.kind === 'Deployment' &&
      workload.deployment?.progressing === false,
  );
  if (stuck) {
    return {
      state: 'failed',
      message: `deployment ${stuck.name} in ${label} stopped progressing${
        stuck.deployment?.message ? `: ${stuck.deployment.message}` : ''
      }`,
    };
  }

  const onlyDigest = rung.digests.length === 1 && rung.digests[0] === digest;
  const allReady =
    rung.replicas.desired > 0 && rung.replicas.ready >= rung.replicas.desired;
  if (!onlyDigest || !allReady) return null;

  const deployments = rung.workloads.filter(w => w.kind === 'Deployment');
  const deploymentsAvailable = deployments.every(workload => {
    const { desired, updated, ready, available } = workload.replicas;
    return (
      updated >= desired &&
      ready >= desired &&
      available >= desired &&
      workload.deployment?.available !== false
    );
  });
  if (!deploymentsAvailable) return null;

  if (rung.rollouts.length) {
    if (!rung.rollouts.every(rollout => rollout.phase === 'Healthy')) {
      return null;
    }
    // Only the runs of the revision now rolled out count: a kept failed run of an
    // earlier canary (Argo Rollouts keeps a few) says nothing about this digest.
    const runs = rung.rollouts.flatMap(rollout => {
      const revision = rung.workloads.find(
        workload =>
          workload.kind === 'Rollout' &&
          workload.cluster === rollout.cluster &&
          workload.namespace === rollout.namespace &&
          workload.name === rollout.name,
      )?.revision;
      return rollout.analysisRuns.filter(
        run =>
          revision === undefined ||
          revision === null ||
          run.revision === undefined ||
          run.revision === null ||
          run.revision === revision,
      );
    });
    if (!runs.every(run => run.phase === 'Successful')) return null;
    // A rollback Argo Rollouts fast-tracked (rollbackWindow) has no run to wait for.
    const skippedAnalysis = requireAnalysis && runs.length === 0;
    if (skippedAnalysis && !rollback) return null;
    return {
      state: 'verified',
      message: `${label} runs ${shortDigest(digest)} on all ${
        rung.replicas.desired
      } replicas; ${rung.rollouts
        .map(rollout => `rollout ${rollout.name} Healthy`)
        .join(', ')}${
        runs.length
          ? `; ${runs.map(run => `analysis ${run.name} Successful`).join(', ')}`
          : ''
      }${
        skippedAnalysis
          ? '; no analysis of this revision: Argo Rollouts fast-tracked the rollback'
          : ''
      }`,
    };
  }
  if (deployments.length === 0) return null;
  return {
    state: 'verified',
    message: `${label} runs ${shortDigest(digest)} on all ${
      rung.replicas.desired
    } replicas; ${deployments
      .map(
        workload =>
          `deployment ${workload.name} fully available (${workload.replicas.available}/${workload.replicas.desired})`,
      )
      .join(', ')}`,
  };
}

/** An aborted or Degraded rollout of the rung (one carrying `digest`, when given), in a sentence. */
function brokenRollout(rung: LadderRung, digest: string | null): string | null {
  const label = rungLabel(rung);
  for (const rollout of rung.rollouts) {
    if (
      digest &&
      !rollout.images.some(image => image.digests.includes(digest))
    ) {
      continue;
    }
    if (rollout.aborted) {
      return `rollout ${rollout.name} in ${label} was aborted${
        rollout.message ? `: ${rollout.message}` : ''
      }`;
    }
    if (rollout.phase === 'Degraded') {
      return `rollout ${rollout.name} in ${label} is Degraded${
        rollout.message ? `: ${rollout.message}` : ''
      }`;
    }
  }
  return null;
}
