import os from 'node:os';
import { BackupSettings, type BackupError, type BackupSettingsView, type SaveBackupSettingsInput } from '@vigie/common';
import { suggestFolders } from './defaults.js';
import { backupError, toBackupError } from './errors.js';
import type { Logger } from './ports.js';
import type { RepoQueue } from './queue.js';
import { ensureRepository, repoTarget, secretsPresent } from './repository.js';
import type { RepoTarget, Restic } from './restic/client.js';
import type { BackupServiceOptions } from './options.js';
import type { BackupStateFile } from './status.js';

export interface BackupConfigDeps {
  opts: Pick<BackupServiceOptions, 'secrets' | 'suggest' | 'defaultRepository' | 'home' | 'dataDir' | 'resticCacheDir'>;
  restic: Restic;
  queue: RepoQueue;
  log: Logger;
  now: () => Date;
  state: () => BackupStateFile;
  persist: (update: (s: BackupStateFile) => BackupStateFile) => Promise<void>;
}

/**
 * The backup settings: the saved ones, or suggested folders and the default repository at first
 * start; checked before they are saved (the repository opened or created, repository.ts); the
 * repository they name, and where a restore may write.
 */
export class BackupConfig {
  settings: BackupSettings = BackupSettings.parse({});
  /** Why backups could not start (restic missing, repository unreachable); over once settings are saved or a backup went through. */
  startupError: BackupError | null = null;

  constructor(private readonly d: BackupConfigDeps) {}

  /** At start: the settings, restic found, the default repository prepared the first time. */
  async load(): Promise<void> {
    const { d } = this;
    const saved = d.state().settings;
    if (saved) this.settings = saved;
    else {
      const suggested = await suggestFolders(d.opts.suggest);
      this.settings = BackupSettings.parse({ repository: d.opts.defaultRepository ?? null, folders: suggested.map((f) => f.path) });
    }
    try {
      await d.restic.detect();
      if (this.settings.repository && !d.state().settings && d.opts.defaultRepository) {
        await ensureRepository(this.repositoryDeps(), this.settings.repository, {});
        await d.persist((s) => ({ ...s, settings: this.settings }));
      }
    } catch (e) {
      this.startupError = toBackupError(e, d.now());
      d.log.warn('backup not ready at start', { reason: this.startupError.reason });
    }
  }

  /** True when backups can run here (a repository and at least one folder). */
  configured(): boolean {
    return this.settings.repository !== null && this.settings.folders.length > 0;
  }

  async target(): Promise<RepoTarget> {
    const repo = this.settings.repository;
    if (!repo) throw backupError('not-configured');
    await this.d.restic.detect();
    return repoTarget(repo, this.d.opts.secrets);
  }

  async view(): Promise<BackupSettingsView> {
    return {
      settings: this.settings,
      secrets: await secretsPresent(this.d.opts.secrets),
      suggestedFolders: await suggestFolders(this.d.opts.suggest),
    };
  }

  /**
   * Validates and applies settings. A new repository is checked (or created with a generated
   * password kept in the secret store) before anything is saved: a wrong password or an
   * unreachable server is reported and the previous settings stay.
   */
  async save(input: SaveBackupSettingsInput): Promise<void> {
    const next = BackupSettings.parse(input.settings);
    const secrets = input.secrets ?? {};
    const repoChanged = JSON.stringify(next.repository) !== JSON.stringify(this.settings.repository);
    if (next.repository && (repoChanged || Object.keys(secrets).length > 0 || this.startupError)) {
      await this.d.restic.detect();
      await ensureRepository(this.repositoryDeps(), next.repository, secrets);
    }
    this.settings = next;
    this.startupError = null;
    await this.d.persist((s) => ({ ...s, settings: next }));
  }

  private repositoryDeps() {
    return { restic: this.d.restic, queue: this.d.queue, secrets: this.d.opts.secrets, log: this.d.log };
  }

  /** Where restores may write besides the backed-up folders, and what they never touch (containment.ts). */
  containment(): { home: string; reserved: string[] } {
    return { home: this.d.opts.home ?? os.homedir(), reserved: this.reservedFolders() };
  }

  /** Vigie's own folders: the app's data, restic's cache, a local repository. */
  reservedFolders(): string[] {
    const repo = this.settings.repository;
    return [
      this.d.opts.dataDir,
      ...(this.d.opts.resticCacheDir ? [this.d.opts.resticCacheDir] : []),
      ...(repo?.kind === 'local' ? [repo.path] : []),
    ];
  }
}
