import { VigieError, type Clock, type EnrollmentState, type UpdateChannel, type UpdateReport } from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import type { HubConnection } from '../hub/connection.js';
import type { SettingsStore } from '../settings/settings.js';
import { feedUrlFor } from './electron-updater-engine.js';
import type { UpdatePolicyConfig } from './policy.js';
import type { ActivitySource, IdleTime, UpdaterEngine, UpdateReporter } from './ports.js';
import { UpdateService, type UpdaterStatus } from './service.js';
import type { UpdateStateStore } from './state.js';

/** The parts of the app (VigieApp) the updater reads. */
export interface UpdaterAppLink {
  hub: HubConnection;
  settings: SettingsStore;
  enrollment: { state(): EnrollmentState };
  activity: ActivitySource;
  /** Every AppState push: the updater starts once the machine is enrolled. */
  onState(listener: () => void): () => void;
}

export interface AppUpdaterOptions {
  app: UpdaterAppLink;
  /** Builds the updater engine for the hub's feed (Electron: createElectronUpdaterEngine(autoUpdater, …)). */
  createEngine(feed: { feedUrl: string; channel: UpdateChannel }): UpdaterEngine;
  /** The running app's version (Electron: app.getVersion()). */
  currentVersion: string;
  /** OS-wide idleness (Electron: powerMonitor.getSystemIdleTime()). */
  idle: IdleTime;
  /** Where the updater's state survives restarts (Electron: fileUpdateStateStore in userData). */
  store: UpdateStateStore;
  logger: Logger;
  clock?: Clock;
  policy?: Partial<UpdatePolicyConfig>;
  random?: () => number;
}

/** Error codes after which a report is dropped rather than retried: the hub will never take it. */
const PERMANENT = new Set(['BAD_REQUEST']);

/**
 * Update reports go to the hub over the app's one connection (`update:report`). Offline or a hub
 * that does not answer: rejected, so the updater keeps the report and sends it later.
 */
export function hubUpdateReporter(hub: HubConnection, log: Logger): UpdateReporter {
  return {
    async report(r: UpdateReport) {
      const res = await hub.emitAck('update:report', r);
      if (res.ok) return;
      if (PERMANENT.has(res.error.code)) {
        log.error('the hub refused an update report; dropped', { code: res.error.code, message: res.error.message, outcome: r.outcome });
        return;
      }
      throw new VigieError(res.error.code, res.error.message);
    },
  };
}

/**
 * The app's updater, wired to the rest of the app: the hub the machine is enrolled with serves
 * the feed (`<hub>/updates/<channel>`), the channel and the consultation hours come from the
 * app's settings, the activity from the app (capabilities' probes, last practitioner call), the
 * reports go through the hub connection and are flushed again whenever it comes back.
 * Electron-free: the shell gives it electron-updater's engine and the OS idle time.
 */
export class AppUpdater {
  private service: UpdateService | null = null;
  private readonly offs: Array<() => void> = [];
  private readonly log: Logger;
  private stopped = false;

  constructor(private readonly o: AppUpdaterOptions) {
    this.log = o.logger.child({ svc: 'updates' });
  }

  /** The update service once running (null before enrollment and in tests that never start it). */
  get running(): UpdateService | null {
    return this.service;
  }

  status(): UpdaterStatus | null {
    return this.service?.status() ?? null;
  }

  /** Starts now if the machine is enrolled, otherwise as soon as it is. */
  async start(): Promise<void> {
    this.stopped = false;
    if (await this.tryBegin()) return;
    const off = this.o.app.onState(() => void this.tryBegin());
    this.offs.push(off);
  }

  stop(): void {
    this.stopped = true;
    for (const off of this.offs.splice(0)) off();
    this.service?.stop();
    this.service = null;
  }

  /**
   * The practitioner quits: true when the downloaded update is being installed on the way out
   * (the engine then quits the app itself), false when the app should quit as usual.
   */
  async quitting(): Promise<boolean> {
    const s = this.service;
    if (!s) return false;
    try {
      return await s.quitting();
    } catch (e) {
      this.log.error('update at quit failed', { err: e });
      return false;
    }
  }

  private async tryBegin(): Promise<boolean> {
    if (this.service || this.stopped) return this.service !== null;
    const enrollment = this.o.app.enrollment.state();
    if (enrollment.status !== 'enrolled' || !enrollment.hubUrl) return false;
    const { settings, hub, activity } = this.o.app;
    const channel = settings.get().updateChannel;
    const feedUrl = feedUrlFor(enrollment.hubUrl, channel);
    let engine: UpdaterEngine;
    try {
      engine = this.o.createEngine({ feedUrl, channel });
    } catch (e) {
      this.log.error('updater engine unavailable', { err: e });
      this.stopped = true;
      for (const off of this.offs.splice(0)) off();
      return false;
    }
    const service = new UpdateService({
      engine,
      currentVersion: this.o.currentVersion,
      channel,
      idle: this.o.idle,
      activity,
      consultationHours: { get: () => settings.get().consultationHours },
      reporter: hubUpdateReporter(hub, this.log),
      store: this.o.store,
      logger: this.log,
      ...(this.o.clock ? { clock: this.o.clock } : {}),
      ...(this.o.policy ? { policy: this.o.policy } : {}),
      ...(this.o.random ? { random: this.o.random } : {}),
    });
    this.service = service;
    for (const off of this.offs.splice(0)) off();
    this.offs.push(hub.on('connected', () => void service.flushReports()));
    this.log.info('updater started', { feedUrl, channel, version: this.o.currentVersion });
    await service.start();
    return true;
  }
}
