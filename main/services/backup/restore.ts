import { randomUUID } from 'node:crypto';
import { lstat, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BACKUP_STRINGS,
  VigieError,
  type Locale,
  type RestoredItem,
  type RestoreJob,
  type RestoreProgress,
  type RestoreRequest,
  type TreeEntryType,
  type Clock,
} from '@vigie/common';
import { Emitter } from '../lib/emitter.js';
import {
  createFolders,
  recheckRestoreTarget,
  resolveRestoreTarget,
  stagingParent,
  type ContainmentPolicy,
  type RestoreTarget,
} from './containment.js';
import { backupError, reasonOf, toBackupError } from './errors.js';
import { fsReason, measureTree, moveNoReplace, processWrittenBytes, TargetExistsError } from './fsops.js';
import { datedName, exists, freeName } from './naming.js';
import type { ChildLike, Logger } from './ports.js';
import type { RepoQueue } from './queue.js';
import type { RepoTarget, Restic } from './restic/client.js';
import { parseRestoreLine } from './restic/parse.js';
import { makeStaging, removeStaging, type StagingJournal } from './staging.js';
import { includePatternFor, treeBase, treeSegments } from './restic/paths.js';

export interface RestoreDeps {
  restic: Restic;
  queue: RepoQueue;
  clock: Clock;
  logger: Logger;
  /** The configured repository (throws not-configured). */
  repo: () => Promise<RepoTarget>;
  /** A snapshot id (or prefix) → full id, time and the folders it was made of (throws not-found). */
  snapshot: (repo: RepoTarget, ref: string) => Promise<{ id: string; time: Date; paths: string[] }>;
  /** Where restores may write besides the backed-up folders, and what they never touch (see containment.ts). */
  containment: () => Omit<ContainmentPolicy, 'platform'>;
  /**
   * Files already listed from this snapshot (the folder browsed or the search made before
   * choosing them): a snapshot never changes, so their type and size need no second `ls`.
   */
  known?: (snapshotId: string, path: string) => { type: TreeEntryType; size: number | null } | null;
  journal: StagingJournal;
  /** After restic was interrupted or killed: remove the lock it may have left (it is stale now). */
  afterInterrupt?: (repo: RepoTarget) => Promise<void>;
  locale?: () => Locale;
  platform?: NodeJS.Platform;
  /** Shortest interval between two measurements of the staging folder (restic < 0.16). */
  pollMs?: number;
  /** Finished jobs kept for listRestores / openFolder. */
  keepFinished?: number;
}

interface Expected {
  path: string;
  type: TreeEntryType;
  size: number | null;
}

interface Internal {
  job: RestoreJob;
  abort: AbortController;
  child: ChildLike | null;
  lastProgressEmit: number;
  done: Promise<void>;
  /** Awaited while the job is queued, before anything else (the safety snapshot before a technician's restore). */
  before?: () => Promise<void>;
}

export function entryType(resticType: string): TreeEntryType {
  return resticType === 'file' || resticType === 'dir' || resticType === 'symlink' ? resticType : 'other';
}

const FINAL: ReadonlySet<RestoreJob['state']> = new Set(['done', 'failed', 'cancelled']);

/**
 * Self-service restore, safe by construction:
 * 0. where it may write is decided by containment.ts before any folder is created or restic
 *    starts, and checked again just before the final moves;
 * 1. restic restores ONLY into a new, empty, private (0700) staging folder created as high as
 *    possible on the destination's disk, inside the allowed folder (the final moves are atomic
 *    renames, and deep paths still fit; restic never writes at a target path, so it never follows
 *    a symlink placed there); the staging folder is journaled before it is created;
 * 2. includes are escaped (`\ * ? [ ]`), and "restic restored nothing" is an error;
 * 3. what was restored is checked against the snapshot listing (present, type, size) before the
 *    destination is touched;
 * 4. moves never replace anything (link+unlink / lstat+rename), the current version is first
 *    renamed to a dated copy in place mode, and a failed move rolls back the earlier ones;
 * 5. the staging folder is removed on every path (success, failure, cancel).
 */
export class RestoreManager extends Emitter<{ job: [RestoreJob] }> {
  private readonly jobs = new Map<string, Internal>();
  private readonly log: Logger;

  constructor(private readonly deps: RestoreDeps) {
    super();
    this.log = deps.logger.child({ svc: 'restore' });
  }

  protected override onListenerError(e: unknown): void {
    this.log.error('restore listener failed', { err: e });
  }

  get(id: string): RestoreJob | null {
    return this.jobs.get(id)?.job ?? null;
  }

  /** Running jobs first, then finished ones, newest first. */
  list(): RestoreJob[] {
    const all = [...this.jobs.values()].map((i) => i.job);
    return all.sort((a, b) => Number(FINAL.has(a.state)) - Number(FINAL.has(b.state)) || b.createdAt.localeCompare(a.createdAt));
  }

  hasActive(): boolean {
    return [...this.jobs.values()].some((i) => !FINAL.has(i.job.state));
  }

  /** Resolves when the job has finished (for tests and the bench). */
  async settled(id: string): Promise<RestoreJob> {
    const it = this.jobs.get(id);
    if (!it) throw backupError('not-found');
    await it.done;
    return it.job;
  }

  /** `before`: awaited while the job is queued (it never fails the job: its own failure is its caller's to tell). */
  start(request: RestoreRequest, before?: () => Promise<void>): RestoreJob {
    const now = new Date(this.deps.clock.now()).toISOString();
    const job: RestoreJob = {
      id: randomUUID(),
      request,
      state: 'queued',
      progress: null,
      snapshotTime: null,
      createdAt: now,
      startedAt: null,
      endedAt: null,
      result: null,
      error: null,
    };
    const it: Internal = {
      job,
      abort: new AbortController(),
      child: null,
      lastProgressEmit: 0,
      done: Promise.resolve(),
      ...(before ? { before } : {}),
    };
    this.jobs.set(job.id, it);
    this.prune();
    this.emit('job', job);
    it.done = this.run(it).catch((e) => this.log.error('restore job crashed', { err: e }));
    return job;
  }

  /**
   * Cancels a job: kills restic (SIGINT then SIGKILL), removes the staging folder; the
   * destination is untouched. A job already putting files in place finishes (it takes an instant
   * and stopping half-way would be worse); a finished job is returned as is.
   */
  cancel(id: string): RestoreJob {
    const it = this.jobs.get(id);
    if (!it) throw backupError('not-found');
    if (FINAL.has(it.job.state) || it.job.state === 'moving') return it.job;
    it.abort.abort();
    if (it.job.state === 'queued') this.finish(it, 'cancelled', interruption('cancelled'));
    return it.job;
  }

  private prune(): void {
    const keep = this.deps.keepFinished ?? 20;
    const finished = [...this.jobs.values()]
      .filter((i) => FINAL.has(i.job.state))
      .sort((a, b) => a.job.createdAt.localeCompare(b.job.createdAt));
    for (const i of finished.slice(0, Math.max(0, finished.length - keep))) this.jobs.delete(i.job.id);
  }

  private update(it: Internal, patch: Partial<RestoreJob>): void {
    if (FINAL.has(it.job.state)) return;
    it.job = { ...it.job, ...patch };
    this.emit('job', it.job);
  }

  private progress(it: Internal, p: RestoreProgress, force = false): void {
    const now = Date.now();
    if (!force && now - it.lastProgressEmit < 200) {
      it.job = { ...it.job, progress: p };
      return;
    }
    it.lastProgressEmit = now;
    this.update(it, { progress: p });
  }

  private finish(it: Internal, state: 'done' | 'failed' | 'cancelled', error?: unknown, patch: Partial<RestoreJob> = {}): void {
    if (FINAL.has(it.job.state)) return;
    const at = new Date(this.deps.clock.now());
    it.job = {
      ...it.job,
      ...patch,
      state,
      endedAt: at.toISOString(),
      error: error === undefined ? null : toBackupError(error, at),
    };
    this.emit('job', it.job);
    this.prune();
  }

  private cancelled(it: Internal): boolean {
    return it.abort.signal.aborted;
  }

  private names() {
    return BACKUP_STRINGS[this.deps.locale?.() ?? 'fr'].names;
  }

  private async run(it: Internal): Promise<void> {
    const req = it.job.request;
    const platform = this.deps.platform ?? process.platform;
    const policy: ContainmentPolicy = { ...this.deps.containment(), platform };
    let staging: string | null = null;
    const createdDirs: string[] = [];
    let ok = false;
    try {
      await it.before?.().catch((e: unknown) => this.log.warn('before-restore step failed', { job: it.job.id, err: e }));
      if (this.cancelled(it)) throw backupError('cancelled');
      const repo = await this.deps.repo();
      let expectedP: Promise<Map<string, Expected>> | null = null;
      let snap: { id: string; time: Date; paths: string[] } | null = null;
      let target: RestoreTarget | null = null;

      await this.deps.queue.run(
        repo.key,
        'restore',
        async () => {
          if (this.cancelled(it)) return;
          this.update(it, { state: 'preparing', startedAt: new Date(this.deps.clock.now()).toISOString() });
          const s = await this.deps.snapshot(repo, req.snapshotId);
          snap = s;
          this.update(it, { snapshotTime: s.time.toISOString() });
          // Where this restore may write: decided before any folder is created or restic starts.
          const t = await resolveRestoreTarget(req, s.paths, policy);
          target = t;
          // What the snapshot holds for these paths: listed while restic restores (no lock needed).
          expectedP = this.knownFiles(s.id, req.paths) ?? this.expected(repo, s.id, req.paths, it.abort.signal);
          expectedP.catch(() => undefined);
          await createFolders(t.missing, createdDirs);
          staging = await makeStaging(await stagingParent(t, platform), this.deps.journal);
          if (this.cancelled(it)) return;
          this.update(it, { state: 'restoring' });
          await this.restoreInto(it, repo, s.id, staging, req.paths, expectedP, platform);
        },
        'high',
      );
      if (this.cancelled(it) || !expectedP || !snap || !staging || !target) throw backupError('cancelled');
      const expected: Map<string, Expected> = await expectedP;
      const s: { time: Date; paths: string[] } = snap;
      const t: RestoreTarget = target;

      this.update(it, { state: 'verifying' });
      await this.verify(staging, expected, req.paths);
      if (this.cancelled(it)) throw backupError('cancelled');

      // The same checks again, just before the final moves: no folder on the way became a link meanwhile.
      await recheckRestoreTarget(t, req, s.paths, policy);
      this.update(it, { state: 'moving' });
      const items = await this.moveAll(staging, t.dir, expected, req);
      ok = true;
      const total = sumFiles(expected);
      this.finish(it, 'done', undefined, {
        result: { items, folder: t.dir },
        progress: {
          fraction: 1,
          bytesDone: total.bytes,
          totalBytes: total.bytes,
          filesDone: total.files,
          totalFiles: total.files,
          secondsRemaining: 0,
          source: it.job.progress?.source ?? (this.deps.restic.features?.restoreJson ? 'restic' : 'staging'),
        },
      });
      this.log.info('restore done', { job: it.job.id, mode: req.mode, items: items.length });
    } catch (e) {
      const reason = reasonOf(e);
      if (this.cancelled(it) || reason === 'cancelled') this.finish(it, 'cancelled', interruption('cancelled'));
      else if (reason === 'interrupted') this.finish(it, 'failed', interruption('interrupted', (e as VigieError).details));
      else {
        this.log.warn('restore failed', { job: it.job.id, reason: reason ?? 'unknown', err: e instanceof VigieError ? undefined : e });
        this.finish(it, 'failed', e instanceof VigieError ? e : backupError(fsReason(e)));
      }
    } finally {
      if (staging) await removeStaging(staging, this.deps.journal, this.log);
      if (!ok) {
        for (const d of createdDirs.reverse()) await rmdir(d).catch(() => undefined);
      }
    }
  }

  /** The requested paths when they are all files already listed; null when restic must list them. */
  private knownFiles(snapshotId: string, paths: readonly string[]): Promise<Map<string, Expected>> | null {
    const out = new Map<string, Expected>();
    for (const p of paths) {
      const k = this.deps.known?.(snapshotId, p);
      if (!k || k.type === 'dir') return null;
      out.set(p, { path: p, type: k.type, size: k.type === 'file' ? (k.size ?? 0) : null });
    }
    return Promise.resolve(out);
  }

  /** The snapshot's nodes under the requested paths (each path itself included). */
  private async expected(
    repo: RepoTarget,
    snapshotId: string,
    paths: readonly string[],
    signal: AbortSignal,
  ): Promise<Map<string, Expected>> {
    const out = new Map<string, Expected>();
    const wanted = new Set(paths);
    const under = (p: string) => paths.some((root) => p === root || p.startsWith(root + '/'));
    await this.deps.restic.ls(repo, snapshotId, paths, {
      recursive: true,
      signal,
      onNode: (n) => {
        if (under(n.path)) out.set(n.path, { path: n.path, type: entryType(n.type), size: n.type === 'file' ? (n.size ?? 0) : null });
      },
    });
    for (const p of wanted) if (!out.has(p)) throw backupError('not-found', { details: { path: p } });
    return out;
  }

  private async restoreInto(
    it: Internal,
    repo: RepoTarget,
    snapshotId: string,
    staging: string,
    paths: readonly string[],
    expectedP: Promise<Map<string, Expected>>,
    platform: NodeJS.Platform,
  ): Promise<void> {
    const includes = paths.map((p) => includePatternFor(p, platform));
    const started = Date.now();
    let total: { bytes: number; files: number } | null = null;
    expectedP.then((m) => (total = sumFiles(m))).catch(() => undefined);
    let fromRestic = false;
    let pid: number | undefined;
    let measured = 0;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;

    const remaining = (done: number, tot: number | null): number | null => {
      const elapsed = (Date.now() - started) / 1000;
      if (!tot || done <= 0 || elapsed < 1) return null;
      return Math.max(0, ((tot - done) * elapsed) / done);
    };

    // restic < 0.16 prints no restore progress: measure the staging folder (bounded by what the
    // process has really written where the OS tells, since restic preallocates files).
    const poll = async () => {
      if (stopped || fromRestic) return;
      const t0 = Date.now();
      const m = await measureTree(staging);
      const written = await processWrittenBytes(pid);
      const t = total as { bytes: number; files: number } | null;
      let bytes = written === null ? m.bytes : Math.min(m.bytes, written);
      if (t) bytes = Math.min(bytes, t.bytes);
      measured = Math.max(measured, bytes);
      if (!stopped && !fromRestic) {
        this.progress(it, {
          fraction: t && t.bytes > 0 ? Math.min(0.99, measured / t.bytes) : null,
          bytesDone: measured,
          totalBytes: t?.bytes ?? null,
          filesDone: m.files,
          totalFiles: t?.files ?? null,
          secondsRemaining: remaining(measured, t?.bytes ?? null),
          source: 'staging',
        });
      }
      // Measuring must stay cheap next to the restore itself: at most ~5% of the time.
      const cost = Date.now() - t0;
      if (!stopped) timer = setTimeout(() => void poll(), Math.max(this.deps.pollMs ?? 500, cost * 20));
    };
    if (!this.deps.restic.features?.restoreJson) timer = setTimeout(() => void poll(), this.deps.pollMs ?? 500);

    const r = await this.deps.restic
      .restore(repo, snapshotId, staging, includes, {
        signal: it.abort.signal,
        onSpawn: (c) => {
          it.child = c;
          pid = c.pid;
        },
        onStdoutLine: (line) => {
          const s = parseRestoreLine(line);
          if (!s) return;
          fromRestic = true;
          const tot = s.total_bytes ?? null;
          const done = s.bytes_restored ?? 0;
          this.progress(it, {
            fraction: s.percent_done !== undefined ? Math.min(1, s.percent_done) : tot ? Math.min(1, done / tot) : null,
            bytesDone: done,
            totalBytes: tot,
            filesDone: s.files_restored ?? null,
            totalFiles: s.total_files ?? null,
            secondsRemaining: s.seconds_remaining ?? remaining(done, tot),
            source: 'restic',
          });
        },
      })
      .finally(() => {
        stopped = true;
        if (timer) clearTimeout(timer);
        it.child = null;
      });
    if (r.aborted || r.signal) await this.deps.afterInterrupt?.(repo);
    if (r.aborted || this.cancelled(it)) throw backupError('cancelled');
    if (r.code !== 0) this.deps.restic.fail(r, 'restore', repo);
  }

  /** Everything listed in the snapshot is in the staging folder, with the right type and size. */
  private async verify(staging: string, expected: Map<string, Expected>, paths: readonly string[]): Promise<void> {
    let present = 0;
    const problems: string[] = [];
    for (const e of expected.values()) {
      const local = join(staging, ...treeSegments(e.path));
      let st;
      try {
        st = await lstat(local);
      } catch {
        if (e.type !== 'other') problems.push(`manquant : ${e.path}`);
        continue;
      }
      present++;
      const ok =
        e.type === 'file'
          ? st.isFile() && st.size === e.size
          : e.type === 'dir'
            ? st.isDirectory()
            : e.type === 'symlink'
              ? st.isSymbolicLink()
              : true;
      if (!ok) problems.push(`différent : ${e.path}`);
    }
    const roots = paths.filter((p) => expected.has(p));
    const rootsPresent = await Promise.all(roots.map((p) => exists(join(staging, ...treeSegments(p)))));
    if (present === 0 || rootsPresent.every((x) => !x)) throw backupError('restored-nothing', { details: { paths } });
    if (problems.length) throw backupError('verify-failed', { details: { count: problems.length, first: problems.slice(0, 5) } });
  }

  private async moveAll(staging: string, destDir: string, expected: Map<string, Expected>, req: RestoreRequest): Promise<RestoredItem[]> {
    const names = this.names();
    const now = new Date(this.deps.clock.now());
    const done: Array<{ from: string; to: string; kind: 'file' | 'dir' | 'other' }> = [];
    const items: RestoredItem[] = [];
    const kindOf = (t: TreeEntryType) => (t === 'dir' ? 'dir' : t === 'file' ? 'file' : 'other') as 'file' | 'dir' | 'other';
    try {
      for (const p of req.paths) {
        const e = expected.get(p)!;
        const kind = kindOf(e.type);
        const isDir = e.type === 'dir';
        const src = join(staging, ...treeSegments(p));
        const base = treeBase(p);
        if (req.mode === 'in-place') {
          const dest = join(destDir, base);
          let previous: string | null = null;
          let cur;
          try {
            cur = await lstat(dest);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          }
          if (cur) {
            // The current version (a symlink included: renamed as a link, never followed) is kept beside.
            const curKind = cur.isDirectory() ? 'dir' : cur.isFile() ? 'file' : 'other';
            const prevName = await freeName(destDir, (n) => datedName(base, names.beforeRestore, now, cur.isDirectory(), n));
            previous = join(destDir, prevName);
            await moveNoReplace(dest, previous, curKind);
            done.push({ from: dest, to: previous, kind: curKind });
          }
          await moveNoReplace(src, dest, kind);
          done.push({ from: src, to: dest, kind });
          items.push({ from: p, to: dest, previousVersion: previous });
        } else {
          // beside and folder: the item's own name when it is free (a deleted file comes back as it
          // was), else a name dated with the time of this restore (« restauré le … »).
          const candidate = (n: number) => (n === 1 ? base : datedName(base, names.restored, now, isDir, n - 1));
          let dest = '';
          for (let attempt = 0; ; attempt++) {
            dest = join(destDir, await freeName(destDir, candidate));
            try {
              await moveNoReplace(src, dest, kind);
              break;
            } catch (err) {
              // Someone created that name between our check and the move: take the next free one.
              if (!(err instanceof TargetExistsError) || attempt >= 5) throw err;
            }
          }
          done.push({ from: src, to: dest, kind });
          items.push({ from: p, to: dest, previousVersion: null });
        }
      }
      return items;
    } catch (e) {
      let rollbackFailed = false;
      for (const op of done.reverse()) {
        try {
          await moveNoReplace(op.to, op.from, op.kind);
        } catch (re) {
          rollbackFailed = true;
          this.log.error('restore rollback step failed', { from: op.to, to: op.from, err: re });
        }
      }
      const r = fsReason(e);
      throw backupError(r === 'in-use' || r === 'read-only' || r === 'disk-full' || r === 'path-too-long' ? r : 'move-failed', {
        details: { rollbackFailed, code: (e as NodeJS.ErrnoException)?.code },
      });
    }
  }
}

function sumFiles(m: Map<string, Expected>): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of m.values()) {
    if (e.type === 'file') {
      bytes += e.size ?? 0;
      files++;
    }
  }
  return { bytes, files };
}

/** A restore stopped before anything was put in place (cancelled, or restic killed): said as such, not in backup words. */
function interruption(reason: 'cancelled' | 'interrupted', cause: Record<string, unknown> = {}): VigieError {
  const { reason: _reason, nextStep: _nextStep, messageKey: _key, ...details } = cause;
  return backupError(reason, { messageKey: 'restoreInterrupted', details });
}
