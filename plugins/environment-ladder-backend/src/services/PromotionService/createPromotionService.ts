import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  checkPromotionRules,
  findDigestSignature,
  isPromotionInFlight,
  nextPromotionState,
  pullRequestText,
  renderPathTemplate,
  updateImageDigest,
  type ImageDigestEdit,
  type Ladder,
  type LadderRung,
  type Promotion,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { LadderConfig } from '../../config';
import { resolveEntityGitOps, type GitOpsConfig } from '../../gitOpsConfig';
import type {
  GitOpsRepository,
  PromotionPullRequestResult,
} from '../GitOpsRepository/types';
import type { LadderService } from '../LadderService/types';
import type { PromotionStore } from '../PromotionStore/types';
import { imageRepository } from './imageRepository';
import type { PromotionResponse, PromotionService } from './types';

/** How many ledger steps one reconciler pass may take for a promotion (e.g. merged → running → verified). */
const MAX_STEPS_PER_PASS = 3;

/** Creates the promotion service: the rules, the GitOps pull request and the ledger in one place. */
export function createPromotionService(options: {
  config: LadderConfig;
  gitOps: GitOpsConfig | undefined;
  ladderService: LadderService;
  store: PromotionStore;
  repository: GitOpsRepository;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** Builds the link back to the entity's Environments tab, for pull request bodies. */
  entityUrl?: (entity: Entity) => string | undefined;
  now?: () => Date;
}): PromotionService {
  const { config, ladderService, store, repository, catalog, auth, logger } =
    options;
  const rungsForRules = config.rungs.map(rung => ({
    name: rung.name,
    gate: rung.gate,
    preview: rung.kind === 'preview',
  }));
  const now = options.now ?? (() => new Date());
  // Left to its request until then: a reconciler that raced the request for
  // the same branch could see the request's cleanup close its pull request.
  const resumeAfterMs = options.config.promotionResumeAfterMs;
  const gateOf = (environment: string) =>
    config.rungs.find(rung => rung.name === environment)?.gate;

  function needsApproval(promotion: Promotion) {
    if (gateOf(promotion.targetEnvironment)?.type !== 'review-and-approval') {
      return false;
    }
    return !promotion.approvals.some(
      approver => approver !== promotion.requestedBy,
    );
  }

  /** Everything needed to write the pull request, derived from the entity and the live ladder. */
  function planChange(input: {
    entity: Entity;
    sourceRung: LadderRung | undefined;
    targetEnvironment: string;
    digest: string;
  }) {
    const { entity, sourceRung, targetEnvironment, digest } = input;
    const gitOps = resolveEntityGitOps(
      options.gitOps,
      entity.metadata.annotations ?? {},
      { checkRepository: url => repository.checkRepository?.(url) },
    );
    let filePath: string;
    try {
      filePath = renderPathTemplate(gitOps.pathTemplate, {
        name: entity.metadata.name,
        environment: targetEnvironment,
        namespace: entity.metadata.namespace ?? 'default',
      });
    } catch (error) {
      throw new InputError((error as Error).message);
    }
    const specImage = sourceRung?.workloads.flatMap(w => w.specImages)[0];
    let edit: ImageDigestEdit;
    if (gitOps.format === 'yamlPath') {
      edit = { format: 'yamlPath', path: gitOps.yamlPath!, digest };
    } else {
      if (!specImage) {
        throw new ConflictError(
          `Rule source-runs-digest-healthy: cannot tell which image to update, the source rung runs no workload`,
        );
      }
      edit = { format: 'kustomize', image: imageRepository(specImage), digest };
    }
    return { gitOps, filePath, edit };
  }

  async function openPullRequest(
    promotion: Promotion,
    entity: Entity,
    dryRun: boolean,
    /** The ladder the rules were checked on; read anew when absent (reconciler, approval). */
    checkedLadder?: Ladder,
  ) {
    const ladder =
      checkedLadder ?? (await ladderService.getLadder(entity, { fresh: true }));
    const sourceRung = ladder.rungs.find(
      rung => rung.name === promotion.sourceEnvironment,
    );
    const { gitOps, filePath, edit } = planChange({
      entity,
      sourceRung,
      targetEnvironment: promotion.targetEnvironment,
      digest: promotion.digest,
    });
    const text = pullRequestText({
      entityRef: promotion.entityRef,
      entityUrl: options.entityUrl?.(entity),
      sourceEnvironment: promotion.sourceEnvironment,
      targetEnvironment: promotion.targetEnvironment,
      digest: promotion.digest,
      since: sourceRung?.since ?? null,
      rolloutState:
        sourceRung?.rollouts.map(r => `${r.name}: ${r.phase}`).join(', ') ||
        'Deployment available',
      verdicts: promotion.verdicts,
      reason: promotion.reason,
      requestedBy: promotion.requestedBy,
      signature: findDigestSignature(ladder, promotion.digest),
    });
    const result = await repository.openPromotionPullRequest({
      repoUrl: gitOps.repository,
      baseBranch: gitOps.baseBranch,
      filePath,
      edit: fileText => updateImageDigest(fileText, edit),
      branch: text.branch,
      title: text.title,
      body: text.body,
      labels: gitOps.labels,
      reviewers: gitOps.reviewers,
      dryRun,
    });
    return { result, text, gitOps, filePath };
  }

  /**
   * Opens the pull request of a recorded promotion and moves it to pr-open, or to failed
   * when GitHub refuses. A request, an approval and a reconciler pass may do this for the
   * same promotion at once (the branch is deterministic, so they share one pull request):
   * whichever records it first wins, and the others answer the promotion as it now is.
   */
  async function advanceToPullRequest(
    promotion: Promotion,
    entity: Entity,
    checkedLadder?: Ladder,
  ) {
    let result: PromotionPullRequestResult;
    try {
      ({ result } = await openPullRequest(
        promotion,
        entity,
        false,
        checkedLadder,
      ));
    } catch (error) {
      if (error instanceof ServiceUnavailableError) {
        // GitHub is down or rate-limited: the reconciler tries again.
        logger.warn('Could not open a promotion pull request yet', {
          promotionId: promotion.id,
          error: error.message,
        });
        return {
          promotion,
          warnings: [
            `The pull request could not be opened yet and will be retried: ${error.message}`,
          ],
        };
      }
      // Another worker may have recorded the pull request meanwhile; then this
      // attempt's failure changes nothing, and a promotion that moved on is never failed.
      const current = await store.get(promotion.id);
      if (current?.pullRequest) {
        return { promotion: current, warnings: [] };
      }
      if (current?.state === 'requested') {
        await store.transition(
          promotion.id,
          'failed',
          (error as Error).message,
          {
            error: (error as Error).message,
          },
        );
      }
      throw error;
    }
    const pullRequest = {
      url: result.url!,
      number: result.number!,
      branch: result.branch,
    };
    try {
      const updated = await store.transition(
        promotion.id,
        'pr-open',
        result.reused
          ? `pull request #${result.number} reused`
          : `pull request #${result.number} opened`,
        { pullRequest },
      );
      return { promotion: updated, warnings: result.warnings };
    } catch (error) {
      // Lost the race to record the same pull request: the promotion is where we wanted it.
      if (error instanceof ConflictError) {
        const current = await store.get(promotion.id);
        if (current?.pullRequest?.number === pullRequest.number) {
          return { promotion: current, warnings: result.warnings };
        }
      }
      throw error;
    }
  }

  async function serviceEntity(entityRef: string) {
    const entity = await catalog.getEntityByRef(entityRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return entity;
  }

  return {
    async request({ request, entity, requestedBy }) {
      const entityRef = stringifyEntityRef(entity);
      // The rules look at the live ladder, never at a cache.
      const [ladder, promotions] = await Promise.all([
        ladderService.getLadder(entity, { fresh: true }),
        store.listForEntity(entityRef),
      ]);
      const rules = checkPromotionRules({
        ladder,
        request,
        rungs: rungsForRules,
        inFlight: promotions.filter(p => isPromotionInFlight(p.state)),
      });
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
        const { result, text, gitOps, filePath } = await openPullRequest(
          promotion,
          entity,
          true,
          ladder,
        );
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

      // Plan before recording: a change that cannot be written is refused
      // with nothing in the ledger.
      planChange({
        entity,
        sourceRung: ladder.rungs.find(r => r.name === draft.sourceEnvironment),
        targetEnvironment: draft.targetEnvironment,
        digest: draft.digest,
      });
      let recorded;
      try {
        recorded = await store.create({
          ...draft,
          idempotencyKey: request.idempotencyKey,
        });
      } catch (error) {
        if (maybeRetry && error instanceof ConflictError) throw refused();
        throw error;
      }
      const { promotion, created } = recorded;
      if (
        !created ||
        promotion.state !== 'requested' ||
        needsApproval(promotion)
      ) {
        return { promotion, created };
      }
      // The evidence in the pull request is the ladder the rules just passed on.
      const advanced = await advanceToPullRequest(promotion, entity, ladder);
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
      if (gateOf(promotion.targetEnvironment)?.type !== 'review-and-approval') {
        throw new ConflictError(
          `Rule approval-is-required: ${promotion.targetEnvironment} does not ask for an approval`,
        );
      }
      const approved = await store.recordApproval(id, approver);
      const entity = await serviceEntity(approved.entityRef);
      return (await advanceToPullRequest(approved, entity)).promotion;
    },

    get: id => store.get(id),

    listForEntity: entityRef => store.listForEntity(entityRef),

    async reconcile() {
      let advanced = 0;
      let failed = 0;
      for (const promotion of await store.listInFlight()) {
        try {
          let current = promotion;
          if (current.state === 'requested') {
            if (needsApproval(current)) continue;
            const idleMs = now().getTime() - Date.parse(current.updatedAt);
            if (idleMs < resumeAfterMs) continue;
            const entity = await serviceEntity(current.entityRef);
            current = (await advanceToPullRequest(current, entity)).promotion;
            if (current.state !== promotion.state) advanced++;
            continue;
          }
          const entity = await serviceEntity(current.entityRef);
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
              continue;
            }
          }
          const ladder = await ladderService.getLadder(entity, { fresh: true });
          const targetRung = ladder.rungs.find(
            rung => rung.name === current.targetEnvironment,
          );
          for (let step = 0; step < MAX_STEPS_PER_PASS; step++) {
            const next = nextPromotionState(current, {
              pullRequest,
              targetRung,
              requireAnalysis: gateOf(current.targetEnvironment)
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
