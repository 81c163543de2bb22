import { randomUUID } from 'node:crypto';
import { rmdir } from 'node:fs/promises';
import { BACKUP_STRINGS, VigieError, type Locale, type RestoreJob, type RestoreRequest, type Clock } from '@vigie/common';
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
import { fsReason } from './fsops.js';
import type { Logger } from './ports.js';
import type { RepoQueue } from './queue.js';
import { knownFiles, listExpected, sumFiles, type Expected, type KnownEntries } from './restore-expected.js';
import { cancelStep, FINAL, interruption, jobsToForget, jobTransition, orderJobs, type JobEvent } from './restore-jobs.js';
import { moveIntoPlace } from './restore-moves.js';
import { restoreIntoStaging } from './restore-restic.js';
import { verifyStaging } from './restore-verify.js';
import type { RepoTarget, Restic } from './restic/client.js';
import { makeStaging, removeStaging, type StagingJournal } from './staging.js';

export { entryType } from './restore-expected.js';

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
  known?: KnownEntries;
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

interface Internal {
  job: RestoreJob;
  abort: AbortController;
  lastProgressEmit: number;
  done: Promise<void>;
  /** Awaited while the job is queued, before anything else (the safety snapshot before a technician's restore). */
  before?: () => Promise<void>;
}

/**
 * Self-service restore, safe by construction (the job's record: restore-jobs.ts):
 * 0. where it may write is decided by containment.ts before any folder is created or restic
 *    starts, and checked again just before the final moves;
 * 1. restic restores ONLY into a new, empty, private (0700) staging folder created as high as
 *    possible on the destination's disk, inside the allowed folder (the final moves are atomic
 *    renames, and deep paths still fit; restic never writes at a target path, so it never follows
 *    a symlink placed there); the staging folder is journaled before it is created (staging.ts,
 *    restore-restic.ts);
 * 2. includes are escaped (`\ * ? [ ]`), and "restic restored nothing" is an error;
 * 3. what was restored is checked against the snapshot listing (present, type, size) before the
 *    destination is touched (restore-expected.ts, restore-verify.ts);
 * 4. moves never replace anything (link+unlink / lstat+rename), the current version is first
 *    renamed to a dated copy in place mode, and a failed move rolls back the earlier ones
 *    (restore-moves.ts);
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
    return orderJobs([...this.jobs.values()].map((i) => i.job));
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
    const step = cancelStep(it.job.state);
    if (step === 'none') return it.job;
    it.abort.abort();
    if (step === 'abort-and-finish') this.finish(it, 'cancelled', interruption('cancelled'));
    return it.job;
  }

  private prune(): void {
    const jobs = [...this.jobs.values()].map((i) => i.job);
    for (const id of jobsToForget(jobs, this.deps.keepFinished ?? 20)) this.jobs.delete(id);
  }

  /** One change of the job's record (restore-jobs.ts), then what it asks: push the job, forget old ones. */
  private apply(it: Internal, e: JobEvent): void {
    const step = jobTransition({ job: it.job, lastProgressEmit: it.lastProgressEmit }, e);
    it.job = step.state.job;
    it.lastProgressEmit = step.state.lastProgressEmit;
    for (const effect of step.effects) {
      if (effect === 'emit') this.emit('job', it.job);
      else this.prune();
    }
  }

  private update(it: Internal, patch: Partial<RestoreJob>): void {
    this.apply(it, { type: 'patch', patch });
  }

  private finish(it: Internal, state: 'done' | 'failed' | 'cancelled', error?: unknown, patch: Partial<RestoreJob> = {}): void {
    if (FINAL.has(it.job.state)) return;
    const at = new Date(this.deps.clock.now());
    this.apply(it, { type: 'finish', state, at, patch, error: error === undefined ? null : toBackupError(error, at) });
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
          expectedP =
            knownFiles(this.deps.known, s.id, req.paths) ?? listExpected(this.deps.restic, repo, s.id, req.paths, it.abort.signal);
          expectedP.catch(() => undefined);
          await createFolders(t.missing, createdDirs);
          staging = await makeStaging(await stagingParent(t, platform), this.deps.journal);
          if (this.cancelled(it)) return;
          this.update(it, { state: 'restoring' });
          await restoreIntoStaging({
            restic: this.deps.restic,
            repo,
            snapshotId: s.id,
            staging,
            paths: req.paths,
            expected: expectedP,
            platform,
            signal: it.abort.signal,
            ...(this.deps.pollMs !== undefined ? { pollMs: this.deps.pollMs } : {}),
            onProgress: (p) => this.apply(it, { type: 'progress', progress: p, at: Date.now() }),
            ...(this.deps.afterInterrupt ? { afterInterrupt: this.deps.afterInterrupt } : {}),
          });
        },
        'high',
      );
      if (this.cancelled(it) || !expectedP || !snap || !staging || !target) throw backupError('cancelled');
      const expected: Map<string, Expected> = await expectedP;
      const s: { time: Date; paths: string[] } = snap;
      const t: RestoreTarget = target;

      this.update(it, { state: 'verifying' });
      await verifyStaging(staging, expected, req.paths);
      if (this.cancelled(it)) throw backupError('cancelled');

      // The same checks again, just before the final moves: no folder on the way became a link meanwhile.
      await recheckRestoreTarget(t, req, s.paths, policy);
      this.update(it, { state: 'moving' });
      const items = await moveIntoPlace({
        staging,
        destDir: t.dir,
        expected,
        req,
        names: this.names(),
        now: new Date(this.deps.clock.now()),
        log: this.log,
      });
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
}
