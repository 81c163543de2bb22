/** What the backup service is built with (service.ts); its parts take the slices they need (settings.ts). */
import type { Clock, Locale, RepositorySettings } from '@vigie/common';
import type { SuggestOptions } from './defaults.js';
import type { ProcessState } from './locks.js';
import type { Logger, Notifier, ProcessSpawner, SecretStore, Shell } from './ports.js';

export interface BackupServiceOptions {
  /** The app's data dir: backup/state.json lives below it. */
  dataDir: string;
  secrets: SecretStore;
  notifier: Notifier;
  logger: Logger;
  /** The restic binary (the pinned one shipped in the app's resources, or "restic" from PATH). */
  resticPath?: string;
  resticCacheDir?: string;
  spawner?: ProcessSpawner;
  clock?: Clock;
  shell?: Shell;
  locale?: () => Locale;
  /** Repository used until settings are saved (the demo uses a local folder); null: not configured. */
  defaultRepository?: RepositorySettings | null;
  /** Where to look for folders worth backing up (tests point it at a temp home). */
  suggest?: SuggestOptions;
  /** The user's own folders, where « restaurer ailleurs » may write (default: the OS home folder). */
  home?: string;
  /** How often the schedule is looked at. */
  tickMs?: number;
  restorePollMs?: number;
  hostname?: string;
  processState?: (pid: number) => ProcessState;
  /** Env the restic children start from (default: a whitelist of process.env). */
  baseEnv?: Record<string, string>;
  /** True while retention must forget nothing (a ransomware tripwire alert stands); backups keep running. */
  retentionHold?: () => boolean;
  /** More exact-path excludes for every backup (the tripwire's hidden control files). */
  extraExcludes?: () => readonly string[];
}
