/**
 * A time when promotions into a rung are refused, as the platform owner declares it:
 * recurring (a cron schedule in a time zone, open for a duration, as Argo CD's sync
 * windows are written) or dated (from one instant until another).
 *
 * @public
 */
export type FreezeWindow =
  | {
      /** Why, in words a requester reads in the refusal, e.g. `Weekend freeze`. */
      reason: string;
      /** Five cron fields (minute hour day-of-month month day-of-week) in `timeZone`, e.g. `0 18 * * FRI`. */
      schedule: string;
      /** How long each opening lasts, in milliseconds. */
      durationMs: number;
      /** An IANA time zone, e.g. `Europe/Berlin`. */
      timeZone: string;
    }
  | {
      reason: string;
      /** ISO 8601 with an offset or `Z`, e.g. `2026-12-23T00:00:00+01:00`. */
      from: string;
      /** ISO 8601 with an offset or `Z`; the freeze ends at this instant. */
      until: string;
    };

/**
 * A freeze in force: why, and when promotions open again.
 *
 * @public
 */
export interface ActiveFreeze {
  reason: string;
  /** ISO 8601 (UTC): the first instant no window of the rung covers. */
  until: string;
}

const MINUTE = 60_000;
/** Longest opening a recurring window may declare; also bounds how far back a scan looks. */
const MAX_FREEZE_DURATION_MS = 31 * 24 * 60 * MINUTE;
/** How far ahead back-to-back windows are joined into one freeze. */
const MAX_JOINED_MS = 62 * 24 * 60 * MINUTE;
const ISO_WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const MONTHS = 'JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC'.split(' ');
const WEEKDAYS = 'SUN MON TUE WED THU FRI SAT'.split(' ');

interface CronFields {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Cron's rule: when both day fields are restricted, either may match. */
  daysRestricted: boolean;
  weekdaysRestricted: boolean;
}

function parseField(
  text: string,
  min: number,
  max: number,
  names: string[] = [],
  nameOffset = 0,
): Set<number> {
  const values = new Set<number>();
  const value = (token: string) => {
    const byName = names.indexOf(token.toUpperCase());
    const number = byName >= 0 ? byName + nameOffset : Number(token);
    if (!/^\d+$/.test(token) && byName < 0) {
      throw new Error(`'${token}' is not a number or a name`);
    }
    if (number < min || number > max) {
      throw new Error(`${number} is outside ${min}-${max}`);
    }
    return number;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) {
      throw new Error(
        `'${part}' has a step that is not a whole number above 0`,
      );
    }
    let [start, end] = [min, max];
    if (range !== '*') {
      const [from, to] = range.split('-');
      start = value(from);
      if (to !== undefined) end = value(to);
      // `5` alone is one value; `5/15` runs from 5 to the field's end.
      else if (stepText === undefined) end = start;
      if (end < start) throw new Error(`'${range}' runs backwards`);
    }
    for (let n = start; n <= end; n += step) values.add(n);
  }
  return values;
}

function parseCron(schedule: string): CronFields {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new Error(
      `needs 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`,
    );
  }
  const weekdays = parseField(fields[4], 0, 7, WEEKDAYS);
  if (weekdays.delete(7)) weekdays.add(0); // 7 is Sunday too
  return {
    minutes: parseField(fields[0], 0, 59),
    hours: parseField(fields[1], 0, 23),
    days: parseField(fields[2], 1, 31),
    months: parseField(fields[3], 1, 12, MONTHS, 1),
    weekdays,
    daysRestricted: fields[2] !== '*',
    weekdaysRestricted: fields[4] !== '*',
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function wallClock(at: number, timeZone: string) {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(at))) {
    parts[part.type] = part.value;
  }
  return {
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(parts.weekday.toUpperCase()),
  };
}

/**
 * The first minute, scanning from `from` towards `to` (either direction), at which the
 * schedule fires; null when none does. Whole days and hours that cannot match are
 * skipped, so a scan over weeks costs a few hundred clock readings. Around a daylight
 * saving change a skip may land an hour off; it then only costs an extra step.
 */
function findFiring(
  cron: CronFields,
  timeZone: string,
  from: number,
  to: number,
): number | null {
  const forward = to >= from;
  let at = Math.floor(from / MINUTE) * MINUTE;
  while (forward ? at <= to : at >= to) {
    const clock = wallClock(at, timeZone);
    const dayOfMonth = cron.days.has(clock.day);
    const dayOfWeek = cron.weekdays.has(clock.weekday);
    const dayMatches =
      cron.months.has(clock.month) &&
      (cron.daysRestricted && cron.weekdaysRestricted
        ? dayOfMonth || dayOfWeek
        : dayOfMonth && dayOfWeek);
    const intoDay = clock.hour * 60 + clock.minute;
    let minutes: number;
    if (!dayMatches) {
      minutes = forward ? 24 * 60 - intoDay : intoDay + 1;
    } else if (!cron.hours.has(clock.hour)) {
      minutes = forward ? 60 - clock.minute : clock.minute + 1;
    } else if (!cron.minutes.has(clock.minute)) {
      minutes = 1;
    } else {
      return at;
    }
    at += (forward ? 1 : -1) * minutes * MINUTE;
  }
  return null;
}

/**
 * What is wrong with a window as declared, in words for a config error; null when it is
 * sound.
 *
 * @public
 */
export function freezeWindowProblem(window: FreezeWindow): string | null {
  if (!window.reason?.trim()) return 'needs a reason';
  if ('schedule' in window) {
    try {
      parseCron(window.schedule);
    } catch (error) {
      return `schedule '${window.schedule}' ${(error as Error).message}`;
    }
    try {
      wallClock(0, window.timeZone);
    } catch {
      return `timeZone '${window.timeZone}' is not an IANA time zone (e.g. Europe/Berlin)`;
    }
    if (
      !(window.durationMs > 0) ||
      window.durationMs > MAX_FREEZE_DURATION_MS
    ) {
      return 'duration must be longer than zero and at most 31 days';
    }
    return null;
  }
  for (const key of ['from', 'until'] as const) {
    if (!ISO_WITH_OFFSET.test(window[key]) || isNaN(Date.parse(window[key]))) {
      return `${key} '${window[key]}' must be an ISO 8601 date and time with an offset, e.g. 2026-12-23T00:00:00+01:00`;
    }
  }
  if (Date.parse(window.until) <= Date.parse(window.from)) {
    return `until '${window.until}' is not after from '${window.from}'`;
  }
  return null;
}

/** The opening of `window` that covers `at` and ends last; null when none does. */
function coveringOpening(
  window: FreezeWindow,
  at: number,
): { start: number; end: number } | null {
  if ('schedule' in window) {
    // The latest firing within one duration back covers `at` the longest.
    const start = findFiring(
      parseCron(window.schedule),
      window.timeZone,
      at,
      at - window.durationMs + MINUTE,
    );
    return start === null ? null : { start, end: start + window.durationMs };
  }
  const start = Date.parse(window.from);
  const end = Date.parse(window.until);
  return start <= at && at < end ? { start, end } : null;
}

/** The first opening of `window` that starts after `after` and at or before `before`. */
function nextOpening(
  window: FreezeWindow,
  after: number,
  before: number,
): { start: number; end: number } | null {
  if ('schedule' in window) {
    const start = findFiring(
      parseCron(window.schedule),
      window.timeZone,
      after + MINUTE,
      before,
    );
    return start === null ? null : { start, end: start + window.durationMs };
  }
  const start = Date.parse(window.from);
  return start > after && start <= before
    ? { start, end: Date.parse(window.until) }
    : null;
}

/**
 * The freeze in force at `now`, if any: the reasons of the windows that cover it, and
 * when promotions open again. Openings that start before the freeze ends extend it (a
 * weekend freeze that runs into a dated holiday freeze ends with the holiday), up to
 * about two months ahead.
 *
 * @public
 */
export function findActiveFreeze(
  windows: FreezeWindow[],
  now: Date,
): ActiveFreeze | null {
  const at = now.getTime();
  const covering = windows.flatMap(window => {
    const open = coveringOpening(window, at);
    return open ? [{ reason: window.reason, end: open.end }] : [];
  });
  if (covering.length === 0) return null;
  let end = Math.max(...covering.map(found => found.end));
  for (let changed = true; changed && end - at < MAX_JOINED_MS; ) {
    changed = false;
    for (const window of windows) {
      let after = at;
      for (
        let open = nextOpening(window, after, end);
        open && end - at < MAX_JOINED_MS;
        open = nextOpening(window, after, end)
      ) {
        if (open.end > end) {
          end = open.end;
          changed = true;
        }
        after = open.start;
      }
    }
  }
  const reasons = [...new Set(covering.map(found => found.reason))];
  return { reason: reasons.join('; '), until: new Date(end).toISOString() };
}

/**
 * A freeze's end in words that read the same on every machine: the UTC instant,
 * to the minute (the tab shows it in the viewer's own time zone).
 *
 * @public
 */
export function describeFreezeEnd(until: string): string {
  return `${until.slice(0, 16).replace('T', ' ')} UTC`;
}
