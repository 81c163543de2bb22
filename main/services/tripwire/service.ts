import { join } from 'node:path';
import { systemClock, type Clock, type TripwireAlert, type TripwireSnapshot, type TripwireState } from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import { STAGING_PREFIX } from '../backup/staging.js';
import { Emitter } from '../lib/emitter.js';
import { JsonFile } from '../lib/files.js';
import { alertReportAfter, type AlertReportEvent } from './alert-report.js';
import { checkCanary } from './canaries.js';
import { CanarySet } from './canary-set.js';
import {
  DEFAULT_DETECTOR_CONFIG,
  decide,
  initialState,
  isInside,
  type DetectorConfig,
  type DetectorEffect,
  type DetectorEvent,
  type DetectorState,
} from './detector.js';
import { sampleFile } from './sampler.js';
import { baseName } from './signals.js';
import { freshTripwireFile, loadSync, TripwireFile } from './store.js';
import { PracticeWatcher, type FileChange, type WatcherOptions } from './watcher.js';

export interface TripwireServiceOptions {
  /** The app's data dir: tripwire/state.json lives below it. */
  dataDir: string;
  logger: Logger;
  /** The practice folders to watch (the backed-up ones), asked again on refreshFolders(). */
  folders: () => readonly string[];
  /** Folders inside the practice folders that are Vigie's own (a local backup repository): never watched. */
  ownFolders?: () => readonly string[];
  /** The clock every observation is stamped with (the benchmark runs a simulated month on it). */
  clock?: Clock;
  config?: Partial<DetectorConfig>;
  platform?: NodeJS.Platform;
  /** Hides a control file where a leading dot does not (Windows: `attrib +h`). */
  hide?: (path: string) => Promise<void>;
  watcher?: Pick<WatcherOptions, 'debounceMs' | 'maxDelayMs' | 'rescanMs' | 'mode' | 'maxFiles'>;
  /** Folders that get control files (each practice folder first, then their subfolders). */
  maxCanaryFolders?: number;
}

/** A finished backup as the tripwire reads it. */
export interface BackupRunFacts {
  id: string;
  at: number;
  snapshotId: string | null;
  filesNew: number;
  filesChanged: number;
  filesUnmodified: number;
}

type Events = { state: [TripwireState]; raise: [TripwireAlert]; evidence: [TripwireAlert]; lifted: [alertId: string] };

/**
 * The tripwire on this machine: control files in the practice folders, the watcher and the
 * sampler feeding the detector (detector.ts), the standing alert kept on disk. Electron-free; the
 * capability (capability.ts) connects it to the hub, the renderer and the backups.
 */
export class TripwireService extends Emitter<Events> {
  private readonly log: Logger;
  private readonly file: JsonFile<TripwireFile>;
  private readonly cfg: DetectorConfig;
  private readonly platform: NodeJS.Platform;
  private readonly now: () => number;
  private doc: TripwireFile;
  private det: DetectorState;
  private watcher: PracticeWatcher | null = null;
  private watched: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private started = false;
  private readonly canaries: CanarySet;

  constructor(private readonly o: TripwireServiceOptions) {
    super();
    this.log = o.logger.child({ svc: 'tripwire' });
    this.cfg = { ...DEFAULT_DETECTOR_CONFIG, ...o.config };
    this.platform = o.platform ?? process.platform;
    const clock = o.clock ?? systemClock;
    this.now = () => clock.now();
    const path = join(o.dataDir, 'tripwire', 'state.json');
    this.file = new JsonFile(path, TripwireFile, o.logger);
    this.doc = loadSync(path, this.log) ?? freshTripwireFile();
    this.canaries = new CanarySet(
      { platform: this.platform, token: this.doc.token, maxFolders: o.maxCanaryFolders ?? 20, ...(o.hide ? { hide: o.hide } : {}) },
      this.doc.canaries,
    );
    this.det = {
      ...initialState(this.doc.seed),
      raised: this.doc.raised,
      backups: this.doc.backups,
      lastBackup: this.doc.lastBackup,
      alert: this.doc.alert,
    };
  }

  protected override onListenerError(e: unknown): void {
    this.log.error('tripwire listener failed', { err: e });
  }

  /** An alert stands: backups keep running, retention forgets nothing. */
  holding(): boolean {
    return this.det.alert !== null;
  }

  alert() {
    return this.det.alert;
  }

  /** restic `--exclude` patterns of the control files: never in a backup, the restore browser or its counts. */
  excludes(): string[] {
    return this.canaries.excludes();
  }

  /** Paths of the control files placed (tests, the benchmark). */
  canaryPaths(): string[] {
    return this.canaries.paths();
  }

  state(): TripwireState {
    const alert = this.det.alert;
    return {
      status: alert ? 'alert' : this.watcher ? 'watching' : 'off',
      alert,
      reported: alert ? this.doc.reported : false,
      supportPhone: this.doc.supportPhone,
      folders: this.watched.length,
      canaries: this.canaries.size,
    };
  }

  get requestId(): string | null {
    return this.doc.requestId;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.refreshFolders();
  }

  async stop(): Promise<void> {
    this.started = false;
    const w = this.watcher;
    this.watcher = null;
    await w?.stop();
    await this.chain;
    await this.file.flush();
  }

  /** Looks at the practice folders again (settings saved, start): places control files, watches. */
  refreshFolders(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.started) return;
      const folders = [...new Set(this.o.folders())].sort();
      if (this.watcher && folders.join('\0') === this.watched.join('\0')) return;
      const old = this.watcher;
      this.watcher = null;
      await old?.stop();
      this.watched = folders;
      this.step({ type: 'folders', folders });
      await this.placeCanaries(folders);
      if (folders.length === 0) return this.publish();
      const watcher = new PracticeWatcher({
        roots: folders,
        logger: this.o.logger,
        ignore: (p) => this.ignored(p),
        priority: (p) => this.canaries.has(p),
        onChanges: (changes) => this.onChanges(changes),
        ...this.o.watcher,
        ...(this.o.platform ? { platform: this.o.platform } : {}),
      });
      await watcher.start();
      if (!this.started) return void (await watcher.stop());
      this.watcher = watcher;
      this.log.info('watching the practice folders', {
        folders: folders.length,
        files: watcher.size,
        canaries: this.canaries.size,
        polling: watcher.polling,
      });
      this.publish();
    });
  }

  /** Waits until what the watcher has seen so far went through the detector (tests, benchmark). */
  async settle(): Promise<void> {
    await this.chain;
    await this.watcher?.settle();
    await this.chain;
  }

  /** A full walk now (the watcher's safety net), then settle. */
  async rescan(): Promise<void> {
    await this.watcher?.rescan();
    await this.settle();
  }

  /** A backup finished: its counts against the practice's usual ones (each run once). */
  backupFinished(run: BackupRunFacts): Promise<void> {
    return this.enqueue(async () => {
      if (run.id === this.doc.lastRunId) return;
      this.doc.lastRunId = run.id;
      this.step({
        type: 'backup',
        at: run.at,
        snapshotId: run.snapshotId,
        filesNew: run.filesNew,
        filesChanged: run.filesChanged,
        filesUnmodified: run.filesUnmodified,
      });
      await this.save();
    });
  }

  /** The last snapshot before the alert's first changed file (found by the capability in the backups). */
  setLastGoodSnapshot(alertId: string, snapshot: TripwireSnapshot | null): Promise<void> {
    return this.enqueue(async () => this.step({ type: 'snapshot', alertId, snapshot }));
  }

  /** The technician lifted the alert (through the hub): retention resumes, control files are put back. */
  lift(alertId: string): Promise<void> {
    return this.enqueue(async () => this.step({ type: 'lift', at: this.now(), alertId }));
  }

  /** The hub has the alert: its urgent request. */
  markReported(alertId: string, requestId: string): Promise<void> {
    return this.enqueue(async () => {
      if (!this.reportStep({ type: 'reported', alertId, requestId, standingAlertId: this.det.alert?.id ?? null })) return;
      await this.save();
      this.publish();
    });
  }

  setSupportPhone(phone: string | null): Promise<void> {
    return this.enqueue(async () => {
      if (this.doc.supportPhone === phone) return;
      this.doc.supportPhone = phone;
      await this.save();
      this.publish();
    });
  }

  // ---------- internals ----------

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn).catch((e: unknown) => this.log.error('tripwire step failed', { err: e }));
    this.chain = next;
    return next;
  }

  private ignored(path: string): boolean {
    const base = baseName(path);
    if (base.startsWith(STAGING_PREFIX) || path.includes(`/${STAGING_PREFIX}`) || path.includes(`\\${STAGING_PREFIX}`)) return true;
    return [this.o.dataDir, ...(this.o.ownFolders?.() ?? [])].some((f) => isInside(path, f));
  }

  private async onChanges(changes: FileChange[]): Promise<void> {
    for (const c of changes) {
      const at = this.now();
      const canary = this.canaries.get(c.path);
      if (canary) {
        const what = c.kind === 'deleted' ? 'deleted' : await checkCanary(canary);
        if (what !== 'ok') this.step({ type: 'canary', at, path: c.path, change: what });
        continue;
      }
      if (c.kind === 'deleted') {
        this.step({ type: 'deleted', at, path: c.path });
        continue;
      }
      // A control file that reappears under a longer name (`… 2019.pdf.locked`) was renamed.
      if (c.created) {
        const renamed = this.canaries.renamedAs(c.path);
        if (renamed) this.step({ type: 'canary', at, path: renamed.path, change: 'renamed' });
      }
      const sample = await sampleFile(c.path);
      if (sample) this.step({ type: 'written', at, path: c.path, sample });
    }
    await this.save();
  }

  private step(event: DetectorEvent): void {
    const r = decide(this.det, event, this.cfg);
    this.det = r.state;
    for (const e of r.effects) this.apply(e);
  }

  private apply(e: DetectorEffect): void {
    switch (e.type) {
      case 'raise':
        this.reportStep({ type: 'raised' });
        this.log.warn('tripwire alert raised', { alert: e.alert.id, reasons: e.alert.reasons, files: e.alert.fileCount });
        this.emit('raise', e.alert);
        this.publish();
        break;
      case 'evidence':
        this.emit('evidence', e.alert);
        this.publish();
        break;
      case 'lifted':
        this.log.info('tripwire alert lifted', { alert: e.alertId });
        this.reportStep({ type: 'lifted' });
        this.emit('lifted', e.alertId);
        this.publish();
        void this.enqueue(() => this.afterLift());
        break;
      case 'replant':
        void this.enqueue(() => this.replant(e.path));
        break;
    }
  }

  /** One step of whether the hub has the alert (alert-report.ts); false when nothing changed. */
  private reportStep(event: AlertReportEvent): boolean {
    const next = alertReportAfter(this.doc, event);
    if (next) this.doc = { ...this.doc, ...next };
    return next !== null;
  }

  private publish(): void {
    this.emit('state', this.state());
  }

  private async save(): Promise<void> {
    this.doc = {
      ...this.doc,
      raised: this.det.raised,
      backups: this.det.backups,
      lastBackup: this.det.lastBackup,
      alert: this.det.alert,
      canaries: this.canaries.records(),
    };
    await this.file.save(this.doc).catch((e: unknown) => this.log.error('tripwire state not saved', { err: e }));
  }

  /** Control files of the current folders placed; those of folders no longer watched taken away (if still ours). */
  private async placeCanaries(folders: readonly string[]): Promise<void> {
    // During an alert nothing is written into the practice folders.
    await this.canaries.place(folders, !this.det.alert);
    await this.save();
  }

  private async replant(path: string): Promise<void> {
    if (this.det.alert) return;
    if (await this.canaries.replant(path)) await this.save();
  }

  /** After an alert: control files that were touched are forgotten (never overwritten) and fresh ones placed where names are free. */
  private async afterLift(): Promise<void> {
    await this.canaries.forgetTouched();
    await this.placeCanaries(this.watched);
  }
}
