import { asArray } from '../internal/asArray';
import { asCount } from '../internal/asCount';
import { field } from '../internal/field';
import { isObject } from './isObject';

/** A ReplicaSet as the actual weight reads it: its role and available pods. */
export interface WeightedReplicaSet {
  canary: boolean;
  available: number;
}

// An int32 as Go decodes it from JSON; anything else would not decode at all.
function asInt32(value: unknown): number | null {
  return typeof value === 'number' &&
    Number.isInteger(value) &&
    Math.abs(value) <= 2 ** 31
    ? value
    : null;
}

/**
 * Mirrors `weightutil.MaxTrafficWeight`: `trafficRouting.maxTrafficWeight` of a
 * canary, 100 without one.
 */
export function maxTrafficWeight(spec: unknown): number {
  return (
    asInt32(
      field(spec, 'strategy', 'canary', 'trafficRouting', 'maxTrafficWeight'),
    ) ?? 100
  );
}

/**
 * Mirrors `replicasetutil.GetCurrentCanaryStep`: the step at
 * `status.currentStepIndex` (0 when unset) with its index; null past the last step
 * or without steps. A step that is not an object (Go would decode an empty step) is
 * still the current step.
 */
export function getCurrentCanaryStep(
  spec: unknown,
  status: unknown,
): { step: unknown; index: number } | null {
  const canary = field(spec, 'strategy', 'canary');
  const steps = asArray(field(canary, 'steps'));
  if (!isObject(canary) || steps.length === 0) {
    return null;
  }
  const index = asCount(field(status, 'currentStepIndex')) ?? 0;
  return index < steps.length ? { step: steps[index], index } : null;
}

/**
 * Mirrors `replicasetutil.GetCurrentSetWeight`: 0 once aborted; the max traffic
 * weight with no current step; else the last `setWeight` at or before the current
 * step, 0 when none.
 */
export function getCurrentSetWeight(spec: unknown, status: unknown): number {
  if (field(status, 'abort') === true) {
    return 0;
  }
  const current = getCurrentCanaryStep(spec, status);
  if (current === null) {
    return maxTrafficWeight(spec);
  }
  const steps = asArray(field(spec, 'strategy', 'canary', 'steps'));
  for (let i = current.index; i >= 0; i--) {
    const weight = asInt32(field(steps[i], 'setWeight'));
    if (weight !== null) {
      return weight;
    }
  }
  return 0;
}

/**
 * Mirrors the Step of `NewRolloutInfo` (info/rollout_info.go):
 * `currentStepIndex/number of steps`, only when both exist; null where the CLI
 * prints an empty Step. The index is printed as recorded, past the end included.
 */
export function formatCanaryStep(
  spec: unknown,
  status: unknown,
): string | null {
  const steps = asArray(field(spec, 'strategy', 'canary', 'steps'));
  const index = asCount(field(status, 'currentStepIndex'));
  return index !== null && steps.length > 0 ? `${index}/${steps.length}` : null;
}

/**
 * Mirrors the ActualWeight of `NewRolloutInfo` (info/rollout_info.go):
 * - no current step (all done, or no steps): the max traffic weight;
 * - no available replica: 0;
 * - without traffic routing: the canary ReplicaSet's available replicas times the
 *   max traffic weight over the rollout's available replicas (integer division);
 *   0 without a canary ReplicaSet;
 * - with traffic routing: `status.canary.weights.canary.weight` when the controller
 *   recorded weights, else the set weight.
 * It does not look at conditions: an invalid spec gets its weight the same way.
 */
export function computeActualWeight(
  spec: unknown,
  status: unknown,
  replicaSets: readonly WeightedReplicaSet[],
): number {
  const max = maxTrafficWeight(spec);
  if (getCurrentCanaryStep(spec, status) === null) {
    return max;
  }
  const available = asCount(field(status, 'availableReplicas')) ?? 0;
  if (available <= 0) {
    return 0;
  }
  if (!isObject(field(spec, 'strategy', 'canary', 'trafficRouting'))) {
    let weight = 0;
    // Upstream keeps the last canary ReplicaSet it meets; there is one in practice.
    for (const rs of replicaSets) {
      if (rs.canary) {
        weight = Math.trunc((rs.available * max) / available);
      }
    }
    return weight;
  }
  const weights = field(status, 'canary', 'weights');
  if (isObject(weights)) {
    return asInt32(field(weights, 'canary', 'weight')) ?? 0;
  }
  return getCurrentSetWeight(spec, status);
}
