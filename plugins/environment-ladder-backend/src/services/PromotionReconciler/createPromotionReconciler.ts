import { NotFoundError } from '@backstage/errors';
import { nextPromotionState } from '@environment-ladder/plugin-environment-ladder-common';
import {
  createPromotionAdvancer,
  type PromotionAdvancer,
  type PromotionAdvancerOptions,
} from '../PromotionService/createPromotionAdvancer';
import type { PromotionReconciler } from './types';

/** How many ledger steps one reconciler pass may take for a promotion (e.g. merged → running → verified). */
const MAX_STEPS_PER_PASS = 3;

/**
 * Creates the reconciler: follows every promotion in flight until it runs verified or
 * fails, and resumes promotions an interrupted request, approval or replica left behind.
 * Each promotion is advanced under its claim in the ledger, so that passes on several
 * replicas never step one promotion twice, nor race a request still working on it.
 */
export function createPromotionReconciler(
  options: PromotionAdvancerOptions & { advancer?: PromotionAdvancer },
): PromotionReconciler {
  const { store, ladderService, repository, logger } = options;
  const advancer = options.advancer ?? createPromotionAdvancer(options);

  /**
   * Merges the pull request of an `auto-merge` rung once its checks pass. Checks still
   * running, or failed, leave it open for a later pass (or for a person): the promotion
   * stays pr-open and the reason is logged, not recorded.
   */
  async function autoMerge(
    pull: { url: string; number: number },
    promotionId: string,
  ) {
    const result = await repository.mergePullRequest!({
      repoUrl: pull.url.replace(/\/pull\/\d+$/, ''),
      number: pull.number,
    });
    if (result.merged) {
      return { state: 'closed' as const, merged: true };
    }
    logger.info('Did not merge an auto-merge promotion pull request yet', {
      promotionId,
      why: result.why,
      detail: result.message,
    });
    return {
      state: result.why === 'closed' ? ('closed' as const) : ('open' as const),
      merged: false,
    };
  }

  return {
    async reconcile() {
      let advanced = 0;
      let failed = 0;
      for (const promotion of await store.listInFlight()) {
        if (
          promotion.state === 'requested' &&
          advancer.needsApproval(promotion)
        ) {
          continue;
        }
        try {
          // Counts what this pass did; the callback runs once, before the next promotion.
          // eslint-disable-next-line no-loop-func
          await advancer.withClaim(promotion.id, async () => {
            // Read again under the claim: another worker may have moved it on.
            let current = (await store.get(promotion.id)) ?? promotion;
            const entity = await advancer.serviceEntity(current.entityRef);
            if (current.state === 'requested') {
              current = (await advancer.advanceToPullRequest(current, entity))
                .promotion;
              if (current.state !== 'requested') advanced++;
              return;
            }
            let pullRequest;
            if (current.pullRequest && current.state === 'pr-open') {
              try {
                pullRequest = await repository.getPullRequestState({
                  repoUrl: current.pullRequest.url.replace(/\/pull\/\d+$/, ''),
                  number: current.pullRequest.number,
                });
              } catch (error) {
                if (!(error instanceof NotFoundError)) throw error;
                // Deleted with its repository or branch: it can never merge.
                const message = `pull request #${current.pullRequest.number} no longer exists`;
                await store.transition(current.id, 'failed', message, {
                  error: message,
                });
                failed++;
                return;
              }
              // The gate lets the suite merge without a person (issue 16.1).
              if (
                pullRequest.state === 'open' &&
                advancer.gateOf(current.targetEnvironment)?.type ===
                  'auto-merge' &&
                repository.mergePullRequest
              ) {
                pullRequest = await autoMerge(current.pullRequest, current.id);
              }
            }
            const ladder = await ladderService.getLadder(entity, {
              fresh: true,
            });
            const targetRung = ladder.rungs.find(
              rung => rung.name === current.targetEnvironment,
            );
            for (let step = 0; step < MAX_STEPS_PER_PASS; step++) {
              const next = nextPromotionState(current, {
                pullRequest,
                targetRung,
                requireAnalysis: advancer.gateOf(current.targetEnvironment)
                  ?.canaryAnalysis,
              });
              if (!next) break;
              current = await store.transition(
                current.id,
                next.state,
                next.message,
                next.state === 'failed' ? { error: next.message } : {},
              );
              advanced++;
            }
          });
        } catch (error) {
          failed++;
          logger.warn('Could not reconcile a promotion', {
            promotionId: promotion.id,
            error: (error as Error).message,
          });
        }
      }
      return { advanced, failed };
    },
  };
}
