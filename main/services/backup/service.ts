import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import { basename, join } from 'node:path';
import {
  BACKUP_STRINGS,
  BackupSettings,
  VigieError,
  type BackupError,
  type BackupProgress,
  type BackupRun,
  type BackupSettingsView,
  type BackupStatus,
  type BackupSummary,
  type BackupTrigger,
  type BrowseRequest,
  type BrowseResponse,
  type FolderList,
  type FolderListRequest,
  type Locale,
  type PlacesResponse,
  type RepositorySettings,
  type RestoreJob,
  type RestorePlan,
  type RestorePlanRequest,
  type RestoreRequest,
  type SaveBackupSettingsInput,
  type SearchHit,
  type SearchRequest,
  type SearchResponse,
  type Snapshot,
  type TreeEntry,
  systemClock,
  type Clock,
  type TimerHandle,
} from '@vigie/common';
import { Emitter } from '../lib/emitter.js';
import { JsonFile } from '../lib/files.js';
import { suggestFolders, type SuggestOptions } from './defaults.js';
import { assertRestoreShape } from './containment.js';
import { backupError, errorSentence, reasonOf, toBackupError } from './errors.js';
import { listFolders, restorePlan, userPlaces } from './places.js';
import { clearStaleLocks, type ProcessState } from './locks.js';
import { nodeSpawner } from './node-adapters.js';
import type { Logger, Notifier, ProcessSpawner, SecretStore, Shell } from './ports.js';
import { RepoQueue } from './queue.js';
import { generatePassword, repositoryLabel, repoTarget, SECRET_KEYS } from './repository.js';
import { entryType, RestoreManager } from './restore.js';
import { Restic, type RepoTarget } from './restic/client.js';
import { isoTime, type BackupStatusLine, type ResticDiffChange, type ResticSnapshotJson } from './restic/parse.js';
import { containsPattern, localToTree, treeBase, treeParent, treeToLocal } from './restic/paths.js';
import { decide, nextSlot } from './schedule.js';
import { removeLeftoverStagings, STAGING_PREFIX } from './staging.js';
import { safetyKeepTags } from './safety-tags.js';
import { BackupStateFile, buildDays, EMPTY_STATE, headline, summaryOf, trimRuns } from './status.js';

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

type BackupEvents = { status: [BackupStatus]; restore: [RestoreJob] };

/** Tag on every snapshot Vigie makes; retention only ever forgets snapshots carrying it. */
export const VIGIE_TAG = 'vigie';

const SNAPSHOT_CACHE_MS = 60_000;

/** A run that produced no snapshot (failed, interrupted, maintenance). */
function runWithoutData(r: Pick<BackupRun, 'id' | 'kind' | 'trigger' | 'startedAt' | 'endedAt' | 'outcome' | 'error'>): BackupRun {
  return { ...r, snapshotId: null, filesNew: null, filesChanged: null, filesUnmodified: null, bytesProcessed: null, bytesAdded: null, unreadable: [], unreadableCount: 0 };
}

function collator() {
  return new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
}

/**
 * Backups and self-service restore over restic, Electron-free. Owns the settings, the schedule,
 * the history (30-day strip), the single-flight queue of restic runs and the restore jobs.
 * Pushes: 'status' (BackupStatus) and 'restore' (RestoreJob); `summary()` feeds the health check
 * and the hub report.
 */
export class BackupService extends Emitter<BackupEvents> {
  readonly restic: Restic;
  readonly restores: RestoreManager;
  private readonly queue = new RepoQueue();
  private readonly file: JsonFile<BackupStateFile>;
  private readonly log: Logger;
  private readonly clock: Clock;
  private state: BackupStateFile = { ...EMPTY_STATE };
  private settings: BackupSettings = BackupSettings.parse({});
  private started = false;
  private tickTimer: TimerHandle | null = null;
  private current: { run: Promise<BackupRun>; abort: AbortController; progress: BackupProgress | null } | null = null;
  private lastProgressEmit = 0;
  private startupError: BackupError | null = null;
  private snapshotCache: { at: number; key: string; list: ResticSnapshotJson[] } | null = null;
  private readonly lsCache = new Map<string, TreeEntry[]>();
  /** Type and size of entries listed (browse, search) per snapshot: restoring them needs no second listing. */
  private readonly known = new Map<string, { type: TreeEntry['type']; size: number | null }>();
  private readonly background = new Set<Promise<unknown>>();
  private lastHeadline: string | null = null;

  constructor(private readonly opts: BackupServiceOptions) {
    super();
    this.log = opts.logger.child({ svc: 'backup' });
    this.clock = opts.clock ?? systemClock;
    this.file = new JsonFile(join(opts.dataDir, 'backup', 'state.json'), BackupStateFile, opts.logger);
    this.restic = new Restic({
      bin: opts.resticPath ?? 'restic',
      spawner: opts.spawner ?? nodeSpawner,
      logger: opts.logger,
      ...(opts.resticCacheDir ? { cacheDir: opts.resticCacheDir } : {}),
      ...(opts.baseEnv ? { baseEnv: opts.baseEnv } : {}),
    });
    this.restores = new RestoreManager({
      restic: this.restic,
      queue: this.queue,
      clock: this.clock,
      logger: opts.logger,
      repo: () => this.target(),
      snapshot: (repo, ref) => this.resolveSnapshot(repo, ref),
      containment: () => this.containment(),
      afterInterrupt: (repo) => this.cleanupAfterInterrupt(repo),
      known: (snapshotId, path) => this.known.get(`${snapshotId}\0${path}`) ?? null,
      journal: {
        add: (p) => this.persist((s) => ({ ...s, stagings: [...s.stagings, p] })),
        remove: (p) => this.persist((s) => ({ ...s, stagings: s.stagings.filter((x) => x !== p) })),
      },
      ...(opts.locale ? { locale: opts.locale } : {}),
      ...(opts.restorePollMs ? { pollMs: opts.restorePollMs } : {}),
    });
    this.restores.on('job', (job) => this.onRestoreJob(job));
  }

  protected override onListenerError(e: unknown): void {
    this.log.error('backup listener failed', { err: e });
  }

  // ---------- lifecycle ----------

  /** Loads state, cleans what a crash left, detects restic, prepares a default repository, starts the schedule. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.state = (await this.file.load()) ?? { ...EMPTY_STATE };
    if (this.state.settings) this.settings = this.state.settings;
    else {
      const suggested = await suggestFolders(this.opts.suggest);
      this.settings = BackupSettings.parse({ repository: this.opts.defaultRepository ?? null, folders: suggested.map((f) => f.path) });
    }
    await this.cleanLeftoverStagings();
    try {
      await this.restic.detect();
      if (this.settings.repository && !this.state.settings && this.opts.defaultRepository) {
        await this.ensureRepository(this.settings.repository, {});
        await this.persist((s) => ({ ...s, settings: this.settings }));
      }
    } catch (e) {
      this.startupError = toBackupError(e, this.now());
      this.log.warn('backup not ready at start', { reason: this.startupError.reason });
    }
    if (!this.state.lastSlot) await this.persist((s) => ({ ...s, lastSlot: this.now().toISOString() }));
    this.scheduleTick();
    this.emitStatus();
  }

  /** Stops the schedule and interrupts a running backup (restic gets SIGINT and its lock is cleaned). */
  async stop(): Promise<void> {
    this.started = false;
    if (this.tickTimer !== null) this.clock.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.current?.abort.abort();
    for (const j of this.restores.list()) if (!['done', 'failed', 'cancelled', 'moving'].includes(j.state)) this.restores.cancel(j.id);
    await this.idle();
    await this.file.flush();
  }

  /** Resolves when no backup, maintenance or restore started by this service is running. */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.background, ...(this.current ? [this.current.run] : []), ...this.restores.list().map((j) => this.restores.settled(j.id))];
      if (pending.length === 0) return;
      await Promise.allSettled(pending);
      if (!this.current && this.background.size === 0 && !this.restores.hasActive()) return;
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.background.add(p);
    void p.finally(() => this.background.delete(p)).catch(() => undefined);
    return p;
  }

  private async persist(update: (s: BackupStateFile) => BackupStateFile): Promise<void> {
    this.state = update(this.state);
    await this.file.save(this.state);
  }

  private async cleanLeftoverStagings(): Promise<void> {
    if (this.state.stagings.length === 0) return;
    const kept = await removeLeftoverStagings(this.state.stagings, this.log);
    await this.persist((s) => ({ ...s, stagings: kept }));
  }

  /** Never restored into: the local repository, the app's data folder, restic's cache. */
  /** Where restores may write besides the backed-up folders, and what they never touch (containment.ts). */
  private containment(): { home: string; reserved: string[] } {
    return { home: this.opts.home ?? os.homedir(), reserved: this.reservedFolders() };
  }

  private reservedFolders(): string[] {
    const repo = this.settings.repository;
    return [this.opts.dataDir, ...(this.opts.resticCacheDir ? [this.opts.resticCacheDir] : []), ...(repo?.kind === 'local' ? [repo.path] : [])];
  }

  // ---------- settings ----------

  private async target(): Promise<RepoTarget> {
    const repo = this.settings.repository;
    if (!repo) throw backupError('not-configured');
    await this.restic.detect();
    return repoTarget(repo, this.opts.secrets);
  }

  async getSettings(): Promise<BackupSettingsView> {
    const has = async (k: string) => (await this.opts.secrets.get(k)) !== null;
    return {
      settings: this.settings,
      secrets: {
        repositoryPassword: await has(SECRET_KEYS.repositoryPassword),
        restPassword: await has(SECRET_KEYS.restPassword),
        s3SecretAccessKey: await has(SECRET_KEYS.s3SecretAccessKey),
      },
      suggestedFolders: await suggestFolders(this.opts.suggest),
    };
  }

  /**
   * Validates and applies settings. A new repository is checked (or created with a generated
   * password kept in the secret store) before anything is saved: a wrong password or an
   * unreachable server is reported and the previous settings stay.
   */
  async saveSettings(input: SaveBackupSettingsInput): Promise<BackupSettingsView> {
    const next = BackupSettings.parse(input.settings);
    const secrets = input.secrets ?? {};
    const repoChanged = JSON.stringify(next.repository) !== JSON.stringify(this.settings.repository);
    if (next.repository && (repoChanged || Object.keys(secrets).length > 0 || this.startupError)) {
      await this.restic.detect();
      await this.ensureRepository(next.repository, secrets);
    }
    this.settings = next;
    this.startupError = null;
    this.snapshotCache = null;
    this.lsCache.clear();
    await this.persist((s) => ({ ...s, settings: next }));
    this.scheduleTick();
    this.emitStatus();
    return this.getSettings();
  }

  /** Opens the repository with the given/stored secrets, or initialises it when there is none yet. */
  private async ensureRepository(repo: RepositorySettings, given: NonNullable<SaveBackupSettingsInput['secrets']>): Promise<void> {
    const store = this.opts.secrets;
    const keys = [SECRET_KEYS.repositoryPassword, SECRET_KEYS.restPassword, SECRET_KEYS.s3SecretAccessKey];
    const previous = new Map<string, string | null>();
    for (const k of keys) previous.set(k, await store.get(k));
    const restore = async () => {
      for (const [k, v] of previous) {
        if (v === null) await store.delete(k);
        else await store.set(k, v);
      }
    };
    try {
      if (given.restPassword) await store.set(SECRET_KEYS.restPassword, given.restPassword);
      if (given.s3SecretAccessKey) await store.set(SECRET_KEYS.s3SecretAccessKey, given.s3SecretAccessKey);
      const generated = !given.repositoryPassword && !previous.get(SECRET_KEYS.repositoryPassword);
      const password = given.repositoryPassword ?? previous.get(SECRET_KEYS.repositoryPassword) ?? generatePassword();
      await store.set(SECRET_KEYS.repositoryPassword, password);
      const target = await repoTarget(repo, store);
      try {
        await this.restic.catConfig(target);
        this.log.info('repository opened', { repo: target.key });
      } catch (e) {
        if (reasonOf(e) !== 'repo-missing') {
          if (reasonOf(e) === 'wrong-password' && generated) {
            throw backupError('wrong-password', { messageKey: 'existingRepoOtherPassword' });
          }
          throw e;
        }
        // The password is in the store before init: a crash right after cannot lose it.
        await this.queue.run(target.key, 'init', () => this.restic.init(target));
        this.log.info('repository created', { repo: target.key, generatedPassword: generated });
      }
    } catch (e) {
      await restore();
      throw e;
    }
  }

  // ---------- status ----------

  private lastConclusiveBackup(): BackupRun | null {
    for (let i = this.state.runs.length - 1; i >= 0; i--) {
      const r = this.state.runs[i]!;
      if (r.kind === 'backup' && r.outcome !== 'interrupted') return r;
    }
    return null;
  }

  private lastRun(): BackupRun | null {
    for (let i = this.state.runs.length - 1; i >= 0; i--) if (this.state.runs[i]!.kind === 'backup') return this.state.runs[i]!;
    return null;
  }

  nextRunAt(): Date | null {
    if (!this.settings.enabled || !this.settings.repository || this.settings.folders.length === 0) return null;
    return nextSlot(this.settings.times, this.now());
  }

  status(): BackupStatus {
    const now = this.now();
    const configured = this.settings.repository !== null && this.settings.folders.length > 0;
    const last = this.lastRun();
    const conclusive = this.lastConclusiveBackup();
    const h = headline({
      configured,
      running: this.current !== null,
      lastBackup: conclusive,
      lastSuccessAt: this.state.lastSuccessAt,
      checkFailed: this.state.lastCheckOk === false,
      staleAfterHours: this.settings.staleAfterHours,
      now,
      locale: this.opts.locale?.() ?? 'fr',
    });
    const lastError = this.startupError ?? (conclusive?.outcome === 'failed' ? conclusive.error : null) ?? (this.state.lastCheckOk === false ? toBackupError(backupError('check-failed')) : null);
    const summary = summaryOf(h, {
      lastSuccessAt: this.state.lastSuccessAt,
      lastRunAt: last?.startedAt ?? null,
      nextRunAt: this.nextRunAt()?.toISOString() ?? null,
      sizeBytes: this.state.repoSizeBytes,
      filesChangedLastRun: conclusive && conclusive.outcome !== 'failed' ? (conclusive.filesNew ?? 0) + (conclusive.filesChanged ?? 0) : null,
    });
    const repo = this.settings.repository;
    return {
      ...summary,
      headline: this.startupError && configured ? 'failed' : summary.headline,
      ...(this.startupError && configured ? { message: BACKUP_STRINGS[this.opts.locale?.() ?? 'fr'].headline.failed } : {}),
      configured,
      enabled: this.settings.enabled,
      running: this.current !== null,
      progress: this.current?.progress ?? null,
      lastRun: last,
      lastError: lastError ?? null,
      days: buildDays(this.state.runs, now),
      repository: repo ? { kind: repo.kind, label: repositoryLabel(repo) } : null,
      resticVersion: this.restic.versionText,
      snapshotCount: this.state.snapshotCount,
      lastCheckAt: this.state.lastCheckAt,
      lastCheckOk: this.state.lastCheckOk,
      lastForgetAt: this.state.lastForgetAt,
    };
  }

  /** The small version, for the health check [backup-recency] and the hub report. */
  summary(): BackupSummary {
    const s = this.status();
    return {
      headline: s.headline,
      lastSuccessAt: s.lastSuccessAt,
      lastRunAt: s.lastRunAt,
      nextRunAt: s.nextRunAt,
      sizeBytes: s.sizeBytes,
      filesChangedLastRun: s.filesChangedLastRun,
      ...(s.message !== undefined ? { message: s.message } : {}),
    };
  }

  private emitStatus(): void {
    const s = this.status();
    this.lastHeadline = `${s.headline}|${s.message ?? ''}`;
    this.emit('status', s);
  }

  // ---------- schedule ----------

  private now(): Date {
    return new Date(this.clock.now());
  }

  private scheduleTick(): void {
    if (!this.started) return;
    if (this.tickTimer !== null) this.clock.clearTimeout(this.tickTimer);
    this.tickTimer = this.clock.setTimeout(() => {
      this.tickTimer = null;
      void this.tick().finally(() => this.scheduleTick());
    }, this.opts.tickMs ?? 30_000);
  }

  /** Looks at the schedule now: runs a due backup (or a catch-up), skips one missed too long ago. */
  async tick(): Promise<void> {
    const now = this.now();
    const configured = this.settings.enabled && this.settings.repository && this.settings.folders.length > 0;
    if (configured) {
      const d = decide(this.settings.times, now, this.state.lastSlot ? new Date(this.state.lastSlot) : null, this.settings.catchUpMinutes);
      if (d.action !== 'none') {
        await this.persist((s) => ({ ...s, lastSlot: d.slot.toISOString() }));
        if (d.action === 'skip') this.log.info('scheduled backup missed (machine off or asleep), waiting for the next time', { slot: d.slot.toISOString() });
        else void this.runBackup(d.catchUp ? 'catch-up' : 'schedule').catch(() => undefined);
      }
    }
    const s = this.status();
    if (`${s.headline}|${s.message ?? ''}` !== this.lastHeadline) this.emitStatus();
  }

  // ---------- backup ----------

  /** Interrupts the running backup, if any (restic gets SIGINT; the run is recorded as interrupted). */
  cancelBackup(): boolean {
    if (!this.current) return false;
    this.current.abort.abort();
    return true;
  }

  /** The folders backed up, and Vigie's own ones (repository, data, cache: never restored into, never watched by the tripwire). */
  folders(): { backedUp: string[]; own: string[] } {
    return { backedUp: [...this.settings.folders], own: this.reservedFolders() };
  }

  /** What is running now (the updater waits for both to be false). */
  activity(): { backupRunning: boolean; restoreRunning: boolean } {
    return { backupRunning: this.current !== null, restoreRunning: this.restores.hasActive() };
  }

  /** "Sauvegarder maintenant": starts a backup (or joins the running one) and answers at once. */
  async runNow(trigger: BackupTrigger = 'manual'): Promise<BackupStatus> {
    if (!this.settings.repository) throw backupError('not-configured');
    if (this.settings.folders.length === 0) throw backupError('not-configured', { messageKey: 'noFolders' });
    void this.runBackup(trigger).catch(() => undefined);
    return this.status();
  }

  /**
   * One backup, single-flight: a second call while one runs returns the same run. Resolves with
   * the recorded run (ok / warning / failed / interrupted); never rejects for restic failures.
   */
  runBackup(trigger: BackupTrigger = 'manual'): Promise<BackupRun> {
    if (this.current) return this.current.run;
    const abort = new AbortController();
    const entry: { run: Promise<BackupRun>; abort: AbortController; progress: BackupProgress | null } = { run: Promise.resolve(null as unknown as BackupRun), abort, progress: null };
    this.current = entry;
    entry.run = this.track(
      this.doBackup(trigger, entry).finally(() => {
        this.endCurrent(entry);
        this.emitStatus();
      }),
    );
    this.emitStatus();
    return entry.run;
  }

  /** The run is over: the status stops saying "running" before it shows the outcome. */
  private endCurrent(entry: object): void {
    if (this.current === entry) this.current = null;
  }

  private async doBackup(trigger: BackupTrigger, entry: { abort: AbortController; progress: BackupProgress | null }): Promise<BackupRun> {
    const startedAt = this.now();
    const base = { id: randomUUID(), kind: 'backup' as const, trigger, startedAt: startedAt.toISOString() };
    let target: RepoTarget | null = null;
    try {
      target = await this.target();
      const t = target;
      const folders = await this.presentFolders();
      const result = await this.resticBackup(t, folders, { tags: [VIGIE_TAG], signal: entry.abort.signal, onStatus: (s) => this.onBackupProgress(entry, s) });
      const run: BackupRun = {
        ...base,
        endedAt: this.now().toISOString(),
        outcome: result.exitCode === 3 ? 'warning' : 'ok',
        snapshotId: result.summary?.snapshot_id ?? null,
        filesNew: result.summary?.files_new ?? null,
        filesChanged: result.summary?.files_changed ?? null,
        filesUnmodified: result.summary?.files_unmodified ?? null,
        bytesProcessed: result.summary?.total_bytes_processed ?? null,
        bytesAdded: result.summary?.data_added ?? null,
        unreadable: result.unreadable,
        unreadableCount: result.unreadableCount,
        error: result.exitCode === 3 ? toBackupError(backupError('unreadable-files', { vars: { count: result.unreadableCount } }), this.now()) : null,
      };
      this.snapshotCache = null;
      this.startupError = null;
      this.endCurrent(entry);
      await this.record(run, { success: true });
      this.track(this.afterSuccess(t));
      return run;
    } catch (e) {
      let reason = reasonOf(e);
      if (entry.abort.signal.aborted) reason = 'interrupted';
      const error = reason === 'interrupted' ? toBackupError(backupError('interrupted'), this.now()) : toBackupError(e, this.now());
      const run = runWithoutData({ ...base, endedAt: this.now().toISOString(), outcome: reason === 'interrupted' ? 'interrupted' : 'failed', error });
      if (reason === 'interrupted' && target) await this.cleanupAfterInterrupt(target);
      this.endCurrent(entry);
      await this.record(run, { success: false });
      if (run.outcome === 'failed') this.notifyFailure(error);
      return run;
    } finally {
      entry.progress = null;
    }
  }

  /** The folders to back up that are there (a missing one is logged and left out; none at all is an error). */
  private async presentFolders(): Promise<string[]> {
    const folders: string[] = [];
    for (const f of this.settings.folders) {
      if (await stat(f).then((s) => s.isDirectory() || s.isFile(), () => false)) folders.push(f);
      else this.log.warn('folder to back up is missing', { folder: f });
    }
    if (folders.length === 0) throw backupError('not-found', { messageKey: 'foldersMissing' });
    return folders;
  }

  /** One `restic backup` of `folders` in the repository's queue (shared lock), with the excludes every backup has. */
  private resticBackup(t: RepoTarget, folders: string[], o: { tags: string[]; time?: Date; signal: AbortSignal; onStatus?: (s: BackupStatusLine) => void }) {
    return this.queue.run(t.key, 'backup', () =>
      this.withLockRecovery(t, () =>
        this.restic.backup(t, folders, {
          tags: o.tags,
          // A restore may run meanwhile: its staging folder is never part of a backup.
          excludes: [...this.settings.excludes, `${STAGING_PREFIX}*`, ...(this.opts.extraExcludes?.() ?? [])],
          signal: o.signal,
          ...(o.time ? { time: o.time } : {}),
          ...(o.onStatus ? { onStatus: o.onStatus } : {}),
        }),
      ),
    );
  }

  // ---------- safety snapshots (issue 12, safety.ts) ----------

  /** True when backups can run here (a repository and at least one folder): a safety snapshot can be taken. */
  configured(): boolean {
    return this.settings.repository !== null && this.settings.folders.length > 0;
  }

  /**
   * A safety snapshot: the same folders, excludes, queue and lock rules as a backup, with its own
   * tags and time (the service's clock), outside the backup history (it is not a scheduled
   * backup). Rejects with a backup error; an interrupted one leaves no stale lock.
   */
  async safetySnapshot(o: { tags: readonly string[]; time?: Date; signal?: AbortSignal }): Promise<{ snapshotId: string }> {
    const t = await this.target();
    const folders = await this.presentFolders();
    const signal = o.signal ?? new AbortController().signal;
    try {
      const r = await this.resticBackup(t, folders, { tags: [VIGIE_TAG, ...o.tags], time: o.time ?? this.now(), signal });
      const id = r.summary?.snapshot_id;
      if (!id || !/^[0-9a-f]{8,64}$/.test(id)) throw backupError('unknown', { details: { what: 'backup summary without snapshot id' } });
      this.snapshotCache = null;
      // restic < 0.17 prints the short id: the full one is what diff, restore and retention keep.
      return { snapshotId: id.length === 64 ? id : (await this.resolveSnapshot(t, id)).id };
    } catch (e) {
      if (signal.aborted || reasonOf(e) === 'interrupted') await this.cleanupAfterInterrupt(t);
      throw e;
    } finally {
      this.snapshotCache = null;
    }
  }

  /** What changed from snapshot `from` to snapshot `to` (`restic diff`), one entry at a time. */
  async diffSnapshots(from: string, to: string, onChange: (c: ResticDiffChange) => void, signal?: AbortSignal): Promise<void> {
    const t = await this.target();
    await this.restic.diff(t, from, to, { onChange, ...(signal ? { signal } : {}) });
  }

  private onBackupProgress(entry: { progress: BackupProgress | null }, s: BackupStatusLine): void {
    entry.progress = {
      fraction: Math.max(0, Math.min(1, s.percent_done ?? 0)),
      filesDone: s.files_done ?? 0,
      totalFiles: s.total_files ?? null,
      bytesDone: s.bytes_done ?? 0,
      totalBytes: s.total_bytes ?? null,
      secondsRemaining: s.seconds_remaining ?? null,
      currentFile: s.current_files?.[0] ?? null,
    };
    const now = Date.now();
    if (now - this.lastProgressEmit >= 1000) {
      this.lastProgressEmit = now;
      this.emitStatus();
    }
  }

  /** restic ≤ 0.15 leaves its lock behind on SIGINT: remove it (it belongs to a process that is gone). */
  private async cleanupAfterInterrupt(target: RepoTarget): Promise<void> {
    try {
      await clearStaleLocks(this.restic, target, this.lockPolicy(), this.log);
    } catch (e) {
      this.log.warn('could not clean locks after an interruption', { reason: reasonOf(e) });
    }
  }

  private lockPolicy() {
    return {
      staleMinutes: this.settings.staleLockMinutes,
      now: this.now(),
      ...(this.opts.hostname ? { hostname: this.opts.hostname } : {}),
      ...(this.opts.processState ? { processState: this.opts.processState } : {}),
    };
  }

  /**
   * Runs `fn`; when the repository is locked, removes stale locks (old, or of a dead process of
   * this machine) and tries once more. A fresh lock of a live process is left alone: the error
   * then says who holds it.
   */
  private async withLockRecovery<T>(target: RepoTarget, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (reasonOf(e) !== 'locked') throw e;
      const { removed, live } = await clearStaleLocks(this.restic, target, this.lockPolicy(), this.log);
      if (removed === 0) {
        const holder = live[0]?.lock;
        throw backupError('locked', {
          details: { ...(e as VigieError).details, holder: holder ? { host: holder.hostname, pid: holder.pid, since: holder.time, exclusive: holder.exclusive } : null },
        });
      }
      return fn();
    }
  }

  private async record(run: BackupRun, o: { success: boolean }): Promise<void> {
    const now = this.now();
    await this.persist((s) => ({
      ...s,
      runs: trimRuns([...s.runs, run], now),
      ...(o.success && run.kind === 'backup' ? { lastSuccessAt: run.endedAt } : {}),
      // Maintenance is first due one period after the first successful backup.
      ...(o.success && run.kind === 'backup' && !s.lastForgetAt ? { lastForgetAt: run.endedAt } : {}),
      ...(o.success && run.kind === 'backup' && !s.lastCheckAt ? { lastCheckAt: run.endedAt } : {}),
    }));
    this.emitStatus();
  }

  private notifyFailure(error: BackupError): void {
    const t = BACKUP_STRINGS[this.opts.locale?.() ?? 'fr'];
    try {
      this.opts.notifier.notify({ title: t.headline.failed, body: `${error.message} ${error.nextStep}`, tag: 'backup' });
    } catch (e) {
      this.log.warn('notification failed', { err: e });
    }
  }

  /** After a good backup: repository size, and retention / check when they are due. */
  private async afterSuccess(target: RepoTarget): Promise<void> {
    try {
      const size = await this.restic.repoSize(target);
      await this.persist((s) => ({ ...s, repoSizeBytes: size.bytes, snapshotCount: size.snapshots ?? s.snapshotCount }));
      this.emitStatus();
    } catch (e) {
      this.log.warn('repository size unavailable', { reason: reasonOf(e) });
    }
    await this.runMaintenance();
  }

  /** Retention (`forget --prune`) and `check --read-data-subset`, each when due (or now with force). */
  async runMaintenance(opts: { force?: boolean } = {}): Promise<void> {
    const target = await this.target();
    const now = this.now();
    const due = (last: string | null, days: number) => opts.force || !last || now.getTime() - new Date(last).getTime() >= days * 86_400_000 - 60_000;
    // While a tripwire alert stands no snapshot is forgotten, forced or not: the good ones are the way back.
    if (this.opts.retentionHold?.()) this.log.warn('retention frozen: a tripwire alert stands');
    else if (due(this.state.lastForgetAt, this.settings.retention.everyDays)) {
      const startedAt = this.now();
      try {
        await this.queue.run(target.key, 'forget', () => this.withLockRecovery(target, () => this.restic.forget(target, this.settings.retention, { tags: [VIGIE_TAG], keepTags: safetyKeepTags(this.now()) })));
        this.snapshotCache = null;
        this.lsCache.clear();
        await this.persist((s) => ({ ...s, lastForgetAt: this.now().toISOString() }));
        await this.recordMaintenance('forget', startedAt, null);
      } catch (e) {
        await this.recordMaintenance('forget', startedAt, toBackupError(e, this.now()));
      }
    }
    if (due(this.state.lastCheckAt, this.settings.check.everyDays)) {
      const startedAt = this.now();
      try {
        const r = await this.queue.run(target.key, 'check', () => this.withLockRecovery(target, () => this.restic.check(target, this.settings.check.readDataSubset)));
        await this.persist((s) => ({ ...s, lastCheckAt: this.now().toISOString(), lastCheckOk: r.ok }));
        const err = r.ok ? null : toBackupError(backupError('check-failed', { details: { restic: r.excerpt } }), this.now());
        await this.recordMaintenance('check', startedAt, err);
        if (err) this.notifyFailure(err);
      } catch (e) {
        await this.recordMaintenance('check', startedAt, toBackupError(e, this.now()));
      }
    }
  }

  private async recordMaintenance(kind: 'forget' | 'check', startedAt: Date, error: BackupError | null): Promise<void> {
    const run = runWithoutData({
      id: randomUUID(),
      kind,
      trigger: 'schedule',
      startedAt: startedAt.toISOString(),
      endedAt: this.now().toISOString(),
      outcome: error ? 'failed' : 'ok',
      error,
    });
    await this.record(run, { success: false });
  }

  // ---------- snapshots, browse, search ----------

  private async snapshotList(target: RepoTarget, fresh = false): Promise<ResticSnapshotJson[]> {
    const c = this.snapshotCache;
    if (!fresh && c && c.key === target.key && Date.now() - c.at < SNAPSHOT_CACHE_MS) return c.list;
    const list = await this.restic.snapshots(target);
    this.snapshotCache = { at: Date.now(), key: target.key, list };
    return list;
  }

  private async resolveSnapshot(target: RepoTarget, ref: string): Promise<{ id: string; time: Date; paths: string[] }> {
    const find = (list: ResticSnapshotJson[]) => list.filter((s) => s.id.startsWith(ref));
    let hits = find(await this.snapshotList(target));
    if (hits.length === 0) hits = find(await this.snapshotList(target, true));
    if (hits.length !== 1) throw backupError('not-found', { messageKey: 'snapshotGone' });
    const s = hits[0]!;
    return { id: s.id, time: new Date(isoTime(s.time) ?? s.time), paths: s.paths };
  }

  private toSnapshot(s: ResticSnapshotJson): Snapshot {
    const platform = process.platform;
    return {
      id: s.id,
      shortId: s.short_id ?? s.id.slice(0, 8),
      time: isoTime(s.time) ?? new Date(0).toISOString(),
      hostname: s.hostname,
      paths: s.paths,
      roots: s.paths.map((p) => localToTree(p, platform)),
      tags: s.tags ?? [],
      sizeBytes: s.summary?.total_bytes_processed ?? null,
      filesCount: s.summary?.total_files_processed ?? null,
    };
  }

  /** Newest first. */
  async listSnapshots(): Promise<Snapshot[]> {
    const target = await this.target();
    const list = await this.snapshotList(target);
    return list.map((s) => this.toSnapshot(s)).sort((a, b) => b.time.localeCompare(a.time));
  }

  /** One folder of a snapshot, folders first then files, paged. */
  async browse(req: BrowseRequest): Promise<BrowseResponse> {
    const target = await this.target();
    const snap = await this.resolveSnapshot(target, req.snapshotId);
    const path = req.path;
    const offset = req.offset ?? 0;
    const limit = req.limit ?? 200;
    const cacheKey = `${snap.id}:${path}`;
    let entries = this.lsCache.get(cacheKey);
    if (!entries) {
      const found: TreeEntry[] = [];
      const self = { type: null as string | null };
      await this.restic.ls(target, snap.id, path, {
        onNode: (n) => {
          if (n.path === path) {
            self.type = n.type;
            return;
          }
          if (treeParent(n.path) !== path) return;
          found.push({
            name: n.name,
            path: n.path,
            localPath: treeToLocal(n.path),
            type: entryType(n.type),
            size: n.type === 'file' ? (n.size ?? 0) : null,
            mtime: isoTime(n.mtime),
          });
        },
      });
      if (path !== '/' && self.type !== 'dir' && found.length === 0) {
        throw backupError('not-found', { messageKey: 'folderNotInSnapshot' });
      }
      const coll = collator();
      found.sort((a, b) => Number(b.type === 'dir') - Number(a.type === 'dir') || coll.compare(a.name, b.name));
      entries = found;
      this.lsCache.set(cacheKey, entries);
      for (const e of found) this.remember(snap.id, e.path, e.type, e.size);
      if (this.lsCache.size > 50) this.lsCache.delete(this.lsCache.keys().next().value!);
    }
    return { snapshotId: snap.id, path, parent: treeParent(path), entries: entries.slice(offset, offset + limit), total: entries.length, offset, limit };
  }

  /**
   * A name (part of it, any case) across every snapshot: one hit per path with its distinct
   * versions (by modification time and size), each pointing at the newest snapshot holding it.
   */
  async search(req: SearchRequest): Promise<SearchResponse> {
    const target = await this.target();
    const limit = req.limit ?? 100;
    const times = new Map((await this.snapshotList(target)).map((s) => [s.id, isoTime(s.time) ?? s.time]));
    const query = req.query.trim();
    const results = await this.restic.find(target, containsPattern(query), { ignoreCase: true });
    // restic also lists everything below a matching folder: keep the names that match themselves.
    const needle = query.toLocaleLowerCase('fr');
    const hits = new Map<string, SearchHit>();
    for (const r of results) {
      const snapshotTime = times.get(r.snapshot) ?? null;
      if (!snapshotTime) continue;
      for (const m of r.matches ?? []) {
        if (!treeBase(m.path).toLocaleLowerCase('fr').includes(needle)) continue;
        let hit = hits.get(m.path);
        if (!hit) {
          hit = { name: treeBase(m.path), path: m.path, localPath: treeToLocal(m.path), type: entryType(m.type), versions: [] };
          hits.set(m.path, hit);
        }
        const mtime = isoTime(m.mtime);
        const size = m.type === 'file' ? (m.size ?? 0) : null;
        this.remember(r.snapshot, m.path, entryType(m.type), size);
        const same = hit.versions.find((v) => v.mtime === mtime && v.size === size);
        if (!same) hit.versions.push({ snapshotId: r.snapshot, snapshotTime, size, mtime });
        else if (snapshotTime > same.snapshotTime) Object.assign(same, { snapshotId: r.snapshot, snapshotTime });
      }
    }
    const newest = (h: SearchHit) => h.versions.reduce((m, v) => (v.snapshotTime > m ? v.snapshotTime : m), '');
    const all = [...hits.values()];
    for (const h of all) h.versions.sort((a, b) => (b.mtime ?? b.snapshotTime).localeCompare(a.mtime ?? a.snapshotTime));
    all.sort((a, b) => newest(b).localeCompare(newest(a)) || a.path.localeCompare(b.path));
    return { hits: all.slice(0, limit), truncated: all.length > limit };
  }

  private remember(snapshotId: string, path: string, type: TreeEntry['type'], size: number | null): void {
    const key = `${snapshotId}\0${path}`;
    this.known.delete(key);
    this.known.set(key, { type, size });
    if (this.known.size > 50_000) this.known.delete(this.known.keys().next().value!);
  }

  // ---------- restore ----------

  /**
   * Starts a restore; its shape is refused at once, where it may write is checked by the job before
   * anything is written (containment.ts). `before` runs while the job is queued (the safety snapshot
   * before a technician's restore).
   */
  restore(req: RestoreRequest, before?: () => Promise<void>): RestoreJob {
    assertRestoreShape(req, process.platform);
    if (!this.settings.repository) throw backupError('not-configured');
    const job = this.restores.start(req, before);
    if (req.origin === 'technician') {
      const t = BACKUP_STRINGS[this.opts.locale?.() ?? 'fr'];
      this.opts.notifier.notify({ title: t.restoreStates.restoring, body: req.paths.map((p) => treeBase(p)).join(', '), tag: `restore-${job.id}` });
    }
    return job;
  }

  cancelRestore(jobId: string): RestoreJob {
    return this.restores.cancel(jobId);
  }

  listRestores(): RestoreJob[] {
    return this.restores.list();
  }

  /** "Ouvrir le dossier" of a finished restore (only folders this service produced can be opened). */
  async openFolder(jobId: string): Promise<void> {
    const job = this.restores.get(jobId);
    if (!job || job.state !== 'done' || !job.result) throw backupError('not-found');
    if (!this.opts.shell) throw backupError('unknown', { messageKey: 'cannotOpenFolder' });
    if (!existsSync(job.result.folder)) throw backupError('not-found', { messageKey: 'folderGone' });
    const error = await this.opts.shell.openPath(job.result.folder);
    if (error) throw backupError('unknown', { messageKey: 'cannotOpenFolder', details: { detail: error } });
  }

  /** The user's well-known folders and the backed-up ones (the UI names places, never system paths). */
  async places(): Promise<PlacesResponse> {
    const { home } = this.containment();
    const mine = await userPlaces({ platform: process.platform, home });
    return { places: [...mine, ...this.settings.folders.map((path) => ({ kind: 'backed-up' as const, path }))] };
  }

  /** Where a restore of these items goes by default, what is there now, and the obvious mode (places.ts). */
  async restorePlan(input: RestorePlanRequest): Promise<RestorePlan> {
    assertRestoreShape({ paths: input.paths, mode: 'in-place' }, process.platform);
    const repo = await this.target();
    const snap = await this.resolveSnapshot(repo, input.snapshotId);
    return restorePlan({ snapshotId: snap.id, paths: input.paths }, snap.paths, { ...this.containment(), platform: process.platform });
  }

  /** The folder picker of « restaurer ailleurs »: exactly the folders a practitioner's restore may go into. */
  async listFolders(input: FolderListRequest): Promise<FolderList> {
    const { home, reserved } = this.containment();
    const mine = await userPlaces({ platform: process.platform, home });
    return listFolders(input.path, { policy: { home, reserved, platform: process.platform }, backedUp: this.settings.folders, places: mine });
  }

  private onRestoreJob(job: RestoreJob): void {
    this.emit('restore', job);
    if (job.request.origin === 'technician' && (job.state === 'done' || job.state === 'failed')) {
      const t = BACKUP_STRINGS[this.opts.locale?.() ?? 'fr'];
      // What came back by name (never a system path), or why not, in the app's language.
      const why = job.error ? errorSentence(job.error, this.opts.locale?.() ?? 'fr') : '';
      const body = job.state === 'done' ? (job.result?.items.map((i) => basename(i.to)).join(', ') ?? '') : why;
      this.opts.notifier.notify({ title: t.restoreStates[job.state], body: body.slice(0, 500), tag: `restore-${job.id}` });
    }
  }

  /** Hostname as restic records it on snapshots and locks. */
  hostname(): string {
    return this.opts.hostname ?? os.hostname();
  }
}
