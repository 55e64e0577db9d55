import type {
  AnalysisMetricResult,
  AnalysisPhase,
  AnalysisRunStatus,
} from '../types';
import { asArray } from './internal/asArray';
import { asCount } from './internal/asCount';
import { asString } from './internal/asString';
import { field } from './internal/field';

const PHASES: ReadonlySet<string> = new Set<AnalysisPhase>([
  'Pending',
  'Running',
  'Successful',
  'Failed',
  'Error',
  'Inconclusive',
  'Unknown',
]);
// Provider values are free text (a Prometheus vector, a job's output); keep them readable.
const MAX_VALUE_LENGTH = 1024;

/**
 * Reads an Argo Rollouts AnalysisRun: its phase, its own message and each metric's result.
 *
 * @remarks
 * A run the controller has not reconciled yet (no status, or no phase) is `Pending`; a
 * phase Argo Rollouts does not define is `Unknown`. `message` is the run's
 * `status.message` and null without one: unlike Argo CD's health check we do not invent a
 * sentence per phase, the phase already says it. A metric's `lastValue` is the value of
 * its latest measurement.
 */
export function getAnalysisRunStatus(run: unknown): AnalysisRunStatus {
  const status = field(run, 'status');
  return {
    name: asString(field(run, 'metadata', 'name')) ?? '',
    phase: readPhase(field(status, 'phase'), 'Pending'),
    message: asString(field(status, 'message')),
    metrics: asArray(field(status, 'metricResults')).flatMap(readMetric),
  };
}

function readPhase(value: unknown, missing: AnalysisPhase): AnalysisPhase {
  if (value === undefined || value === null || value === '') {
    return missing;
  }
  return typeof value === 'string' && PHASES.has(value)
    ? (value as AnalysisPhase)
    : 'Unknown';
}

function readMetric(result: unknown): AnalysisMetricResult[] {
  const name = asString(field(result, 'name'));
  if (!name) {
    return [];
  }
  const measurements = asArray(field(result, 'measurements'));
  const last =
    measurements.length > 0 ? measurements[measurements.length - 1] : undefined;
  return [
    {
      name,
      phase: readPhase(field(result, 'phase'), 'Pending'),
      lastValue: readValue(field(last, 'value')),
      successful: asCount(field(result, 'successful')) ?? 0,
      failed: asCount(field(result, 'failed')) ?? 0,
      inconclusive: asCount(field(result, 'inconclusive')) ?? 0,
      error: asCount(field(result, 'error')) ?? 0,
      message:
        asString(field(result, 'message')) ??
        asString(field(last, 'message')) ??
        null,
    },
  ];
}

function readValue(value: unknown): string | null {
  let text: string | null = null;
  if (typeof value === 'string') {
    text = value;
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    text = String(value);
  }
  if (text === null) {
    return null;
  }
  return text.length > MAX_VALUE_LENGTH
    ? `${text.slice(0, MAX_VALUE_LENGTH)}…`
    : text;
}
