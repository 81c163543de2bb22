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
 * ('intervention'): the renderer shows them, the capability reports them to the hub.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import {
  SAFETY_LIMITS,
  SafetyIntervention,
  VigieError,
  type SafetyChange,
  type SafetyChangeKind,
  type SafetyChanges,
  type SafetySnapshot,
  type SafetyUndo,
  systemClock,
  type Clock,
} from '@vigie/common';
import { Emitter } from '../lib/emitter.js';
import { JsonFile } from '../lib/files.js';
import type { SafetyGate, SafetyOutcome } from '../screen/ports.js';
import { backupError, toBackupError } from './errors.js';
import type { Logger } from './ports.js';
import type { ResticDiffChange } from './restic/parse.js';
import { treeParent, treeToLocal } from './restic/paths.js';
import { safetyTags } from './safety-tags.js';
import type { BackupService } from './service.js';

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

/** One change as `restic diff` said it, a folder's path without its trailing '/'. */
interface RawChange {
  kind: SafetyChangeKind;
  path: string;
  dir: boolean;
}

const ORDER: Record<SafetyChangeKind, number> = { deleted: 0, changed: 1, added: 2 };
/** A restore takes up to 100 paths of one folder (RestoreRequest). */
const PATHS_PER_RESTORE = 100;

const iso = (d: Date) => d.toISOString();

function kindOf(modifier: string): SafetyChangeKind | null {
  if (modifier === '+') return 'added';
  if (modifier === '-') return 'deleted';
  // M: content changed; T: type changed (a file became a folder, a link…).
  if (modifier === 'M' || modifier === 'T') return 'changed';
  return null;
}

/** A diff line → a change; anything that is not an absolute tree path with plain parts is dropped. */
function rawChange(c: ResticDiffChange): RawChange | null {
  const kind = kindOf(c.modifier);
  if (!kind) return null;
  const dir = c.path.endsWith('/');
  const path = dir ? c.path.slice(0, -1) : c.path;
  if (
    !path.startsWith('/') ||
    path.includes('\0') ||
    path
      .slice(1)
      .split('/')
      .some((s) => s === '' || s === '.' || s === '..')
  )
    return null;
  return { kind, path, dir };
}

/** The folders above `path`, nearest first ("/a/b/c" → "/a/b", "/a"). */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let p = treeParent(path); p !== null && p !== '/'; p = treeParent(p)) out.push(p);
  return out;
}

const depth = (p: string) => p.split('/').length;
const byPath = (a: string, b: string) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The change list: a folder added or deleted is one entry (what was inside counted, not listed),
 * deleted and changed first (what undo puts back), then added; at most SAFETY_LIMITS.items.
 */
export function summarizeChanges(
  raw: readonly RawChange[],
  platform: NodeJS.Platform = process.platform,
): Pick<SafetyChanges, 'counts' | 'items' | 'truncated'> {
  const entries: SafetyChange[] = [];
  // Folders added or deleted as a whole, by kind and path (parents come before their children).
  const folders = new Map<string, SafetyChange>();
  for (const c of [...raw].sort((a, b) => byPath(a.path, b.path))) {
    const parent = ancestors(c.path)
      .map((a) => folders.get(`${c.kind}\0${a}`))
      .find((x) => x !== undefined);
    if (parent) {
      parent.inside++;
      continue;
    }
    const e: SafetyChange = {
      kind: c.kind,
      path: c.path,
      localPath: treeToLocal(c.path, platform),
      type: c.dir ? 'dir' : 'file',
      inside: 0,
    };
    entries.push(e);
    if (c.dir && c.kind !== 'changed') folders.set(`${c.kind}\0${c.path}`, e);
  }
  const counts = { added: 0, changed: 0, deleted: 0 };
  for (const e of entries) counts[e.kind]++;
  entries.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { counts, items: entries.slice(0, SAFETY_LIMITS.items), truncated: entries.length > SAFETY_LIMITS.items };
}

/** What undo puts back: changed and deleted entries, the topmost only (a deleted folder comes back whole). */
export function undoTargets(raw: readonly RawChange[]): string[] {
  const paths = [...new Set(raw.filter((c) => c.kind !== 'added').map((c) => c.path))].sort(byPath);
  const kept = new Set<string>();
  for (const p of paths) if (!ancestors(p).some((a) => kept.has(a))) kept.add(p);
  return [...kept];
}

/** Paths grouped by folder, at most PATHS_PER_RESTORE per group: one restore each. */
export function restoreBatches(paths: readonly string[]): string[][] {
  const byParent = new Map<string, string[]>();
  for (const p of paths) {
    const parent = treeParent(p) ?? '/';
    const list = byParent.get(parent) ?? [];
    list.push(p);
    byParent.set(parent, list);
  }
  const out: string[][] = [];
  for (const list of byParent.values())
    for (let i = 0; i < list.length; i += PATHS_PER_RESTORE) out.push(list.slice(i, i + PATHS_PER_RESTORE));
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
    this.items = (saved?.interventions ?? []).map((i) => ({
      ...i,
      snapshots: i.snapshots.map((s) =>
        s.state === 'running' ? { ...s, state: 'failed' as const, endedAt: iso(at), error: interrupted } : s,
      ),
      changes: i.changes?.state === 'computing' ? { ...i.changes, state: 'failed' as const, error: interrupted } : i.changes,
      undo: i.undo?.state === 'running' ? { ...i.undo, state: 'failed' as const, endedAt: iso(at), error: interrupted } : i.undo,
    }));
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
    await this.update(
      ctx.requestId,
      (i) => ({ ...i, snapshots: [...i.snapshots, rec].slice(-SAFETY_LIMITS.snapshots) }),
      ctx.technicianName,
    );
    const t0 = performance.now();
    const done = (patch: Partial<SafetySnapshot>) => (i: SafetyIntervention) => ({
      ...i,
      snapshots: i.snapshots.map((s) =>
        s.id === rec.id ? { ...s, ...patch, endedAt: iso(new Date(this.clock.now())), durationMs: Math.round(performance.now() - t0) } : s,
      ),
    });
    try {
      if (!this.started) throw backupError('interrupted');
      const { snapshotId } = await this.o.backup.safetySnapshot({
        tags: safetyTags('before', ctx.requestId, at),
        time: at,
        signal: this.abort.signal,
      });
      await this.update(ctx.requestId, (i) => ({
        ...done({ state: 'done', snapshotId })(i),
        baseline: i.baseline ?? { snapshotId, time: rec.startedAt },
      }));
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
      await this.update(ctx.requestId, done({ state: 'failed', error }));
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
    const empty = {
      afterSnapshotId: null,
      at: iso(at),
      counts: { added: 0, changed: 0, deleted: 0 },
      items: [],
      truncated: false,
      error: null,
    };
    if (!i.baseline) {
      // No safety snapshot succeeded: nothing to compare with (both UIs say so).
      await this.update(requestId, (x) => ({ ...x, changes: { ...empty, state: 'failed' } }));
      return;
    }
    const baseline = i.baseline.snapshotId;
    await this.update(requestId, (x) => ({ ...x, changes: { ...empty, state: 'computing' } }));
    try {
      if (!this.started) throw backupError('interrupted');
      const { snapshotId } = await this.o.backup.safetySnapshot({
        tags: safetyTags('after', requestId, at),
        time: at,
        signal: this.abort.signal,
      });
      const raw = await this.diff(baseline, snapshotId);
      const summary = summarizeChanges(raw);
      await this.update(requestId, (x) => ({
        ...x,
        changes: { ...empty, ...summary, state: 'ready', afterSnapshotId: snapshotId, at: iso(new Date(this.clock.now())) },
        // A new list: what undo would do is that list's (a finished undo belongs to the previous one).
        undo: x.undo?.state === 'running' ? x.undo : null,
      }));
      this.log.info('intervention changes listed', { request: requestId, ...summary.counts });
    } catch (e) {
      const error = toBackupError(e, new Date(this.clock.now()));
      this.log.warn('intervention changes not listed', { request: requestId, reason: error.reason });
      await this.update(requestId, (x) => ({ ...x, changes: { ...empty, state: 'failed', error } }));
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
      next = (await this.update(requestId, (x) => ({ ...x, undo })))!;
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
    const patch = (p: Partial<SafetyUndo>) =>
      this.update(requestId, (x) => (x.undo?.id === undoId ? { ...x, undo: { ...x.undo, ...p } } : x));
    const tally = { restored: 0, keptCopies: 0, failed: 0 };
    let error: SafetyUndo['error'] = null;
    try {
      // The whole list (the shown one may be shortened), as restic says it.
      const targets = undoTargets(await this.diff(baseline, after));
      await patch({ total: targets.length });
      for (const paths of restoreBatches(targets)) {
        if (!this.started) throw backupError('interrupted');
        try {
          const job = this.o.backup.restore({ snapshotId: baseline, paths, mode: 'in-place', origin: 'practitioner' });
          const end = await this.o.backup.restores.settled(job.id);
          if (end.state === 'done' && end.result) {
            tally.restored += paths.length;
            tally.keptCopies += end.result.items.filter((it) => it.previousVersion !== null).length;
          } else {
            tally.failed += paths.length;
            error ??= end.error;
          }
        } catch (e) {
          tally.failed += paths.length;
          error ??= toBackupError(e, new Date(this.clock.now()));
        }
        await patch({ ...tally });
      }
    } catch (e) {
      error ??= toBackupError(e, new Date(this.clock.now()));
      if (tally.restored + tally.failed === 0) tally.failed = 1;
    }
    const failed = tally.failed > 0;
    this.log.info('intervention undone', { request: requestId, ...tally });
    await patch({ ...tally, state: failed ? 'failed' : 'done', endedAt: iso(new Date(this.clock.now())), error: failed ? error : null });
  }

  // ---------- internals ----------

  /**
   * Applies `fn` to the intervention of `requestId` (created with `technicianName` when given and
   * absent), saves, pushes. Synchronous up to the save, so concurrent updates never lose one another.
   */
  private async update(
    requestId: string,
    fn: (i: SafetyIntervention) => SafetyIntervention,
    technicianName?: string,
  ): Promise<SafetyIntervention | null> {
    const now = iso(new Date(this.clock.now()));
    let cur = this.get(requestId);
    if (!cur) {
      if (technicianName === undefined) return null;
      cur = {
        requestId,
        technicianName: technicianName.slice(0, 100),
        startedAt: now,
        updatedAt: now,
        snapshots: [],
        baseline: null,
        changes: null,
        undo: null,
      };
      this.items.push(cur);
      // Keep the newest ones (never one with work in flight).
      while (this.items.length > SAFETY_LIMITS.interventions) {
        const idx = this.items.findIndex(
          (x) => !this.snapshotting.has(x.requestId) && !this.computing.has(x.requestId) && !this.undoing.has(x.requestId) && x !== cur,
        );
        if (idx < 0) break;
        this.items.splice(idx, 1);
      }
    }
    const next = fitReport({ ...fn(cur), updatedAt: now });
    this.items = this.items.map((x) => (x.requestId === requestId ? next : x));
    try {
      await this.file.save({ v: 1, interventions: this.items });
    } catch (e) {
      this.log.error('safety state not saved', { err: e });
    }
    this.emit('intervention', next);
    return next;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.background.add(p);
    void p.finally(() => this.background.delete(p)).catch(() => undefined);
    return p;
  }
}
