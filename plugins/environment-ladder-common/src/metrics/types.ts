/*
 * Wire types of the delivery metrics (`GET /api/environment-ladder/metrics`),
 * computed from the promotion ledger alone. The definitions are in the
 * backend's README; in short:
 * - deployment frequency: promotions verified in each rung in the period;
 * - lead time: from a promotion's request to its verification in production,
 *   and from the commit the digest was built from, where CI said which;
 * - change failure rate: changes (promotions merged in the period) that
 *   failed or were rolled back, over all changes;
 * - time to restore: from a failure in a rung to the next verified promotion
 *   in that rung.
 */

import type { Promotion } from '../promotions/types';

/**
 * What the metrics read of a ledger record. `kind` is `rollback` for a
 * promotion that rolled a rung back; anything else is an ordinary promotion.
 *
 * @public
 */
export type MetricsPromotion = Pick<
  Promotion,
  | 'entityRef'
  | 'targetEnvironment'
  | 'state'
  | 'createdAt'
  | 'history'
  | 'digest'
  | 'sourceCommit'
> & { kind?: string };

/**
 * The period metrics cover: `from` (inclusive) to `to` (inclusive), ISO 8601.
 *
 * @public
 */
export interface MetricsPeriod {
  /** The start, inclusive. */
  from: string;
  /** The end (the time of the request), inclusive. */
  to: string;
  /** The length in days. */
  days: number;
}

/**
 * How often one rung received a verified promotion in the period.
 *
 * @public
 */
export interface RungDeploymentFrequency {
  rung: string;
  /** Promotions (rollbacks included) verified in the rung in the period. */
  deployments: number;
  /** `deployments` per day of the period. */
  perDay: number;
}

/**
 * A duration figure over some events: how many, and their median and 90th
 * percentile in milliseconds (null when there were none).
 *
 * @public
 */
export interface DurationFigure {
  /** How many durations were measured. */
  count: number;
  /** Their median in milliseconds; null when none. */
  medianMs: number | null;
  /** Their 90th percentile (nearest rank) in milliseconds; null when none. */
  p90Ms: number | null;
}

/**
 * The four delivery figures of one service or one team over a period.
 *
 * @public
 */
export interface DeliveryMetrics {
  /** The period the figures cover. */
  period: MetricsPeriod;
  /** The services counted (a team's services the viewer may read). */
  entityRefs: string[];
  /** One entry per rung that can be promoted into, lowest first. */
  deploymentFrequency: RungDeploymentFrequency[];
  /** From request to verified, for promotions verified in `rung` (production) in the period. */
  leadTime: DurationFigure & {
    rung: string | null;
    /**
     * From the commit to verified, for those of the same promotions whose digest CI
     * brought in with its commit (`POST /ci/promotions` with `commit`). Optional so
     * that answers of older backends still parse.
     */
    fromCommit?: DurationFigure;
  };
  /** Changes that failed or were rolled back, over all changes. */
  changeFailureRate: {
    /** Ordinary promotions merged in the period (rollbacks are not changes). */
    changes: number;
    /** Of those, the ones that failed after the merge or were rolled back. */
    failures: number;
    /** `failures / changes`, null without changes. */
    rate: number | null;
  };
  /** From each failure in the period to the next verified promotion in the same rung. */
  timeToRestore: DurationFigure & {
    /** Failures with no verified promotion after them yet. */
    unrestored: number;
  };
}
