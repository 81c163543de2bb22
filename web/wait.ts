import type { Locale } from '@vigie/common';

/**
 * A moment of the support's hours (when it opens again, when it closes) in words either UI can put
 * in its own sentence: the day relative to now in the support's time zone (today, tomorrow, a
 * weekday this week, or a date beyond), the weekday and date names in `locale`, and the time (24 h)
 * as the support's clock shows it.
 */
export type MomentDay = 'today' | 'tomorrow' | 'week' | 'later';

export interface Moment {
  day: MomentDay;
  weekday: string;
  date: string;
  time: string;
}

const tag = (locale: Locale) => (locale === 'fr' ? 'fr-FR' : 'en-GB');

/** Days between the calendar dates of two instants, as the wall clock of `timeZone` shows them. */
function dayIndex(ms: number, timeZone: string): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' })
      .formatToParts(new Date(ms))
      .filter((x) => x.type !== 'literal')
      .map((x) => [x.type, Number(x.value)]),
  ) as Record<'year' | 'month' | 'day', number>;
  return Math.round(Date.UTC(p.year, p.month - 1, p.day) / 86_400_000);
}

export function describeMoment(iso: string, timeZone: string, nowMs: number, locale: Locale): Moment {
  const at = Date.parse(iso);
  const diff = dayIndex(at, timeZone) - dayIndex(nowMs, timeZone);
  const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(tag(locale), { timeZone, ...o }).format(new Date(at));
  return {
    day: diff <= 0 ? 'today' : diff === 1 ? 'tomorrow' : diff < 7 ? 'week' : 'later',
    weekday: fmt({ weekday: 'long' }),
    date: fmt({ weekday: 'long', day: 'numeric', month: 'long' }),
    time: fmt({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  };
}
