import type { TFunction } from 'i18next';
import type { Locale } from '@vigie/common';

const tag = (locale: Locale) => (locale === 'fr' ? 'fr-FR' : 'en-GB');

/** "mercredi 12 mars 2025 à 12:30" / "Wednesday 12 March 2025 at 12:30". */
export function longDate(iso: string, locale: Locale): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(tag(locale), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

/** "12 mars" / "12 March" (the 30-day strip). */
export function shortDay(day: string, locale: Locale): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(tag(locale), { day: 'numeric', month: 'long' }).format(new Date(y!, (m ?? 1) - 1, d ?? 1, 12));
}

/** "à l’instant", "il y a 3 heures", "dans 2 heures", "hier"… */
export function relative(iso: string, locale: Locale, t: TFunction, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  const rtf = new Intl.RelativeTimeFormat(tag(locale), { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 60_000) return t('backup.ui.justNow');
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  return rtf.format(Math.round(diff / 86_400_000), 'day');
}

/** "1,2 Go" / "1.2 GB". */
export function size(bytes: number, locale: Locale, t: TFunction): string {
  const units = ['bytes', 'kb', 'mb', 'gb', 'tb'] as const;
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const n = new Intl.NumberFormat(tag(locale), { maximumFractionDigits: i === 0 || v >= 100 ? 0 : 1 }).format(v);
  return `${n} ${t(`backup.ui.units.${units[i]}`)}`;
}

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
