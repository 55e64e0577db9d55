import type { LadderRung } from '../types';
import {
  V1,
  V2,
  analysisRun,
  deployment,
  rollout,
  rung,
} from './__fixtures__/ladder';
import {
  nextPromotionState,
  type PromotionObservation,
} from './nextPromotionState';
import type { PromotionState } from './types';

const promotion = (state: PromotionState) => ({
  state,
  digest: V2,
  targetEnvironment: 'prod',
});

const open = { state: 'open' as const, merged: false };
const merged = { state: 'closed' as const, merged: true };
const closed = { state: 'closed' as const, merged: false };

/** prod running only V2 through a Healthy canary whose analysis succeeded. */
function verifiedRolloutRung(overrides: Partial<LadderRung> = {}): LadderRung {
  return rung('prod', [V2], {
    replicas: { ready: 5, desired: 5 },
    workloads: [],
    rollouts: [
      rollout({ analysisRuns: [analysisRun('shop-7c9-3', 'Successful')] }),
    ],
    ...overrides,
  });
}

describe('nextPromotionState', () => {
  describe('terminal states never change', () => {
    const everything: PromotionObservation[] = [
      {},
      { pullRequest: open },
      { pullRequest: merged },
      { pullRequest: closed },
      { targetRung: verifiedRolloutRung() },
      {
        targetRung: rung('prod', [V2], {
          rollouts: [rollout({ aborted: true, phase: 'Degraded' })],
        }),
      },
    ];
    it.each(['verified', 'rejected', 'failed', 'superseded'] as const)(
      '%s',
      state => {
        for (const observation of everything) {
          expect(nextPromotionState(promotion(state), observation)).toBeNull();
        }
      },
    );
  });

  describe('requested', () => {
    it('moves to pr-open once the pull request exists', () => {
      for (const pullRequest of [open, merged, closed]) {
        expect(
          nextPromotionState(promotion('requested'), { pullRequest }),
        ).toEqual({
          state: 'pr-open',
          message: 'pull request opened',
        });
      }
    });
    it('stays without a pull request, whatever the target runs', () => {
      expect(nextPromotionState(promotion('requested'), {})).toBeNull();
      expect(
        nextPromotionState(promotion('requested'), {
          targetRung: verifiedRolloutRung(),
        }),
      ).toBeNull();
    });
  });

  describe('pr-open', () => {
    it('moves to merged when the pull request was merged', () => {
      expect(
        nextPromotionState(promotion('pr-open'), { pullRequest: merged }),
      ).toEqual({
        state: 'merged',
        message: 'pull request merged',
      });
    });
    it('fails when the pull request was closed without merging', () => {
      expect(
        nextPromotionState(promotion('pr-open'), { pullRequest: closed }),
      ).toEqual({
        state: 'failed',
        message: 'pull request closed without merging',
      });
    });
    it('stays while the pull request is open, or unknown', () => {
      expect(
        nextPromotionState(promotion('pr-open'), { pullRequest: open }),
      ).toBeNull();
      expect(nextPromotionState(promotion('pr-open'), {})).toBeNull();
      expect(
        nextPromotionState(promotion('pr-open'), {
          targetRung: verifiedRolloutRung(),
        }),
      ).toBeNull();
    });
  });

  describe('merged', () => {
    it('moves to running when the target runs the digest, fully or as a canary', () => {
      expect(
        nextPromotionState(promotion('merged'), {
          targetRung: rung('prod', [V2]),
        }),
      ).toEqual({
        state: 'running',
        message: 'prod runs sha256:b2b2b2b2b2b2…',
      });
      expect(
        nextPromotionState(promotion('merged'), {
          targetRung: rung('prod', [V1, V2]),
        })?.state,
      ).toBe('running');
    });
    it('stays while the target runs the old digest, cannot be read, or is not observed', () => {
      expect(
        nextPromotionState(promotion('merged'), {
          targetRung: rung('prod', [V1]),
        }),
      ).toBeNull();
      expect(
        nextPromotionState(promotion('merged'), {
          targetRung: rung('prod', [V2], {
            error: { cluster: 'prod-us', message: 'timeout' },
          }),
        }),
      ).toBeNull();
      expect(
        nextPromotionState(promotion('merged'), { pullRequest: merged }),
      ).toBeNull();
    });
    it('fails when the rollout carrying the digest aborted before it was seen running', () => {
      const aborted = rollout(
        {
          aborted: true,
          phase: 'Degraded',
          message: 'RolloutAborted: analysis failed',
        },
        V2,
      );
      expect(
        nextPromotionState(promotion('merged'), {
          targetRung: rung('prod', [V1], { rollouts: [aborted] }),
        }),
      ).toEqual({
        state: 'failed',
        message:
          'rollout shop in prod was aborted: RolloutAborted: analysis failed',
      });
      // A broken rollout of another digest is not this promotion's failure.
      const other = rollout({ phase: 'Degraded' }, V1);
      expect(
        nextPromotionState(promotion('merged'), {
          targetRung: rung('prod', [V1], { rollouts: [other] }),
        }),
      ).toBeNull();
    });
  });

  describe('running', () => {
    it('is verified when every rollout is Healthy and every AnalysisRun Successful', () => {
      expect(
        nextPromotionState(promotion('running'), {
          targetRung: verifiedRolloutRung(),
        }),
      ).toEqual({
        state: 'verified',
        message:
          'prod runs sha256:b2b2b2b2b2b2… on all 5 replicas; rollout shop Healthy; analysis shop-7c9-3 Successful',
      });
    });

    it('is verified when only an earlier revision kept a failed AnalysisRun', () => {
      // Argo Rollouts keeps the runs of earlier canaries; the payments story has one.
      const prodRollout = {
        ...deployment('prod', 5),
        kind: 'Rollout' as const,
        cluster: 'prod-cluster',
        namespace: 'shop-prod',
        name: 'shop',
        revision: 11,
      };
      const runs = [
        { ...analysisRun('shop-old-10', 'Failed'), revision: 10 },
        { ...analysisRun('shop-new-11', 'Successful'), revision: 11 },
      ];
      const target = verifiedRolloutRung({
        workloads: [prodRollout],
        rollouts: [rollout({ analysisRuns: runs })],
      });
      expect(
        nextPromotionState(promotion('running'), { targetRung: target })?.state,
      ).toBe('verified');
      // The same failed run in the current revision still holds it back.
      const current = verifiedRolloutRung({
        workloads: [prodRollout],
        rollouts: [
          rollout({
            analysisRuns: [
              { ...analysisRun('shop-new-11', 'Failed'), revision: 11 },
            ],
          }),
        ],
      });
      expect(
        nextPromotionState(promotion('running'), { targetRung: current })
          ?.state,
      ).not.toBe('verified');
    });

    it('is verified when a plain Deployment is fully available', () => {
      expect(
        nextPromotionState(promotion('running'), {
          targetRung: rung('prod', [V2]),
        }),
      ).toEqual({
        state: 'verified',
        message:
          'prod runs sha256:b2b2b2b2b2b2… on all 3 replicas; deployment shop fully available (3/3)',
      });
    });

    it('waits for a finished analysis when the gate requires one', () => {
      const noAnalysis = verifiedRolloutRung({ rollouts: [rollout()] });
      expect(
        nextPromotionState(promotion('running'), { targetRung: noAnalysis })
          ?.state,
      ).toBe('verified');
      expect(
        nextPromotionState(promotion('running'), {
          targetRung: noAnalysis,
          requireAnalysis: true,
        }),
      ).toBeNull();
      expect(
        nextPromotionState(promotion('running'), {
          targetRung: verifiedRolloutRung(),
          requireAnalysis: true,
        })?.state,
      ).toBe('verified');
    });

    describe('a rollback into a rung whose gate requires analysis', () => {
      // Revision 12 reuses the ReplicaSet of V2; revisions 10 and 11 kept their runs.
      const prodRollout = {
        ...deployment('prod', 5),
        kind: 'Rollout' as const,
        cluster: 'prod-cluster',
        namespace: 'shop-prod',
        name: 'shop',
        revision: 12,
      };
      const rollback = (state: PromotionState) => ({
        ...promotion(state),
        kind: 'rollback' as const,
      });
      const withRuns = (runs: ReturnType<typeof analysisRun>[]) =>
        verifiedRolloutRung({
          workloads: [prodRollout],
          rollouts: [rollout({ analysisRuns: runs })],
        });
      const earlierRuns = [
        { ...analysisRun('shop-v2-10', 'Successful'), revision: 10 },
        { ...analysisRun('shop-bad-11', 'Failed'), revision: 11 },
      ];

      it('is verified without a run of its revision: Argo Rollouts fast-tracks a rollback within rollbackWindow', () => {
        expect(
          nextPromotionState(rollback('running'), {
            targetRung: withRuns(earlierRuns),
            requireAnalysis: true,
          }),
        ).toEqual({
          state: 'verified',
          message:
            'prod runs sha256:b2b2b2b2b2b2… on all 5 replicas; rollout shop Healthy; no analysis of this revision: Argo Rollouts fast-tracked the rollback',
        });
        // A promotion in the same state still waits for its analysis.
        expect(
          nextPromotionState(promotion('running'), {
            targetRung: withRuns(earlierRuns),
            requireAnalysis: true,
          }),
        ).toBeNull();
      });

      it('waits for the analysis of its revision when the steps run again; a failed run holds it back', () => {
        const running = withRuns([
          ...earlierRuns,
          { ...analysisRun('shop-v2-12', 'Running'), revision: 12 },
        ]);
        expect(
          nextPromotionState(rollback('running'), {
            targetRung: running,
            requireAnalysis: true,
          }),
        ).toBeNull();
        const failedRun = withRuns([
          { ...analysisRun('shop-v2-12', 'Failed'), revision: 12 },
        ]);
        expect(
          nextPromotionState(rollback('running'), {
            targetRung: failedRun,
            requireAnalysis: true,
          }),
        ).toBeNull();
        const succeeded = withRuns([
          ...earlierRuns,
          { ...analysisRun('shop-v2-12', 'Successful'), revision: 12 },
        ]);
        expect(
          nextPromotionState(rollback('running'), {
            targetRung: succeeded,
            requireAnalysis: true,
          })?.message,
        ).toBe(
          'prod runs sha256:b2b2b2b2b2b2… on all 5 replicas; rollout shop Healthy; analysis shop-v2-12 Successful',
        );
      });

      it('is not verified before the rung runs only its digest, all replicas ready, the rollout Healthy', () => {
        for (const targetRung of [
          rung('prod', [V1, V2], {
            workloads: [prodRollout],
            rollouts: [rollout({ analysisRuns: earlierRuns })],
          }),
          verifiedRolloutRung({
            workloads: [prodRollout],
            replicas: { ready: 4, desired: 5 },
          }),
          verifiedRolloutRung({
            workloads: [prodRollout],
            rollouts: [rollout({ phase: 'Progressing' })],
          }),
        ]) {
          expect(
            nextPromotionState(rollback('running'), {
              targetRung,
              requireAnalysis: true,
            }),
          ).toBeNull();
        }
      });
    });

    it.each([
      ['the canary still runs next to the old digest', rung('prod', [V1, V2])],
      [
        'replicas are not all ready',
        verifiedRolloutRung({ replicas: { ready: 4, desired: 5 } }),
      ],
      [
        'no replicas are desired',
        verifiedRolloutRung({ replicas: { ready: 0, desired: 0 } }),
      ],
      [
        'a rollout is Progressing',
        verifiedRolloutRung({ rollouts: [rollout({ phase: 'Progressing' })] }),
      ],
      [
        'a rollout is Paused',
        verifiedRolloutRung({ rollouts: [rollout({ phase: 'Paused' })] }),
      ],
      [
        'an AnalysisRun is Running',
        verifiedRolloutRung({
          rollouts: [rollout({ analysisRuns: [analysisRun('a', 'Running')] })],
        }),
      ],
      [
        'an AnalysisRun is Inconclusive',
        verifiedRolloutRung({
          rollouts: [
            rollout({ analysisRuns: [analysisRun('a', 'Inconclusive')] }),
          ],
        }),
      ],
      [
        'a Deployment is still updating',
        rung('prod', [V2], {
          workloads: [
            deployment('prod', 3, 3, {
              replicas: {
                desired: 3,
                current: 4,
                updated: 2,
                ready: 3,
                available: 3,
              },
            }),
          ],
        }),
      ],
      [
        'a Deployment reports itself unavailable',
        rung('prod', [V2], {
          workloads: [
            deployment('prod', 3, 3, {
              deployment: {
                progressing: true,
                available: false,
                maxSurge: null,
                message: null,
              },
            }),
          ],
        }),
      ],
      ['nothing runs a workload', rung('prod', [V2], { workloads: [] })],
      [
        'the rung cannot be read',
        rung('prod', [V2], {
          error: { cluster: 'prod-us', message: 'timeout' },
        }),
      ],
    ])('stays running while %s', (_case, targetRung) => {
      expect(
        nextPromotionState(promotion('running'), { targetRung }),
      ).toBeNull();
    });

    it('stays running without an observation of the target', () => {
      expect(nextPromotionState(promotion('running'), {})).toBeNull();
      expect(
        nextPromotionState(promotion('running'), { pullRequest: merged }),
      ).toBeNull();
    });

    it('fails when a rollout aborted', () => {
      const targetRung = verifiedRolloutRung({
        rollouts: [
          rollout({
            aborted: true,
            phase: 'Degraded',
            message: 'RolloutAborted: Rollout aborted update to revision 4',
          }),
        ],
      });
      expect(nextPromotionState(promotion('running'), { targetRung })).toEqual({
        state: 'failed',
        message:
          'rollout shop in prod was aborted: RolloutAborted: Rollout aborted update to revision 4',
      });
    });

    it('fails when a rollout is Degraded', () => {
      const targetRung = verifiedRolloutRung({
        rollouts: [
          rollout({ phase: 'Degraded', message: 'ProgressDeadlineExceeded' }),
        ],
      });
      expect(nextPromotionState(promotion('running'), { targetRung })).toEqual({
        state: 'failed',
        message: 'rollout shop in prod is Degraded: ProgressDeadlineExceeded',
      });
    });

    it('fails when a Deployment stopped progressing', () => {
      const targetRung = rung('prod', [V1, V2], {
        workloads: [
          deployment('prod', 3, 2, {
            deployment: {
              progressing: false,
              available: true,
              maxSurge: '25%',
              message: 'ReplicaSet "shop-7c9" has timed out progressing.',
            },
          }),
        ],
      });
      expect(nextPromotionState(promotion('running'), { targetRung })).toEqual({
        state: 'failed',
        message:
          'deployment shop in prod stopped progressing: ReplicaSet "shop-7c9" has timed out progressing.',
      });
    });
  });
});
