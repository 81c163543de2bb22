import { describe, expect, it } from 'vitest';
import { RestoreJob, newerRestoreJob, type RestoreState } from './restore.js';

const job = (state: RestoreState, bytesDone: number | null = null): RestoreJob =>
  RestoreJob.parse({
    id: '00000000-0000-4000-8000-000000000001',
    request: { snapshotId: 'a'.repeat(64), paths: ['/home/cabinet/Documents/a.odt'], mode: 'beside' },
    state,
    progress:
      bytesDone === null
        ? null
        : { fraction: null, bytesDone, totalBytes: null, filesDone: null, totalFiles: null, secondsRemaining: null, source: 'restic' },
    snapshotTime: null,
    createdAt: '2025-03-12T11:30:00.000Z',
    startedAt: null,
    endedAt: null,
    result: null,
    error: null,
  });

describe('newerRestoreJob', () => {
  it('keeps the report further along, whichever arrives last', () => {
    const restoring = job('restoring', 10);
    const verifying = job('verifying');
    expect(newerRestoreJob(undefined, restoring)).toBe(restoring);
    expect(newerRestoreJob(restoring, verifying)).toBe(verifying);
    expect(newerRestoreJob(verifying, restoring)).toBe(verifying);
    const done = job('done');
    expect(newerRestoreJob(done, job('queued'))).toBe(done);
  });

  it('at the same step, the one further in bytes; a tie goes to the last one', () => {
    const ahead = job('restoring', 500);
    expect(newerRestoreJob(ahead, job('restoring', 100))).toBe(ahead);
    const later = job('restoring', 500);
    expect(newerRestoreJob(ahead, later)).toBe(later);
    // Done, failed and cancelled are all the end: the last word stands.
    const cancelled = job('cancelled');
    expect(newerRestoreJob(job('failed'), cancelled)).toBe(cancelled);
  });
});
