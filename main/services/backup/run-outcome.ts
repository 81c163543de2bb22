import { BACKUP_STRINGS, type BackupError, type BackupRun, type Locale } from '@vigie/common';
import { reasonOf } from './errors.js';
import type { Logger, Notifier } from './ports.js';
import type { RepoTarget, Restic } from './restic/client.js';
import type { BackupStateStore } from './state-store.js';
import { withRun } from './status.js';

/**
 * What a finished backup run leads to (the runner's and maintenance's outcomes, runner.ts and
 * maintenance.ts): the run recorded in the history and the status pushed; a failure told to the
 * user in a notification; after a good backup, the repository's size, then retention and check
 * when they are due.
 */
export interface RunOutcomeDeps {
  store: BackupStateStore;
  restic: Restic;
  notifier: Notifier;
  locale: () => Locale;
  log: Logger;
  now: () => Date;
  pushStatus: () => void;
  /** Retention and check, each when due (BackupService.runMaintenance). */
  maintain: () => Promise<void>;
}

export class RunOutcome {
  constructor(private readonly d: RunOutcomeDeps) {}

  async record(run: BackupRun, o: { success: boolean }): Promise<void> {
    const now = this.d.now();
    await this.d.store.persist((s) => withRun(s, run, o.success, now));
    this.d.pushStatus();
  }

  notifyFailure(error: BackupError): void {
    const t = BACKUP_STRINGS[this.d.locale()];
    try {
      this.d.notifier.notify({ title: t.headline.failed, body: `${error.message} ${error.nextStep}`, tag: 'backup' });
    } catch (e) {
      this.d.log.warn('notification failed', { err: e });
    }
  }

  /** After a good backup: repository size, and retention / check when they are due. */
  async afterSuccess(target: RepoTarget): Promise<void> {
    try {
      const size = await this.d.restic.repoSize(target);
      await this.d.store.persist((s) => ({ ...s, repoSizeBytes: size.bytes, snapshotCount: size.snapshots ?? s.snapshotCount }));
      this.d.pushStatus();
    } catch (e) {
      this.d.log.warn('repository size unavailable', { reason: reasonOf(e) });
    }
    await this.d.maintain();
  }
}
