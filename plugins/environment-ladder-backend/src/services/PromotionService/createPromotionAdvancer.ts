import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  findDigestSignature,
  imageRepository,
  pullRequestText,
  rungPins,
  updateImageDigest,
  type ImageDigestEdit,
  type Ladder,
  CI_SOURCE,
  type LadderRung,
  type Promotion,
} from '@environment-ladder/plugin-environment-ladder-common';
import { randomUUID } from 'node:crypto';
import type { LadderConfig } from '../../config';
import type { GitOpsConfig } from '../../config/gitOps';
import type {
  GitOpsRepository,
  PreparedChange,
  PromotionPullRequestResult,
} from '../GitOpsRepository/types';
import type { LadderService } from '../LadderService/types';
import type { PromotionStore } from '../PromotionStore/types';
import { resolvePromotionTarget } from './resolvePromotionTarget';

/** What the promotion service and the reconciler share: planning, claims, opening pull requests. */
export type PromotionAdvancer = ReturnType<typeof createPromotionAdvancer>;

/** The options both the promotion service and the reconciler are made from. */
export interface PromotionAdvancerOptions {
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
}

/**
 * The steps that move a promotion forward, for every worker that does it (a request, an
 * approval, a reconciler pass, on any replica). Only the worker holding a promotion's
 * claim in the ledger advances it; the claim is renewed while it works, so a slow GitHub
 * never lets a second worker race it for the same branch, and it expires when the worker
 * dies, so another replica resumes the promotion.
 */
export function createPromotionAdvancer(options: PromotionAdvancerOptions) {
  const { config, ladderService, store, repository, catalog, auth, logger } =
    options;
  const claimDurationMs = config.promotionClaimMs;
  const gateOf = (environment: string) =>
    config.rungs.find(rung => rung.name === environment)?.gate;

  function needsApproval(promotion: Promotion) {
    if (gateOf(promotion.targetEnvironment)?.type !== 'review-and-approval') {
      return false;
    }
    // An emergency rollback skipped the approval; the ledger records that it did.
    if (promotion.kind === 'rollback' && promotion.emergency) return false;
    return !promotion.approvals.some(
      approver => approver !== promotion.requestedBy,
    );
  }

  /**
   * The rung whose workloads name the image to update: the source; for a build from CI,
   * which runs nowhere yet, the target itself (it runs an earlier build of the image).
   */
  function imageRung(
    ladder: Ladder,
    promotion: Pick<Promotion, 'sourceEnvironment' | 'targetEnvironment'>,
  ) {
    const name =
      promotion.sourceEnvironment === CI_SOURCE
        ? promotion.targetEnvironment
        : promotion.sourceEnvironment;
    return ladder.rungs.find(rung => rung.name === name);
  }

  /** The one file a promotion of `entity` to `targetEnvironment` may change; refusals name their rule. */
  function resolveTarget(entity: Entity, targetEnvironment: string) {
    return resolvePromotionTarget({
      base: options.gitOps,
      entity,
      targetEnvironment,
      checkRepository: url => repository.checkRepository?.(url),
    });
  }

  /** The file to change and the edit, from the entity, the platform's rules and the live ladder. */
  function planChange(input: {
    entity: Entity;
    sourceRung: LadderRung | undefined;
    targetEnvironment: string;
    digest: string;
  }) {
    const { entity, sourceRung, targetEnvironment, digest } = input;
    const { gitOps, filePath } = resolveTarget(entity, targetEnvironment);
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
    return {
      gitOps,
      filePath,
      edit: (fileText: string) => updateImageDigest(fileText, edit),
    };
  }

  /**
   * Reads the file and makes the change without writing, so that a change that cannot be
   * made (a missing YAML path, a symlink, rejected credentials) is refused before the
   * promotion is recorded. The read is handed on to the pull request, not repeated.
   */
  async function prepareChange(
    plan: ReturnType<typeof planChange>,
  ): Promise<PreparedChange> {
    return repository.prepareChange({
      repoUrl: plan.gitOps.repository,
      baseBranch: plan.gitOps.baseBranch,
      filePath: plan.filePath,
      edit: plan.edit,
    });
  }

  async function openPullRequest(
    promotion: Promotion,
    entity: Entity,
    dryRun: boolean,
    /** The ladder the rules were checked on; read anew when absent (reconciler, approval). */
    checkedLadder?: Ladder,
    prepared?: PreparedChange,
  ) {
    const ladder =
      checkedLadder ?? (await ladderService.getLadder(entity, { fresh: true }));
    const sourceRung = ladder.rungs.find(
      rung => rung.name === promotion.sourceEnvironment,
    );
    const plan = planChange({
      entity,
      sourceRung: imageRung(ladder, promotion),
      targetEnvironment: promotion.targetEnvironment,
      digest: promotion.digest,
    });
    const rollback = promotion.kind === 'rollback';
    const text = pullRequestText({
      ...(rollback
        ? {
            kind: 'rollback' as const,
            // What the pin moves away from: after an aborted canary, its digest, not
            // the stable one the pods still run (and the rollback goes back to).
            replacing: sourceRung ? rungPins(sourceRung).digests : [],
          }
        : {}),
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
      repoUrl: plan.gitOps.repository,
      baseBranch: plan.gitOps.baseBranch,
      filePath: plan.filePath,
      edit: plan.edit,
      branch: text.branch,
      title: text.title,
      body: text.body,
      labels: plan.gitOps.labels,
      reviewers: plan.gitOps.reviewers,
      dryRun,
      prepared,
    });
    return { result, text, gitOps: plan.gitOps, filePath: plan.filePath };
  }

  /**
   * Opens the pull request of a recorded promotion and moves it to pr-open, or to failed
   * when GitHub refuses. The caller holds the promotion's claim.
   */
  async function advanceToPullRequest(
    promotion: Promotion,
    entity: Entity,
    checkedLadder?: Ladder,
    prepared?: PreparedChange,
  ) {
    let result: PromotionPullRequestResult;
    try {
      ({ result } = await openPullRequest(
        promotion,
        entity,
        false,
        checkedLadder,
        prepared,
      ));
    } catch (error) {
      if (error instanceof ServiceUnavailableError) {
        // GitHub is down, rate-limited, or refuses the credentials: the reconciler tries again.
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
      const current = await store.get(promotion.id);
      if (current?.pullRequest) {
        return { promotion: current, warnings: [] };
      }
      if (current?.state === 'requested') {
        await store.transition(
          promotion.id,
          'failed',
          (error as Error).message,
          { error: (error as Error).message },
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
      // The promotion moved on meanwhile (e.g. a claim that expired under a stalled
      // worker): it is where we wanted it when it names the same pull request.
      if (error instanceof ConflictError) {
        const current = await store.get(promotion.id);
        if (current?.pullRequest?.number === pullRequest.number) {
          return { promotion: current, warnings: result.warnings };
        }
      }
      throw error;
    }
  }

  /** A new claim for one worker's attempt. */
  function newClaim() {
    return { owner: randomUUID(), durationMs: claimDurationMs };
  }

  /**
   * Runs `work` while holding the claim `claim` (already taken, e.g. by `store.create`),
   * renewing it at a third of its duration and giving it up afterwards.
   */
  async function whileClaimed<T>(
    promotionId: string,
    claim: { owner: string; durationMs: number },
    work: () => Promise<T>,
  ): Promise<T> {
    const renewal = setInterval(() => {
      store.renewClaim(promotionId, claim).then(
        held => {
          if (!held) {
            logger.warn('Lost the claim on a promotion while advancing it', {
              promotionId,
            });
          }
        },
        error =>
          logger.warn('Could not renew the claim on a promotion', {
            promotionId,
            error: (error as Error).message,
          }),
      );
    }, Math.max(10, Math.floor(claim.durationMs / 3)));
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      await store.releaseClaim(promotionId, claim.owner).catch(() => undefined);
    }
  }

  /** Takes the promotion's claim and runs `work`; undefined when another worker holds it. */
  async function withClaim<T>(
    promotionId: string,
    work: () => Promise<T>,
  ): Promise<T | undefined> {
    const claim = newClaim();
    if (!(await store.claim(promotionId, claim))) return undefined;
    return whileClaimed(promotionId, claim, work);
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
    gateOf,
    imageRung,
    needsApproval,
    resolveTarget,
    planChange,
    prepareChange,
    openPullRequest,
    advanceToPullRequest,
    newClaim,
    whileClaimed,
    withClaim,
    serviceEntity,
  };
}
