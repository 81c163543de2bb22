import { randomUUID } from 'node:crypto';
import type { BackupError, BackupRun, BackupSettings, VigieError } from '@vigie/common';
import { backupError, reasonOf, toBackupError } from './errors.js';
import { clearStaleLocks, type ProcessState } from './locks.js';
import type { Logger } from './ports.js';
import type { RepoQueue } from './queue.js';
import type { RepoTarget, Restic } from './restic/client.js';
import { runWithoutData } from './runs.js';
import { safetyKeepTags } from './safety-tags.js';
import type { BackupStateFile } from './status.js';

/** Tag on every snapshot Vigie makes; retention only ever forgets snapshots carrying it. */
export const VIGIE_TAG = 'vigie';

/** Is a periodic task due (retention every N days, check every M days)? A minute early counts (the schedule's tick). */
export function maintenanceDue(last: string | null, everyDays: number, now: Date, force = false): boolean {
  return force || !last || now.getTime() - new Date(last).getTime() >= everyDays * 86_400_000 - 60_000;
}

export interface MaintenanceDeps {
  restic: Restic;
  queue: RepoQueue;
  log: Logger;
  now: () => Date;
  settings: () => BackupSettings;
  state: () => BackupStateFile;
  persist: (update: (s: BackupStateFile) => BackupStateFile) => Promise<void>;
  record: (run: BackupRun, o: { success: boolean }) => Promise<void>;
  notifyFailure: (error: BackupError) => void;
  /** Snapshots were forgotten: what was listed no longer holds. */
  forgotten: () => void;
  /** True while retention must forget nothing (a ransomware tripwire alert stands). */
  retentionHold?: () => boolean;
  hostname?: string;
  processState?: (pid: number) => ProcessState;
}

/** Retention and checks of the repository, and the stale locks a crash or an interruption leaves. */
export class Maintenance {
  constructor(private readonly d: MaintenanceDeps) {}

  /** Retention (`forget --prune`) and `check --read-data-subset`, each when due (or now with force). */
  async run(target: RepoTarget, opts: { force?: boolean } = {}): Promise<void> {
    const { d } = this;
    const settings = d.settings();
    const now = d.now();
    // While a tripwire alert stands no snapshot is forgotten, forced or not: the good ones are the way back.
    if (d.retentionHold?.()) d.log.warn('retention frozen: a tripwire alert stands');
    else if (maintenanceDue(d.state().lastForgetAt, settings.retention.everyDays, now, opts.force)) {
      const startedAt = d.now();
      try {
        await d.queue.run(target.key, 'forget', () =>
          this.withLockRecovery(target, () =>
            d.restic.forget(target, d.settings().retention, { tags: [VIGIE_TAG], keepTags: safetyKeepTags(d.now()) }),
          ),
        );
        d.forgotten();
        await d.persist((s) => ({ ...s, lastForgetAt: d.now().toISOString() }));
        await this.record('forget', startedAt, null);
      } catch (e) {
        await this.record('forget', startedAt, toBackupError(e, d.now()));
      }
    }
    if (maintenanceDue(d.state().lastCheckAt, settings.check.everyDays, now, opts.force)) {
      const startedAt = d.now();
      try {
        const r = await d.queue.run(target.key, 'check', () =>
          this.withLockRecovery(target, () => d.restic.check(target, d.settings().check.readDataSubset)),
        );
        await d.persist((s) => ({ ...s, lastCheckAt: d.now().toISOString(), lastCheckOk: r.ok }));
        const err = r.ok ? null : toBackupError(backupError('check-failed', { details: { restic: r.excerpt } }), d.now());
        await this.record('check', startedAt, err);
        if (err) d.notifyFailure(err);
      } catch (e) {
        await this.record('check', startedAt, toBackupError(e, d.now()));
      }
    }
  }

  private async record(kind: 'forget' | 'check', startedAt: Date, error: BackupError | null): Promise<void> {
    const run = runWithoutData({
      id: randomUUID(),
      kind,
      trigger: 'schedule',
      startedAt: startedAt.toISOString(),
      endedAt: this.d.now().toISOString(),
      outcome: error ? 'failed' : 'ok',
      error,
    });
    await this.d.record(run, { success: false });
  }

  /** restic ≤ 0.15 leaves its lock behind on SIGINT: remove it (it belongs to a process that is gone). */
  async cleanupAfterInterrupt(target: RepoTarget): Promise<void> {
    try {
      await clearStaleLocks(this.d.restic, target, this.lockPolicy(), this.d.log);
    } catch (e) {
      this.d.log.warn('could not clean locks after an interruption', { reason: reasonOf(e) });
    }
  }

  /**
   * Runs `fn`; when the repository is locked, removes stale locks (old, or of a dead process of
   * this machine) and tries once more. A fresh lock of a live process is left alone: the error
   * then says who holds it.
   */
  async withLockRecovery<T>(target: RepoTarget, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (reasonOf(e) !== 'locked') throw e;
      const { removed, live } = await clearStaleLocks(this.d.restic, target, this.lockPolicy(), this.d.log);
      if (removed === 0) {
        const holder = live[0]?.lock;
        throw backupError('locked', {
          details: {
            ...(e as VigieError).details,
            holder: holder ? { host: holder.hostname, pid: holder.pid, since: holder.time, exclusive: holder.exclusive } : null,
          },
        });
      }
      return fn();
    }
  }

  private lockPolicy() {
    return {
      staleMinutes: this.d.settings().staleLockMinutes,
      now: this.d.now(),
      ...(this.d.hostname ? { hostname: this.d.hostname } : {}),
      ...(this.d.processState ? { processState: this.d.processState } : {}),
    };
  }
}
