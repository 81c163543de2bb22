import { CHECK_IDS, HEALTH_STRINGS, STATUS_SEVERITY, type BackupHeadline, type CheckId, type Locale } from '@vigie/common';
import type { TechResponse } from '../lib/socket';

/** One row of the fleet page: a device as `devices:list` gives it, kept live by pushes. */
export type FleetDevice = TechResponse<'devices:list'>[number];

export type SortKey = 'risk' | 'practice' | 'device' | 'score' | 'worst' | 'lastReport' | 'online' | 'appVersion' | 'backup';
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}
/** "Critiques d'abord": the default order. */
export const RISK_FIRST: Sort = { key: 'risk', dir: 'desc' };

export interface FleetFilter {
  /** Practice id, or '' for all. */
  practiceId: string;
  text: string;
  offlineOnly: boolean;
}
export const NO_FILTER: FleetFilter = { practiceId: '', text: '', offlineOnly: false };

/**
 * How exposed a device is, for "critiques d'abord": the worst status first (critical, warning,
 * no report yet, unverified, ok), then the lowest score, then the oldest check.
 */
export function riskRank(d: FleetDevice): number {
  if (!d.health) return 1.5;
  return STATUS_SEVERITY[d.health.worst];
}

const BACKUP_RANK: Record<BackupHeadline, number> = { failed: 4, stale: 3, 'not-configured': 2, running: 1, ok: 0 };

/** When the device last checked its security (the report's time), else when it last reported anything. */
export function lastReportAt(d: FleetDevice): string | null {
  return d.health?.at ?? d.reportedAt;
}

const isCheckId = (id: string): id is CheckId => (CHECK_IDS as readonly string[]).includes(id);

/** Name of the device's most urgent point in `locale` ('' when nothing is to fix or no report). */
export function worstLabel(d: FleetDevice, locale: Locale): string {
  const w = d.health?.worstCheck;
  if (!w) return '';
  return isCheckId(w.id) ? HEALTH_STRINGS[locale].checks[w.id] : w.title;
}

const time = (iso: string | null) => (iso ? Date.parse(iso) || 0 : 0);
const text = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true });

/** Compares two devices for one column, ascending; missing values always go last. */
function compareBy(key: SortKey, a: FleetDevice, b: FleetDevice, locale: Locale): number {
  switch (key) {
    case 'risk':
      // Ascending "risk" = safest first; the default is descending.
      return (
        riskRank(a) - riskRank(b) ||
        (b.health?.score ?? -1) - (a.health?.score ?? -1) ||
        time(b.health?.at ?? null) - time(a.health?.at ?? null)
      );
    case 'practice':
      return text(a.practiceName, b.practiceName);
    case 'device':
      return text(a.name, b.name);
    case 'score':
      return (a.health?.score ?? -1) - (b.health?.score ?? -1);
    case 'worst':
      return (
        (a.health ? STATUS_SEVERITY[a.health.worstCheck?.status ?? 'ok'] : -1) -
          (b.health ? STATUS_SEVERITY[b.health.worstCheck?.status ?? 'ok'] : -1) || text(worstLabel(a, locale), worstLabel(b, locale))
      );
    case 'lastReport':
      return time(lastReportAt(a)) - time(lastReportAt(b));
    case 'online':
      return Number(a.online) - Number(b.online);
    case 'appVersion':
      return text(a.appVersion, b.appVersion);
    case 'backup':
      return (a.backup ? BACKUP_RANK[a.backup.headline] : -1) - (b.backup ? BACKUP_RANK[b.backup.headline] : -1);
  }
}

/** Devices without a value for the column (no report, no backup status) stay at the end in both directions. */
function missing(key: SortKey, d: FleetDevice): boolean {
  if (key === 'score' || key === 'worst') return !d.health;
  if (key === 'lastReport') return !lastReportAt(d);
  if (key === 'backup') return !d.backup;
  return false;
}

export function sortDevices(devices: readonly FleetDevice[], sort: Sort, locale: Locale): FleetDevice[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...devices].sort((a, b) => {
    const ma = missing(sort.key, a);
    const mb = missing(sort.key, b);
    if (ma !== mb) return ma ? 1 : -1;
    return sign * compareBy(sort.key, a, b, locale) || text(a.practiceName, b.practiceName) || text(a.name, b.name) || text(a.id, b.id);
  });
}

export function filterDevices(devices: readonly FleetDevice[], f: FleetFilter, locale: Locale): FleetDevice[] {
  const needle = f.text.trim().toLocaleLowerCase(locale);
  return devices.filter((d) => {
    if (f.practiceId && d.practiceId !== f.practiceId) return false;
    if (f.offlineOnly && d.online) return false;
    if (!needle) return true;
    const hay = [d.name, d.practiceName, d.appVersion, worstLabel(d, locale), d.health?.worstCheck?.title ?? '', d.osVersion]
      .join('\n')
      .toLocaleLowerCase(locale);
    return hay.includes(needle);
  });
}

/** Next sort after activating a column header: a new column starts in its natural direction, the same one flips. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  const naturalDesc: SortKey[] = ['risk', 'lastReport', 'online', 'appVersion', 'backup'];
  return { key, dir: naturalDesc.includes(key) ? 'desc' : 'asc' };
}

/** Practices present in the fleet, by name (for the filter). */
export function practicesOf(devices: readonly FleetDevice[]): Array<{ id: string; name: string }> {
  const m = new Map<string, string>();
  for (const d of devices) m.set(d.practiceId, d.practiceName);
  return [...m].map(([id, name]) => ({ id, name })).sort((a, b) => text(a.name, b.name));
}
