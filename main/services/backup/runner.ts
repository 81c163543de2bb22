import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { BackupProgress, BackupRun, BackupTrigger } from '@vigie/common';
import type { SnapshotCatalogue } from './catalogue.js';
import { backupError, reasonOf } from './errors.js';
import { VIGIE_TAG, type Maintenance, type MaintenanceDeps } from './maintenance.js';
import type { RepoTarget } from './restic/client.js';
import type { BackupStatusLine } from './restic/parse.js';
import { runTransition, type RunEvent, type RunState } from './runs.js';
import { STAGING_PREFIX } from './staging.js';

export interface RunnerDeps extends Pick<MaintenanceDeps, 'restic' | 'queue' | 'log' | 'now' | 'settings' | 'record' | 'notifyFailure'> {
  extraExcludes?: () => readonly string[];
  target: () => Promise<RepoTarget>;
  catalogue: SnapshotCatalogue;
  maintenance: Maintenance;
  pushStatus: () => void;
  track: <T>(p: Promise<T>) => Promise<T>;
  /** After a good backup: repository size, then retention and check when due. */
  afterSuccess: (target: RepoTarget) => Promise<void>;
  /** A backup went through: whatever failed at start is over. */
  succeeded: () => void;
}

/**
 * The `restic backup` runs: the history's backups (scheduled, caught up, manual), single-flight,
 * their lifecycle a pure transition (runs.ts); and the safety snapshots, outside the history.
 */
export class BackupRunner {
  private state: RunState = { phase: 'idle' };
  private current: { run: Promise<BackupRun>; abort: AbortController } | null = null;

  constructor(private readonly d: RunnerDeps) {}

  get running(): boolean {
    return this.state.phase === 'running';
  }

  get progress(): BackupProgress | null {
    return this.state.phase === 'running' ? this.state.progress : null;
  }

  /** The running backup's promise, if any (the service waits for it when it stops). */
  get pending(): Promise<BackupRun> | null {
    return this.current?.run ?? null;
  }

  /** Interrupts the running backup, if any (restic gets SIGINT; the run is recorded as interrupted). */
  cancel(): boolean {
    if (!this.current) return false;
    this.current.abort.abort();
    return true;
  }

  /**
   * One backup, single-flight: a second call while one runs returns the same run. Resolves with
   * the recorded run (ok / warning / failed / interrupted); never rejects for restic failures.
   */
  run(trigger: BackupTrigger = 'manual'): Promise<BackupRun> {
    if (this.current) return this.current.run;
    const entry = { run: Promise.resolve(null as unknown as BackupRun), abort: new AbortController() };
    this.current = entry;
    void this.step({ type: 'start', id: randomUUID(), trigger, at: this.d.now() });
    entry.run = this.d.track(
      this.doBackup(entry.abort).finally(() => {
        if (this.current === entry) this.current = null;
        this.d.pushStatus();
      }),
    );
    return entry.run;
  }

  /** One step of the run's lifecycle (runs.ts), its effects carried out in order; answers the run recorded, if any. */
  private async step(event: RunEvent, target: RepoTarget | null = null): Promise<BackupRun | null> {
    const { state, effects } = runTransition(this.state, event);
    let recorded: BackupRun | null = null;
    if (!effects.some((e) => e.type === 'end')) this.state = state;
    for (const e of effects) {
      if (e.type === 'push-status') this.d.pushStatus();
      else if (e.type === 'clean-locks') {
        if (target) await this.d.maintenance.cleanupAfterInterrupt(target);
      } else if (e.type === 'end') {
        this.state = state;
        this.current = null;
      } else if (e.type === 'record') {
        await this.d.record(e.run, { success: e.success });
        recorded = e.run;
      } else if (e.type === 'after-success') {
        if (target) this.d.track(this.d.afterSuccess(target));
      } else this.d.notifyFailure(e.error);
    }
    return recorded;
  }

  private async doBackup(abort: AbortController): Promise<BackupRun> {
    let target: RepoTarget | null = null;
    try {
      target = await this.d.target();
      const t = target;
      const folders = await this.presentFolders();
      const result = await this.resticBackup(t, folders, {
        tags: [VIGIE_TAG],
        signal: abort.signal,
        onStatus: (line) => void this.step({ type: 'progress', line, at: Date.now() }),
      });
      this.d.catalogue.invalidate();
      this.d.succeeded();
      return (await this.step({ type: 'succeeded', result, at: this.d.now() }, t))!;
    } catch (e) {
      // Failed after the run ended (its record could not be written): nothing more to record.
      if (this.state.phase !== 'running') throw e;
      return (await this.step({ type: 'failed', error: e, aborted: abort.signal.aborted, at: this.d.now() }, target))!;
    }
  }

  /** The folders to back up that are there (a missing one is logged and left out; none at all is an error). */
  private async presentFolders(): Promise<string[]> {
    const folders: string[] = [];
    for (const f of this.d.settings().folders) {
      if (
        await stat(f).then(
          (s) => s.isDirectory() || s.isFile(),
          () => false,
        )
      )
        folders.push(f);
      else this.d.log.warn('folder to back up is missing', { folder: f });
    }
    if (folders.length === 0) throw backupError('not-found', { messageKey: 'foldersMissing' });
    return folders;
  }

  /** One `restic backup` of `folders` in the repository's queue (shared lock), with the excludes every backup has. */
  private resticBackup(
    t: RepoTarget,
    folders: string[],
    o: { tags: string[]; time?: Date; signal: AbortSignal; onStatus?: (s: BackupStatusLine) => void },
  ) {
    return this.d.queue.run(t.key, 'backup', () =>
      this.d.maintenance.withLockRecovery(t, () =>
        this.d.restic.backup(t, folders, {
          tags: o.tags,
          // A restore may run meanwhile: its staging folder is never part of a backup.
          excludes: [...this.d.settings().excludes, `${STAGING_PREFIX}*`, ...(this.d.extraExcludes?.() ?? [])],
          signal: o.signal,
          ...(o.time ? { time: o.time } : {}),
          ...(o.onStatus ? { onStatus: o.onStatus } : {}),
        }),
      ),
    );
  }

  /**
   * A safety snapshot: the same folders, excludes, queue and lock rules as a backup, with its own
   * tags and time (the service's clock), outside the backup history (it is not a scheduled
   * backup). Rejects with a backup error; an interrupted one leaves no stale lock.
   */
  async safetySnapshot(o: { tags: readonly string[]; time?: Date; signal?: AbortSignal }): Promise<{ snapshotId: string }> {
    const t = await this.d.target();
    const folders = await this.presentFolders();
    const signal = o.signal ?? new AbortController().signal;
    try {
      const r = await this.resticBackup(t, folders, { tags: [VIGIE_TAG, ...o.tags], time: o.time ?? this.d.now(), signal });
      const id = r.summary?.snapshot_id;
      if (!id || !/^[0-9a-f]{8,64}$/.test(id)) throw backupError('unknown', { details: { what: 'backup summary without snapshot id' } });
      this.d.catalogue.invalidate();
      // restic < 0.17 prints the short id: the full one is what diff, restore and retention keep.
      return { snapshotId: id.length === 64 ? id : (await this.d.catalogue.resolve(t, id)).id };
    } catch (e) {
      if (signal.aborted || reasonOf(e) === 'interrupted') await this.d.maintenance.cleanupAfterInterrupt(t);
      throw e;
    } finally {
      this.d.catalogue.invalidate();
    }
  }
}
