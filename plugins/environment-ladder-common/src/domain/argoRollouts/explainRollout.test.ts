import type { AnalysisRunStatus } from '../../types';
import { explainRollout } from './explainRollout';

const replicas = { desired: 4, current: 5, updated: 1, ready: 4, available: 4 };
const base = {
  rollout: {
    spec: {
      strategy: {
        canary: {
          steps: [
            { setWeight: 25 },
            { pause: { duration: '10m' } },
            { pause: {} },
          ],
        },
      },
    },
    status: { currentStepIndex: 1 },
  },
  phase: 'Paused' as const,
  message: 'CanaryPauseStep',
  unknownRecordedPhase: null,
  step: '1/3',
  replicas,
  analysisRuns: [] as AnalysisRunStatus[],
};

// The ladder's own words: tested apart from the CLI's.
describe('explainRollout', () => {
  it('tells a timed pause from one that waits for a promotion', () => {
    expect(explainRollout(base)).toBe(
      'Paused at step 1/3 by a timed pause (10m); it goes on by itself.',
    );
    expect(
      explainRollout({
        ...base,
        rollout: { ...base.rollout, status: { currentStepIndex: 2 } },
        step: '2/3',
      }),
    ).toBe('Paused at step 2/3 until someone promotes it.');
  });

  it('explains a blue-green pause and a scaling ReplicaSet', () => {
    expect(explainRollout({ ...base, message: 'BlueGreenPause' })).toMatch(
      /preview.*promoted/,
    );
    expect(
      explainRollout({
        ...base,
        phase: 'Progressing',
        message: 'more replicas need to be updated',
      }),
    ).toBe('1 of 4 replicas run the new version so far.');
  });

  it('names the failed analysis and its reason when the rollout is Degraded', () => {
    const failed: AnalysisRunStatus = {
      name: 'shop-abc-3',
      phase: 'Failed',
      message: null,
      metrics: [],
      failureReason:
        'Metric "error-rate" assessed Failed due to failed (3) > failureLimit (2)',
    };
    expect(
      explainRollout({
        ...base,
        phase: 'Degraded',
        message: 'RolloutAborted: Rollout aborted update to revision 3',
        analysisRuns: [failed],
      }),
    ).toBe(
      'Analysis shop-abc-3 ended Failed: Metric "error-rate" assessed Failed due to failed (3) > failureLimit (2).',
    );
  });

  it('is null when there is nothing to add', () => {
    expect(
      explainRollout({ ...base, phase: 'Healthy', message: '' }),
    ).toBeNull();
  });
});
