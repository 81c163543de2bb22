import { describe, expect, it } from 'vitest';
import { SAFETY_LIMITS, type BackupError, type SafetyIntervention, type SafetySnapshot, type SafetyUndo } from '@vigie/common';
import { interventionTransition, keepNewest, newIntervention } from './safety-record.js';

const T0 = '2026-12-03T12:30:00.000Z';
const T1 = '2026-12-03T12:31:00.000Z';
const T2 = '2026-12-03T12:32:00.000Z';
const SNAP_A = 'a'.repeat(64);
const SNAP_B = 'b'.repeat(64);
const ID1 = '00000000-0000-4000-8000-000000000001';
const ID2 = '00000000-0000-4000-8000-000000000002';
const interrupted: BackupError = { reason: 'interrupted', message: 'm', nextStep: 'n', at: T2 };
const refused: BackupError = { reason: 'not-allowed', message: 'm', nextStep: 'n', at: T1 };

const fresh = newIntervention('req-1', 'Julie Martin', T0);
const snap = (over: Partial<SafetySnapshot> = {}): SafetySnapshot => ({
  id: ID1,
  before: 'control',
  state: 'running',
  snapshotId: null,
  startedAt: T0,
  endedAt: null,
  durationMs: null,
  error: null,
  ...over,
});
const undo = (over: Partial<SafetyUndo> = {}): SafetyUndo => ({
  id: ID1,
  state: 'running',
  startedAt: T1,
  endedAt: null,
  total: 0,
  restored: 0,
  keptCopies: 0,
  failed: 0,
  error: null,
  ...over,
});
const noChanges = { afterSnapshotId: null, counts: { added: 0, changed: 0, deleted: 0 }, items: [], truncated: false, error: null };
const summary = {
  counts: { added: 1, changed: 0, deleted: 1 },
  items: [{ kind: 'deleted' as const, path: '/d/a.txt', localPath: '/d/a.txt', type: 'file' as const, inside: 0 }],
  truncated: false,
};

describe('interventionTransition: one intervention record, pure', () => {
  it('a new intervention: the technician’s name (at most 100 characters), nothing yet', () => {
    expect(fresh).toEqual({
      requestId: 'req-1',
      technicianName: 'Julie Martin',
      startedAt: T0,
      updatedAt: T0,
      snapshots: [],
      baseline: null,
      changes: null,
      undo: null,
    });
    expect(newIntervention('req-1', 'x'.repeat(150), T0).technicianName).toHaveLength(100);
  });

  it('the first snapshot done is the baseline; a later one never replaces it; a failed one leaves it', () => {
    const started = interventionTransition(fresh, { type: 'snapshot-started', snapshot: snap() });
    expect(started.snapshots).toEqual([snap()]);
    const done = interventionTransition(started, {
      type: 'snapshot-done',
      id: ID1,
      snapshotId: SNAP_A,
      startedAt: T0,
      endedAt: T1,
      durationMs: 60,
    });
    expect(done.snapshots).toEqual([snap({ state: 'done', snapshotId: SNAP_A, endedAt: T1, durationMs: 60 })]);
    expect(done.baseline).toEqual({ snapshotId: SNAP_A, time: T0 });

    const second = interventionTransition(done, {
      type: 'snapshot-started',
      snapshot: snap({ id: ID2, before: 'restore', startedAt: T1 }),
    });
    const failed = interventionTransition(second, { type: 'snapshot-failed', id: ID2, error: refused, endedAt: T2, durationMs: 5 });
    expect(failed.snapshots[1]).toEqual(
      snap({ id: ID2, before: 'restore', startedAt: T1, state: 'failed', error: refused, endedAt: T2, durationMs: 5 }),
    );
    expect(failed.baseline).toEqual({ snapshotId: SNAP_A, time: T0 });
    const again = interventionTransition(second, {
      type: 'snapshot-done',
      id: ID2,
      snapshotId: SNAP_B,
      startedAt: T1,
      endedAt: T2,
      durationMs: 5,
    });
    expect(again.baseline).toEqual({ snapshotId: SNAP_A, time: T0 });
  });

  it(`keeps the last ${SAFETY_LIMITS.snapshots} snapshots`, () => {
    let i = fresh;
    for (let n = 0; n < SAFETY_LIMITS.snapshots + 2; n++)
      i = interventionTransition(i, {
        type: 'snapshot-started',
        snapshot: snap({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` }),
      });
    expect(i.snapshots).toHaveLength(SAFETY_LIMITS.snapshots);
    expect(i.snapshots.at(-1)!.id).toBe(`00000000-0000-4000-8000-${String(SAFETY_LIMITS.snapshots + 1).padStart(12, '0')}`);
  });

  it('changes: computing, then ready (a finished undo belongs to the previous list), or failed', () => {
    const computing = interventionTransition(fresh, { type: 'changes-computing', at: T1 });
    expect(computing.changes).toEqual({ ...noChanges, at: T1, state: 'computing' });
    const withUndo = { ...computing, undo: undo({ state: 'done' }) };
    const ready = interventionTransition(withUndo, { type: 'changes-ready', at: T2, afterSnapshotId: SNAP_B, summary });
    expect(ready.changes).toEqual({ ...noChanges, ...summary, at: T2, state: 'ready', afterSnapshotId: SNAP_B });
    expect(ready.undo).toBeNull();
    // An undo still running stays (its end is recorded on it).
    const running = interventionTransition(
      { ...computing, undo: undo() },
      { type: 'changes-ready', at: T2, afterSnapshotId: SNAP_B, summary },
    );
    expect(running.undo).toEqual(undo());
    expect(interventionTransition(computing, { type: 'changes-failed', at: T1, error: refused }).changes).toEqual({
      ...noChanges,
      at: T1,
      state: 'failed',
      error: refused,
    });
    // No baseline: failed with no error of its own (nothing to compare with).
    expect(interventionTransition(fresh, { type: 'changes-failed', at: T1, error: null }).changes).toEqual({
      ...noChanges,
      at: T1,
      state: 'failed',
    });
  });

  it('undo: started, then its progress; an older undo never touches a newer one', () => {
    const started = interventionTransition(fresh, { type: 'undo-started', undo: undo() });
    expect(started.undo).toEqual(undo());
    const progressed = interventionTransition(started, { type: 'undo-progress', id: ID1, patch: { total: 3, restored: 2 } });
    expect(progressed.undo).toEqual(undo({ total: 3, restored: 2 }));
    expect(interventionTransition(progressed, { type: 'undo-progress', id: ID2, patch: { state: 'done' } })).toBe(progressed);
  });

  it('loaded after a stop: what was running is failed, interrupted; what had ended stays', () => {
    const midway: SafetyIntervention = {
      ...fresh,
      snapshots: [snap({ state: 'done', snapshotId: SNAP_A, endedAt: T1, durationMs: 60 }), snap({ id: ID2 })],
      changes: { ...noChanges, at: T1, state: 'computing' },
      undo: undo(),
    };
    expect(interventionTransition(midway, { type: 'interrupted', at: T2, error: interrupted })).toEqual({
      ...midway,
      snapshots: [midway.snapshots[0], snap({ id: ID2, state: 'failed', endedAt: T2, error: interrupted })],
      changes: { ...noChanges, at: T1, state: 'failed', error: interrupted },
      undo: undo({ state: 'failed', endedAt: T2, error: interrupted }),
    });
    const ended: SafetyIntervention = {
      ...midway,
      snapshots: [midway.snapshots[0]!],
      changes: { ...noChanges, at: T1, state: 'ready' },
      undo: undo({ state: 'done', endedAt: T1 }),
    };
    expect(interventionTransition(ended, { type: 'interrupted', at: T2, error: interrupted })).toEqual(ended);
  });
});

describe('keepNewest: the interventions kept', () => {
  const many = Array.from({ length: SAFETY_LIMITS.interventions + 2 }, (_, n) => newIntervention(`req-${n}`, 'T', T0));

  it(`drops the oldest beyond ${SAFETY_LIMITS.interventions}, never one with work in flight nor the one just made`, () => {
    const newest = many.at(-1)!;
    const kept = keepNewest(many, (id) => id === 'req-0', newest);
    expect(kept).toHaveLength(SAFETY_LIMITS.interventions);
    expect(kept.map((i) => i.requestId)).toEqual(['req-0', ...many.slice(3).map((i) => i.requestId)]);
  });

  it('keeps more than the limit rather than drop work in flight', () => {
    const newest = many.at(-1)!;
    expect(keepNewest(many, () => true, newest)).toHaveLength(many.length);
  });
});
