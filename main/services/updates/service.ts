import { systemClock, type Clock, type UpdateChannel, type UpdateReport } from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import { Emitter } from '../lib/emitter.js';
import { silentLogger } from '../lib/logger.js';
import {
  decideInstall,
  decideOffer,
  DEFAULT_UPDATE_POLICY,
  isRejection,
  type InstallDecision,
  type InstallSituation,
  type UpdatePolicyConfig,
} from './policy.js';
import type { ActivitySource, ConsultationHoursSource, IdleTime, UpdateEngineError, UpdaterEngine, UpdateReporter } from './ports.js';
import { failureRecorded, failureReport, installOutcome } from './outcomes.js';
import { iso, queueReport, ReportOutbox, type UpdateReportDraft } from './reports.js';
import { memoryUpdateStateStore, type PersistedUpdateState, type UpdateStateStore } from './state.js';
import { initialStatus, statusAfter, type UpdaterStatus, type UpdaterStatusEvent } from './status.js';
import { TimerSlot, withTimeout } from './timers.js';

export type { UpdaterPhase, UpdaterStatus } from './status.js';

export interface UpdateServiceOptions {
  engine: UpdaterEngine;
  /** The running app's version (app.getVersion()). */
  currentVersion: string;
  channel: UpdateChannel;
  idle: IdleTime;
  activity: ActivitySource;
  consultationHours: ConsultationHoursSource;
  reporter: UpdateReporter;
  store?: UpdateStateStore;
  clock?: Clock;
  logger?: Logger;
  policy?: Partial<UpdatePolicyConfig>;
  /** Jitter source for retry delays (tests pass a constant). */
  random?: () => number;
}

const EMPTY_STATE: PersistedUpdateState = { installing: null, failures: {}, outbox: [] };
/** How long quitting waits for the feed to confirm the update is still offered. */
const QUIT_CONFIRM_MS = 5_000;
/** How long installing waits for the 'installing' report to reach the hub. */
const REPORT_BEFORE_INSTALL_MS = 3_000;

/**
 * Silent updates, Vigie's way: check at start and every 4 h, download in the background, never
 * downgrade, install only at quit or in a quiet moment (machine idle, Vigie unused, no remote
 * session / restore / backup, outside consultation hours), report each step to the hub, and
 * never install a file that failed its checksum or signature — those are retried later with
 * back-off. All timing goes through the injected clock.
 */
export class UpdateService extends Emitter<{ status: [UpdaterStatus] }> {
  private readonly cfg: UpdatePolicyConfig;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly store: UpdateStateStore;
  private state: PersistedUpdateState = structuredClone(EMPTY_STATE);
  private st: UpdaterStatus;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly checkTimer: TimerSlot;
  private readonly evalTimer: TimerSlot;
  private inEngineCall = false;
  private readonly outbox: ReportOutbox;
  private started = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly o: UpdateServiceOptions) {
    super();
    this.cfg = { ...DEFAULT_UPDATE_POLICY, ...o.policy };
    this.clock = o.clock ?? systemClock;
    this.checkTimer = new TimerSlot(this.clock);
    this.evalTimer = new TimerSlot(this.clock);
    this.log = o.logger ?? silentLogger;
    this.store = o.store ?? memoryUpdateStateStore();
    this.st = initialStatus(o.currentVersion);
    this.outbox = new ReportOutbox(
      o.reporter,
      () => this.state,
      () => this.save(),
    );
  }

  status(): UpdaterStatus {
    return { ...this.st };
  }

  /** Loads the remembered state, reports the outcome of an install made before this start, then checks right away. */
  start(): Promise<void> {
    if (this.started) return this.whenIdle();
    this.started = true;
    // Errors emitted during a check or download are the ones that call rejects with: handled there.
    this.unsubscribe = this.o.engine.onError((e) => {
      if (!this.inEngineCall) void this.enqueue(() => this.onEngineError(e));
    });
    return this.enqueue(async () => {
      this.state = { ...structuredClone(EMPTY_STATE), ...((await this.store.load()) ?? {}) };
      const outcome = installOutcome(this.state, this.o.currentVersion, this.clock.now(), this.cfg, this.o.random);
      this.state = outcome.state;
      if (outcome.report) await this.report(outcome.report);
      await this.save();
      void this.flush();
      this.scheduleCheck(0);
    });
  }

  stop(): void {
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.checkTimer.cancel();
    this.evalTimer.cancel();
  }

  /** Resolves when the work queued so far is done. */
  async whenIdle(): Promise<void> {
    let c;
    do {
      c = this.chain;
      await c;
    } while (c !== this.chain);
  }

  /** Checks the feed now (serialised with any other updater work). */
  checkNow(): Promise<void> {
    return this.enqueue(() => this.check());
  }

  /** Sends the reports held while the hub could not be reached (call when the hub connection comes back). */
  flushReports(): Promise<void> {
    if (!this.started) return Promise.resolve();
    return this.enqueue(() => this.flush());
  }

  /** Looks for a quiet moment now; installs if the policy allows it. */
  evaluateNow(): Promise<InstallDecision> {
    return this.enqueue(() => this.evaluate());
  }

  /**
   * Called by the shell when the practitioner quits Vigie (before-quit, default prevented): when
   * the policy allows it, the downloaded update is installed on the way out — the engine quits
   * the app itself — and true is returned; otherwise false and the shell quits as usual.
   */
  quitting(): Promise<boolean> {
    // Not queued behind a running download: quitting must never wait for one.
    const pending = this.st.pendingVersion;
    if (!pending || this.st.phase !== 'ready' || this.inEngineCall) return Promise.resolve(false);
    return (async () => {
      const d = decideInstall(this.situation('quit'), this.cfg);
      if (d.action !== 'install') {
        this.log.info('update not installed at quit', { version: pending, reason: d.reason });
        return false;
      }
      // A rollout halted since the download must stop here too; no answer in time → not now.
      const offer = await withTimeout(
        this.clock,
        this.engineCall(() => this.o.engine.check()),
        QUIT_CONFIRM_MS,
      ).catch(() => undefined);
      if (offer === undefined || offer === null || offer.version !== pending) {
        if (offer === null || (offer && offer.version !== pending))
          this.withdraw('the feed no longer offers it (rollout halted or replaced)');
        return false;
      }
      await this.install(pending, 'at quit');
      return true;
    })();
  }

  // ---------- internals ----------

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task);
    this.chain = run.catch((e: unknown) => this.log.error('updater task failed', { err: e }));
    return run;
  }

  /** One step of the status (status.ts), pushed when it changed. */
  private to(event: UpdaterStatusEvent): void {
    const next = statusAfter(this.st, event);
    if (next === this.st) return;
    this.st = next;
    this.emit('status', this.status());
  }

  private situation(trigger: InstallSituation['trigger']): InstallSituation {
    return {
      now: this.clock.now(),
      trigger,
      hasVerifiedUpdate: this.st.pendingVersion !== null,
      activity: this.o.activity.snapshot(),
      systemIdleSeconds: this.o.idle.systemIdleSeconds(),
      consultationHours: this.o.consultationHours.get(),
    };
  }

  private scheduleCheck(delayMs: number): void {
    if (!this.started) return;
    const at = this.clock.now() + delayMs;
    this.checkTimer.set(delayMs, () => void this.checkNow());
    this.to({ type: 'check-scheduled', at });
  }

  private scheduleEvaluate(): void {
    if (!this.started) return;
    this.evalTimer.set(this.cfg.recheckPendingMs, () => void this.evaluateNow());
  }

  private async engineCall<T>(fn: () => Promise<T>): Promise<T> {
    this.inEngineCall = true;
    try {
      return await fn();
    } finally {
      this.inEngineCall = false;
    }
  }

  private async check(): Promise<void> {
    const now = this.clock.now();
    this.to({ type: 'check-started', at: now });
    await this.flush(); // reports held while the hub was unreachable
    let nextDelay = this.cfg.checkIntervalMs;
    try {
      let offer;
      try {
        offer = await this.engineCall(() => this.o.engine.check());
      } catch (e) {
        const err = e as UpdateEngineError;
        // Offline or hub down: nothing to report (the hub is what cannot be reached); try again later.
        this.log.warn('update check failed', { reason: err.reason, message: err.message });
        nextDelay = Math.min(this.cfg.checkIntervalMs, this.cfg.retryBaseMs);
        return;
      }
      if (!offer) {
        if (this.st.pendingVersion) this.withdraw('the feed no longer offers it (rollout halted or replaced)');
        return;
      }
      const failure = this.state.failures[offer.version] ?? null;
      const d = decideOffer({
        now,
        currentVersion: this.o.currentVersion,
        offeredVersion: offer.version,
        pendingVersion: this.st.pendingVersion,
        failure,
      });
      switch (d.action) {
        case 'ignore':
          if (d.reason === 'downgrade' || d.reason === 'invalid-version')
            this.log.warn('update offer ignored', { version: offer.version, reason: d.reason });
          return;
        case 'wait':
          nextDelay = Math.min(nextDelay, Math.max(0, d.until - now));
          return;
        case 'keep':
          break;
        case 'download': {
          const ok = await this.download(offer.version);
          if (!ok) {
            const f = this.state.failures[offer.version];
            if (f) nextDelay = Math.min(nextDelay, Math.max(0, f.retryAt - this.clock.now()));
            return;
          }
          break;
        }
      }
      await this.evaluate();
    } finally {
      this.to({ type: 'check-ended' });
      this.scheduleCheck(nextDelay);
    }
  }

  private async download(version: string): Promise<boolean> {
    await this.report({ outcome: 'available', currentVersion: this.o.currentVersion, targetVersion: version });
    this.to({ type: 'downloading' });
    try {
      await this.engineCall(() => this.o.engine.download());
    } catch (e) {
      await this.recordFailure(version, e as UpdateEngineError);
      return false;
    }
    delete this.state.failures[version];
    await this.save();
    this.to({ type: 'downloaded', version });
    await this.report({ outcome: 'downloaded', currentVersion: this.o.currentVersion, targetVersion: version });
    return true;
  }

  private async recordFailure(version: string, e: UpdateEngineError): Promise<void> {
    const reason = e.reason ?? 'unknown';
    const recorded = failureRecorded(this.state, version, reason, this.clock.now(), this.cfg, this.o.random);
    this.state = recorded.state;
    const f = recorded.failure;
    await this.save();
    // Whatever was downloaded is forgotten: not installed now, not at quit. (An older pending
    // version goes too: the updater's cache now holds the failed download, not that one.)
    this.evalTimer.cancel();
    this.to({ type: 'failed', failure: { version, reason, attempt: f.attempt, retryAt: f.retryAt } });
    this.log.warn(isRejection(reason) ? 'update rejected' : 'update failed', {
      version,
      reason,
      attempt: f.attempt,
      retryAt: iso(f.retryAt),
      message: e.message,
    });
    await this.report(failureReport(this.o.currentVersion, version, f, e.message));
  }

  private async evaluate(): Promise<InstallDecision> {
    const pending = this.st.pendingVersion;
    if (!pending) return { action: 'wait', reason: 'nothing-pending' };
    const d = decideInstall(this.situation('idle'), this.cfg);
    if (d.action === 'wait') {
      this.to({ type: 'waiting', reason: d.reason });
      this.scheduleEvaluate();
      return d;
    }
    // Last look at the feed: a rollout halted since the download stops here.
    let offer;
    try {
      offer = await this.engineCall(() => this.o.engine.check());
    } catch (e) {
      this.log.warn('could not confirm the update before installing; will try again', { reason: (e as UpdateEngineError).reason });
      this.scheduleEvaluate();
      return { action: 'wait', reason: 'nothing-pending' };
    }
    if (!offer || offer.version !== pending) {
      this.withdraw('the feed no longer offers it (rollout halted or replaced)');
      return { action: 'wait', reason: 'nothing-pending' };
    }
    // The check took a moment: the situation must still allow it.
    const again = decideInstall(this.situation('idle'), this.cfg);
    if (again.action === 'wait') {
      this.to({ type: 'waiting', reason: again.reason });
      this.scheduleEvaluate();
      return again;
    }
    await this.install(pending, 'silently');
    return again;
  }

  /** Installs `version` now: recorded and reported first, then the app quits (and comes back, unless at quit). */
  private async install(version: string, when: 'at quit' | 'silently'): Promise<void> {
    this.state.installing = { from: this.o.currentVersion, to: version, at: this.clock.now() };
    await this.save();
    // Queued (and saved) before the app goes away; delivered now if the hub answers quickly, else after the restart.
    await this.report({ outcome: 'installing', currentVersion: this.o.currentVersion, targetVersion: version }, false);
    await withTimeout(this.clock, this.flush(), REPORT_BEFORE_INSTALL_MS).catch(() => undefined);
    this.to({ type: 'installing' });
    this.log.info(`installing update ${when}`, { from: this.o.currentVersion, to: version });
    this.o.engine.quitAndInstall({ relaunch: when === 'silently' });
  }

  private withdraw(why: string): void {
    this.log.info('pending update withdrawn', { version: this.st.pendingVersion, why });
    this.evalTimer.cancel();
    this.to({ type: 'withdrawn' });
  }

  private async onEngineError(e: UpdateEngineError): Promise<void> {
    const version = this.state.installing?.to ?? this.st.pendingVersion;
    if (version && (isRejection(e.reason) || this.st.phase === 'installing')) {
      await this.recordFailure(version, e);
      this.scheduleCheck(Math.max(0, this.state.failures[version]!.retryAt - this.clock.now()));
      return;
    }
    this.log.warn('updater error', { reason: e.reason, message: e.message });
  }

  // ---------- reports ----------

  private async report(r: UpdateReportDraft, flushNow = true): Promise<void> {
    const full: UpdateReport = { ...r, channel: this.o.channel, at: iso(this.clock.now()) };
    this.state.outbox = queueReport(this.state.outbox, full);
    await this.save();
    if (flushNow) await this.flush();
  }

  /** Sends queued reports in order; stops at the first failure (kept for the next try). */
  private flush(): Promise<void> {
    return this.outbox.flush();
  }

  private async save(): Promise<void> {
    try {
      await this.store.save(this.state);
    } catch (e) {
      this.log.error('could not save updater state', { err: e });
    }
  }
}
