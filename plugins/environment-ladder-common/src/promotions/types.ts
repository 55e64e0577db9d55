import type { Digest } from '../types';
import type { ActiveFreeze } from './freezeWindows';

/**
 * What a team asks for: this entity's digest, from the rung below, into `targetEnvironment`.
 *
 * @public
 */
export interface PromotionRequest {
  /** The catalog entity, e.g. `component:default/shop`. */
  entityRef: string;
  /** The rung to promote into, e.g. `prod`. */
  targetEnvironment: string;
  /** The digest to promote; defaults to the one healthy digest the source rung runs. */
  digest?: string;
  /** Why, in the requester's words; it goes into the pull request. */
  reason: string;
  /** Check the rules and compute the change, but open no pull request and record nothing. */
  dryRun?: boolean;
  /** Retries with the same key return the promotion the first request recorded. */
  idempotencyKey?: string;
  /**
   * Promote although a freeze window of the target rung is in force; needs the
   * `environment-ladder.freeze.override` permission.
   */
  overrideFreeze?: boolean;
  /**
   * `rollback`: the target rung goes back to a digest it ran before (by default the
   * previous one that ran verified there), under the rollback rules. Default `promotion`.
   */
  kind?: PromotionKind;
  /**
   * For a rollback into a rung gated by `review-and-approval`: skip the approval. Needs
   * `environmentLadder.promotions.rollback.emergency: true` and the
   * `environment-ladder.rollback.emergency` permission.
   */
  emergency?: boolean;
}

/**
 * A commit of the service's own repository: the one a digest was built from.
 *
 * @public
 */
export interface SourceCommit {
  /** The full commit SHA (40 hex digits). */
  sha: string;
  /** When it was committed, ISO 8601. */
  committedAt: string;
}

/**
 * A promotion moves a digest up from the rung below; a rollback moves a rung back to a
 * digest it ran before.
 *
 * @public
 */
export type PromotionKind = 'promotion' | 'rollback';

/**
 * Where a promotion is in its life: requested → pr-open → merged → running → verified,
 * or one of the terminal ends rejected, failed and superseded.
 *
 * @public
 */
export type PromotionState =
  | 'requested'
  | 'pr-open'
  | 'merged'
  | 'running'
  | 'verified'
  | 'rejected'
  | 'failed'
  | 'superseded';

/**
 * One promotion rule and whether the request met it, in a sentence.
 *
 * @public
 */
export interface RuleVerdict {
  rule: string;
  passed: boolean;
  message: string;
}

/**
 * The GitOps pull request that carries a promotion.
 *
 * @public
 */
export interface PromotionPullRequest {
  url: string;
  number: number;
  branch: string;
}

/**
 * One step of a promotion's history.
 *
 * @public
 */
export interface PromotionEvent {
  state: PromotionState;
  /** ISO 8601. */
  at: string;
  message: string;
}

/**
 * A promotion as the ledger records it.
 *
 * @public
 */
export interface Promotion {
  id: string;
  /**
   * `promotion` or `rollback`. The ledger always fills it (rows recorded before rollbacks
   * existed read `promotion`); optional so that answers of older backends still parse.
   */
  kind?: PromotionKind;
  /** Present (true) when an emergency rollback skipped the rung's approval. */
  emergency?: boolean;
  /**
   * The commit CI built the digest from, as CI said when it brought the digest into the
   * ladder (`POST /ci/promotions`); absent for other promotions. Lead time from the
   * commit starts here.
   */
  sourceCommit?: SourceCommit;
  entityRef: string;
  /** The rung the digest comes from; for a rollback, the target rung itself. */
  sourceEnvironment: string;
  targetEnvironment: string;
  digest: Digest;
  reason: string;
  /** The user entity ref of the requester, e.g. `user:default/jane`. */
  requestedBy: string;
  state: PromotionState;
  /** The rules as they were checked when the promotion was requested. */
  verdicts: RuleVerdict[];
  pullRequest: PromotionPullRequest | null;
  /** User entity refs of those who approved it (for rungs gated by approval). */
  approvals: string[];
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  updatedAt: string;
  /** Every state the promotion went through, oldest first. */
  history: PromotionEvent[];
  /** Why it failed or was rejected; null otherwise. */
  error: string | null;
}

/**
 * What a dry run shows: the exact change and pull request; nothing was opened or recorded.
 *
 * @public
 */
export interface PromotionDryRun {
  repository: string;
  filePath: string;
  diff: string;
  pullRequest: { branch: string; title: string; body: string };
}

/**
 * What `POST /promotions` answers: the backend returns it, the frontend and the scaffolder action read it.
 *
 * @public
 */
export interface PromotionResponse {
  promotion: Promotion;
  /** False when an earlier request with the same idempotency key recorded the promotion. */
  created: boolean;
  /** Present for dry runs. */
  dryRun?: PromotionDryRun;
  /** Something the requester should know that did not fail the request. */
  warnings?: string[];
}

/** A promotion still moving (requested, pr-open, merged, running), as its target rung shows it. @public */
export interface InFlightPromotion {
  sourceEnvironment: string;
  targetEnvironment: string;
  digest: Digest;
  state: PromotionState;
  pullRequest: PromotionPullRequest | null;
  /** The user entity ref of the requester. */
  requestedBy: string;
  /** ISO 8601. */
  createdAt: string;
}

/** Whether the viewer may promote into one rung now and, when not, why (decided by the backend). @public */
export interface LadderPromotionTarget {
  /** The rung promoted into. */
  targetEnvironment: string;
  /** The rung the digest comes from: the next observed, non-preview rung below. */
  sourceEnvironment: string;
  /** The digest a promotion would move (the one the source runs); null when there is none to default to. */
  digest: Digest | null;
  allowed: boolean;
  /** The refused rule (`permission` for the permission policy); null when allowed. */
  rule: string | null;
  /** The refusal in words: the rule's reason and what to do; null when allowed. */
  reason: string | null;
  /** The freeze in force on the rung now (it refuses unless overridden); null when none. */
  freeze: ActiveFreeze | null;
  /**
   * `freeze` when the only refusal is the freeze (`target-is-not-frozen`) and the viewer
   * holds `environment-ladder.freeze.override`: a request with `overrideFreeze: true`
   * passes. Absent otherwise (and from older backends).
   */
  overridable?: LadderOverridableRefusal;
}

/**
 * A refusal the viewer may override in the request: `freeze` (with `overrideFreeze: true`).
 *
 * @public
 */
export type LadderOverridableRefusal = 'freeze';

/** The promotions part of a ladder response: every target with its verdict, and what is in flight. @public */
export interface LadderPromotions {
  targets: LadderPromotionTarget[];
  inFlight: InFlightPromotion[];
  /** The rungs that have a previous digest to roll back to (absent from older backends). */
  rollbackTargets?: LadderRollbackTarget[];
}

/** Where a rollback of one rung would go, and whether the viewer may ask for it now (decided by the backend). @public */
export interface LadderRollbackTarget {
  /** The rung rolled back. */
  targetEnvironment: string;
  /** The digest a rollback would move to: the previous one that ran verified there. */
  digest: Digest;
  /** `ledger` or `replicaSets`: where the backend found that the digest ran there. */
  evidence: 'ledger' | 'replicaSets';
  /** Whether the viewer may ask for the rollback now. */
  allowed: boolean;
  /** The refused rule (`permission` for the permission policy); null when allowed. */
  rule: string | null;
  /** The refusal in words; null when allowed. */
  reason: string | null;
  /** The freeze in force on the rung now (it refuses unless overridden); absent when none. */
  freeze?: ActiveFreeze;
  /** As for a promotion target: `freeze` when the viewer may override the freeze, the only refusal. */
  overridable?: LadderOverridableRefusal;
  /**
   * True when the rung's gate needs an approval and the viewer may skip it with
   * `emergency: true`: the platform allows emergency rollbacks
   * (`environmentLadder.promotions.rollback.emergency`) and the viewer holds
   * `environment-ladder.rollback.emergency`. Absent otherwise.
   */
  emergencyAvailable?: boolean;
}
