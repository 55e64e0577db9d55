import type { PromotionState } from '../promotions/types';
import {
  changeFailureRate,
  computeDeliveryMetrics,
  deploymentFrequency,
  durationFigure,
  leadTimes,
  leadTimesFromCommit,
  metricsPeriod,
  parseMetricsPeriod,
  timeToRestore,
} from './deliveryMetrics';
import type { MetricsPromotion } from './types';

const HOUR = 60 * 60 * 1000;
const V1 = `sha256:${'a1'.repeat(32)}`;
const V2 = `sha256:${'b2'.repeat(32)}`;
const DAY = 24 * HOUR;
/** The end of every test period: 2026-12-01T00:00:00Z. */
const NOW = Date.UTC(2026, 11, 1);
const PERIOD = metricsPeriod(new Date(NOW), 30);

/** An ISO time `hours` hours after the period began. */
const at = (hours: number) =>
  new Date(NOW - 30 * DAY + hours * HOUR).toISOString();

/**
 * A promotion requested at `steps[0][1]` hours that went through each state
 * at the given hour, e.g. `[['requested', 0], ['pr-open', 1], ['merged', 2]]`.
 */
function promotion(
  steps: Array<[PromotionState, number]>,
  overrides: Partial<MetricsPromotion> = {},
): MetricsPromotion {
  return {
    entityRef: 'component:default/shop',
    targetEnvironment: 'prod',
    digest: V1,
    state: steps[steps.length - 1][0],
    createdAt: at(steps[0][1]),
    history: steps.map(([state, hours]) => ({
      state,
      at: at(hours),
      message: state,
    })),
    ...overrides,
  };
}

/** Requested at `start`, verified `hours` later. */
const verified = (
  start: number,
  hours: number,
  overrides: Partial<MetricsPromotion> = {},
) =>
  promotion(
    [
      ['requested', start],
      ['pr-open', start],
      ['merged', start + hours / 2],
      ['running', start + hours / 2],
      ['verified', start + hours],
    ],
    overrides,
  );

/** Requested at `start`, merged at `start + 1`, failed at `failedAt`. */
const failedAfterMerge = (
  start: number,
  failedAt: number,
  overrides: Partial<MetricsPromotion> = {},
) =>
  promotion(
    [
      ['requested', start],
      ['pr-open', start],
      ['merged', start + 1],
      ['running', start + 1],
      ['failed', failedAt],
    ],
    overrides,
  );

describe('parseMetricsPeriod', () => {
  it.each([
    ['1d', 1],
    ['30d', 30],
    ['365d', 365],
  ])('reads %s as %d days', (value, days) => {
    expect(parseMetricsPeriod(value)).toBe(days);
  });

  it.each([
    '',
    '0d',
    '366d',
    '30',
    'd',
    '30D',
    '30 d',
    '-1d',
    '1.5d',
    '030d',
    '4w',
    '30d;',
  ])('refuses %j', value => {
    expect(parseMetricsPeriod(value)).toBeUndefined();
  });
});

describe('metricsPeriod', () => {
  it('ends now and starts `days` days earlier', () => {
    expect(metricsPeriod(new Date(NOW), 7)).toEqual({
      from: '2026-11-24T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      days: 7,
    });
  });
});

describe('durationFigure', () => {
  it('is empty without durations', () => {
    expect(durationFigure([])).toEqual({
      count: 0,
      medianMs: null,
      p90Ms: null,
    });
  });

  it('takes the middle value of an odd count and the mean of the middle two of an even one', () => {
    expect(durationFigure([5, 1, 3]).medianMs).toBe(3);
    expect(durationFigure([4, 1, 3, 10]).medianMs).toBe(3.5);
  });

  it('takes the 90th percentile by nearest rank', () => {
    const values = Array.from({ length: 10 }, (_, i) => (i + 1) * 100);
    expect(durationFigure(values).p90Ms).toBe(900);
    expect(durationFigure([7]).p90Ms).toBe(7);
  });
});

describe('deploymentFrequency', () => {
  it('counts, per rung, the promotions verified in the period', () => {
    const promotions = [
      verified(10, 2, { targetEnvironment: 'dev' }),
      verified(20, 2, { targetEnvironment: 'dev' }),
      verified(30, 2, { targetEnvironment: 'dev' }),
      verified(40, 4),
      // Still running, failed, or verified before the period: not deployments.
      promotion([
        ['requested', 50],
        ['pr-open', 50],
        ['merged', 51],
        ['running', 51],
      ]),
      failedAfterMerge(60, 62),
      verified(-100, 2),
    ];
    expect(
      deploymentFrequency(promotions, ['dev', 'staging', 'prod'], PERIOD),
    ).toEqual([
      { rung: 'dev', deployments: 3, perDay: 3 / 30 },
      { rung: 'staging', deployments: 0, perDay: 0 },
      { rung: 'prod', deployments: 1, perDay: 1 / 30 },
    ]);
  });

  it('counts a promotion requested before the period but verified in it', () => {
    expect(deploymentFrequency([verified(-2, 4)], ['prod'], PERIOD)).toEqual([
      { rung: 'prod', deployments: 1, perDay: 1 / 30 },
    ]);
  });

  it('counts a rollback as a deployment', () => {
    expect(
      deploymentFrequency(
        [verified(10, 2), verified(20, 1, { kind: 'rollback' })],
        ['prod'],
        PERIOD,
      )[0].deployments,
    ).toBe(2);
  });

  it('ignores a verified event it cannot read', () => {
    const broken = verified(10, 2);
    broken.history[4] = { ...broken.history[4], at: 'yesterday' };
    expect(deploymentFrequency([broken], ['prod'], PERIOD)[0].deployments).toBe(
      0,
    );
  });
});

describe('leadTimes', () => {
  it('measures request to verified for promotions verified in the rung in the period', () => {
    const promotions = [
      verified(10, 2),
      verified(20, 6),
      verified(30, 1, { targetEnvironment: 'staging' }),
      // Not verified, or verified before the period.
      failedAfterMerge(40, 41),
      verified(-50, 3),
    ];
    expect(leadTimes(promotions, 'prod', PERIOD)).toEqual([2 * HOUR, 6 * HOUR]);
  });

  it('leaves rollbacks out: they are no new change', () => {
    expect(
      leadTimes([verified(10, 2, { kind: 'rollback' })], 'prod', PERIOD),
    ).toEqual([]);
  });
});

describe('leadTimesFromCommit', () => {
  /** CI brought `digest` into dev at `hours`, built from a commit made at `committedHours`. */
  const fromCi = (digest: string, hours: number, committedHours: number) =>
    verified(hours, 0, {
      targetEnvironment: 'dev',
      digest,
      sourceCommit: { sha: 'c'.repeat(40), committedAt: at(committedHours) },
    });

  it('measures commit to verified in the rung, through the commit CI recorded for the digest', () => {
    const promotions = [
      fromCi(V1, 5, 4),
      verified(10, 2, { digest: V1 }),
      // No commit is known for V2: it counts for lead time from the request only.
      verified(20, 6, { digest: V2 }),
    ];
    expect(leadTimesFromCommit(promotions, 'prod', PERIOD)).toEqual([8 * HOUR]);
    expect(leadTimes(promotions, 'prod', PERIOD)).toEqual([2 * HOUR, 6 * HOUR]);
  });

  it("takes the earliest commit said for the digest, and never another service's", () => {
    const promotions = [
      fromCi(V1, 5, 4),
      // A rebuild of the same digest said later does not shorten the lead time.
      fromCi(V1, 7, 6),
      // Another service built the same digest earlier: not this service's commit.
      {
        ...fromCi(V1, 1, 0),
        entityRef: 'component:default/other',
      },
      verified(10, 2, { digest: V1 }),
    ];
    expect(leadTimesFromCommit(promotions, 'prod', PERIOD)).toEqual([8 * HOUR]);
  });

  it('leaves out rollbacks, promotions verified outside the period, commits after the verification and unreadable times', () => {
    const promotions = [
      fromCi(V1, -60, -61),
      verified(-50, 3, { digest: V1 }),
      verified(10, 2, { digest: V1, kind: 'rollback' }),
      // A commit said to be newer than the digest's verification did not build it.
      fromCi(V2, 30, 29),
      verified(10, 2, { digest: V2 }),
      verified(20, 2, {
        digest: `sha256:${'c3'.repeat(32)}`,
        sourceCommit: { sha: 'd'.repeat(40), committedAt: 'yesterday' },
      }),
    ];
    expect(leadTimesFromCommit(promotions, 'prod', PERIOD)).toEqual([]);
  });
});

describe('changeFailureRate', () => {
  it('divides the failed and rolled-back changes by the changes merged in the period', () => {
    const promotions = [
      verified(10, 2),
      verified(20, 2),
      // A failed canary: a change that failed.
      failedAfterMerge(30, 33),
      // Verified, then rolled back: a change that failed.
      verified(40, 2),
      verified(50, 1, { kind: 'rollback' }),
    ];
    expect(changeFailureRate(promotions, PERIOD)).toEqual({
      changes: 4,
      failures: 2,
      rate: 0.5,
    });
  });

  it('does not count what never merged: refused, rejected, or failed before its merge', () => {
    const promotions = [
      verified(10, 2),
      promotion([
        ['requested', 20],
        ['failed', 20],
      ]),
      promotion([
        ['requested', 30],
        ['pr-open', 30],
        ['rejected', 31],
      ]),
      promotion([
        ['requested', 40],
        ['pr-open', 40],
      ]),
    ];
    expect(changeFailureRate(promotions, PERIOD)).toEqual({
      changes: 1,
      failures: 0,
      rate: 0,
    });
  });

  it('is null without changes', () => {
    expect(changeFailureRate([], PERIOD)).toEqual({
      changes: 0,
      failures: 0,
      rate: null,
    });
  });

  it('a rollback undoes the last change verified before it in the same rung of the same service only', () => {
    const promotions = [
      verified(10, 2),
      verified(20, 2),
      verified(25, 2, { entityRef: 'component:default/cart' }),
      verified(26, 1, { targetEnvironment: 'staging' }),
      verified(30, 1, { kind: 'rollback' }),
    ];
    const result = changeFailureRate(promotions, PERIOD);
    expect(result).toEqual({ changes: 4, failures: 1, rate: 0.25 });
  });

  it('two rollbacks in a row undo one change once', () => {
    const promotions = [
      verified(10, 2),
      verified(20, 2),
      verified(30, 1, { kind: 'rollback' }),
      verified(40, 1, { kind: 'rollback' }),
    ];
    expect(changeFailureRate(promotions, PERIOD).failures).toBe(1);
  });

  it('counts a change by its merge: merged before the period, it is not counted', () => {
    expect(changeFailureRate([failedAfterMerge(-10, 5)], PERIOD)).toEqual({
      changes: 0,
      failures: 0,
      rate: null,
    });
  });
});

describe('timeToRestore', () => {
  it('measures each failure to the next verified promotion in the same rung', () => {
    const promotions = [
      failedAfterMerge(10, 12),
      // A fix 3 hours after the failure.
      verified(13, 2),
      // A rollback requested at 30, verified at 31.
      verified(20, 2),
      verified(30, 1, { kind: 'rollback' }),
    ];
    expect(timeToRestore(promotions, PERIOD)).toEqual({
      count: 2,
      medianMs: 2 * HOUR,
      p90Ms: 3 * HOUR,
      unrestored: 0,
    });
  });

  it('does not restore a rung with another rung or another service', () => {
    const promotions = [
      failedAfterMerge(10, 12),
      verified(13, 1, { targetEnvironment: 'staging' }),
      verified(14, 1, { entityRef: 'component:default/cart' }),
    ];
    expect(timeToRestore(promotions, PERIOD)).toEqual({
      count: 0,
      medianMs: null,
      p90Ms: null,
      unrestored: 1,
    });
  });

  it('leaves out failures before their merge and failures outside the period', () => {
    const promotions = [
      promotion([
        ['requested', 10],
        ['failed', 10],
      ]),
      failedAfterMerge(-20, -10),
      verified(1, 1),
    ];
    expect(timeToRestore(promotions, PERIOD).count).toBe(0);
    expect(timeToRestore(promotions, PERIOD).unrestored).toBe(0);
  });

  it('restores with the first verified promotion after the failure, not an earlier one', () => {
    const promotions = [
      verified(1, 1),
      failedAfterMerge(10, 12),
      verified(20, 4),
      verified(30, 4),
    ];
    expect(timeToRestore(promotions, PERIOD).medianMs).toBe(12 * HOUR);
  });
});

describe('computeDeliveryMetrics', () => {
  it('puts the four figures together for the period', () => {
    const promotions = [
      verified(10, 2, { targetEnvironment: 'dev' }),
      verified(12, 4, { targetEnvironment: 'staging' }),
      verified(20, 6),
      failedAfterMerge(30, 32),
      verified(40, 8),
    ];
    expect(
      computeDeliveryMetrics({
        promotions,
        entityRefs: ['component:default/shop'],
        rungs: ['dev', 'staging', 'prod'],
        productionRung: 'prod',
        period: PERIOD,
      }),
    ).toEqual({
      period: PERIOD,
      entityRefs: ['component:default/shop'],
      deploymentFrequency: [
        { rung: 'dev', deployments: 1, perDay: 1 / 30 },
        { rung: 'staging', deployments: 1, perDay: 1 / 30 },
        { rung: 'prod', deployments: 2, perDay: 2 / 30 },
      ],
      leadTime: {
        rung: 'prod',
        count: 2,
        medianMs: 7 * HOUR,
        p90Ms: 8 * HOUR,
        fromCommit: { count: 0, medianMs: null, p90Ms: null },
      },
      changeFailureRate: { changes: 5, failures: 1, rate: 0.2 },
      timeToRestore: {
        count: 1,
        medianMs: 16 * HOUR,
        p90Ms: 16 * HOUR,
        unrestored: 0,
      },
    });
  });

  it('has no lead time without a production rung', () => {
    expect(
      computeDeliveryMetrics({
        promotions: [verified(1, 1)],
        entityRefs: [],
        rungs: [],
        productionRung: null,
        period: PERIOD,
      }).leadTime,
    ).toEqual({
      rung: null,
      count: 0,
      medianMs: null,
      p90Ms: null,
      fromCommit: { count: 0, medianMs: null, p90Ms: null },
    });
  });
});
