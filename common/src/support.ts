import { z } from 'zod';
import { IsoDate, PhoneNumber } from './domain.js';

/**
 * The support's own settings that practices are told about (hub settings, CLI `settings …` and the
 * console's admin section): opening hours in the support's time zone and a fallback phone number.
 * What the hub says about a wait (WaitMessage, domain.ts) is built from these and the live facts.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Minutes since midnight of `HH:MM` (`24:00` is 1440: the end of the day). */
export function minutesOf(hhmm: string): number {
  if (hhmm === '24:00') return 1440;
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

export const TimeRange = z
  .strictObject({
    from: z.string().regex(HHMM, 'HH:MM (00:00–23:59)'),
    to: z.string().refine((v) => v === '24:00' || HHMM.test(v), 'HH:MM (00:01–24:00)'),
  })
  .refine((r) => minutesOf(r.from) < minutesOf(r.to), { message: 'the end comes after the start', path: ['to'] });
export type TimeRange = z.infer<typeof TimeRange>;

export const MAX_RANGES_PER_DAY = 4;

/** The opening ranges of one day, in order and apart (touching is fine): empty when closed all day. */
export const DayRanges = z
  .array(TimeRange)
  .max(MAX_RANGES_PER_DAY)
  .refine((rs) => rs.every((r, i) => i === 0 || minutesOf(rs[i - 1]!.to) <= minutesOf(r.from)), 'ranges in order, without overlap');
export type DayRanges = z.infer<typeof DayRanges>;

export const WeekHours = z
  .strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, DayRanges])) as Record<Weekday, typeof DayRanges>)
  .refine((w) => WEEKDAYS.some((d) => w[d].length > 0), 'at least one opening range (clear the hours instead to announce none)');
export type WeekHours = z.infer<typeof WeekHours>;

/** True when `tz` is an IANA time zone this runtime knows. */
/** Zones already checked (building a formatter costs more than the rest of a settings check; the hub checks its settings at every queue push). */
const zonesChecked = new Map<string, boolean>();
export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(tz)) return false;
  const known = zonesChecked.get(tz);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    ok = true;
  } catch {
    ok = false;
  }
  if (zonesChecked.size < 512) zonesChecked.set(tz, ok);
  return ok;
}
export const TimeZone = z.string().trim().min(1).max(64).refine(isTimeZone, 'an IANA time zone such as Europe/Paris');

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

export const SupportSettings = z.strictObject({
  /** Zone the hours are given in (default Europe/Paris). */
  timeZone: TimeZone,
  /** Opening hours; null: none announced (the hub never says « fermé »). */
  hours: WeekHours.nullable(),
  /** Number practices may call when no technician is available; null: none given. */
  phone: PhoneNumber.nullable(),
});
export type SupportSettings = z.infer<typeof SupportSettings>;

export const DEFAULT_SUPPORT_SETTINGS: SupportSettings = { timeZone: DEFAULT_TIME_ZONE, hours: null, phone: null };

/** The stored settings with their version (every change adds one: a stale form is refused, never applied). */
export const SupportSettingsRecord = z.object({
  settings: SupportSettings,
  version: z.number().int().nonnegative(),
  updatedAt: IsoDate.nullable(),
});
export type SupportSettingsRecord = z.infer<typeof SupportSettingsRecord>;

/** The support as the hub sees it now: settings, open or not, technicians available. In every QueueSnapshot. */
export const SupportStatus = SupportSettingsRecord.extend({
  /** Inside the hours now (null: no hours set). */
  open: z.boolean().nullable(),
  /** When `open` changes next (null: never in the coming week, or no hours). */
  nextChangeAt: IsoDate.nullable(),
  /** Technicians connected to the hub. */
  techniciansOnline: z.number().int().nonnegative(),
  /** Of those, the ones not on a break: what waits are estimated with. */
  techniciansAvailable: z.number().int().nonnegative(),
});
export type SupportStatus = z.infer<typeof SupportStatus>;

/** A change from the console: the fields to set, and the version the form was loaded from. */
export const SupportSettingsUpdate = z.strictObject({
  version: z.number().int().nonnegative(),
  timeZone: TimeZone.optional(),
  hours: WeekHours.nullable().optional(),
  phone: PhoneNumber.nullable().optional(),
});
export type SupportSettingsUpdate = z.input<typeof SupportSettingsUpdate>;

export const Availability = z.object({ available: z.boolean() });

/** Technician events of the support settings and of availability (merged into TECH_EVENTS). */
export const SUPPORT_TECH_EVENTS = {
  /** Admins only: changes the support hours, time zone or phone number. CONFLICT when `version` is stale. */
  'settings:support': { request: SupportSettingsUpdate, response: SupportSettingsRecord },
  /**
   * A technician on a break (`available: false`) does not count as available: practices are told
   * so rather than given an estimate. Per technician (all their tabs), until their last tab closes.
   * Without `available`: only reads it.
   */
  'tech:availability': { request: z.strictObject({ available: z.boolean().optional() }), response: Availability },
} as const;

export const SUPPORT_TECH_PUSH = {
  /** This technician's availability changed (from another of their tabs). */
  'tech:availability': Availability,
} as const;

// ---------- hours as text: « 08:30-12:30, 14:00-18:30 » ----------

export type DayRangesError = 'format' | 'order' | 'tooMany';

/**
 * Parses one day's ranges as people write them: `08:30-12:30, 14:00-18:30` (also `8h30-12h30`,
 * `8:30–12:30`, `;` between ranges). Empty, `-`, `fermé` or `closed`: no opening that day.
 */
export function parseDayRanges(text: string): { ok: true; ranges: DayRanges } | { ok: false; error: DayRangesError } {
  const s = text.trim().toLowerCase();
  if (s === '' || s === '-' || s === 'fermé' || s === 'ferme' || s === 'closed') return { ok: true, ranges: [] };
  const parts = s.split(/[,;]/).map((p) => p.trim());
  if (parts.length > MAX_RANGES_PER_DAY) return { ok: false, error: 'tooMany' };
  const ranges: TimeRange[] = [];
  for (const p of parts) {
    const m =
      /^(\d{1,2})\s*[:h]\s*(\d{2})?\s*[-–—à]\s*(\d{1,2})\s*[:h]\s*(\d{2})?$/.exec(p) ?? /^(\d{1,2})()\s*[-–—]\s*(\d{1,2})()$/.exec(p);
    if (!m) return { ok: false, error: 'format' };
    const fmt = (h: string, mm: string | undefined) => `${h.padStart(2, '0')}:${mm || '00'}`;
    const r = TimeRange.safeParse({ from: fmt(m[1]!, m[2]), to: fmt(m[3]!, m[4]) });
    if (!r.success)
      return { ok: false, error: r.error.issues.some((i) => i.path[0] === 'to' && i.message.startsWith('the end')) ? 'order' : 'format' };
    ranges.push(r.data);
  }
  const day = DayRanges.safeParse(ranges);
  return day.success ? { ok: true, ranges: day.data } : { ok: false, error: 'order' };
}

/** `08:30-12:30, 14:00-18:30`; empty string for a closed day. */
export function formatDayRanges(ranges: readonly TimeRange[]): string {
  return ranges.map((r) => `${r.from}-${r.to}`).join(', ');
}
