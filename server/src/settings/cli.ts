import {
  PhoneNumber,
  TimeZone,
  VigieError,
  WEEKDAYS,
  formatDayRanges,
  parseDayRanges,
  type DayRanges,
  type WeekHours,
  type Weekday,
} from '@vigie/common';
import type { SettingsActor, SettingsService } from './service.js';

export const SETTINGS_CLI_HELP = `  settings show                            support hours, time zone and fallback phone number
  settings hours set "<week>"              opening hours practices are told about, e.g.
                                           "mon-fri 08:30-12:30,14:00-18:30; sat 09:00-12:00"
                                           (days mon…sun or lun…dim; days not given are closed)
  settings hours clear                     announce no hours (never « fermé »)
  settings timezone set <zone>             zone of the hours (IANA name; default Europe/Paris)
  settings phone set "<number>"            number practices may call when no technician is available
  settings phone clear                     no number given
                                           (a running hub tells practices within a minute)`;

const DAY_NAMES: Record<string, Weekday> = {
  mon: 'mon',
  tue: 'tue',
  wed: 'wed',
  thu: 'thu',
  fri: 'fri',
  sat: 'sat',
  sun: 'sun',
  lun: 'mon',
  mar: 'tue',
  mer: 'wed',
  jeu: 'thu',
  ven: 'fri',
  sam: 'sat',
  dim: 'sun',
};

function dayOf(name: string): Weekday {
  const d = DAY_NAMES[name.trim().toLowerCase().slice(0, 3)];
  if (!d) throw new VigieError('BAD_REQUEST', `unknown day "${name}" (mon…sun or lun…dim)`);
  return d;
}

/** `mon-fri 08:30-12:30,14:00-18:30; sat 09:00-12:00` → the week (days not named are closed). */
export function parseWeekSpec(spec: string): WeekHours {
  const week = Object.fromEntries(WEEKDAYS.map((d) => [d, [] as DayRanges])) as Record<Weekday, DayRanges>;
  const seen = new Set<Weekday>();
  for (const part of spec
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\S+)\s+(.+)$/.exec(part);
    if (!m) throw new VigieError('BAD_REQUEST', `"${part}": expected days then hours, e.g. "mon-fri 08:30-18:30"`);
    const days: Weekday[] = [];
    for (const item of m[1]!.split(',')) {
      const [a, b] = item.split('-');
      if (b === undefined) days.push(dayOf(a!));
      else {
        const from = WEEKDAYS.indexOf(dayOf(a!));
        const to = WEEKDAYS.indexOf(dayOf(b));
        if (to < from) throw new VigieError('BAD_REQUEST', `"${item}": days go from Monday to Sunday`);
        days.push(...WEEKDAYS.slice(from, to + 1));
      }
    }
    const ranges = parseDayRanges(m[2]!);
    if (!ranges.ok) {
      const why = {
        format: 'expected HH:MM-HH:MM, separated by commas',
        order: 'each range ends after it starts, ranges in order without overlap',
        tooMany: 'at most 4 ranges a day',
      }[ranges.error];
      throw new VigieError('BAD_REQUEST', `"${m[2]}": ${why}`);
    }
    for (const d of days) {
      if (seen.has(d)) throw new VigieError('BAD_REQUEST', `${d} is given twice`);
      seen.add(d);
      week[d] = ranges.ranges;
    }
  }
  if (!WEEKDAYS.some((d) => week[d].length > 0))
    throw new VigieError('BAD_REQUEST', 'no opening range given (use "settings hours clear" to announce none)');
  return week;
}

export function formatWeek(hours: WeekHours | null): string[] {
  if (!hours) return ['  (none announced)'];
  return WEEKDAYS.map((d) => `  ${d}  ${hours[d].length ? formatDayRanges(hours[d]) : 'closed'}`);
}

function valueOf<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } } },
  v: string | undefined,
  what: string,
): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new VigieError('BAD_REQUEST', `${what}: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

/** Runs `settings …` of the hub CLI; returns the exit code (errors are thrown as VigieError, like the other commands). */
export async function runSettingsCommand(
  args: string[],
  ctx: { settings: SettingsService; out: (s: string) => void; actor?: SettingsActor },
): Promise<number> {
  const actor: SettingsActor = ctx.actor ?? { type: 'cli', id: process.env.SUDO_USER || process.env.USER || null };
  const [what, verb, ...rest] = args;
  const value = rest.join(' ').trim();
  const show = async () => {
    const { settings: s, version, updatedAt } = await ctx.settings.supportRecord();
    ctx.out(`Support settings (version ${version}${updatedAt ? `, changed ${updatedAt}` : ''})`);
    ctx.out(`Time zone: ${s.timeZone}`);
    ctx.out(`Hours:`);
    for (const line of formatWeek(s.hours)) ctx.out(line);
    ctx.out(`Fallback phone: ${s.phone ?? '(none)'}`);
    return 0;
  };
  const usage = () => new VigieError('BAD_REQUEST', `usage:\n${SETTINGS_CLI_HELP}`);
  switch (`${what ?? ''} ${verb ?? ''}`.trim()) {
    case 'show':
      if (verb !== undefined) throw usage();
      return show();
    case 'hours set':
      if (!value) throw usage();
      await ctx.settings.updateSupport({ hours: parseWeekSpec(value) }, actor);
      return show();
    case 'hours clear':
      await ctx.settings.updateSupport({ hours: null }, actor);
      return show();
    case 'timezone set':
      await ctx.settings.updateSupport({ timeZone: valueOf(TimeZone, value, 'time zone') }, actor);
      return show();
    case 'phone set':
      await ctx.settings.updateSupport({ phone: valueOf(PhoneNumber, value, 'phone number') }, actor);
      return show();
    case 'phone clear':
      await ctx.settings.updateSupport({ phone: null }, actor);
      return show();
    default:
      throw usage();
  }
}
