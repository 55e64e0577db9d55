import type {
  Promotion,
  PromotionPullRequest,
  PromotionState,
  RuleVerdict,
  SourceCommit,
} from '@environment-ladder/plugin-environment-ladder-common';

/** What the ledger needs to record a new promotion; it starts as `requested`. */
export interface NewPromotion {
  entityRef: string;
  sourceEnvironment: string;
  targetEnvironment: string;
  digest: string;
  reason: string;
  /** The requester's user entity ref. */
  requestedBy: string;
  verdicts: RuleVerdict[];
  /** Retries with the same key get the promotion the first request recorded. */
  idempotencyKey?: string;
  /** Default `promotion`. */
  kind?: 'promotion' | 'rollback';
  /** An emergency rollback that skips the rung's approval. */
  emergency?: boolean;
  /** The commit CI built the digest from (CI promotions only). */
  sourceCommit?: SourceCommit;
}

/** A worker's hold on one promotion: nobody else advances it until it expires. */
export interface PromotionClaim {
  /** Unique per worker and attempt (e.g. a UUID). */
  owner: string;
  /** How long the claim lasts unless renewed. */
  durationMs: number;
}

/** Fields a transition may change along with the state. */
export interface PromotionPatch {
  error?: string | null;
  approvals?: string[];
  pullRequest?: PromotionPullRequest | null;
}

/** The promotion ledger, in the plugin's database. */
export interface PromotionStore {
  /**
   * Records a promotion. With an idempotency key already used for the same entity and
   * target, returns that promotion with `created: false`. Throws ConflictError when
   * another promotion to the same target is in flight for the entity, or when the key was
   * used for another entity or target.
   */
  create(
    input: NewPromotion,
    /** Held on the new promotion from the moment it exists (not on one found by key). */
    claim?: PromotionClaim,
  ): Promise<{ promotion: Promotion; created: boolean }>;
  /**
   * Takes the claim on an in-flight promotion when nobody holds it, its claim expired, or
   * `claim.owner` holds it already (then it is renewed). One compare-and-set UPDATE:
   * of any number of concurrent callers, on any replica, at most one gets true.
   */
  claim(id: string, claim: PromotionClaim): Promise<boolean>;
  /** Extends a claim `claim.owner` still holds; false when it was lost (expired and taken). */
  renewClaim(id: string, claim: PromotionClaim): Promise<boolean>;
  /** Gives the claim up, when `owner` holds it. */
  releaseClaim(id: string, owner: string): Promise<void>;
  /**
   * The promotion recorded under `idempotencyKey`, if any. Throws ConflictError when the
   * key was used for another entity or target.
   */
  findByIdempotencyKey(
    input: Pick<
      NewPromotion,
      'idempotencyKey' | 'entityRef' | 'targetEnvironment'
    >,
  ): Promise<Promotion | undefined>;
  get(id: string): Promise<Promotion | undefined>;
  /** The entity's promotions, newest first. */
  listForEntity(entityRef: string): Promise<Promotion[]>;
  /** Every promotion still in flight (requested, pr-open, merged, running), oldest first. */
  listInFlight(): Promise<Promotion[]>;
  /**
   * Moves a promotion to `state` and records the event. Throws NotFoundError for an
   * unknown id, ConflictError from a terminal state, for a step the ledger does not
   * allow, or when the promotion changed meanwhile.
   */
  transition(
    id: string,
    state: PromotionState,
    message: string,
    patch?: PromotionPatch,
  ): Promise<Promotion>;
  /** Adds an approver to a requested promotion and records the event; ConflictError in any other state. */
  recordApproval(id: string, approver: string): Promise<Promotion>;
  /** Records the promotion's pull request; refused (ConflictError) once it is terminal. */
  setPullRequest(
    id: string,
    pullRequest: PromotionPullRequest,
  ): Promise<Promotion>;
}
