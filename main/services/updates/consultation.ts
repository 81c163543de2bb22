import { CONSULTATION_DAYS, type ConsultationDay, type ConsultationHours } from '@vigie/common';

const WEEKDAY_INDEX: Record<string, ConsultationDay> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Day of week and minutes since midnight at `at` in `timeZone` (DST handled by the time zone database). */
export function localTime(at: number, timeZone: string): { day: ConsultationDay; minutes: number } {
  const parts = formatter(timeZone).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = WEEKDAY_INDEX[get('weekday')];
  if (!day) throw new Error(`unexpected weekday for ${timeZone}`);
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * True when `at` falls in a consultation slot of the practice's week, or less than `marginMinutes`
 * before one starts (an install that starts then would still be running when patients arrive).
 * No schedule set → never consultation time.
 */
export function isConsultationTime(hours: ConsultationHours | null, at: number, marginMinutes = 0): boolean {
  if (!hours) return false;
  let tz = hours.timeZone;
  try {
    formatter(tz);
  } catch {
    tz = 'Europe/Paris'; // an unknown zone name must not disable the protection
  }
  const { day, minutes } = localTime(at, tz);
  const i = CONSULTATION_DAYS.indexOf(day);
  const today = hours.week[day];
  for (const r of today) {
    if (minutes >= toMinutes(r.start) - marginMinutes && minutes < toMinutes(r.end)) return true;
  }
  // A margin that crosses midnight reaches into tomorrow's first slot.
  if (marginMinutes > 0 && minutes + marginMinutes >= 24 * 60) {
    const tomorrow = hours.week[CONSULTATION_DAYS[(i + 1) % 7]!];
    for (const r of tomorrow) if (toMinutes(r.start) <= minutes + marginMinutes - 24 * 60) return true;
  }
  return false;
}
