import os from 'node:os';
import {
  systemClock,
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
} from '@vigie/common';
import { Emitter } from '../lib/emitter.js';
import type { SnapshotCatalogue } from './catalogue.js';
import { backupError } from './errors.js';
import type { Maintenance } from './maintenance.js';
import type { BackupServiceOptions } from './options.js';
import { buildParts } from './parts.js';
import type { Logger } from './ports.js';
import type { RestoreManager } from './restore.js';
import type { RestoreDesk } from './restore-desk.js';
import type { Restic, RepoTarget } from './restic/client.js';
import type { ResticDiffChange } from './restic/parse.js';
import type { BackupRunner } from './runner.js';
import type { BackupScheduler } from './scheduler.js';
import type { BackupConfig } from './settings.js';
import type { BackupStateStore } from './state-store.js';
import { backupStatus, summaryOfStatus } from './status.js';

export { VIGIE_TAG } from './maintenance.js';
export type { BackupServiceOptions } from './options.js';

type BackupEvents = { status: [BackupStatus]; restore: [RestoreJob] };

/**
 * Backups and self-service restore over restic, Electron-free: the one entry the app, the IPC
 * handlers and the safety service use. It starts and stops, pushes 'status' (BackupStatus, with
 * the 30-day history of status.ts) and 'restore' (RestoreJob), and hands each job to its module,
 * built and connected in parts.ts: the saved state (state-store.ts), the settings (settings.ts),
 * the schedule (scheduler.ts; schedule.ts decides), the repository's secrets (repository.ts),
 * the `restic backup` runs (runner.ts, their lifecycle a pure transition in runs.ts) and what
 * follows them (run-outcome.ts), retention, check and locks (maintenance.ts), what the repository
 * holds (catalogue.ts), the restore jobs (restore.ts) and what is asked around them
 * (restore-desk.ts). `summary()` feeds the health check and the hub report.
 */
export class BackupService extends Emitter<BackupEvents> {
  readonly restic: Restic;
  readonly restores: RestoreManager;
  private readonly store: BackupStateStore;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly config: BackupConfig;
  private started = false;
  private readonly scheduler: BackupScheduler;
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
    // The parts and what each sees of the others (parts.ts).
    const p = buildParts(opts, {
      log: this.log,
      clock: this.clock,
      now: () => this.now(),
      started: () => this.started,
      pushStatus: () => this.emitStatus(),
      track: (x) => this.track(x),
      tick: () => this.tick(),
      runBackup: (trigger) => void this.runBackup(trigger).catch(() => undefined),
      maintain: () => this.runMaintenance(),
      restoreChanged: (job) => this.emit('restore', job),
    });
    this.store = p.store;
    this.restic = p.restic;
    this.config = p.config;
    this.catalogue = p.catalogue;
    this.maintenance = p.maintenance;
    this.runner = p.runner;
    this.restores = p.restores;
    this.desk = p.desk;
    this.scheduler = p.scheduler;
  }

  protected override onListenerError(e: unknown): void {
    this.log.error('backup listener failed', { err: e });
  }

  // ---------- lifecycle ----------

  /** Loads state, cleans what a crash left, detects restic, prepares a default repository, starts the schedule. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.store.load();
    await this.config.load();
    if (!this.store.state.lastSlot) await this.store.persist((s) => ({ ...s, lastSlot: this.now().toISOString() }));
    this.scheduler.arm();
    this.emitStatus();
  }

  /** Stops the schedule and interrupts a running backup (restic gets SIGINT and its lock is cleaned). */
  async stop(): Promise<void> {
    this.started = false;
    this.scheduler.disarm();
    this.runner.cancel();
    for (const j of this.restores.list()) if (!['done', 'failed', 'cancelled', 'moving'].includes(j.state)) this.restores.cancel(j.id);
    await this.idle();
    await this.store.flush();
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
    this.scheduler.arm();
    this.emitStatus();
    return this.getSettings();
  }

  // ---------- status ----------

  nextRunAt(): Date | null {
    return this.scheduler.nextRunAt();
  }

  status(): BackupStatus {
    return backupStatus({
      state: this.store.state,
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

  /** Looks at the schedule now (scheduler.ts), then pushes the status when its headline changed. */
  async tick(): Promise<void> {
    await this.scheduler.check();
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
