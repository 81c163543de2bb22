import { WEEKDAYS, minutesOf, type WeekHours } from '@vigie/common';

/**
 * Support hours against the clock: open or not at an instant, and when that changes next. Hours
 * are wall-clock times in the support's IANA time zone (summer time included), read with Intl only.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  /** Minutes since local midnight. */
  minutes: number;
  /** 0 = Monday … 6 = Sunday (WEEKDAYS order). */
  weekday: number;
  /** Local wall time written as if it were UTC, in ms (for offsets). */
  asUtcMs: number;
}

export function wallTime(ms: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year, month, day, hour, minute, second } = parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  const asUtcMs = Date.UTC(year, month - 1, day, hour, minute, second);
  return {
    year,
    month,
    day,
    minutes: hour * 60 + minute,
    weekday: (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7,
    asUtcMs,
  };
}

/** The instant at which the wall clock of `timeZone` shows this date and minute (the later one across a DST gap). */
function instantOf(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, 0, minutes);
  const offset1 = wallTime(guess, timeZone).asUtcMs - guess;
  let t = guess - offset1;
  const offset2 = wallTime(t, timeZone).asUtcMs - t;
  if (offset2 !== offset1) t = guess - offset2;
  return t;
}

/** Inside the opening hours at `ms`. */
export function isOpenAt(hours: WeekHours, timeZone: string, ms: number): boolean {
  const w = wallTime(ms, timeZone);
  return hours[WEEKDAYS[w.weekday]!].some((r) => minutesOf(r.from) <= w.minutes && w.minutes < minutesOf(r.to));
}

/**
 * The first instant after `ms` at which open-or-closed changes, looking 8 days ahead (null: it
 * never changes in that time, e.g. every day open 00:00–24:00).
 */
export function nextChangeAt(hours: WeekHours, timeZone: string, ms: number): number | null {
  const now = wallTime(ms, timeZone);
  const openNow = isOpenAt(hours, timeZone, ms);
  const candidates: number[] = [];
  for (let k = 0; k <= 8; k++) {
    const date = new Date(Date.UTC(now.year, now.month - 1, now.day + k));
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth() + 1;
    const d = date.getUTCDate();
    const weekday = (date.getUTCDay() + 6) % 7;
    for (const r of hours[WEEKDAYS[weekday]!]) {
      for (const edge of [minutesOf(r.from), minutesOf(r.to)]) {
        const t = instantOf(y, m, d, edge, timeZone);
        if (t > ms) candidates.push(t);
      }
    }
  }
  candidates.sort((a, b) => a - b);
  for (const t of candidates) if (isOpenAt(hours, timeZone, t) !== openNow) return t;
  return null;
}
