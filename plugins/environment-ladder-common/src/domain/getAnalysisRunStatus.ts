import type {
  AnalysisMeasurement,
  AnalysisMetricResult,
  AnalysisPhase,
  AnalysisRunStatus,
} from '../types';
import {
  assessMetricFailureInconclusiveOrError,
  computeRunFailureMessage,
  findMetricSpec,
} from './argoRollouts/analysisFailure';
import { asArray } from './internal/asArray';
import { asCount } from './internal/asCount';
import { asString } from './internal/asString';
import { field } from './internal/field';
import { readObjectMeta } from './internal/readObjectMeta';
import { readRevision } from './internal/readRevision';

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
// The controller keeps 10 measurements per metric by default (measurementRetention).
const MAX_MEASUREMENTS = 10;
const ENDED_BADLY: ReadonlySet<AnalysisPhase> = new Set<AnalysisPhase>([
  'Failed',
  'Error',
  'Inconclusive',
]);

/**
 * Reads an Argo Rollouts AnalysisRun: its phase, its own message, why it failed and
 * each metric's result and measured values.
 *
 * @remarks
 * Mirrors `getAnalysisRunInfo` (info/analysisrun_info.go): the phase is
 * `status.phase` and each metric's measurements are listed with their values. Where
 * we differ: a run the controller has not reconciled yet (no phase, which the CLI
 * prints empty) is `Pending`, and a phase Argo Rollouts does not define is `Unknown`.
 * `message` is the run's `status.message` and null without one: unlike Argo CD's
 * health check we do not invent a sentence per phase. `failureReason` answers "why
 * did the analysis fail": for a Failed, Error or Inconclusive run, the controller's
 * `status.message`, else the sentence the controller writes (`assessRunStatus`)
 * computed from the metric results and limits.
 */
export function getAnalysisRunStatus(run: unknown): AnalysisRunStatus {
  const status = field(run, 'status');
  const phase = readPhase(field(status, 'phase'), 'Pending');
  const message = asString(field(status, 'message'));
  return {
    name: asString(field(run, 'metadata', 'name')) ?? '',
    phase,
    message,
    metrics: asArray(field(status, 'metricResults')).flatMap(result =>
      readMetric(run, result),
    ),
    revision: readRevision(readObjectMeta(run)).revision,
    failureReason: ENDED_BADLY.has(phase)
      ? message ?? computeRunFailureMessage(run)
      : null,
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

function readMetric(run: unknown, result: unknown): AnalysisMetricResult[] {
  const name = asString(field(result, 'name'));
  if (!name) {
    return [];
  }
  const measurements = asArray(field(result, 'measurements'));
  const last =
    measurements.length > 0 ? measurements[measurements.length - 1] : undefined;
  const phase = readPhase(field(result, 'phase'), 'Pending');
  const spec = findMetricSpec(run, name);
  return [
    {
      name,
      phase,
      lastValue: readValue(field(last, 'value')),
      successful: asCount(field(result, 'successful')) ?? 0,
      failed: asCount(field(result, 'failed')) ?? 0,
      inconclusive: asCount(field(result, 'inconclusive')) ?? 0,
      error: asCount(field(result, 'error')) ?? 0,
      message:
        asString(field(result, 'message')) ??
        asString(field(last, 'message')) ??
        null,
      measurements: measurements.slice(-MAX_MEASUREMENTS).map(readMeasurement),
      successCondition: asString(field(spec, 'successCondition')),
      failureCondition: asString(field(spec, 'failureCondition')),
      failureReason: ENDED_BADLY.has(phase)
        ? assessMetricFailureInconclusiveOrError(run, spec, result).reason
        : null,
    },
  ];
}

function readMeasurement(measurement: unknown): AnalysisMeasurement {
  return {
    phase: readPhase(field(measurement, 'phase'), 'Pending'),
    value: readValue(field(measurement, 'value')),
    startedAt: asString(field(measurement, 'startedAt')),
    message: readValue(field(measurement, 'message')),
  };
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
