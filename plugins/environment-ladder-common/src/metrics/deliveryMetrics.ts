import type { PromotionState } from '../promotions/types';
import type {
  DeliveryMetrics,
  DurationFigure,
  MetricsPeriod,
  MetricsPromotion,
  RungDeploymentFrequency,
} from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The longest period a caller may ask for: a year of a busy ledger is still small.
 *
 * @public
 */
export const MAX_METRICS_PERIOD_DAYS = 365;

/**
 * Reads a period such as `30d` (whole days, 1 to 365); undefined for anything else.
 *
 * @public
 */
export function parseMetricsPeriod(value: string): number | undefined {
  const match = /^([1-9][0-9]{0,2})d$/.exec(value);
  if (!match) return undefined;
  const days = Number(match[1]);
  return days <= MAX_METRICS_PERIOD_DAYS ? days : undefined;
}

/**
 * The `days` days that end at `now`.
 *
 * @public
 */
export function metricsPeriod(now: Date, days: number): MetricsPeriod {
  return {
    from: new Date(now.getTime() - days * DAY_MS).toISOString(),
    to: now.toISOString(),
    days,
  };
}

type Window = { from: number; to: number };

function windowOf(period: MetricsPeriod): Window {
  return { from: Date.parse(period.from), to: Date.parse(period.to) };
}

const inWindow = (at: number, window: Window) =>
  at >= window.from && at <= window.to;

/** When the promotion first entered `state`, in ms; undefined if it never did or the time is unreadable. */
function enteredAt(
  promotion: MetricsPromotion,
  state: PromotionState,
): number | undefined {
  const event = promotion.history.find(e => e.state === state);
  if (!event) return undefined;
  const at = Date.parse(event.at);
  return Number.isNaN(at) ? undefined : at;
}

const isRollback = (promotion: MetricsPromotion) =>
  promotion.kind === 'rollback';

/** A rung of one service: rollbacks and restores never cross services. */
const rungKey = (promotion: MetricsPromotion) =>
  `${promotion.entityRef}\u0000${promotion.targetEnvironment}`;

/** A digest of one service: the same digest may be another service's build too. */
const digestKey = (promotion: MetricsPromotion) =>
  `${promotion.entityRef}\u0000${promotion.digest}`;

/**
 * The value below which `fraction` of the sorted values lie (nearest rank); null when empty.
 */
function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * The median of the values (the mean of the middle two for an even count); null when empty.
 */
function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Count, median and 90th percentile of durations in milliseconds.
 *
 * @public
 */
export function durationFigure(durations: number[]): DurationFigure {
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    count: sorted.length,
    medianMs: median(sorted),
    p90Ms: percentile(sorted, 0.9),
  };
}

/**
 * Deployment frequency: per rung, the promotions (rollbacks included, since
 * they deploy too) whose verification falls in the period.
 *
 * @public
 */
export function deploymentFrequency(
  promotions: MetricsPromotion[],
  rungs: string[],
  period: MetricsPeriod,
): RungDeploymentFrequency[] {
  const window = windowOf(period);
  return rungs.map(rung => {
    const deployments = promotions.filter(promotion => {
      if (promotion.targetEnvironment !== rung) return false;
      const verified = enteredAt(promotion, 'verified');
      return verified !== undefined && inWindow(verified, window);
    }).length;
    return { rung, deployments, perDay: deployments / period.days };
  });
}

/**
 * Lead time: for each ordinary promotion verified in `rung` in the period,
 * the time from its request to its verification.
 *
 * @public
 */
export function leadTimes(
  promotions: MetricsPromotion[],
  rung: string,
  period: MetricsPeriod,
): number[] {
  const window = windowOf(period);
  const durations: number[] = [];
  for (const promotion of promotions) {
    if (promotion.targetEnvironment !== rung || isRollback(promotion)) continue;
    const verified = enteredAt(promotion, 'verified');
    const requested = Date.parse(promotion.createdAt);
    if (verified === undefined || Number.isNaN(requested)) continue;
    if (inWindow(verified, window)) {
      durations.push(Math.max(0, verified - requested));
    }
  }
  return durations;
}

/**
 * Lead time from the commit: for each ordinary promotion verified in `rung` in the
 * period whose digest CI brought into the ladder with its commit, the time from that
 * commit to the verification. The commit is found on any record of the same service
 * and digest (usually the CI promotion into the lowest rung); the earliest wins.
 *
 * @public
 */
export function leadTimesFromCommit(
  promotions: MetricsPromotion[],
  rung: string,
  period: MetricsPeriod,
): number[] {
  const window = windowOf(period);
  const committedAt = new Map<string, number>();
  for (const promotion of promotions) {
    const at = Date.parse(promotion.sourceCommit?.committedAt ?? '');
    if (Number.isNaN(at)) continue;
    const key = digestKey(promotion);
    committedAt.set(key, Math.min(at, committedAt.get(key) ?? at));
  }
  const durations: number[] = [];
  for (const promotion of promotions) {
    if (promotion.targetEnvironment !== rung || isRollback(promotion)) continue;
    const verified = enteredAt(promotion, 'verified');
    const committed = committedAt.get(digestKey(promotion));
    if (verified === undefined || committed === undefined) continue;
    // A commit said to be newer than the verification cannot have built that digest
    // (a reproducible rebuild reported later): no figure rather than a zero.
    if (inWindow(verified, window) && committed <= verified) {
      durations.push(verified - committed);
    }
  }
  return durations;
}

/**
 * For each rollback, the ordinary promotion it undid: the last one verified in
 * the same rung of the same service before the rollback was requested.
 */
function rolledBackPromotions(
  promotions: MetricsPromotion[],
): Map<MetricsPromotion, number> {
  const undone = new Map<MetricsPromotion, number>();
  for (const rollback of promotions.filter(isRollback)) {
    const requested = Date.parse(rollback.createdAt);
    if (Number.isNaN(requested)) continue;
    let latest: { promotion: MetricsPromotion; at: number } | undefined;
    for (const promotion of promotions) {
      if (isRollback(promotion) || rungKey(promotion) !== rungKey(rollback)) {
        continue;
      }
      const verified = enteredAt(promotion, 'verified');
      if (
        verified !== undefined &&
        verified <= requested &&
        (!latest || verified > latest.at)
      ) {
        latest = { promotion, at: verified };
      }
    }
    if (latest && !undone.has(latest.promotion)) {
      undone.set(latest.promotion, requested);
    }
  }
  return undone;
}

/**
 * Change failure rate: of the ordinary promotions merged in the period (the
 * changes: a promotion refused or failed before its merge changed nothing),
 * those that failed after the merge (e.g. a failed canary) or were rolled
 * back later.
 *
 * @public
 */
export function changeFailureRate(
  promotions: MetricsPromotion[],
  period: MetricsPeriod,
): DeliveryMetrics['changeFailureRate'] {
  const window = windowOf(period);
  const rolledBack = rolledBackPromotions(promotions);
  let changes = 0;
  let failures = 0;
  for (const promotion of promotions) {
    if (isRollback(promotion)) continue;
    const merged = enteredAt(promotion, 'merged');
    if (merged === undefined || !inWindow(merged, window)) continue;
    changes++;
    if (promotion.state === 'failed' || rolledBack.has(promotion)) failures++;
  }
  return {
    changes,
    failures,
    rate: changes === 0 ? null : failures / changes,
  };
}

/**
 * Time to restore: each failure in the period (an ordinary promotion that
 * failed after its merge, at its failure; a rollback, at its request) to the
 * next promotion verified in the same rung of the same service (the rollback
 * itself, a fix, or a retry). Failures with none yet are `unrestored`.
 *
 * @public
 */
export function timeToRestore(
  promotions: MetricsPromotion[],
  period: MetricsPeriod,
): DeliveryMetrics['timeToRestore'] {
  const window = windowOf(period);
  const failures: Array<{ key: string; at: number }> = [];
  for (const promotion of promotions) {
    if (isRollback(promotion)) {
      const requested = Date.parse(promotion.createdAt);
      if (!Number.isNaN(requested)) {
        failures.push({ key: rungKey(promotion), at: requested });
      }
      continue;
    }
    const failed = enteredAt(promotion, 'failed');
    if (failed !== undefined && enteredAt(promotion, 'merged') !== undefined) {
      failures.push({ key: rungKey(promotion), at: failed });
    }
  }
  const verifiedByRung = new Map<string, number[]>();
  for (const promotion of promotions) {
    const verified = enteredAt(promotion, 'verified');
    if (verified === undefined) continue;
    const list = verifiedByRung.get(rungKey(promotion)) ?? [];
    list.push(verified);
    verifiedByRung.set(rungKey(promotion), list);
  }
  const durations: number[] = [];
  let unrestored = 0;
  for (const failure of failures) {
    if (!inWindow(failure.at, window)) continue;
    const restored = (verifiedByRung.get(failure.key) ?? [])
      .filter(at => at >= failure.at)
      .sort((a, b) => a - b)[0];
    if (restored === undefined) unrestored++;
    else durations.push(restored - failure.at);
  }
  return { ...durationFigure(durations), unrestored };
}

/**
 * The four delivery figures of a set of promotions (one service's, or a
 * team's services') over a period.
 *
 * @param rungs - the rungs promotions go into, lowest first (no preview rungs).
 * @param productionRung - the rung lead time is measured to (the highest one).
 * @public
 */
export function computeDeliveryMetrics(input: {
  promotions: MetricsPromotion[];
  entityRefs: string[];
  rungs: string[];
  productionRung: string | null;
  period: MetricsPeriod;
}): DeliveryMetrics {
  const { promotions, rungs, productionRung, period } = input;
  return {
    period,
    entityRefs: input.entityRefs,
    deploymentFrequency: deploymentFrequency(promotions, rungs, period),
    leadTime: {
      rung: productionRung,
      ...durationFigure(
        productionRung ? leadTimes(promotions, productionRung, period) : [],
      ),
      fromCommit: durationFigure(
        productionRung
          ? leadTimesFromCommit(promotions, productionRung, period)
          : [],
      ),
    },
    changeFailureRate: changeFailureRate(promotions, period),
    timeToRestore: timeToRestore(promotions, period),
  };
}
