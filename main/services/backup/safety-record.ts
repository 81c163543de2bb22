import {
  SAFETY_LIMITS,
  type BackupError,
  type SafetyChanges,
  type SafetyIntervention,
  type SafetySnapshot,
  type SafetyUndo,
} from '@vigie/common';

/**
 * One intervention's record, pure (no I/O, times given): every change the safety service
 * (safety.ts) makes to it, then saves and pushes.
 *
 *   each snapshot:  running ──▶ done (the first one done is the baseline) | failed
 *   changes:        none ──▶ computing ──▶ ready | failed        (no baseline: failed at once)
 *   undo:           none ──▶ running ──progress──▶ done | failed  (a new change list drops a finished undo)
 *
 * What a previous run left running is said interrupted when loaded. The list keeps the newest
 * interventions (never one with work in flight), each made to fit a report to the hub.
 */
export type InterventionEvent =
  | { type: 'snapshot-started'; snapshot: SafetySnapshot }
  | { type: 'snapshot-done'; id: string; snapshotId: string; startedAt: string; endedAt: string; durationMs: number }
  | { type: 'snapshot-failed'; id: string; error: BackupError; endedAt: string; durationMs: number }
  | { type: 'changes-computing'; at: string }
  | { type: 'changes-ready'; at: string; afterSnapshotId: string; summary: Pick<SafetyChanges, 'counts' | 'items' | 'truncated'> }
  /** `error` null: no safety snapshot succeeded, nothing to compare with. */
  | { type: 'changes-failed'; at: string; error: BackupError | null }
  | { type: 'undo-started'; undo: SafetyUndo }
  /** Changes that undo only (`id`): a newer undo's record is never touched by an older one. */
  | { type: 'undo-progress'; id: string; patch: Partial<SafetyUndo> }
  /** Loaded after a stop or a crash: what was running is failed, interrupted. */
  | { type: 'interrupted'; at: string; error: BackupError };

/** A change list not known yet (its counts and items come with 'changes-ready'). */
const noChanges = (at: string) => ({
  afterSnapshotId: null,
  at,
  counts: { added: 0, changed: 0, deleted: 0 },
  items: [],
  truncated: false,
  error: null,
});

export function interventionTransition(i: SafetyIntervention, e: InterventionEvent): SafetyIntervention {
  const snapshot = (id: string, patch: Partial<SafetySnapshot>) => i.snapshots.map((s) => (s.id === id ? { ...s, ...patch } : s));
  switch (e.type) {
    case 'snapshot-started':
      return { ...i, snapshots: [...i.snapshots, e.snapshot].slice(-SAFETY_LIMITS.snapshots) };
    case 'snapshot-done':
      return {
        ...i,
        snapshots: snapshot(e.id, { state: 'done', snapshotId: e.snapshotId, endedAt: e.endedAt, durationMs: e.durationMs }),
        baseline: i.baseline ?? { snapshotId: e.snapshotId, time: e.startedAt },
      };
    case 'snapshot-failed':
      return { ...i, snapshots: snapshot(e.id, { state: 'failed', error: e.error, endedAt: e.endedAt, durationMs: e.durationMs }) };
    case 'changes-computing':
      return { ...i, changes: { ...noChanges(e.at), state: 'computing' } };
    case 'changes-ready':
      return {
        ...i,
        changes: { ...noChanges(e.at), ...e.summary, state: 'ready', afterSnapshotId: e.afterSnapshotId },
        // A new list: what undo would do is that list's (a finished undo belongs to the previous one).
        undo: i.undo?.state === 'running' ? i.undo : null,
      };
    case 'changes-failed':
      return { ...i, changes: { ...noChanges(e.at), state: 'failed', error: e.error } };
    case 'undo-started':
      return { ...i, undo: e.undo };
    case 'undo-progress':
      return i.undo?.id === e.id ? { ...i, undo: { ...i.undo, ...e.patch } } : i;
    case 'interrupted':
      return {
        ...i,
        snapshots: i.snapshots.map((s) => (s.state === 'running' ? { ...s, state: 'failed' as const, endedAt: e.at, error: e.error } : s)),
        changes: i.changes?.state === 'computing' ? { ...i.changes, state: 'failed' as const, error: e.error } : i.changes,
        undo: i.undo?.state === 'running' ? { ...i.undo, state: 'failed' as const, endedAt: e.at, error: e.error } : i.undo,
      };
  }
}

/** A new intervention of the technician `technicianName` (its first safety snapshot comes next). */
export function newIntervention(requestId: string, technicianName: string, now: string): SafetyIntervention {
  return {
    requestId,
    technicianName: technicianName.slice(0, 100),
    startedAt: now,
    updatedAt: now,
    snapshots: [],
    baseline: null,
    changes: null,
    undo: null,
  };
}

/** The newest SAFETY_LIMITS.interventions (oldest first), never dropping `keep` or one with work in flight (`busy`). */
export function keepNewest(
  items: readonly SafetyIntervention[],
  busy: (requestId: string) => boolean,
  keep: SafetyIntervention,
): SafetyIntervention[] {
  const out = [...items];
  while (out.length > SAFETY_LIMITS.interventions) {
    const idx = out.findIndex((x) => !busy(x.requestId) && x !== keep);
    if (idx < 0) break;
    out.splice(idx, 1);
  }
  return out;
}

/** The intervention made to fit a report to the hub: list entries dropped from the end (said `truncated`). */
export function fitReport(i: SafetyIntervention): SafetyIntervention {
  const size = (x: SafetyIntervention) => Buffer.byteLength(JSON.stringify(x));
  if (size(i) <= SAFETY_LIMITS.reportBytes || !i.changes) return i;
  const changes = { ...i.changes, items: [...i.changes.items], truncated: true };
  let out: SafetyIntervention = { ...i, changes };
  while (changes.items.length > 0 && size(out) > SAFETY_LIMITS.reportBytes) {
    changes.items.splice(Math.max(0, changes.items.length - Math.max(1, Math.ceil(changes.items.length / 10))));
    out = { ...i, changes: { ...changes } };
  }
  return out;
}
