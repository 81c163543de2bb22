import { z } from 'zod';
import {
  BACKUP_STRINGS,
  BackupRun,
  BackupSettings,
  IsoDate,
  type BackupError,
  type BackupProgress,
  type BackupStatus,
  type BackupDay,
  type BackupDayState,
  type BackupHeadline,
  type BackupSummary,
  type Locale,
} from '@vigie/common';
import { backupError, fill, toBackupError } from './errors.js';
import { repositoryLabel } from './repository.js';

/** What the backup service keeps on disk (backup/state.json): history and bookkeeping. */
export const BackupStateFile = z.object({
  version: z.literal(1),
  settings: BackupSettings.nullable().default(null),
  runs: z.array(BackupRun).default([]),
  lastSuccessAt: IsoDate.nullable().default(null),
  /** The most recent scheduled time already handled (run or knowingly skipped). */
  lastSlot: IsoDate.nullable().default(null),
  repoSizeBytes: z.number().nonnegative().nullable().default(null),
  snapshotCount: z.number().int().nonnegative().nullable().default(null),
  lastCheckAt: IsoDate.nullable().default(null),
  lastCheckOk: z.boolean().nullable().default(null),
  lastForgetAt: IsoDate.nullable().default(null),
  /** Staging folders of restores in progress: removed at start if the app died meanwhile. */
  stagings: z.array(z.string()).default([]),
});
export type BackupStateFile = z.infer<typeof BackupStateFile>;

export const EMPTY_STATE: BackupStateFile = {
  version: 1,
  settings: null,
  runs: [],
  lastSuccessAt: null,
  lastSlot: null,
  repoSizeBytes: null,
  snapshotCount: null,
  lastCheckAt: null,
  lastCheckOk: null,
  lastForgetAt: null,
  stagings: [],
};

/** History kept: 45 days and at most 500 runs (the strip shows 30). */
export function trimRuns(runs: BackupRun[], now: Date): BackupRun[] {
  const cutoff = now.getTime() - 45 * 86_400_000;
  return runs.filter((r) => new Date(r.startedAt).getTime() >= cutoff).slice(-500);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local calendar day AAAA-MM-JJ. */
export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const RANK: Record<BackupDayState, number> = { none: 0, failed: 1, warning: 2, ok: 3 };

/** The last `n` local days, oldest first: the best outcome of each day's backups. */
export function buildDays(runs: readonly BackupRun[], now: Date, n = 30): BackupDay[] {
  const days: BackupDay[] = [];
  const index = new Map<string, BackupDay>();
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - i, 12);
    const day: BackupDay = { date: dayKey(d), state: 'none', runs: 0 };
    days.push(day);
    index.set(day.date, day);
  }
  for (const r of runs) {
    if (r.kind !== 'backup') continue;
    const day = index.get(dayKey(new Date(r.startedAt)));
    if (!day) continue;
    day.runs++;
    const s: BackupDayState = r.outcome === 'ok' ? 'ok' : r.outcome === 'warning' ? 'warning' : 'failed';
    if (RANK[s] > RANK[day.state]) day.state = s;
  }
  return days;
}

export interface HeadlineInput {
  configured: boolean;
  running: boolean;
  /** The last backup that ended conclusively (ok, warning or failed; interrupted runs are skipped). */
  lastBackup: BackupRun | null;
  lastSuccessAt: string | null;
  /** A failed repository check counts as a failure until the next good one. */
  checkFailed: boolean;
  staleAfterHours: number;
  now: Date;
  locale?: Locale;
}

/** The one headline, and its sentence. */
export function headline(i: HeadlineInput): { headline: BackupHeadline; message: string } {
  const t = BACKUP_STRINGS[i.locale ?? 'fr'].headline;
  if (!i.configured) return { headline: 'not-configured', message: t['not-configured'] };
  if (i.running) return { headline: 'running', message: t.running };
  const last = i.lastBackup;
  if (last?.outcome === 'failed' || i.checkFailed) return { headline: 'failed', message: t.failed };
  const successAge = i.lastSuccessAt ? i.now.getTime() - new Date(i.lastSuccessAt).getTime() : null;
  if (successAge === null) return { headline: 'stale', message: t.never };
  if (successAge > i.staleAfterHours * 3_600_000) {
    const hours = Math.floor(successAge / 3_600_000);
    const days = Math.floor(hours / 24);
    const message = days >= 2 ? fill(t.stale, { days }) : days === 1 ? t.staleOneDay : fill(t.staleHours, { hours });
    return { headline: 'stale', message };
  }
  if (last?.outcome === 'warning') {
    const count = last.unreadableCount;
    const one = new Intl.PluralRules(i.locale === 'en' ? 'en-GB' : 'fr-FR').select(count) === 'one';
    return { headline: 'ok', message: fill(one ? t.okWithWarning_one : t.okWithWarning_other, { count }) };
  }
  return { headline: 'ok', message: t.ok };
}

export function summaryOf(
  h: { headline: BackupHeadline; message: string },
  s: {
    lastSuccessAt: string | null;
    lastRunAt: string | null;
    nextRunAt: string | null;
    sizeBytes: number | null;
    filesChangedLastRun: number | null;
  },
): BackupSummary {
  return { headline: h.headline, message: h.message.slice(0, 500), ...s };
}

/** The last backup run (any outcome), or null. */
export function lastBackupRun(runs: readonly BackupRun[], conclusive = false): BackupRun | null {
  for (let i = runs.length - 1; i >= 0; i--) {
    const r = runs[i]!;
    if (r.kind === 'backup' && (!conclusive || r.outcome !== 'interrupted')) return r;
  }
  return null;
}

/** What the practitioner's backup page shows, from the service's state at `now`. */
export function backupStatus(i: {
  state: BackupStateFile;
  settings: BackupSettings;
  running: boolean;
  progress: BackupProgress | null;
  startupError: BackupError | null;
  nextRunAt: Date | null;
  resticVersion: string | null;
  now: Date;
  locale: Locale;
}): BackupStatus {
  const { state, settings, now } = i;
  const configured = settings.repository !== null && settings.folders.length > 0;
  const last = lastBackupRun(state.runs);
  const conclusive = lastBackupRun(state.runs, true);
  const h = headline({
    configured,
    running: i.running,
    lastBackup: conclusive,
    lastSuccessAt: state.lastSuccessAt,
    checkFailed: state.lastCheckOk === false,
    staleAfterHours: settings.staleAfterHours,
    now,
    locale: i.locale,
  });
  const lastError =
    i.startupError ??
    (conclusive?.outcome === 'failed' ? conclusive.error : null) ??
    (state.lastCheckOk === false ? toBackupError(backupError('check-failed')) : null);
  const summary = summaryOf(h, {
    lastSuccessAt: state.lastSuccessAt,
    lastRunAt: last?.startedAt ?? null,
    nextRunAt: i.nextRunAt?.toISOString() ?? null,
    sizeBytes: state.repoSizeBytes,
    filesChangedLastRun: conclusive && conclusive.outcome !== 'failed' ? (conclusive.filesNew ?? 0) + (conclusive.filesChanged ?? 0) : null,
  });
  const repo = settings.repository;
  return {
    ...summary,
    headline: i.startupError && configured ? 'failed' : summary.headline,
    ...(i.startupError && configured ? { message: BACKUP_STRINGS[i.locale].headline.failed } : {}),
    configured,
    enabled: settings.enabled,
    running: i.running,
    progress: i.progress,
    lastRun: last,
    lastError: lastError ?? null,
    days: buildDays(state.runs, now),
    repository: repo ? { kind: repo.kind, label: repositoryLabel(repo) } : null,
    resticVersion: i.resticVersion,
    snapshotCount: state.snapshotCount,
    lastCheckAt: state.lastCheckAt,
    lastCheckOk: state.lastCheckOk,
    lastForgetAt: state.lastForgetAt,
  };
}

/** The history with one more run: a good backup is the last success, and starts the maintenance clock the first time. */
export function withRun(s: BackupStateFile, run: BackupRun, success: boolean, now: Date): BackupStateFile {
  const good = success && run.kind === 'backup';
  return {
    ...s,
    runs: trimRuns([...s.runs, run], now),
    ...(good ? { lastSuccessAt: run.endedAt } : {}),
    // Maintenance is first due one period after the first successful backup.
    ...(good && !s.lastForgetAt ? { lastForgetAt: run.endedAt } : {}),
    ...(good && !s.lastCheckAt ? { lastCheckAt: run.endedAt } : {}),
  };
}

/** The small version of the status, for the health check [backup-recency] and the hub report. */
export function summaryOfStatus(s: BackupStatus): BackupSummary {
  return {
    headline: s.headline,
    lastSuccessAt: s.lastSuccessAt,
    lastRunAt: s.lastRunAt,
    nextRunAt: s.nextRunAt,
    sizeBytes: s.sizeBytes,
    filesChangedLastRun: s.filesChangedLastRun,
    ...(s.message !== undefined ? { message: s.message } : {}),
  };
}
