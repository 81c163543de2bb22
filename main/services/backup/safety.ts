/**
 * The safety backup before a technician acts, and undo (issue 12), Electron-free.
 *
 * - `before()`: when the practitioner grants control (screen/session.ts, through the SafetyGate
 *   port) and before a technician's restore (capability.ts), an incremental restic snapshot of the
 *   backed-up folders (BackupService.safetySnapshot: same folders, excludes and lock rules as a
 *   backup), tagged `vigie-safety`, its day, and `before-intervention-<request id>` (safety-tags.ts).
 *   The first one that succeeds is the intervention's baseline.
 * - `after()`: once the session is over, another snapshot (`after-intervention-…`), and `restic
 *   diff` between the two: what was added, changed, deleted (a folder added or deleted is one
 *   entry, with what was inside). The practitioner and the technician see the same list.
 * - `undo()`: « Annuler les changements de l'intervention » puts every changed or deleted entry
 *   back from the baseline through the ordinary restore (BackupService.restore, in place: the
 *   containment checks, the staging folder, and the current version kept beside under a dated
 *   « avant restauration » name — nothing is overwritten). Added files stay where they are.
 * - Retention never forgets a safety snapshot for 30 days (safety-tags.ts, service.ts).
 *
 * Interventions are kept in `backup/safety.json` (the last 20) and pushed on every change
 * ('intervention'): the renderer shows them, the capability reports them to the hub. One module
 * per job: the change list (safety-changes.ts), the intervention's record as a pure transition
 * (safety-record.ts), the undo work (safety-undo.ts), the snapshots' tags (safety-tags.ts).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { SafetyIntervention, VigieError, type SafetySnapshot, type SafetyUndo, systemClock, type Clock } from '@vigie/common';
import { Emitter } from '../lib/emitter.js';
import { JsonFile } from '../lib/files.js';
import type { SafetyGate, SafetyOutcome } from '../screen/ports.js';
import { backupError, toBackupError } from './errors.js';
import type { Logger } from './ports.js';
import { rawChange, summarizeChanges, type RawChange } from './safety-changes.js';
import { interventionTransition, keepNewest, fitReport, newIntervention, type InterventionEvent } from './safety-record.js';
import { safetyTags } from './safety-tags.js';
import { undoChanges } from './safety-undo.js';
import type { BackupService } from './service.js';

export { fitReport } from './safety-record.js';
export { restoreBatches, summarizeChanges, undoTargets } from './safety-changes.js';

export interface SafetyServiceOptions {
  backup: BackupService;
  /** The app's data dir: backup/safety.json lives below it. */
  dataDir: string;
  logger: Logger;
  /** The snapshots' time and day tags (tests move it to check retention). */
  clock?: Clock;
}

const SafetyFile = z.object({ v: z.literal(1), interventions: z.array(SafetyIntervention) });
type SafetyFile = z.infer<typeof SafetyFile>;

const iso = (d: Date) => d.toISOString();

export class SafetyService extends Emitter<{ intervention: [SafetyIntervention] }> implements SafetyGate {
  private readonly file: JsonFile<SafetyFile>;
  private readonly log: Logger;
  private readonly clock: Clock;
  /** Oldest first. */
  private items: SafetyIntervention[] = [];
  private readonly snapshotting = new Map<string, Promise<SafetyOutcome>>();
  private readonly computing = new Map<string, { again: boolean }>();
  private readonly undoing = new Set<string>();
  private readonly background = new Set<Promise<unknown>>();
  private abort = new AbortController();
  private started = false;

  constructor(private readonly o: SafetyServiceOptions) {
    super();
    this.log = o.logger.child({ svc: 'safety' });
    this.clock = o.clock ?? systemClock;
    this.file = new JsonFile(join(o.dataDir, 'backup', 'safety.json'), SafetyFile, o.logger);
  }

  protected override onListenerError(e: unknown): void {
    this.log.error('safety listener failed', { err: e });
  }

  /** Loads the kept interventions; what a previous run left running is said interrupted. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.abort = new AbortController();
    const saved = await this.file.load();
    const at = new Date(this.clock.now());
    const interrupted = toBackupError(backupError('interrupted'), at);
    this.items = (saved?.interventions ?? []).map((i) =>
      interventionTransition(i, { type: 'interrupted', at: iso(at), error: interrupted }),
    );
  }

  /** Interrupts what runs (restic gets SIGINT) and waits for it to be recorded. */
  async stop(): Promise<void> {
    this.started = false;
    this.abort.abort();
    await this.idle();
    await this.file.flush();
  }

  /** Resolves when nothing started by this service runs (tests, shutdown, the bench). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Newest first. */
  list(): SafetyIntervention[] {
    return [...this.items].reverse();
  }

  get(requestId: string): SafetyIntervention | null {
    return this.items.find((i) => i.requestId === requestId) ?? null;
  }

  available(): boolean {
    return this.started && this.o.backup.configured();
  }

  // ---------- before ----------

  /** The safety snapshot before the technician of `requestId` acts; one at a time per request (a second call joins it). */
  before(ctx: { requestId: string; technicianName: string }, before: SafetySnapshot['before'] = 'control'): Promise<SafetyOutcome> {
    const running = this.snapshotting.get(ctx.requestId);
    if (running) return running;
    const p = this.track(this.takeBefore(ctx, before)).finally(() => this.snapshotting.delete(ctx.requestId));
    this.snapshotting.set(ctx.requestId, p);
    return p;
  }

  private async takeBefore(ctx: { requestId: string; technicianName: string }, before: SafetySnapshot['before']): Promise<SafetyOutcome> {
    const at = new Date(this.clock.now());
    const rec: SafetySnapshot = {
      id: randomUUID(),
      before,
      state: 'running',
      snapshotId: null,
      startedAt: iso(at),
      endedAt: null,
      durationMs: null,
      error: null,
    };
    await this.update(ctx.requestId, { type: 'snapshot-started', snapshot: rec }, ctx.technicianName);
    const t0 = performance.now();
    const ended = () => ({ id: rec.id, endedAt: iso(new Date(this.clock.now())), durationMs: Math.round(performance.now() - t0) });
    try {
      if (!this.started) throw backupError('interrupted');
      const { snapshotId } = await this.o.backup.safetySnapshot({
        tags: safetyTags('before', ctx.requestId, at),
        time: at,
        signal: this.abort.signal,
      });
      await this.update(ctx.requestId, { type: 'snapshot-done', snapshotId, startedAt: rec.startedAt, ...ended() });
      this.log.info('safety snapshot taken', {
        request: ctx.requestId,
        before,
        snapshot: snapshotId.slice(0, 8),
        ms: Math.round(performance.now() - t0),
      });
      return { ok: true, snapshotId };
    } catch (e) {
      const error = toBackupError(e, new Date(this.clock.now()));
      this.log.warn('safety snapshot failed', { request: ctx.requestId, before, reason: error.reason });
      await this.update(ctx.requestId, { type: 'snapshot-failed', error, ...ended() });
      return { ok: false, reason: error.reason };
    }
  }

  // ---------- after ----------

  /** The session is over: a snapshot after it and the change list, in the background (again once more if asked meanwhile). */
  after(requestId: string): void {
    if (!this.started || !this.get(requestId)) return;
    const running = this.computing.get(requestId);
    if (running) {
      running.again = true;
      return;
    }
    const entry = { again: false };
    this.computing.set(requestId, entry);
    void this.track(
      (async () => {
        try {
          do {
            entry.again = false;
            await this.computeChanges(requestId);
          } while (entry.again && this.started);
        } finally {
          this.computing.delete(requestId);
        }
      })(),
    ).catch((e: unknown) => this.log.error('change list failed', { err: e }));
  }

  private async computeChanges(requestId: string): Promise<void> {
    // The snapshot before must be over (control may have started while it ran).
    await this.snapshotting.get(requestId);
    const i = this.get(requestId);
    if (!i) return;
    const at = new Date(this.clock.now());
    if (!i.baseline) {
      // No safety snapshot succeeded: nothing to compare with (both UIs say so).
      await this.update(requestId, { type: 'changes-failed', at: iso(at), error: null });
      return;
    }
    const baseline = i.baseline.snapshotId;
    await this.update(requestId, { type: 'changes-computing', at: iso(at) });
    try {
      if (!this.started) throw backupError('interrupted');
      const { snapshotId } = await this.o.backup.safetySnapshot({
        tags: safetyTags('after', requestId, at),
        time: at,
        signal: this.abort.signal,
      });
      const raw = await this.diff(baseline, snapshotId);
      const summary = summarizeChanges(raw);
      await this.update(requestId, { type: 'changes-ready', at: iso(new Date(this.clock.now())), afterSnapshotId: snapshotId, summary });
      this.log.info('intervention changes listed', { request: requestId, ...summary.counts });
    } catch (e) {
      const error = toBackupError(e, new Date(this.clock.now()));
      this.log.warn('intervention changes not listed', { request: requestId, reason: error.reason });
      await this.update(requestId, { type: 'changes-failed', at: iso(at), error });
    }
  }

  private async diff(from: string, to: string): Promise<RawChange[]> {
    const raw: RawChange[] = [];
    await this.o.backup.diffSnapshots(
      from,
      to,
      (c) => {
        const r = rawChange(c);
        if (r) raw.push(r);
      },
      this.abort.signal,
    );
    return raw;
  }

  // ---------- undo ----------

  /**
   * « Annuler les changements de l'intervention »: answers at once with the undo running; every
   * changed or deleted entry is put back from the baseline, in place, through the ordinary restore.
   */
  async undo(requestId: string): Promise<SafetyIntervention> {
    const i = this.get(requestId);
    if (!i) throw new VigieError('NOT_FOUND', 'Cette intervention est introuvable.');
    if (i.undo?.state === 'running' || this.undoing.has(requestId)) return i;
    const baseline = i.baseline?.snapshotId;
    const after = i.changes?.state === 'ready' ? i.changes.afterSnapshotId : null;
    if (!baseline || !after || this.computing.has(requestId))
      throw new VigieError('CONFLICT', 'Les changements de cette intervention ne sont pas encore connus.');
    if (!this.started) throw new VigieError('UNAVAILABLE', 'La sauvegarde démarre : réessayez dans un instant.');
    this.undoing.add(requestId);
    const undo: SafetyUndo = {
      id: randomUUID(),
      state: 'running',
      startedAt: iso(new Date(this.clock.now())),
      endedAt: null,
      total: 0,
      restored: 0,
      keptCopies: 0,
      failed: 0,
      error: null,
    };
    let next: SafetyIntervention;
    try {
      next = (await this.update(requestId, { type: 'undo-started', undo }))!;
    } catch (e) {
      this.undoing.delete(requestId);
      throw e;
    }
    void this.track(this.runUndo(requestId, undo.id, baseline, after).finally(() => this.undoing.delete(requestId))).catch((e: unknown) =>
      this.log.error('undo crashed', { err: e }),
    );
    return next;
  }

  private async runUndo(requestId: string, undoId: string, baseline: string, after: string): Promise<void> {
    const patch = (p: Partial<SafetyUndo>) => this.update(requestId, { type: 'undo-progress', id: undoId, patch: p });
    const { error, ...tally } = await undoChanges({
      baseline,
      after,
      diff: (from, to) => this.diff(from, to),
      restore: (req) => this.o.backup.restore(req),
      settled: (jobId) => this.o.backup.restores.settled(jobId),
      running: () => this.started,
      now: () => new Date(this.clock.now()),
      patch,
    });
    const failed = tally.failed > 0;
    this.log.info('intervention undone', { request: requestId, ...tally });
    await patch({ ...tally, state: failed ? 'failed' : 'done', endedAt: iso(new Date(this.clock.now())), error: failed ? error : null });
  }

  // ---------- internals ----------

  /**
   * Applies `e` to the intervention of `requestId` (safety-record.ts; created with `technicianName`
   * when given and absent), saves, pushes. Synchronous up to the save, so concurrent updates never
   * lose one another.
   */
  private async update(requestId: string, e: InterventionEvent, technicianName?: string): Promise<SafetyIntervention | null> {
    const now = iso(new Date(this.clock.now()));
    let cur = this.get(requestId);
    if (!cur) {
      if (technicianName === undefined) return null;
      const created = newIntervention(requestId, technicianName, now);
      cur = created;
      this.items = keepNewest([...this.items, created], (id) => this.busy(id), created);
    }
    const next = fitReport({ ...interventionTransition(cur, e), updatedAt: now });
    this.items = this.items.map((x) => (x.requestId === requestId ? next : x));
    try {
      await this.file.save({ v: 1, interventions: this.items });
    } catch (err) {
      this.log.error('safety state not saved', { err });
    }
    this.emit('intervention', next);
    return next;
  }

  /** Work in flight for this intervention (it is never dropped from the list meanwhile). */
  private busy(requestId: string): boolean {
    return this.snapshotting.has(requestId) || this.computing.has(requestId) || this.undoing.has(requestId);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.background.add(p);
    void p.finally(() => this.background.delete(p)).catch(() => undefined);
    return p;
  }
}
