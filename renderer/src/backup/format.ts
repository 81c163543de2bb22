import type { TFunction } from 'i18next';
import type { Locale, Place } from '@vigie/common';
import { formatBytes, formatLongDate, localeTag } from '../../../web/format.js';

/** "mercredi 12 mars 2025 à 12:30" / "Wednesday 12 March 2025 at 12:30". */
export const longDate = (iso: string, locale: Locale): string => formatLongDate(iso, locale);

/** "12 mars" / "12 March" (the 30-day strip). */
export function shortDay(day: string, locale: Locale): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(localeTag(locale), { day: 'numeric', month: 'long' }).format(new Date(y!, (m ?? 1) - 1, d ?? 1, 12));
}

/** "à l’instant", "il y a 3 heures", "dans 2 heures", "hier"… */
export function relative(iso: string, locale: Locale, t: TFunction, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  const rtf = new Intl.RelativeTimeFormat(localeTag(locale), { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 60_000) return t('backup.ui.justNow');
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  return rtf.format(Math.round(diff / 86_400_000), 'day');
}

/** "1,2 Go" / "1.2 GB". */
export const size = (bytes: number, locale: Locale): string => formatBytes(bytes, locale);

/** "environ 2 minutes" style durations, rounded up to the minute past one minute. */
export function duration(seconds: number, t: TFunction): string {
  if (seconds < 60) return t('backup.ui.time.seconds');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return t('backup.ui.time.minutes', { count: minutes });
  return t('backup.ui.time.hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

/** Last part of a local path, whatever the separator. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** Folder of a local path, whatever the separator. */
export function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i > 0 ? path.slice(0, i) : path;
}

/** One step of a place trail: what the practitioner reads, and the folder it stands for. */
export interface PlaceCrumb {
  label: string;
  path: string;
}

const windowsPath = (p: string) => /^[A-Za-z]:([\\/]|$)/.test(p) || p.startsWith('\\\\');
/** Among places of the same folder, the one with a name people know first. */
const RANK: Record<Place['kind'], number> = { desktop: 0, documents: 0, downloads: 0, pictures: 0, 'backed-up': 1, home: 2 };

/**
 * A local path as places: « Bureau › Dossier patients › compte rendu.pdf », never the system path.
 * The deepest known place holding it names the start (its label from `label`); outside them all,
 * the disk (« Disque C », « Cet ordinateur »). Each crumb keeps the folder it stands for.
 */
export function placeCrumbs(path: string, places: readonly Place[], label: (p: Place) => string, t: TFunction): PlaceCrumb[] {
  const win = windowsPath(path);
  const sep = win ? '\\' : '/';
  const norm = (p: string) => (win ? p.replace(/\//g, '\\') : p).replace(/[\\/]+$/, '') || sep;
  const fold = (p: string) => (win ? p.toLowerCase() : p);
  const full = norm(path);
  const within = (base: string) => fold(full) === fold(base) || fold(full).startsWith(fold(base.endsWith(sep) ? base : base + sep));
  let best: { place: Place; base: string } | null = null;
  for (const place of places) {
    if (windowsPath(place.path) !== win) continue;
    const base = norm(place.path);
    if (!within(base)) continue;
    if (!best || base.length > best.base.length || (base.length === best.base.length && RANK[place.kind] < RANK[best.place.kind]))
      best = { place, base };
  }
  const crumbs: PlaceCrumb[] = [];
  let cur: string;
  let rest: string;
  if (best) {
    crumbs.push({ label: label(best.place), path: best.base });
    cur = best.base;
    rest = full.slice(best.base.length);
  } else if (win && /^[A-Za-z]:/.test(full)) {
    cur = `${full.slice(0, 2).toUpperCase()}\\`;
    crumbs.push({ label: t('backup.ui.places.drive', { letter: full[0]!.toUpperCase() }), path: cur });
    rest = full.slice(2);
  } else if (win) {
    // \\server\share\…: the network share is the start.
    const [server = '', share = ''] = full.slice(2).split('\\');
    cur = `\\\\${server}\\${share}`;
    crumbs.push({ label: t('backup.ui.places.share', { server, share }), path: cur });
    rest = full.slice(cur.length);
  } else {
    cur = '/';
    crumbs.push({ label: t('backup.ui.places.computer'), path: '/' });
    rest = full;
  }
  for (const name of rest.split(/[\\/]/).filter(Boolean)) {
    cur = cur.endsWith(sep) ? cur + name : cur + sep + name;
    crumbs.push({ label: name, path: cur });
  }
  return crumbs;
}

/** The trail as one line: « Bureau › Dossier patients ». */
export const crumbText = (crumbs: readonly PlaceCrumb[]): string => crumbs.map((c) => c.label).join(' › ');
