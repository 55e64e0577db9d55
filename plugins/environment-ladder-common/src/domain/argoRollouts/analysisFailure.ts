import type { AnalysisPhase } from '../../types';
import { asArray } from '../internal/asArray';
import { asCount } from '../internal/asCount';
import { asString } from '../internal/asString';
import { field } from '../internal/field';

// Mirrors analysisStatusOrder (utils/analysis/helpers.go): later is worse.
const STATUS_ORDER: readonly AnalysisPhase[] = [
  'Successful',
  'Running',
  'Pending',
  'Inconclusive',
  'Error',
  'Failed',
];
const COMPLETED: ReadonlySet<string> = new Set([
  'Successful',
  'Failed',
  'Error',
  'Inconclusive',
]);
// Mirrors defaults.DefaultConsecutiveErrorLimit.
const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
const ARG_REFERENCE = /^\{\{\s*args\.([A-Za-z0-9_.-]{1,253})\s*\}\}$/;

/** Mirrors `analysisutil.IsWorse`: whether `next` ranks worse than `current`. */
export function isWorse(current: AnalysisPhase, next: AnalysisPhase): boolean {
  return (
    Math.max(0, STATUS_ORDER.indexOf(next)) >
    Math.max(0, STATUS_ORDER.indexOf(current))
  );
}

/**
 * Reads an int-or-string limit of a metric (`failureLimit`, ...) as the controller does
 * after resolving arguments: a number, a digit string, or `{{args.name}}` naming one
 * of the run's `spec.args` values. Else the default.
 */
function readLimit(run: unknown, value: unknown, fallback: number): number {
  if (typeof value === 'number' && Number.isInteger(value)) {
    return value;
  }
  let text = typeof value === 'string' ? value.trim() : null;
  const reference = text ? ARG_REFERENCE.exec(text) : null;
  if (reference) {
    const arg = asArray(field(run, 'spec', 'args')).find(
      candidate => field(candidate, 'name') === reference[1],
    );
    text = asString(field(arg, 'value'));
  }
  if (text !== null && /^-?\d{1,9}$/.test(text)) {
    return Number(text);
  }
  return fallback;
}

/**
 * Mirrors `assessMetricFailureInconclusiveOrError` (analysis/analysis.go): the phase a
 * metric's counters force against its limits, with the controller's reason, e.g.
 * `failed (3) > failureLimit (2)`. Later checks win, as upstream: Error over
 * Inconclusive over Failed. A negative failureLimit never fails.
 */
export function assessMetricFailureInconclusiveOrError(
  run: unknown,
  metricSpec: unknown,
  result: unknown,
): { phase: AnalysisPhase | null; reason: string | null } {
  let phase: AnalysisPhase | null = null;
  let reason: string | null = null;
  const failed = asCount(field(result, 'failed')) ?? 0;
  const failureLimit = readLimit(run, field(metricSpec, 'failureLimit'), 0);
  if (failureLimit >= 0 && failed > failureLimit) {
    phase = 'Failed';
    reason = `failed (${failed}) > failureLimit (${failureLimit})`;
  }
  const inconclusive = asCount(field(result, 'inconclusive')) ?? 0;
  const inconclusiveLimit = readLimit(
    run,
    field(metricSpec, 'inconclusiveLimit'),
    0,
  );
  if (inconclusive > inconclusiveLimit) {
    phase = 'Inconclusive';
    reason = `inconclusive (${inconclusive}) > inconclusiveLimit (${inconclusiveLimit})`;
  }
  const consecutiveErrors = asCount(field(result, 'consecutiveError')) ?? 0;
  const consecutiveErrorLimit = readLimit(
    run,
    field(metricSpec, 'consecutiveErrorLimit'),
    DEFAULT_CONSECUTIVE_ERROR_LIMIT,
  );
  if (consecutiveErrors > consecutiveErrorLimit) {
    phase = 'Error';
    reason = `consecutiveErrors (${consecutiveErrors}) > consecutiveErrorLimit (${consecutiveErrorLimit})`;
  }
  return { phase, reason };
}

/** The spec of the metric named `name` in the run, if any. */
export function findMetricSpec(run: unknown, name: string): unknown {
  return asArray(field(run, 'spec', 'metrics')).find(
    metric => field(metric, 'name') === name,
  );
}

/**
 * Mirrors the message of `assessRunStatus` (analysis/analysis.go) for a run that
 * ended: `Metric "<name>" assessed <phase> due to <reason>` for the worst completed
 * metric (dry-run metrics left out), followed by `: "Error Message: <message>"` when
 * the metric has a message. Null when no completed metric has a reason.
 */
export function computeRunFailureMessage(run: unknown): string | null {
  let worst: AnalysisPhase | null = null;
  let message: string | null = null;
  for (const result of asArray(field(run, 'status', 'metricResults'))) {
    const name = asString(field(result, 'name'));
    const phase = asString(field(result, 'phase'));
    if (!name || !phase || !COMPLETED.has(phase)) continue;
    if (field(result, 'dryRun') === true) continue;
    const metricPhase = phase as AnalysisPhase;
    if (worst === null || isWorse(worst, metricPhase)) {
      worst = metricPhase;
      const { reason } = assessMetricFailureInconclusiveOrError(
        run,
        findMetricSpec(run, name),
        result,
      );
      if (reason) {
        message = `Metric "${name}" assessed ${metricPhase} due to ${reason}`;
        const resultMessage = asString(field(result, 'message'));
        if (resultMessage) {
          message += `: "Error Message: ${resultMessage}"`;
        }
      }
    }
  }
  return message;
}
