import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  checkPromotionRules,
  checkRollbackRules,
  isPromotionInFlight,
  type Promotion,
  type PromotionResponse,
} from '@environment-ladder/plugin-environment-ladder-common';
import {
  createPromotionAdvancer,
  type PromotionAdvancer,
  type PromotionAdvancerOptions,
} from './createPromotionAdvancer';
import type { PromotionService } from './types';

/**
 * Creates the promotion service: the rules, the GitOps pull request and the ledger in one
 * place. What happens after the pull request is the reconciler's (createPromotionReconciler).
 */
export function createPromotionService(
  options: PromotionAdvancerOptions & { advancer?: PromotionAdvancer },
): PromotionService {
  const { config, ladderService, store } = options;
  const advancer = options.advancer ?? createPromotionAdvancer(options);
  const rungsForRules = config.rungs.map(rung => ({
    name: rung.name,
    gate: rung.gate,
    preview: rung.kind === 'preview',
    freezes: rung.freezes,
  }));
  const now = options.now ?? (() => new Date());

  return {
    async request({ request, entity, requestedBy, fromCi, sourceCommit }) {
      const entityRef = stringifyEntityRef(entity);
      // Which file the promotion would change depends on the entity and the rung only:
      // a redirect is refused first, whatever the clusters say.
      if (config.rungs.some(rung => rung.name === request.targetEnvironment)) {
        advancer.resolveTarget(entity, request.targetEnvironment);
      }
      // The rules look at the live ladder, never at a cache.
      const [ladder, promotions] = await Promise.all([
        ladderService.getLadder(entity, { fresh: true }),
        store.listForEntity(entityRef),
      ]);
      const rollback = request.kind === 'rollback';
      // A rollback has its own rules: back to a digest the rung ran, not up from below.
      const rules = rollback
        ? checkRollbackRules({
            ladder,
            request,
            rungs: rungsForRules,
            promotions,
            emergencyAllowed: config.rollbackEmergencyAllowed,
            now: now(),
          })
        : {
            ...checkPromotionRules({
              ladder,
              request: fromCi ? { ...request, fromCi } : request,
              rungs: rungsForRules,
              inFlight: promotions.filter(p => isPromotionInFlight(p.state)),
              now: now(),
            }),
            skipsApproval: false,
          };
      const refusal = rules.refusal;
      const refused = () => {
        const message = `Rule ${refusal!.rule}: ${refusal!.message}`;
        return refusal!.kind === 'input'
          ? new InputError(message)
          : new ConflictError(message);
      };
      // A retry meets its own first attempt in flight. When that is the only broken
      // rule, the ledger decides by the idempotency key: the recorded promotion, or
      // (another request holds the rung) the refusal.
      const maybeRetry =
        refusal?.rule === 'no-promotion-in-flight' &&
        request.idempotencyKey !== undefined &&
        !request.dryRun &&
        rules.verdicts.every(
          verdict => verdict.passed || verdict.rule === refusal.rule,
        );
      if (refusal && !maybeRetry) {
        throw refused();
      }
      const draft = {
        entityRef,
        sourceEnvironment: rules.sourceEnvironment!,
        targetEnvironment: request.targetEnvironment,
        digest: rules.digest!,
        reason: request.reason,
        requestedBy,
        verdicts: rules.verdicts,
        kind: rollback ? ('rollback' as const) : ('promotion' as const),
        ...(rules.skipsApproval ? { emergency: true } : {}),
        ...(sourceCommit ? { sourceCommit } : {}),
      };

      if (request.dryRun) {
        const at = now().toISOString();
        const promotion: Promotion = {
          ...draft,
          id: 'dry-run',
          state: 'requested',
          pullRequest: null,
          approvals: [],
          createdAt: at,
          updatedAt: at,
          history: [],
          error: null,
        } as Promotion;
        const { result, text, gitOps, filePath } =
          await advancer.openPullRequest(promotion, entity, true, ladder);
        const response: PromotionResponse = {
          promotion,
          created: false,
          dryRun: {
            repository: gitOps.repository,
            filePath,
            diff: result.diff,
            pullRequest: {
              branch: text.branch,
              title: text.title,
              body: text.body,
            },
          },
        };
        return response;
      }

      // A retry is answered from the ledger, without reading GitHub again.
      const recordedBefore = await store.findByIdempotencyKey({
        idempotencyKey: request.idempotencyKey,
        entityRef,
        targetEnvironment: request.targetEnvironment,
      });
      if (recordedBefore) {
        return { promotion: recordedBefore, created: false };
      }

      // Plan, and read and change the file, before recording: a change that cannot be
      // made (another service's file, a missing YAML path, rejected credentials) is
      // refused with nothing in the ledger. A retry of a recorded request skips the
      // read: the ledger answers it.
      const plan = advancer.planChange({
        entity,
        sourceRung: advancer.imageRung(ladder, draft),
        targetEnvironment: draft.targetEnvironment,
        digest: draft.digest,
      });
      const prepared = maybeRetry
        ? undefined
        : await advancer.prepareChange(plan);
      // The request works on its own promotion under a claim taken as it is recorded;
      // one waiting for an approval is nobody's until then.
      const waitsForApproval =
        advancer.gateOf(draft.targetEnvironment)?.type ===
          'review-and-approval' && !rules.skipsApproval;
      const claim = waitsForApproval ? undefined : advancer.newClaim();
      let recorded;
      try {
        recorded = await store.create(
          { ...draft, idempotencyKey: request.idempotencyKey },
          claim,
        );
      } catch (error) {
        if (maybeRetry && error instanceof ConflictError) throw refused();
        throw error;
      }
      const { promotion, created } = recorded;
      if (
        !created ||
        !claim ||
        promotion.state !== 'requested' ||
        advancer.needsApproval(promotion)
      ) {
        return { promotion, created };
      }
      // The evidence in the pull request is the ladder the rules just passed on.
      const advanced = await advancer.whileClaimed(promotion.id, claim, () =>
        advancer.advanceToPullRequest(promotion, entity, ladder, prepared),
      );
      return {
        promotion: advanced.promotion,
        created,
        ...(advanced.warnings.length ? { warnings: advanced.warnings } : {}),
      };
    },

    async approve({ id, approver }) {
      const promotion = await store.get(id);
      if (!promotion) {
        throw new NotFoundError(`No promotion ${id}`);
      }
      if (promotion.state !== 'requested') {
        throw new ConflictError(
          `Rule approval-while-requested: promotion ${id} is ${promotion.state}; only a requested promotion can be approved`,
        );
      }
      if (approver === promotion.requestedBy) {
        throw new ConflictError(
          `Rule approver-is-not-requester: ${approver} requested this promotion and cannot also approve it`,
        );
      }
      if (
        advancer.gateOf(promotion.targetEnvironment)?.type !==
        'review-and-approval'
      ) {
        throw new ConflictError(
          `Rule approval-is-required: ${promotion.targetEnvironment} does not ask for an approval`,
        );
      }
      const approved = await store.recordApproval(id, approver);
      const entity = await advancer.serviceEntity(approved.entityRef);
      // Another worker holding the claim opens the pull request instead.
      const advanced = await advancer.withClaim(id, () =>
        advancer.advanceToPullRequest(approved, entity),
      );
      return advanced?.promotion ?? (await store.get(id)) ?? approved;
    },

    get: id => store.get(id),

    listForEntity: entityRef => store.listForEntity(entityRef),
  };
}
