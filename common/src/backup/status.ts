import { z } from 'zod';
import { BackupSummary, Id, IsoDate } from '../domain.js';
import { BackupError } from './errors.js';

/**
 * Backups, how they went: one run (backup, forget, check) and its outcome, the day-by-day calendar,
 * a running backup's progress and the full status (BackupSummary is its small version for the hub).
 */

export const BackupDayState = z.enum(['ok', 'warning', 'failed', 'none']);
export type BackupDayState = z.infer<typeof BackupDayState>;

export const BackupDay = z.object({
  /** Local calendar day, AAAA-MM-JJ. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** Best outcome of the day's backups: ok > warning (some files unreadable) > failed > none. */
  state: BackupDayState,
  runs: z.number().int().nonnegative(),
});
export type BackupDay = z.infer<typeof BackupDay>;

export const BackupTrigger = z.enum(['schedule', 'catch-up', 'manual', 'technician']);
export type BackupTrigger = z.infer<typeof BackupTrigger>;

export const BackupRunOutcome = z.enum(['ok', 'warning', 'failed', 'interrupted']);
export type BackupRunOutcome = z.infer<typeof BackupRunOutcome>;

export const BackupRun = z.object({
  id: Id,
  kind: z.enum(['backup', 'forget', 'check']),
  trigger: BackupTrigger,
  startedAt: IsoDate,
  endedAt: IsoDate,
  outcome: BackupRunOutcome,
  snapshotId: z.string().nullable(),
  filesNew: z.number().int().nonnegative().nullable(),
  filesChanged: z.number().int().nonnegative().nullable(),
  filesUnmodified: z.number().int().nonnegative().nullable(),
  bytesProcessed: z.number().nonnegative().nullable(),
  bytesAdded: z.number().nonnegative().nullable(),
  /** Files that could not be read (exit 3): the snapshot was still made without them. First 100. */
  unreadable: z.array(z.string()).max(100),
  unreadableCount: z.number().int().nonnegative(),
  error: BackupError.nullable(),
});
export type BackupRun = z.infer<typeof BackupRun>;

export const BackupProgress = z.object({
  /** 0..1 */
  fraction: z.number().min(0).max(1),
  filesDone: z.number().int().nonnegative(),
  totalFiles: z.number().int().nonnegative().nullable(),
  bytesDone: z.number().nonnegative(),
  totalBytes: z.number().nonnegative().nullable(),
  secondsRemaining: z.number().nonnegative().nullable(),
  currentFile: z.string().nullable(),
});
export type BackupProgress = z.infer<typeof BackupProgress>;

export const BackupStatus = BackupSummary.extend({
  configured: z.boolean(),
  enabled: z.boolean(),
  running: z.boolean(),
  progress: BackupProgress.nullable(),
  lastRun: BackupRun.nullable(),
  lastError: BackupError.nullable(),
  /** The last 30 local days, oldest first. */
  days: z.array(BackupDay).max(31),
  repository: z.object({ kind: z.enum(['local', 'rest', 's3']), label: z.string() }).nullable(),
  resticVersion: z.string().nullable(),
  snapshotCount: z.number().int().nonnegative().nullable(),
  lastCheckAt: IsoDate.nullable(),
  lastCheckOk: z.boolean().nullable(),
  lastForgetAt: IsoDate.nullable(),
});
export type BackupStatus = z.infer<typeof BackupStatus>;
