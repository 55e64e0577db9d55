import type { RolloutPhase } from '../../types';
import { asArray } from '../internal/asArray';
import { asCount } from '../internal/asCount';
import { asString } from '../internal/asString';
import { field } from '../internal/field';
import { isObject } from './isObject';

/** A rollout's phase and message, in the CLI's words. */
export interface RolloutPhaseAndMessage {
  phase: RolloutPhase;
  message: string;
}

const PHASES: ReadonlySet<string> = new Set<RolloutPhase>([
  'Healthy',
  'Progressing',
  'Paused',
  'Degraded',
]);
const ANALYSIS_COMPLETED: ReadonlySet<string> = new Set([
  'Successful',
  'Failed',
  'Error',
  'Inconclusive',
]);
const SIGNED_INTEGER = /^[+-]?\d{1,15}$/;

/**
 * Mirrors `GetRolloutPhase` (argo-rollouts utils/rollout/rolloututil.go), which
 * `kubectl argo rollouts get rollout` prints as Status and Message.
 *
 * @remarks
 * Two differences, both because our type cannot say what Go can:
 * - a `status.phase` Argo Rollouts does not define is computed as for a pre-v1.0
 *   rollout (the CLI would print it verbatim); `unknownRecordedPhase` says so;
 * - the workload-generation check of `GetRolloutPhase` is left out on purpose: it runs
 *   only when `spec.TemplateResolvedFromRef` is set, a `json:"-"` field that a Rollout
 *   read from the API server never has, so the CLI never takes that branch either.
 */
export function getRolloutPhase(
  rollout: unknown,
): RolloutPhaseAndMessage & { unknownRecordedPhase: string | null } {
  const status = field(rollout, 'status');
  if (!isGenerationObserved(rollout)) {
    return {
      phase: 'Progressing',
      message: 'waiting for rollout spec update to be observed',
      unknownRecordedPhase: null,
    };
  }
  if (isUnpausing(status)) {
    return {
      phase: 'Progressing',
      message: 'waiting for rollout to unpause',
      unknownRecordedPhase: null,
    };
  }
  const recorded = asString(field(status, 'phase'));
  if (recorded !== null && PHASES.has(recorded)) {
    // For 1.0+ the controller computes phase and message itself.
    return {
      phase: recorded as RolloutPhase,
      message: asString(field(status, 'message')) ?? '',
      unknownRecordedPhase: null,
    };
  }
  return {
    ...calculateRolloutPhase(field(rollout, 'spec'), status),
    unknownRecordedPhase: recorded,
  };
}

/**
 * Mirrors `isGenerationObserved` (utils/rollout): a numeric
 * `status.observedGeneration` at least `metadata.generation` is observed; anything
 * else (a pre-v0.10 pod-template hash, nothing) counts as observed.
 */
export function isGenerationObserved(rollout: unknown): boolean {
  const observed = field(rollout, 'status', 'observedGeneration');
  let observedNumber: number | null = null;
  if (typeof observed === 'number' && Number.isInteger(observed)) {
    observedNumber = observed;
  } else if (typeof observed === 'string' && SIGNED_INTEGER.test(observed)) {
    observedNumber = Number(observed);
  }
  if (observedNumber === null) {
    return true;
  }
  const generation = asCount(field(rollout, 'metadata', 'generation')) ?? 0;
  // A v0.9 hash made only of digits can be above the generation: observed too.
  return observedNumber >= generation;
}

/**
 * Mirrors `IsUnpausing` (utils/rollout): the controller still holds a pause that a
 * user has already cleared.
 */
export function isUnpausing(status: unknown): boolean {
  return (
    field(status, 'controllerPause') === true &&
    asArray(field(status, 'pauseConditions')).length === 0
  );
}

/**
 * `status.stableRS`, or for a rollout last written by a controller before v0.8 the
 * `status.canary.stableRS` it used instead; "" when neither.
 *
 * @remarks
 * Ours: today's CLI no longer knows the old field and would call such a finished
 * rollout Progressing ("waiting for all steps to complete"); the CLI of that
 * controller's time, and Argo CD, read it. See the README's "Argo CD and the CLI".
 */
export function readStableHash(status: unknown): string {
  return (
    asString(field(status, 'stableRS')) ??
    asString(field(status, 'canary', 'stableRS')) ??
    ''
  );
}

/**
 * Whether the status was written by a controller before v0.10, whose
 * `observedGeneration` was a pod-template hash rather than a number.
 */
export function isPreV010Status(status: unknown): boolean {
  const observed = field(status, 'observedGeneration');
  return (
    typeof observed === 'string' &&
    observed !== '' &&
    !SIGNED_INTEGER.test(observed)
  );
}

/**
 * Mirrors `IsFullyPromoted` (utils/rollout): the stable hash is the desired one.
 */
export function isFullyPromoted(status: unknown): boolean {
  return (
    readStableHash(status) === (asString(field(status, 'currentPodHash')) ?? '')
  );
}

/**
 * Mirrors `CalculateRolloutPhase` (utils/rollout): the phase a pre-v1.0 controller
 * did not record, computed client-side from spec and status, checks in upstream's order.
 */
export function calculateRolloutPhase(
  spec: unknown,
  status: unknown,
): RolloutPhaseAndMessage {
  for (const condition of asArray(field(status, 'conditions'))) {
    const message = asString(field(condition, 'message')) ?? '';
    if (field(condition, 'type') === 'InvalidSpec') {
      return { phase: 'Degraded', message: `InvalidSpec: ${message}` };
    }
    const reason = asString(field(condition, 'reason'));
    if (reason === 'RolloutAborted' || reason === 'ProgressDeadlineExceeded') {
      return { phase: 'Degraded', message: `${reason}: ${message}` };
    }
  }
  if (field(spec, 'paused') === true) {
    return { phase: 'Paused', message: 'manually paused' };
  }
  const pauseConditions = asArray(field(status, 'pauseConditions'));
  if (pauseConditions.length > 0) {
    return {
      phase: 'Paused',
      message: asString(field(pauseConditions[0], 'reason')) ?? '',
    };
  }
  if (isRestarting(spec, status)) {
    return { phase: 'Progressing', message: 'rollout is restarting' };
  }
  const desired = readReplicasOrDefault(spec);
  const updated = asCount(field(status, 'updatedReplicas')) ?? 0;
  const available = asCount(field(status, 'availableReplicas')) ?? 0;
  if (updated < desired) {
    return {
      phase: 'Progressing',
      message: 'more replicas need to be updated',
    };
  }
  if (available < updated) {
    return {
      phase: 'Progressing',
      message: 'updated replicas are still becoming available',
    };
  }
  const currentHash = asString(field(status, 'currentPodHash')) ?? '';
  const stableHash = readStableHash(status);
  const blueGreen = field(spec, 'strategy', 'blueGreen');
  const canary = field(spec, 'strategy', 'canary');
  if (isObject(blueGreen)) {
    const activeHash =
      asString(field(status, 'blueGreen', 'activeSelector')) ?? '';
    if (activeHash === '' || activeHash !== currentHash) {
      return {
        phase: 'Progressing',
        message: 'active service cutover pending',
      };
    }
    // Ours: blue-green before v0.8 had no stable ReplicaSet to wait for.
    const legacyWithoutStable = stableHash === '' && isPreV010Status(status);
    if (
      !legacyWithoutStable &&
      (stableHash === '' || !isFullyPromoted(status))
    ) {
      return {
        phase: 'Progressing',
        message: waitingForBlueGreenPostPromotionAnalysis(blueGreen, status)
          ? 'waiting for analysis to complete'
          : 'waiting for post-promotion verification to complete',
      };
    }
  } else if (isObject(canary)) {
    // Only a basic canary: blue-green and traffic-routed canaries keep old replicas
    // up on purpose (scaleDownDelay).
    if (!isObject(field(canary, 'trafficRouting'))) {
      const replicas = asCount(field(status, 'replicas')) ?? 0;
      if (replicas > updated) {
        return {
          phase: 'Progressing',
          message: 'old replicas are pending termination',
        };
      }
    }
    if (stableHash === '' || !isFullyPromoted(status)) {
      return {
        phase: 'Progressing',
        message: 'waiting for all steps to complete',
      };
    }
  }
  return { phase: 'Healthy', message: '' };
}

/** Mirrors `defaults.GetReplicasOrDefault`: `spec.replicas`, 1 when unset. */
export function readReplicasOrDefault(spec: unknown): number {
  return asCount(field(spec, 'replicas')) ?? 1;
}

// `spec.restartAt` set and not yet equal to `status.restartedAt` (compared as times).
function isRestarting(spec: unknown, status: unknown): boolean {
  const restartAt = asString(field(spec, 'restartAt'));
  if (restartAt === null) {
    return false;
  }
  const restartedAt = asString(field(status, 'restartedAt'));
  if (restartedAt === null) {
    return true;
  }
  const wanted = Date.parse(restartAt);
  const done = Date.parse(restartedAt);
  return Number.isNaN(wanted) || Number.isNaN(done)
    ? restartAt !== restartedAt
    : wanted !== done;
}

/** Mirrors `waitingForBlueGreenPostPromotionAnalysis` (utils/rollout). */
function waitingForBlueGreenPostPromotionAnalysis(
  blueGreen: unknown,
  status: unknown,
): boolean {
  if (!isObject(field(blueGreen, 'postPromotionAnalysis'))) {
    return false;
  }
  const run = field(status, 'blueGreen', 'postPromotionAnalysisRunStatus');
  return (
    !isObject(run) ||
    !ANALYSIS_COMPLETED.has(asString(field(run, 'status')) ?? '')
  );
}
