import { describe, expect, it } from 'vitest';
import type { BackupError, RestoreJob, RestoreProgress } from '@vigie/common';
import { reasonOf } from './errors.js';
import { restoreJobOf } from './test-support/jobs.js';
import { cancelStep, interruption, jobsToForget, jobTransition, orderJobs, type JobSlot } from './restore-jobs.js';

const T0 = new Date('2026-12-03T12:30:00.000Z');
const job = (over: Partial<RestoreJob> = {}): RestoreJob => restoreJobOf({ startedAt: T0.toISOString(), ...over });
const slot = (over: Partial<RestoreJob> = {}, lastProgressEmit = 0): JobSlot => ({ job: job(over), lastProgressEmit });
const progress = (bytesDone: number): RestoreProgress => ({
  fraction: bytesDone / 100,
  bytesDone,
  totalBytes: 100,
  filesDone: 1,
  totalFiles: 2,
  secondsRemaining: null,
  source: 'restic',
});
const failure: BackupError = { reason: 'verify-failed', message: 'm', nextStep: 'n', at: T0.toISOString() };

describe('jobTransition: one restore job record, pure', () => {
  it('a change of a running job is kept and pushed', () => {
    expect(jobTransition(slot({ state: 'preparing' }), { type: 'patch', patch: { state: 'restoring' } })).toEqual({
      state: slot({ state: 'restoring' }),
      effects: ['emit'],
    });
  });

  it('progress is pushed at most every 200 ms; in between the latest is kept without a push', () => {
    const first = jobTransition(slot({}, 1000), { type: 'progress', progress: progress(10), at: 1200 });
    expect(first).toEqual({ state: slot({ progress: progress(10) }, 1200), effects: ['emit'] });
    const soon = jobTransition(first.state, { type: 'progress', progress: progress(20), at: 1399 });
    expect(soon).toEqual({ state: slot({ progress: progress(20) }, 1200), effects: [] });
    const later = jobTransition(soon.state, { type: 'progress', progress: progress(30), at: 1400 });
    expect(later).toEqual({ state: slot({ progress: progress(30) }, 1400), effects: ['emit'] });
  });

  it('finishing sets the state, the end time and the error, is pushed, and old finished jobs are forgotten', () => {
    expect(
      jobTransition(slot({ state: 'verifying' }), {
        type: 'finish',
        state: 'failed',
        error: failure,
        at: T0,
        patch: { snapshotTime: 'x' },
      }),
    ).toEqual({
      state: slot({ state: 'failed', error: failure, endedAt: T0.toISOString(), snapshotTime: 'x' }),
      effects: ['emit', 'prune'],
    });
  });

  it.each(['done', 'failed', 'cancelled'] as const)('a %s job never changes again, whatever comes', (state) => {
    const s = slot({ state, endedAt: T0.toISOString() });
    expect(jobTransition(s, { type: 'patch', patch: { state: 'moving' } })).toEqual({ state: s, effects: [] });
    expect(jobTransition(s, { type: 'progress', progress: progress(5), at: 10_000 })).toEqual({ state: s, effects: [] });
    expect(jobTransition(s, { type: 'progress', progress: progress(5), at: 1 })).toEqual({ state: s, effects: [] });
    expect(jobTransition(s, { type: 'finish', state: 'cancelled', error: null, at: T0 })).toEqual({ state: s, effects: [] });
  });
});

describe('cancelStep: what cancelling does in each state', () => {
  it.each([
    ['queued', 'abort-and-finish'],
    ['preparing', 'abort'],
    ['restoring', 'abort'],
    ['verifying', 'abort'],
    // Putting files in place takes an instant: stopping half-way would be worse.
    ['moving', 'none'],
    ['done', 'none'],
    ['failed', 'none'],
    ['cancelled', 'none'],
  ] as const)('%s → %s', (state, step) => {
    expect(cancelStep(state)).toBe(step);
  });
});

describe('the job list', () => {
  const at = (min: number) => new Date(T0.getTime() + min * 60_000).toISOString();
  const jobs = [
    job({ id: 'old-done', state: 'done', createdAt: at(0) }),
    job({ id: 'running', state: 'restoring', createdAt: at(1) }),
    job({ id: 'new-failed', state: 'failed', createdAt: at(3) }),
    job({ id: 'queued', state: 'queued', createdAt: at(4) }),
    job({ id: 'mid-cancelled', state: 'cancelled', createdAt: at(2) }),
  ];

  it('running jobs first, then finished ones, newest first', () => {
    expect(orderJobs(jobs).map((j) => j.id)).toEqual(['queued', 'running', 'new-failed', 'mid-cancelled', 'old-done']);
  });

  it('forgets the oldest finished jobs beyond the kept number, never a running one', () => {
    expect(jobsToForget(jobs, 3)).toEqual([]);
    expect(jobsToForget(jobs, 1)).toEqual(['old-done', 'mid-cancelled']);
    expect(jobsToForget(jobs, 0)).toEqual(['old-done', 'mid-cancelled', 'new-failed']);
  });
});

describe('interruption', () => {
  it('says the restore was interrupted, keeps the details, never the cause’s own reason or words', () => {
    const e = interruption('interrupted', { reason: 'unknown', nextStep: 'x', messageKey: 'noFolders', signal: 'SIGKILL' });
    expect(reasonOf(e)).toBe('interrupted');
    expect(e.details).toMatchObject({ messageKey: 'restoreInterrupted', signal: 'SIGKILL' });
    expect(e.details?.nextStep).not.toBe('x');
  });
});
