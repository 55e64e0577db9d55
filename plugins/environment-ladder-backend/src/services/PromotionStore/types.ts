import type {
  Promotion,
  PromotionPullRequest,
  PromotionState,
  RuleVerdict,
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
  ): Promise<{ promotion: Promotion; created: boolean }>;
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
