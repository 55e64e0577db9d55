import type {
  AnalysisRunStatus,
  ReplicaCounts,
  RolloutPhase,
} from '../../types';
import { asCount } from '../internal/asCount';
import { asString } from '../internal/asString';
import { field } from '../internal/field';
import { getCurrentCanaryStep } from './canaryWeights';

/** What the ladder's own explanation of a rollout reads. */
export interface ExplanationInput {
  rollout: unknown;
  phase: RolloutPhase;
  message: string;
  unknownRecordedPhase: string | null;
  step: string | null;
  replicas: ReplicaCounts;
  analysisRuns: readonly AnalysisRunStatus[];
}

/**
 * The ladder's explanation of a rollout's phase and message: ours, not the CLI's, so
 * it is shown apart from them. Says what a terse controller message means for the
 * user and, when the rollout is aborted or Degraded, which analysis failed and why.
 * Null when there is nothing to add.
 */
export function explainRollout(input: ExplanationInput): string | null {
  const parts: string[] = [];
  if (input.unknownRecordedPhase !== null) {
    parts.push(
      `The controller recorded phase "${input.unknownRecordedPhase}", which Argo Rollouts does not define; the phase shown is computed from the status.`,
    );
  }
  const status = field(input.rollout, 'status');
  if (status === undefined || status === null) {
    parts.push(
      'The controller has not reconciled this rollout yet (it has no status).',
    );
  }
  const sentence = explainMessage(input);
  if (sentence) parts.push(sentence);
  const workload = workloadNotObserved(input.rollout);
  if (workload) parts.push(workload);
  if (
    input.phase === 'Degraded' ||
    field(input.rollout, 'status', 'abort') === true
  ) {
    const failed = input.analysisRuns.find(run => run.failureReason);
    if (failed) {
      parts.push(
        `Analysis ${failed.name} ended ${failed.phase}: ${failed.failureReason}.`,
      );
    }
  }
  return parts.length > 0 ? parts.join(' ') : null;
}

function explainMessage(input: ExplanationInput): string | null {
  const { rollout, message, replicas } = input;
  const spec = field(rollout, 'spec');
  const status = field(rollout, 'status');
  switch (message) {
    case 'CanaryPauseStep': {
      const current = getCurrentCanaryStep(spec, status);
      const duration = field(current?.step, 'pause', 'duration');
      const at = input.step ? ` at step ${input.step}` : '';
      return duration !== undefined && duration !== null && duration !== ''
        ? `Paused${at} by a timed pause (${String(
            duration,
          )}); it goes on by itself.`
        : `Paused${at} until someone promotes it.`;
    }
    case 'BlueGreenPause':
      return 'The new version runs as the preview; the active service switches to it when the rollout is promoted.';
    case 'InconclusiveAnalysis':
    case 'InconclusiveExperiment':
      return 'Paused because an analysis was inconclusive: promote to go on, or abort to return to the stable version.';
    case 'manually paused':
      return 'Paused by spec.paused.';
    case 'more replicas need to be updated':
      return `${replicas.updated} of ${replicas.desired} replicas run the new version so far.`;
    case 'updated replicas are still becoming available':
      return `${replicas.available} of ${replicas.updated} updated replicas are available so far.`;
    case 'waiting for rollout spec update to be observed': {
      const generation = asCount(field(rollout, 'metadata', 'generation'));
      const observed = asString(field(status, 'observedGeneration'));
      return `The controller has not yet acted on generation ${
        generation ?? '?'
      } of the spec (it last observed ${observed ?? 'none'}).`;
    }
    default:
      return message.startsWith('InvalidSpec:')
        ? 'The controller does nothing with this rollout until its spec is fixed.'
        : null;
  }
}

// The CLI never checks the referenced workload's generation (see getRolloutPhase);
// Argo CD does. Say it here, apart from the CLI's words.
function workloadNotObserved(rollout: unknown): string | null {
  if (field(rollout, 'spec', 'workloadRef') === undefined) {
    return null;
  }
  const wanted = asCount(
    field(
      rollout,
      'metadata',
      'annotations',
      'rollout.argoproj.io/workload-generation',
    ),
  );
  const seen = asCount(field(rollout, 'status', 'workloadObservedGeneration'));
  if (wanted === null || seen === null || wanted === seen) {
    return null;
  }
  return `The controller has not yet acted on generation ${wanted} of the referenced workload (it last observed ${seen}).`;
}
