import os from 'node:os';
import { join } from 'node:path';
import {
  BACKUP_STRINGS,
  systemClock,
  type BackupError,
  type BackupRun,
  type BackupSettingsView,
  type BackupStatus,
  type BackupSummary,
  type BackupTrigger,
  type BrowseRequest,
  type BrowseResponse,
  type Clock,
  type FolderList,
  type FolderListRequest,
  type PlacesResponse,
  type RestoreJob,
  type RestorePlan,
  type RestorePlanRequest,
  type RestoreRequest,
  type SaveBackupSettingsInput,
  type SearchRequest,
  type SearchResponse,
  type Snapshot,
  type TimerHandle,
} from '@vigie/common';
import { Emitter } from '../lib/emitter.js';
import { JsonFile } from '../lib/files.js';
import { SnapshotCatalogue } from './catalogue.js';
import { backupError, reasonOf } from './errors.js';
import { Maintenance } from './maintenance.js';
import { nodeSpawner } from './node-adapters.js';
import type { Logger } from './ports.js';
import { RepoQueue } from './queue.js';
import { RestoreManager } from './restore.js';
import { RestoreDesk } from './restore-desk.js';
import { Restic, type RepoTarget } from './restic/client.js';
import type { ResticDiffChange } from './restic/parse.js';
import { BackupRunner } from './runner.js';
import type { BackupServiceOptions } from './options.js';
import { BackupConfig } from './settings.js';
import { decide, nextSlot } from './schedule.js';
import { removeLeftoverStagings } from './staging.js';
import { backupStatus, BackupStateFile, EMPTY_STATE, summaryOfStatus, withRun } from './status.js';

export { VIGIE_TAG } from './maintenance.js';
export type { BackupServiceOptions } from './options.js';

type BackupEvents = { status: [BackupStatus]; restore: [RestoreJob] };

/**
 * Backups and self-service restore over restic, Electron-free. Owns the settings, the schedule
 * (schedule.ts decides), the history (30-day strip, status.ts), the backup run (runs.ts, a pure
 * transition), and hands the rest to one module per job: the repository's secrets
 * (repository.ts), retention, check and locks (maintenance.ts), what the repository holds
 * (catalogue.ts), the `restic backup` runs (runner.ts), the restore jobs (restore.ts) and what is
 * asked around them (restore-desk.ts). Pushes: 'status' (BackupStatus) and 'restore'
 * (RestoreJob); `summary()` feeds the health check and the hub report.
 */
export class BackupService extends Emitter<BackupEvents> {
  readonly restic: Restic;
  readonly restores: RestoreManager;
  private readonly queue = new RepoQueue();
  private readonly file: JsonFile<BackupStateFile>;
  private readonly log: Logger;
  private readonly clock: Clock;
  private state: BackupStateFile = { ...EMPTY_STATE };
  private readonly config: BackupConfig;
  private started = false;
  private tickTimer: TimerHandle | null = null;
  private readonly runner: BackupRunner;
  private readonly desk: RestoreDesk;
  private readonly catalogue: SnapshotCatalogue;
  private readonly maintenance: Maintenance;
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
    this.config = new BackupConfig({
      opts,
      restic: this.restic,
      queue: this.queue,
      log: this.log,
      now: () => this.now(),
      state: () => this.state,
      persist: (u) => this.persist(u),
    });
    this.catalogue = new SnapshotCatalogue(this.restic, () => this.target());
    // What maintenance and the runner share of the service.
    const shared = {
      restic: this.restic,
      queue: this.queue,
      log: this.log,
      now: () => this.now(),
      settings: () => this.config.settings,
      record: (run: BackupRun, o: { success: boolean }) => this.record(run, o),
      notifyFailure: (e: BackupError) => this.notifyFailure(e),
    };
    this.maintenance = new Maintenance({
      ...shared,
      state: () => this.state,
      persist: (u) => this.persist(u),
      forgotten: () => this.catalogue.clear(),
      ...(opts.retentionHold ? { retentionHold: opts.retentionHold } : {}),
      ...(opts.hostname ? { hostname: opts.hostname } : {}),
      ...(opts.processState ? { processState: opts.processState } : {}),
    });
    this.runner = new BackupRunner({
      ...shared,
      ...(opts.extraExcludes ? { extraExcludes: opts.extraExcludes } : {}),
      target: () => this.target(),
      catalogue: this.catalogue,
      maintenance: this.maintenance,
      pushStatus: () => this.emitStatus(),
      track: (p) => this.track(p),
      afterSuccess: (t) => this.afterSuccess(t),
      succeeded: () => (this.config.startupError = null),
    });
    this.restores = new RestoreManager({
      restic: this.restic,
      queue: this.queue,
      clock: this.clock,
      logger: opts.logger,
      repo: () => this.target(),
      snapshot: (repo, ref) => this.catalogue.resolve(repo, ref),
      containment: () => this.config.containment(),
      afterInterrupt: (repo) => this.maintenance.cleanupAfterInterrupt(repo),
      known: (snapshotId, path) => this.catalogue.known(snapshotId, path),
      journal: {
        add: (p) => this.persist((s) => ({ ...s, stagings: [...s.stagings, p] })),
        remove: (p) => this.persist((s) => ({ ...s, stagings: s.stagings.filter((x) => x !== p) })),
      },
      ...(opts.locale ? { locale: opts.locale } : {}),
      ...(opts.restorePollMs ? { pollMs: opts.restorePollMs } : {}),
    });
    this.desk = new RestoreDesk({
      jobs: this.restores,
      settings: () => this.config.settings,
      target: () => this.target(),
      catalogue: this.catalogue,
      containment: () => this.config.containment(),
      notifier: opts.notifier,
      shell: opts.shell,
      locale: () => opts.locale?.() ?? 'fr',
    });
    this.restores.on('job', (job) => {
      this.emit('restore', job);
      this.desk.jobChanged(job);
    });
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
    await this.cleanLeftoverStagings();
    await this.config.load();
    if (!this.state.lastSlot) await this.persist((s) => ({ ...s, lastSlot: this.now().toISOString() }));
    this.scheduleTick();
    this.emitStatus();
  }

  /** Stops the schedule and interrupts a running backup (restic gets SIGINT and its lock is cleaned). */
  async stop(): Promise<void> {
    this.started = false;
    if (this.tickTimer !== null) this.clock.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.runner.cancel();
    for (const j of this.restores.list()) if (!['done', 'failed', 'cancelled', 'moving'].includes(j.state)) this.restores.cancel(j.id);
    await this.idle();
    await this.file.flush();
  }

  /** Resolves when no backup, maintenance or restore started by this service is running. */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [
        ...this.background,
        ...(this.runner.pending ? [this.runner.pending] : []),
        ...this.restores.list().map((j) => this.restores.settled(j.id)),
      ];
      if (pending.length === 0) return;
      await Promise.allSettled(pending);
      if (!this.runner.pending && this.background.size === 0 && !this.restores.hasActive()) return;
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

  // ---------- settings (settings.ts) ----------

  private target(): Promise<RepoTarget> {
    return this.config.target();
  }

  getSettings(): Promise<BackupSettingsView> {
    return this.config.view();
  }

  /** Checks and applies settings (settings.ts); the schedule and the status follow them. */
  async saveSettings(input: SaveBackupSettingsInput): Promise<BackupSettingsView> {
    await this.config.save(input);
    this.catalogue.clear();
    this.scheduleTick();
    this.emitStatus();
    return this.getSettings();
  }

  // ---------- status ----------

  nextRunAt(): Date | null {
    if (!this.config.settings.enabled || !this.config.settings.repository || this.config.settings.folders.length === 0) return null;
    return nextSlot(this.config.settings.times, this.now());
  }

  status(): BackupStatus {
    return backupStatus({
      state: this.state,
      settings: this.config.settings,
      running: this.runner.running,
      progress: this.runner.progress,
      startupError: this.config.startupError,
      nextRunAt: this.nextRunAt(),
      resticVersion: this.restic.versionText,
      now: this.now(),
      locale: this.opts.locale?.() ?? 'fr',
    });
  }

  /** The small version, for the health check [backup-recency] and the hub report. */
  summary(): BackupSummary {
    return summaryOfStatus(this.status());
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
    const configured = this.config.settings.enabled && this.config.settings.repository && this.config.settings.folders.length > 0;
    if (configured) {
      const d = decide(
        this.config.settings.times,
        now,
        this.state.lastSlot ? new Date(this.state.lastSlot) : null,
        this.config.settings.catchUpMinutes,
      );
      if (d.action !== 'none') {
        await this.persist((s) => ({ ...s, lastSlot: d.slot.toISOString() }));
        if (d.action === 'skip')
          this.log.info('scheduled backup missed (machine off or asleep), waiting for the next time', { slot: d.slot.toISOString() });
        else void this.runBackup(d.catchUp ? 'catch-up' : 'schedule').catch(() => undefined);
      }
    }
    const s = this.status();
    if (`${s.headline}|${s.message ?? ''}` !== this.lastHeadline) this.emitStatus();
  }

  // ---------- backup ----------

  /** Interrupts the running backup, if any (restic gets SIGINT; the run is recorded as interrupted). */
  cancelBackup(): boolean {
    return this.runner.cancel();
  }

  /** The folders backed up, and Vigie's own ones (repository, data, cache: never restored into, never watched by the tripwire). */
  folders(): { backedUp: string[]; own: string[] } {
    return { backedUp: [...this.config.settings.folders], own: this.config.reservedFolders() };
  }

  /** What is running now (the updater waits for both to be false). */
  activity(): { backupRunning: boolean; restoreRunning: boolean } {
    return { backupRunning: this.runner.running, restoreRunning: this.restores.hasActive() };
  }

  /** "Sauvegarder maintenant": starts a backup (or joins the running one) and answers at once. */
  async runNow(trigger: BackupTrigger = 'manual'): Promise<BackupStatus> {
    if (!this.config.settings.repository) throw backupError('not-configured');
    if (this.config.settings.folders.length === 0) throw backupError('not-configured', { messageKey: 'noFolders' });
    void this.runBackup(trigger).catch(() => undefined);
    return this.status();
  }

  /**
   * One backup, single-flight: a second call while one runs returns the same run. Resolves with
   * the recorded run (ok / warning / failed / interrupted); never rejects for restic failures.
   */
  runBackup(trigger: BackupTrigger = 'manual'): Promise<BackupRun> {
    return this.runner.run(trigger);
  }

  // ---------- safety snapshots (issue 12, safety.ts) ----------

  /** True when backups can run here (a repository and at least one folder): a safety snapshot can be taken. */
  configured(): boolean {
    return this.config.configured();
  }

  /** A safety snapshot: a backup's folders and rules, its own tags and time, outside the history (runner.ts). */
  safetySnapshot(o: { tags: readonly string[]; time?: Date; signal?: AbortSignal }): Promise<{ snapshotId: string }> {
    return this.runner.safetySnapshot(o);
  }

  /** What changed from snapshot `from` to snapshot `to` (`restic diff`), one entry at a time. */
  async diffSnapshots(from: string, to: string, onChange: (c: ResticDiffChange) => void, signal?: AbortSignal): Promise<void> {
    const t = await this.target();
    await this.restic.diff(t, from, to, { onChange, ...(signal ? { signal } : {}) });
  }

  private async record(run: BackupRun, o: { success: boolean }): Promise<void> {
    const now = this.now();
    await this.persist((s) => withRun(s, run, o.success, now));
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
    await this.maintenance.run(await this.target(), opts);
  }

  // ---------- snapshots, browse, search (catalogue.ts) ----------

  /** Newest first. */
  listSnapshots(): Promise<Snapshot[]> {
    return this.catalogue.listSnapshots();
  }

  /** One folder of a snapshot, folders first then files, paged. */
  browse(req: BrowseRequest): Promise<BrowseResponse> {
    return this.catalogue.browse(req);
  }

  /** A name (part of it, any case) across every snapshot, one hit per path with its versions. */
  search(req: SearchRequest): Promise<SearchResponse> {
    return this.catalogue.search(req);
  }

  // ---------- restore (restore.ts runs the jobs, restore-desk.ts receives them) ----------

  restore(req: RestoreRequest, before?: () => Promise<void>): RestoreJob {
    return this.desk.restore(req, before);
  }

  cancelRestore(jobId: string): RestoreJob {
    return this.restores.cancel(jobId);
  }

  listRestores(): RestoreJob[] {
    return this.restores.list();
  }

  openFolder(jobId: string): Promise<void> {
    return this.desk.openFolder(jobId);
  }

  places(): Promise<PlacesResponse> {
    return this.desk.places();
  }

  restorePlan(input: RestorePlanRequest): Promise<RestorePlan> {
    return this.desk.restorePlan(input);
  }

  listFolders(input: FolderListRequest): Promise<FolderList> {
    return this.desk.listFolders(input);
  }

  /** Hostname as restic records it on snapshots and locks. */
  hostname(): string {
    return this.opts.hostname ?? os.hostname();
  }
}
