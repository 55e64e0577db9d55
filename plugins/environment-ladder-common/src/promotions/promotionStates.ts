import type { PromotionState } from './types';

/** States in which a promotion still moves; at most one per entity and target rung. */
export const IN_FLIGHT_PROMOTION_STATES: readonly PromotionState[] = [
  'requested',
  'pr-open',
  'merged',
  'running',
];

/** States a promotion never leaves. */
export const TERMINAL_PROMOTION_STATES: readonly PromotionState[] = [
  'verified',
  'rejected',
  'failed',
  'superseded',
];

/**
 * Whether a promotion in this state still moves (and blocks another one to the same rung).
 *
 * @public
 */
export function isPromotionInFlight(state: string): boolean {
  return (IN_FLIGHT_PROMOTION_STATES as readonly string[]).includes(state);
}

/**
 * Whether a promotion in this state is finished for good.
 *
 * @public
 */
export function isPromotionTerminal(state: string): boolean {
  return (TERMINAL_PROMOTION_STATES as readonly string[]).includes(state);
}
