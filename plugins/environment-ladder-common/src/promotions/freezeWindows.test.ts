import {
  findActiveFreeze,
  freezeWindowProblem,
  type FreezeWindow,
} from './freezeWindows';

const HOUR = 3_600_000;
const weekend: FreezeWindow = {
  reason: 'Weekend freeze',
  schedule: '0 18 * * FRI',
  durationMs: 62 * HOUR,
  timeZone: 'Europe/Berlin',
};

describe('findActiveFreeze', () => {
  it('is frozen from Friday 18:00 in Berlin until Monday 08:00, and not before or after', () => {
    // 2026-12-04 is a Friday; Berlin is UTC+1 in December.
    expect(
      findActiveFreeze([weekend], new Date('2026-12-04T16:59:00Z')),
    ).toBeNull();
    expect(
      findActiveFreeze([weekend], new Date('2026-12-04T17:00:00Z')),
    ).toEqual({ reason: 'Weekend freeze', until: '2026-12-07T07:00:00.000Z' });
    expect(
      findActiveFreeze([weekend], new Date('2026-12-06T12:00:00Z')),
    ).toEqual({ reason: 'Weekend freeze', until: '2026-12-07T07:00:00.000Z' });
    expect(
      findActiveFreeze([weekend], new Date('2026-12-07T07:00:00Z')),
    ).toBeNull();
  });

  it('follows daylight saving time: the same wall clock hour is another UTC hour in summer', () => {
    // 2026-07-03 is a Friday; Berlin is UTC+2 in July.
    expect(
      findActiveFreeze([weekend], new Date('2026-07-03T15:59:00Z')),
    ).toBeNull();
    expect(
      findActiveFreeze([weekend], new Date('2026-07-03T16:00:00Z')),
    ).toEqual({ reason: 'Weekend freeze', until: '2026-07-06T06:00:00.000Z' });
  });

  it('reads a dated freeze from its offsets, end excluded', () => {
    const holidays: FreezeWindow = {
      reason: 'Year-end freeze',
      from: '2026-12-23T00:00:00+01:00',
      until: '2027-01-04T09:00:00+01:00',
    };
    expect(
      findActiveFreeze([holidays], new Date('2026-12-22T22:59:59Z')),
    ).toBeNull();
    expect(
      findActiveFreeze([holidays], new Date('2026-12-22T23:00:00Z')),
    ).toEqual({ reason: 'Year-end freeze', until: '2027-01-04T08:00:00.000Z' });
    expect(
      findActiveFreeze([holidays], new Date('2027-01-04T08:00:00Z')),
    ).toBeNull();
  });

  it('joins windows that follow each other: the weekend runs into the holidays', () => {
    const holidays: FreezeWindow = {
      reason: 'Year-end freeze',
      from: '2026-12-21T08:00:00+01:00',
      until: '2027-01-04T09:00:00+01:00',
    };
    // Friday 2026-12-18 evening: only the weekend covers it, but the holiday
    // freeze starts as the weekend ends, so promotions open on 4 January.
    expect(
      findActiveFreeze([weekend, holidays], new Date('2026-12-18T20:00:00Z')),
    ).toEqual({ reason: 'Weekend freeze', until: '2027-01-04T08:00:00.000Z' });
    // Inside both: both reasons.
    expect(
      findActiveFreeze([holidays, weekend], new Date('2026-12-26T12:00:00Z')),
    ).toEqual({
      reason: 'Year-end freeze; Weekend freeze',
      until: '2027-01-04T08:00:00.000Z',
    });
  });

  it('does not join windows with a gap between them', () => {
    const nightly: FreezeWindow = {
      reason: 'Nightly batch',
      schedule: '0 1 * * *',
      durationMs: 2 * HOUR,
      timeZone: 'UTC',
    };
    expect(
      findActiveFreeze([nightly], new Date('2026-12-08T02:30:00Z')),
    ).toEqual({ reason: 'Nightly batch', until: '2026-12-08T03:00:00.000Z' });
    expect(
      findActiveFreeze([nightly], new Date('2026-12-08T03:00:00Z')),
    ).toBeNull();
  });

  it('bounds a window that never opens: a freeze always in force ends about two months ahead', () => {
    const always: FreezeWindow = {
      reason: 'Frozen',
      schedule: '0 0 * * *',
      durationMs: 24 * HOUR,
      timeZone: 'UTC',
    };
    const now = new Date('2026-12-08T12:00:00Z');
    const freeze = findActiveFreeze([always], now);
    expect(freeze?.reason).toBe('Frozen');
    const days = (Date.parse(freeze!.until) - now.getTime()) / (24 * HOUR);
    expect(days).toBeGreaterThanOrEqual(62);
    expect(days).toBeLessThan(64);
  });

  it('reads cron lists, ranges, steps and names, and either day field when both are restricted', () => {
    const window = (schedule: string): FreezeWindow => ({
      reason: schedule,
      schedule,
      durationMs: 60_000,
      timeZone: 'UTC',
    });
    const frozenAt = (schedule: string, at: string) =>
      findActiveFreeze([window(schedule)], new Date(at)) !== null;
    expect(frozenAt('*/15 9-17 * * MON-FRI', '2026-12-07T09:45:00Z')).toBe(
      true,
    );
    expect(frozenAt('*/15 9-17 * * MON-FRI', '2026-12-07T09:46:00Z')).toBe(
      false,
    );
    expect(frozenAt('*/15 9-17 * * MON-FRI', '2026-12-06T09:45:00Z')).toBe(
      false,
    ); // Sunday
    expect(frozenAt('30 8 1,15 DEC *', '2026-12-15T08:30:00Z')).toBe(true);
    expect(frozenAt('30 8 1,15 DEC *', '2026-11-15T08:30:00Z')).toBe(false);
    // Day 1 of the month OR a Sunday, as cron reads it.
    expect(frozenAt('0 12 1 * 0', '2026-12-06T12:00:00Z')).toBe(true);
    expect(frozenAt('0 12 1 * 7', '2026-12-06T12:00:00Z')).toBe(true);
    expect(frozenAt('0 12 1 * 0', '2026-12-01T12:00:00Z')).toBe(true);
    expect(frozenAt('0 12 1 * 0', '2026-12-02T12:00:00Z')).toBe(false);
  });
});

describe('freezeWindowProblem', () => {
  it('accepts sound windows', () => {
    expect(freezeWindowProblem(weekend)).toBeNull();
    expect(
      freezeWindowProblem({
        reason: 'Holidays',
        from: '2026-12-23T00:00:00Z',
        until: '2027-01-04T09:00:00.000+01:00',
      }),
    ).toBeNull();
  });

  it.each([
    [{ ...weekend, reason: ' ' }, 'needs a reason'],
    [{ ...weekend, schedule: '0 18 * *' }, 'needs 5 fields'],
    [{ ...weekend, schedule: '61 18 * * FRI' }, '61 is outside 0-59'],
    [{ ...weekend, schedule: '0 18 * * FUNDAY' }, "'FUNDAY' is not a number"],
    [{ ...weekend, schedule: '0 20-18 * * *' }, 'runs backwards'],
    [{ ...weekend, schedule: '*/0 * * * *' }, 'step'],
    [{ ...weekend, timeZone: 'Mars/Olympus' }, 'not an IANA time zone'],
    [{ ...weekend, durationMs: 0 }, 'duration must be longer than zero'],
    [{ ...weekend, durationMs: 40 * 24 * HOUR }, 'at most 31 days'],
    [
      { reason: 'x', from: '2026-12-23', until: '2027-01-04T00:00:00Z' },
      "from '2026-12-23' must be an ISO 8601 date and time with an offset",
    ],
    [
      {
        reason: 'x',
        from: '2026-12-23T00:00:00',
        until: '2027-01-04T00:00:00Z',
      },
      'with an offset',
    ],
    [
      {
        reason: 'x',
        from: '2026-12-23T00:00:00Z',
        until: '2026-12-22T00:00:00Z',
      },
      'is not after from',
    ],
  ] as Array<[FreezeWindow, string]>)('refuses %j', (window, problem) => {
    expect(freezeWindowProblem(window)).toContain(problem);
  });
});
