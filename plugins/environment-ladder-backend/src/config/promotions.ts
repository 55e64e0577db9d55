import type { Config } from '@backstage/config';
import { readingKey } from './configError';
import { readPositiveDuration } from './readers';

/** How promotions are followed, from `environmentLadder.promotions`. */
export interface PromotionsConfig {
  /**
   * How long a worker's claim on a promotion lasts unless renewed (it is renewed while
   * the worker works): after a crash, another replica resumes the promotion this long after.
   */
  promotionClaimMs: number;
  /** How often the reconciler passes over the promotions in flight. */
  reconcileEveryMs: number;
  /**
   * How long one pass may take; also how long a pass of a replica that died holds the
   * scheduler's lock (one replica at a time runs it) before another replica may run it.
   */
  reconcileTimeoutMs: number;
  /** Whether requesters and owners are notified of each promotion's state (`promotions.notifications`). */
  notificationsEnabled: boolean;
  /**
   * Whether a rollback may skip the approval of a rung gated by `review-and-approval`
   * (`promotions.rollback.emergency`, default false); the requester also needs the
   * `environment-ladder.rollback.emergency` permission.
   */
  rollbackEmergencyAllowed: boolean;
}

/** Long enough to ride out a stalled renewal; short enough to resume a crashed replica's work soon. */
const DEFAULT_CLAIM_MS = 30_000;
const DEFAULT_RECONCILE_EVERY_MS = 30_000;
const DEFAULT_RECONCILE_TIMEOUT_MS = 5 * 60_000;

/** Reads `environmentLadder.promotions`; every key is optional. */
export function readPromotionsConfig(
  ladder: Config,
  root: string,
): PromotionsConfig {
  return {
    promotionClaimMs: readPositiveDuration(
      ladder,
      'promotions.claimDuration',
      `${root}.promotions.claimDuration`,
      DEFAULT_CLAIM_MS,
    ),
    reconcileEveryMs: readPositiveDuration(
      ladder,
      'promotions.reconcileEvery',
      `${root}.promotions.reconcileEvery`,
      DEFAULT_RECONCILE_EVERY_MS,
    ),
    reconcileTimeoutMs: readPositiveDuration(
      ladder,
      'promotions.reconcileTimeout',
      `${root}.promotions.reconcileTimeout`,
      DEFAULT_RECONCILE_TIMEOUT_MS,
    ),
    // On by default: whoever asked for a promotion and the service's owners
    // want to know where it stands without watching the tab.
    notificationsEnabled: readingKey(
      `${root}.promotions.notifications`,
      () => ladder.getOptionalBoolean('promotions.notifications') ?? true,
    ),
    // Off by default: skipping an approval is the platform's decision, not a team's.
    rollbackEmergencyAllowed: readingKey(
      `${root}.promotions.rollback.emergency`,
      () => ladder.getOptionalBoolean('promotions.rollback.emergency') ?? false,
    ),
  };
}
