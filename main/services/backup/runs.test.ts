import { describe, expect, it } from 'vitest';
import { maintenanceDue } from './maintenance.js';
import { runTransition, type RunState } from './runs.js';
import type { BackupRunResult } from './restic/client.js';
import type { BackupStatusLine } from './restic/parse.js';

const T0 = new Date('2026-12-03T12:30:00.000Z');
const T1 = new Date('2026-12-03T12:31:00.000Z');
const idle: RunState = { phase: 'idle' };
const running: RunState = {
  phase: 'running',
  id: 'run-1',
  trigger: 'schedule',
  startedAt: T0.toISOString(),
  progress: null,
  progressPushedAt: 0,
};
const result = (over: Partial<BackupRunResult> = {}): BackupRunResult => ({
  exitCode: 0,
  summary: {
    message_type: 'summary',
    snapshot_id: 'a'.repeat(64),
    files_new: 2,
    files_changed: 1,
    files_unmodified: 7,
    total_bytes_processed: 1000,
    data_added: 300,
  } as BackupRunResult['summary'],
  unreadable: [],
  unreadableCount: 0,
  ...over,
});

describe('runTransition: one backup run, pure', () => {
  it('start: running, the status pushed; a second start while running changes nothing (same run)', () => {
    expect(runTransition(idle, { type: 'start', id: 'run-1', trigger: 'schedule', at: T0 })).toEqual({
      state: running,
      effects: [{ type: 'push-status' }],
    });
    expect(runTransition(running, { type: 'start', id: 'run-2', trigger: 'manual', at: T1 })).toEqual({ state: running, effects: [] });
  });

  it('progress is kept each time, pushed at most once a second', () => {
    const line: BackupStatusLine = {
      message_type: 'status',
      percent_done: 1.5,
      files_done: 3,
      total_files: 10,
      bytes_done: 100,
      current_files: ['/a/b.txt'],
    };
    const a = runTransition(running, { type: 'progress', line, at: 10_000 });
    expect(a.effects).toEqual([{ type: 'push-status' }]);
    expect(a.state).toMatchObject({
      progress: { fraction: 1, filesDone: 3, totalFiles: 10, bytesDone: 100, totalBytes: null, currentFile: '/a/b.txt' },
      progressPushedAt: 10_000,
    });
    const b = runTransition(a.state, { type: 'progress', line: { ...line, files_done: 4 }, at: 10_500 });
    expect(b.effects).toEqual([]);
    expect(b.state).toMatchObject({ progress: { filesDone: 4 }, progressPushedAt: 10_000 });
    expect(runTransition(b.state, { type: 'progress', line, at: 11_000 }).effects).toEqual([{ type: 'push-status' }]);
    expect(runTransition(idle, { type: 'progress', line, at: 11_000 })).toEqual({ state: idle, effects: [] });
  });

  it('succeeded: ends, then the run is recorded (ok, or warning with unreadable files), then size and maintenance', () => {
    const ok = runTransition(running, { type: 'succeeded', result: result(), at: T1 });
    expect(ok.state).toEqual(idle);
    expect(ok.effects.map((e) => e.type)).toEqual(['end', 'record', 'after-success']);
    expect(ok.effects[1]).toMatchObject({
      success: true,
      run: {
        id: 'run-1',
        trigger: 'schedule',
        startedAt: T0.toISOString(),
        endedAt: T1.toISOString(),
        outcome: 'ok',
        snapshotId: 'a'.repeat(64),
        filesNew: 2,
        filesChanged: 1,
        error: null,
      },
    });
    const warn = runTransition(running, {
      type: 'succeeded',
      result: result({ exitCode: 3, unreadable: ['/x'], unreadableCount: 1 }),
      at: T1,
    });
    expect(warn.effects[1]).toMatchObject({ run: { outcome: 'warning', unreadableCount: 1, error: { reason: 'unreadable-files' } } });
  });

  it('failed: recorded as failed and the user told; interrupted: the stale lock cleaned while still running, nobody told', () => {
    const failed = runTransition(running, { type: 'failed', error: new Error('disk on fire'), aborted: false, at: T1 });
    expect(failed.effects.map((e) => e.type)).toEqual(['end', 'record', 'notify-failure']);
    expect(failed.effects[1]).toMatchObject({ success: false, run: { outcome: 'failed', snapshotId: null, unreadable: [] } });
    const stopped = runTransition(running, { type: 'failed', error: new Error('signal'), aborted: true, at: T1 });
    expect(stopped.effects.map((e) => e.type)).toEqual(['clean-locks', 'end', 'record']);
    expect(stopped.effects[2]).toMatchObject({ run: { outcome: 'interrupted', error: { reason: 'interrupted' } } });
  });
});

describe('maintenanceDue', () => {
  const now = new Date('2026-12-03T12:00:00.000Z');
  it('never done, forced, or a period gone (a minute early counts); not before', () => {
    expect(maintenanceDue(null, 7, now)).toBe(true);
    expect(maintenanceDue(now.toISOString(), 7, now, true)).toBe(true);
    expect(maintenanceDue(new Date(now.getTime() - 7 * 86_400_000 + 60_000).toISOString(), 7, now)).toBe(true);
    expect(maintenanceDue(new Date(now.getTime() - 7 * 86_400_000 + 120_000).toISOString(), 7, now)).toBe(false);
  });
});
