/** A duration split into whole hours, minutes and seconds (never negative). */
export interface DurationParts {
  hours: number;
  minutes: number;
  seconds: number;
}

export function durationParts(ms: number): DurationParts {
  const total = Math.max(0, Math.floor(ms / 1000));
  return { hours: Math.floor(total / 3600), minutes: Math.floor((total % 3600) / 60), seconds: total % 60 };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Stopwatch form for a ticking wait: "0:07", "2:05", "1:02:05". */
export function formatClock(ms: number): string {
  const { hours, minutes, seconds } = durationParts(ms);
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

/** Local wall-clock time of an ISO date ("14:05"), in the UI's language. */
export function formatTimeOfDay(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(d);
}

/** Date and time ("28/11/2025 14:05"), in the UI's language. */
export function formatDateTime(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(d);
}

/** Human size in the UI's language (« 1,2 Go » / « 1.2 GB »): the one formatter both UIs share. */
export { formatBytes } from '../../../web/format';
