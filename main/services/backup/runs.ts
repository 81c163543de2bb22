import type { BackupError, BackupProgress, BackupRun, BackupTrigger } from '@vigie/common';
import { backupError, reasonOf, toBackupError } from './errors.js';
import type { BackupRunResult } from './restic/client.js';
import type { BackupStatusLine } from './restic/parse.js';

/**
 * One backup run's lifecycle, pure (no I/O, time given):
 *
 *   idle ──start──▶ running(progress) ──succeeded──▶ idle   record ok/warning, then size + maintenance
 *                       │     ▲ progress (status pushed at most once a second)
 *                       └──failed──▶ idle   interrupted: stale lock cleaned first; failed: the user told
 *
 * A second start while running changes nothing (the service hands back the same run). Effects run
 * in order; those before 'end' run while the status still says "running" (the lock cleaning), the
 * others after it (the history shows the outcome once the run no longer shows as running).
 */
export type RunState =
  | { phase: 'idle' }
  | { phase: 'running'; id: string; trigger: BackupTrigger; startedAt: string; progress: BackupProgress | null; progressPushedAt: number };

export type RunEvent =
  | { type: 'start'; id: string; trigger: BackupTrigger; at: Date }
  /** `at`: real milliseconds (the push throttle measures elapsed time). */
  | { type: 'progress'; line: BackupStatusLine; at: number }
  | { type: 'succeeded'; result: BackupRunResult; at: Date }
  | { type: 'failed'; error: unknown; aborted: boolean; at: Date };

export type RunEffect =
  | { type: 'push-status' }
  /** restic ≤ 0.15 leaves its lock behind on SIGINT. */
  | { type: 'clean-locks' }
  /** The run no longer shows as running (commit the step's state). */
  | { type: 'end' }
  | { type: 'record'; run: BackupRun; success: boolean }
  /** Repository size, then retention and check when due. */
  | { type: 'after-success' }
  | { type: 'notify-failure'; error: BackupError };

export interface RunStep {
  state: RunState;
  effects: RunEffect[];
}

const PROGRESS_PUSH_MS = 1000;

export function runTransition(s: RunState, e: RunEvent): RunStep {
  if (e.type === 'start') {
    if (s.phase === 'running') return { state: s, effects: [] };
    return {
      state: { phase: 'running', id: e.id, trigger: e.trigger, startedAt: e.at.toISOString(), progress: null, progressPushedAt: 0 },
      effects: [{ type: 'push-status' }],
    };
  }
  if (s.phase !== 'running') return { state: s, effects: [] };
  const ended = (at: Date) => ({
    id: s.id,
    kind: 'backup' as const,
    trigger: s.trigger,
    startedAt: s.startedAt,
    endedAt: at.toISOString(),
  });
  switch (e.type) {
    case 'progress': {
      const l = e.line;
      const progress: BackupProgress = {
        fraction: Math.max(0, Math.min(1, l.percent_done ?? 0)),
        filesDone: l.files_done ?? 0,
        totalFiles: l.total_files ?? null,
        bytesDone: l.bytes_done ?? 0,
        totalBytes: l.total_bytes ?? null,
        secondsRemaining: l.seconds_remaining ?? null,
        currentFile: l.current_files?.[0] ?? null,
      };
      const push = e.at - s.progressPushedAt >= PROGRESS_PUSH_MS;
      return {
        state: { ...s, progress, progressPushedAt: push ? e.at : s.progressPushedAt },
        effects: push ? [{ type: 'push-status' }] : [],
      };
    }
    case 'succeeded': {
      const r = e.result;
      const warning = r.exitCode === 3;
      const run: BackupRun = {
        ...ended(e.at),
        outcome: warning ? 'warning' : 'ok',
        snapshotId: r.summary?.snapshot_id ?? null,
        filesNew: r.summary?.files_new ?? null,
        filesChanged: r.summary?.files_changed ?? null,
        filesUnmodified: r.summary?.files_unmodified ?? null,
        bytesProcessed: r.summary?.total_bytes_processed ?? null,
        bytesAdded: r.summary?.data_added ?? null,
        unreadable: r.unreadable,
        unreadableCount: r.unreadableCount,
        error: warning ? toBackupError(backupError('unreadable-files', { vars: { count: r.unreadableCount } }), e.at) : null,
      };
      return { state: { phase: 'idle' }, effects: [{ type: 'end' }, { type: 'record', run, success: true }, { type: 'after-success' }] };
    }
    case 'failed': {
      const interrupted = e.aborted || reasonOf(e.error) === 'interrupted';
      const error = interrupted ? toBackupError(backupError('interrupted'), e.at) : toBackupError(e.error, e.at);
      const run = runWithoutData({ ...ended(e.at), outcome: interrupted ? 'interrupted' : 'failed', error });
      return {
        state: { phase: 'idle' },
        effects: [
          ...(interrupted ? [{ type: 'clean-locks' } as const] : []),
          { type: 'end' },
          { type: 'record', run, success: false },
          ...(interrupted ? [] : [{ type: 'notify-failure', error } as const]),
        ],
      };
    }
  }
}

/** A run that produced no snapshot (failed, interrupted, maintenance). */
export function runWithoutData(r: Pick<BackupRun, 'id' | 'kind' | 'trigger' | 'startedAt' | 'endedAt' | 'outcome' | 'error'>): BackupRun {
  return {
    ...r,
    snapshotId: null,
    filesNew: null,
    filesChanged: null,
    filesUnmodified: null,
    bytesProcessed: null,
    bytesAdded: null,
    unreadable: [],
    unreadableCount: 0,
  };
}
