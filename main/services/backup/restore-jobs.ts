import type { BackupError, RestoreJob, RestoreProgress, VigieError } from '@vigie/common';
import { backupError } from './errors.js';

/**
 * One restore job's record, pure (no I/O, time given): how it changes and what the manager
 * (restore.ts) does after each change.
 *
 *   queued ─▶ preparing ─▶ restoring ─▶ verifying ─▶ moving ─▶ done
 *     └───────────┴────────────┴────────────┴───────────┴──────▶ failed | cancelled
 *
 * A finished job never changes again. Progress is pushed at most every 200 ms (the latest kept
 * meanwhile); a job is pushed on every other change, and finished jobs beyond the kept number are
 * forgotten (oldest first).
 */

export const FINAL: ReadonlySet<RestoreJob['state']> = new Set(['done', 'failed', 'cancelled']);

/** Shortest interval between two progress pushes of one job. */
const PROGRESS_PUSH_MS = 200;

export interface JobSlot {
  job: RestoreJob;
  /** When progress was last pushed (real milliseconds). */
  lastProgressEmit: number;
}

export type JobEvent =
  | { type: 'patch'; patch: Partial<RestoreJob> }
  /** `at`: real milliseconds (the push throttle measures elapsed time). */
  | { type: 'progress'; progress: RestoreProgress; at: number }
  | { type: 'finish'; state: 'done' | 'failed' | 'cancelled'; error: BackupError | null; at: Date; patch?: Partial<RestoreJob> };

/** 'emit': push the job; 'prune': forget the oldest finished jobs beyond the kept number. */
export type JobEffect = 'emit' | 'prune';

export function jobTransition(s: JobSlot, e: JobEvent): { state: JobSlot; effects: JobEffect[] } {
  if (FINAL.has(s.job.state)) return { state: s, effects: [] };
  switch (e.type) {
    case 'patch':
      return { state: { ...s, job: { ...s.job, ...e.patch } }, effects: ['emit'] };
    case 'progress':
      if (e.at - s.lastProgressEmit < PROGRESS_PUSH_MS) return { state: { ...s, job: { ...s.job, progress: e.progress } }, effects: [] };
      return { state: { job: { ...s.job, progress: e.progress }, lastProgressEmit: e.at }, effects: ['emit'] };
    case 'finish':
      return {
        state: { ...s, job: { ...s.job, ...e.patch, state: e.state, endedAt: e.at.toISOString(), error: e.error } },
        effects: ['emit', 'prune'],
      };
  }
}

/**
 * What cancelling does in each state: a finished job, or one already putting files in place (it
 * takes an instant and stopping half-way would be worse), is left as is; a queued one ends at once;
 * any other is interrupted (restic killed) and ends when its run notices.
 */
export function cancelStep(state: RestoreJob['state']): 'none' | 'abort' | 'abort-and-finish' {
  if (FINAL.has(state) || state === 'moving') return 'none';
  return state === 'queued' ? 'abort-and-finish' : 'abort';
}

/** Running jobs first, then finished ones, newest first. */
export function orderJobs(jobs: readonly RestoreJob[]): RestoreJob[] {
  return [...jobs].sort((a, b) => Number(FINAL.has(a.state)) - Number(FINAL.has(b.state)) || b.createdAt.localeCompare(a.createdAt));
}

/** The finished jobs to forget so that at most `keep` remain (the oldest ones). */
export function jobsToForget(jobs: readonly RestoreJob[], keep: number): string[] {
  const finished = jobs.filter((j) => FINAL.has(j.state)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return finished.slice(0, Math.max(0, finished.length - keep)).map((j) => j.id);
}

/** A restore stopped before anything was put in place (cancelled, or restic killed): said as such, not in backup words. */
export function interruption(reason: 'cancelled' | 'interrupted', cause: Record<string, unknown> = {}): VigieError {
  const { reason: _reason, nextStep: _nextStep, messageKey: _key, ...details } = cause;
  return backupError(reason, { messageKey: 'restoreInterrupted', details });
}
