import { systemClock, type Clock, type UpdateChannel, type UpdateFailureReason, type UpdateReport } from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import { Emitter } from '../lib/emitter.js';
import { silentLogger } from '../lib/logger.js';
import {
  decideInstall,
  decideOffer,
  DEFAULT_UPDATE_POLICY,
  isRejection,
  nextFailure,
  type InstallBlocker,
  type InstallDecision,
  type InstallSituation,
  type UpdatePolicyConfig,
} from './policy.js';
import type { ActivitySource, ConsultationHoursSource, IdleTime, UpdateEngineError, UpdaterEngine, UpdateReporter } from './ports.js';
import { memoryUpdateStateStore, type PersistedUpdateState, type UpdateStateStore } from './state.js';

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

export type UpdaterPhase = 'idle' | 'checking' | 'downloading' | 'ready' | 'installing';

export interface UpdaterStatus {
  phase: UpdaterPhase;
  currentVersion: string;
  /** Downloaded and verified, waiting for a good moment. */
  pendingVersion: string | null;
  /** Why the pending update is not installed yet. */
  waitingFor: InstallBlocker | null;
  lastCheckAt: number | null;
  nextCheckAt: number | null;
  lastFailure: { version: string; reason: UpdateFailureReason; attempt: number; retryAt: number } | null;
}

const EMPTY_STATE: PersistedUpdateState = { installing: null, failures: {}, outbox: [] };
const OUTBOX_MAX = 100;
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
  private checkTimer: unknown = null;
  private evalTimer: unknown = null;
  private inEngineCall = false;
  private flushing = false;
  private started = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly o: UpdateServiceOptions) {
    super();
    this.cfg = { ...DEFAULT_UPDATE_POLICY, ...o.policy };
    this.clock = o.clock ?? systemClock;
    this.log = o.logger ?? silentLogger;
    this.store = o.store ?? memoryUpdateStateStore();
    this.st = {
      phase: 'idle',
      currentVersion: o.currentVersion,
      pendingVersion: null,
      waitingFor: null,
      lastCheckAt: null,
      nextCheckAt: null,
      lastFailure: null,
    };
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
      const inst = this.state.installing;
      if (inst) {
        this.state.installing = null;
        if (this.o.currentVersion === inst.to) {
          await this.report({ outcome: 'installed', currentVersion: this.o.currentVersion, targetVersion: inst.to });
        } else {
          // The installer ran but we still are the old version: count it as a failure of that version.
          const f = nextFailure(this.state.failures[inst.to] ?? null, 'install', this.clock.now(), this.cfg, this.o.random);
          this.state.failures[inst.to] = f;
          await this.report({
            outcome: 'failed',
            currentVersion: this.o.currentVersion,
            targetVersion: inst.to,
            reason: 'install',
            attempt: f.attempt,
            retryAt: iso(f.retryAt),
          });
        }
      }
      await this.save();
      void this.flush();
      this.scheduleCheck(0);
    });
  }

  stop(): void {
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.checkTimer !== null) this.clock.clearTimeout(this.checkTimer);
    if (this.evalTimer !== null) this.clock.clearTimeout(this.evalTimer);
    this.checkTimer = this.evalTimer = null;
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
      const offer = await this.withTimeout(
        this.engineCall(() => this.o.engine.check()),
        QUIT_CONFIRM_MS,
      ).catch(() => undefined);
      if (offer === undefined || offer === null || offer.version !== pending) {
        if (offer === null || (offer && offer.version !== pending))
          this.withdraw('the feed no longer offers it (rollout halted or replaced)');
        return false;
      }
      await this.markInstalling(pending);
      this.set({ phase: 'installing', waitingFor: null });
      this.log.info('installing update at quit', { from: this.o.currentVersion, to: pending });
      this.o.engine.quitAndInstall({ relaunch: false });
      return true;
    })();
  }

  private withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      const t = this.clock.setTimeout(() => resolve(undefined), ms);
      p.then(
        (v) => {
          this.clock.clearTimeout(t);
          resolve(v);
        },
        (e: unknown) => {
          this.clock.clearTimeout(t);
          reject(e);
        },
      );
    });
  }

  // ---------- internals ----------

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task);
    this.chain = run.catch((e: unknown) => this.log.error('updater task failed', { err: e }));
    return run;
  }

  private set(patch: Partial<UpdaterStatus>): void {
    this.st = { ...this.st, ...patch };
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
    if (this.checkTimer !== null) this.clock.clearTimeout(this.checkTimer);
    const at = this.clock.now() + delayMs;
    this.checkTimer = this.clock.setTimeout(() => {
      this.checkTimer = null;
      void this.checkNow();
    }, delayMs);
    this.set({ nextCheckAt: at });
  }

  private scheduleEvaluate(): void {
    if (!this.started) return;
    if (this.evalTimer !== null) this.clock.clearTimeout(this.evalTimer);
    this.evalTimer = this.clock.setTimeout(() => {
      this.evalTimer = null;
      void this.evaluateNow();
    }, this.cfg.recheckPendingMs);
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
    this.set({ phase: this.st.pendingVersion ? 'ready' : 'checking', lastCheckAt: now });
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
      if (this.st.phase === 'checking') this.set({ phase: 'idle' });
      this.scheduleCheck(nextDelay);
    }
  }

  private async download(version: string): Promise<boolean> {
    await this.report({ outcome: 'available', currentVersion: this.o.currentVersion, targetVersion: version });
    this.set({ phase: 'downloading' });
    try {
      await this.engineCall(() => this.o.engine.download());
    } catch (e) {
      await this.recordFailure(version, e as UpdateEngineError);
      return false;
    }
    delete this.state.failures[version];
    await this.save();
    this.set({ phase: 'ready', pendingVersion: version, lastFailure: null });
    await this.report({ outcome: 'downloaded', currentVersion: this.o.currentVersion, targetVersion: version });
    return true;
  }

  private async recordFailure(version: string, e: UpdateEngineError): Promise<void> {
    const reason = e.reason ?? 'unknown';
    const f = nextFailure(this.state.failures[version] ?? null, reason, this.clock.now(), this.cfg, this.o.random);
    this.state.failures[version] = f;
    if (this.state.installing?.to === version) this.state.installing = null;
    await this.save();
    // Whatever was downloaded is forgotten: not installed now, not at quit. (An older pending
    // version goes too: the updater's cache now holds the failed download, not that one.)
    if (this.evalTimer !== null) this.clock.clearTimeout(this.evalTimer);
    this.evalTimer = null;
    this.set({
      phase: 'idle',
      pendingVersion: null,
      waitingFor: null,
      lastFailure: { version, reason, attempt: f.attempt, retryAt: f.retryAt },
    });
    this.log.warn(isRejection(reason) ? 'update rejected' : 'update failed', {
      version,
      reason,
      attempt: f.attempt,
      retryAt: iso(f.retryAt),
      message: e.message,
    });
    await this.report({
      outcome: isRejection(reason) ? 'rejected' : 'failed',
      currentVersion: this.o.currentVersion,
      targetVersion: version,
      reason,
      message: e.message?.slice(0, 500),
      attempt: f.attempt,
      retryAt: iso(f.retryAt),
    });
  }

  private async evaluate(): Promise<InstallDecision> {
    const pending = this.st.pendingVersion;
    if (!pending) return { action: 'wait', reason: 'nothing-pending' };
    const d = decideInstall(this.situation('idle'), this.cfg);
    if (d.action === 'wait') {
      this.set({ waitingFor: d.reason });
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
      this.set({ waitingFor: again.reason });
      this.scheduleEvaluate();
      return again;
    }
    await this.markInstalling(pending);
    this.set({ phase: 'installing', waitingFor: null });
    this.log.info('installing update silently', { from: this.o.currentVersion, to: pending });
    this.o.engine.quitAndInstall({ relaunch: true });
    return again;
  }

  private async markInstalling(version: string): Promise<void> {
    this.state.installing = { from: this.o.currentVersion, to: version, at: this.clock.now() };
    await this.save();
    // Queued (and saved) before the app goes away; delivered now if the hub answers quickly, else after the restart.
    await this.report({ outcome: 'installing', currentVersion: this.o.currentVersion, targetVersion: version }, false);
    await this.withTimeout(this.flush(), REPORT_BEFORE_INSTALL_MS).catch(() => undefined);
  }

  private withdraw(why: string): void {
    this.log.info('pending update withdrawn', { version: this.st.pendingVersion, why });
    if (this.evalTimer !== null) this.clock.clearTimeout(this.evalTimer);
    this.evalTimer = null;
    this.set({ phase: 'idle', pendingVersion: null, waitingFor: null });
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

  private async report(r: Omit<UpdateReport, 'channel' | 'at'>, flushNow = true): Promise<void> {
    const full: UpdateReport = { ...r, channel: this.o.channel, at: iso(this.clock.now()) };
    this.state.outbox.push(full);
    if (this.state.outbox.length > OUTBOX_MAX) this.state.outbox.splice(0, this.state.outbox.length - OUTBOX_MAX);
    await this.save();
    if (flushNow) await this.flush();
  }

  /** Sends queued reports in order; stops at the first failure (kept for the next try). */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.state.outbox.length > 0) {
        const next = this.state.outbox[0]!;
        try {
          await this.o.reporter.report(next);
        } catch {
          return;
        }
        if (this.state.outbox[0] === next) this.state.outbox.shift();
        await this.save();
      }
    } finally {
      this.flushing = false;
    }
  }

  private async save(): Promise<void> {
    try {
      await this.store.save(this.state);
    } catch (e) {
      this.log.error('could not save updater state', { err: e });
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
