import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import {
  BACKUP_STRINGS,
  type BackupSettings,
  type FolderList,
  type FolderListRequest,
  type Locale,
  type PlacesResponse,
  type RestoreJob,
  type RestorePlan,
  type RestorePlanRequest,
  type RestoreRequest,
} from '@vigie/common';
import type { SnapshotCatalogue } from './catalogue.js';
import { assertRestoreShape } from './containment.js';
import { backupError, errorSentence } from './errors.js';
import { listFolders, restorePlan, userPlaces } from './places.js';
import type { Notifier, Shell } from './ports.js';
import type { RestoreManager } from './restore.js';
import type { RepoTarget } from './restic/client.js';
import { treeBase } from './restic/paths.js';

export interface RestoreDeskDeps {
  jobs: RestoreManager;
  settings: () => BackupSettings;
  target: () => Promise<RepoTarget>;
  catalogue: SnapshotCatalogue;
  /** Where restores may write besides the backed-up folders, and what they never touch (containment.ts). */
  containment: () => { home: string; reserved: string[] };
  notifier: Notifier;
  shell: Shell | undefined;
  locale: () => Locale;
}

/**
 * What the practitioner and the technician ask of restores before and after the job itself
 * (restore.ts): the shape refused at once, where it may go (places, plan, folder picker), the
 * practitioner told of a technician's restore, the finished folder opened.
 */
export class RestoreDesk {
  constructor(private readonly d: RestoreDeskDeps) {}

  /**
   * Starts a restore; its shape is refused at once, where it may write is checked by the job before
   * anything is written (containment.ts). `before` runs while the job is queued (the safety snapshot
   * before a technician's restore).
   */
  restore(req: RestoreRequest, before?: () => Promise<void>): RestoreJob {
    assertRestoreShape(req, process.platform);
    if (!this.d.settings().repository) throw backupError('not-configured');
    const job = this.d.jobs.start(req, before);
    if (req.origin === 'technician') {
      const t = BACKUP_STRINGS[this.d.locale()];
      this.d.notifier.notify({
        title: t.restoreStates.restoring,
        body: req.paths.map((p) => treeBase(p)).join(', '),
        tag: `restore-${job.id}`,
      });
    }
    return job;
  }

  /** "Ouvrir le dossier" of a finished restore (only folders this service produced can be opened). */
  async openFolder(jobId: string): Promise<void> {
    const job = this.d.jobs.get(jobId);
    if (!job || job.state !== 'done' || !job.result) throw backupError('not-found');
    if (!this.d.shell) throw backupError('unknown', { messageKey: 'cannotOpenFolder' });
    if (!existsSync(job.result.folder)) throw backupError('not-found', { messageKey: 'folderGone' });
    const error = await this.d.shell.openPath(job.result.folder);
    if (error) throw backupError('unknown', { messageKey: 'cannotOpenFolder', details: { detail: error } });
  }

  /** The user's well-known folders and the backed-up ones (the UI names places, never system paths). */
  async places(): Promise<PlacesResponse> {
    const { home } = this.d.containment();
    const mine = await userPlaces({ platform: process.platform, home });
    return { places: [...mine, ...this.d.settings().folders.map((path) => ({ kind: 'backed-up' as const, path }))] };
  }

  /** Where a restore of these items goes by default, what is there now, and the obvious mode (places.ts). */
  async restorePlan(input: RestorePlanRequest): Promise<RestorePlan> {
    assertRestoreShape({ paths: input.paths, mode: 'in-place' }, process.platform);
    const repo = await this.d.target();
    const snap = await this.d.catalogue.resolve(repo, input.snapshotId);
    return restorePlan({ snapshotId: snap.id, paths: input.paths }, snap.paths, { ...this.d.containment(), platform: process.platform });
  }

  /** The folder picker of « restaurer ailleurs »: exactly the folders a practitioner's restore may go into. */
  async listFolders(input: FolderListRequest): Promise<FolderList> {
    const { home, reserved } = this.d.containment();
    const mine = await userPlaces({ platform: process.platform, home });
    return listFolders(input.path, {
      policy: { home, reserved, platform: process.platform },
      backedUp: this.d.settings().folders,
      places: mine,
    });
  }

  /** A technician's restore ended: the practitioner is told what came back, or why not. */
  jobChanged(job: RestoreJob): void {
    if (job.request.origin === 'technician' && (job.state === 'done' || job.state === 'failed')) {
      const t = BACKUP_STRINGS[this.d.locale()];
      // What came back by name (never a system path), or why not, in the app's language.
      const why = job.error ? errorSentence(job.error, this.d.locale()) : '';
      const body = job.state === 'done' ? (job.result?.items.map((i) => basename(i.to)).join(', ') ?? '') : why;
      this.d.notifier.notify({ title: t.restoreStates[job.state], body: body.slice(0, 500), tag: `restore-${job.id}` });
    }
  }
}
