import {
  type Clock,
  HEALTH_HISTORY_MAX,
  HEALTH_STRINGS,
  scoredReport,
  fillTemplate,
  renderCheckMessage,
  toHistoryEntry,
  type CheckResult,
  type HealthHistoryEntry,
  type HealthOsInfo,
  type HealthReport,
  type HealthSummary,
  type Locale,
  type OsFamily,
} from '@vigie/common';
import type { Logger, Notifier } from '../../platform/ports.js';
import type { IpcHandlers } from '../ipc.js';
import { Emitter } from '../lib/emitter.js';
import { silentLogger } from '../lib/logger.js';
import { probesFor, type ProbeOptions } from './probes/index.js';
import { backupCheck, runChecks } from './scan.js';
import type { HealthState, HealthStore } from './store.js';
import type { BackupSummaryProvider, CommandRunner, Probe } from './types.js';

export const SCAN_INTERVAL_MS = 4 * 3_600_000;
/** The schedule wakes up at least this often, so a scan missed during sleep happens soon after wake-up. */
export const WAKE_CHECK_MS = 10 * 60_000;

export interface HealthServiceOptions {
  runner: CommandRunner;
  /** The machine: OS family and a fallback name/version for the report. */
  platform: { os: OsFamily; name?: string; version?: string };
  clock: Clock;
  store: HealthStore;
  notifier: Notifier;
  /** Backup status for the backup-recency check; absent → that check says no backup is set up yet. */
  backup?: BackupSummaryProvider;
  logger?: Logger;
  /** Who uses the machine (admin-user on macOS and Windows) and the Linux desktop. */
  user?: { username?: string; desktop?: string };
  /** Probe options (private apt cache, %SystemRoot%), or the probes themselves. */
  probeOptions?: ProbeOptions;
  probes?: Probe[];
  intervalMs?: number;
  wakeCheckMs?: number;
  /** Delay of the first scan after start(). */
  startDelayMs?: number;
  maxParallel?: number;
  /** Language of notifications (French by default). */
  locale?: () => Locale;
}

type HealthEvents = { report: [report: HealthReport] };
export type ScanTrigger = HealthReport['trigger'];

/**
 * Security health of this machine: scans at start, every 4 hours and on demand; one scan at a time
 * (concurrent callers share it); keeps the latest report and a 90-entry history on disk; notifies
 * when a check turns critical; emits `report` for every new report (the app pushes it to the
 * renderer and reports the summary to the hub).
 */
export class HealthService extends Emitter<HealthEvents> {
  private readonly log: Logger;
  private readonly probes: Probe[];
  private readonly intervalMs: number;
  private readonly wakeCheckMs: number;
  private state: HealthState = { version: 1, latest: null, history: [] };
  private loaded: Promise<void> | null = null;
  private inflight: Promise<HealthReport> | null = null;
  private timer: unknown = null;
  private running = false;
  private firstScanDone = false;
  private offBackup: (() => void) | null = null;
  /** Backup re-judgements, one after the other. */
  private backupChain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: HealthServiceOptions) {
    super();
    this.log = (o.logger ?? silentLogger).child({ svc: 'health' });
    this.probes = o.probes ?? probesFor(o.platform.os, o.probeOptions);
    this.intervalMs = o.intervalMs ?? SCAN_INTERVAL_MS;
    this.wakeCheckMs = o.wakeCheckMs ?? WAKE_CHECK_MS;
  }

  protected override onListenerError(e: unknown): void {
    this.log.error('report listener failed', { err: e });
  }

  /**
   * Loads the saved state, follows the backup status (its check is judged again on every change:
   * the « Sécurité » tab never tells another story than « Sauvegardes ») and schedules the first
   * scan (after `startDelayMs`, default 0).
   */
  async start(): Promise<void> {
    await this.ensureLoaded();
    if (this.running) return;
    this.running = true;
    this.offBackup = this.o.backup?.onChange?.(() => void this.refreshBackup()) ?? null;
    // A report kept from the last run holds the backup verdict of then: judged again now.
    if (this.state.latest) void this.refreshBackup();
    this.arm(this.o.startDelayMs ?? 0);
  }

  /** Stops the schedule and waits for a scan in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.offBackup?.();
    this.offBackup = null;
    await this.backupChain;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.inflight?.catch(() => undefined);
  }

  async latest(): Promise<HealthReport | null> {
    await this.ensureLoaded();
    return this.state.latest;
  }

  async history(limit = HEALTH_HISTORY_MAX): Promise<HealthHistoryEntry[]> {
    await this.ensureLoaded();
    return this.state.history.slice(0, limit);
  }

  /** The summary for the hub and the help request's context snapshot. */
  async summary(): Promise<HealthSummary | null> {
    return (await this.latest())?.summary ?? null;
  }

  /** True while a scan runs. */
  get scanning(): boolean {
    return this.inflight !== null;
  }

  /** Resolves when no scan is running (the schedule has re-armed by then). */
  async whenIdle(): Promise<void> {
    while (this.inflight) await this.inflight.catch(() => undefined);
  }

  /** Runs a scan, or joins the one already running. */
  scan(trigger: ScanTrigger = 'manual'): Promise<HealthReport> {
    if (!this.inflight) {
      this.inflight = this.doScan(trigger).finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  /**
   * Judges the backup check again from the backup service's live status and, when its verdict
   * changed, makes the latest report say so: the check replaced, the score and summary computed
   * again, saved, pushed (`report`) like a scan's. Nothing before the first report (the first
   * scan reads the status itself). Calls run one after the other, after a scan in progress.
   */
  refreshBackup(): Promise<HealthReport | null> {
    const next = this.backupChain.then(() => this.doRefreshBackup());
    this.backupChain = next.catch((e: unknown) => this.log.error('backup check not refreshed', { err: e }));
    return next;
  }

  /** Handlers of the health:* IPC methods (inputs already parsed by the contract). */
  ipcHandlers(): IpcHandlers {
    return {
      'health:getReport': () => this.latest(),
      'health:scan': () => this.scan('manual'),
      'health:history': (input) => this.history(input.limit),
    };
  }

  // ---------- internals ----------
  private async doRefreshBackup(): Promise<HealthReport | null> {
    await this.ensureLoaded();
    await this.whenIdle();
    const previous = this.state.latest;
    if (!previous || !this.o.backup) return previous;
    let now = new Date(this.o.clock.now());
    const { result } = await backupCheck(this.o.backup, now);
    // A scan started or ended meanwhile: judged again on its report (it may have read the status before this change).
    if (this.inflight || this.state.latest !== previous) return this.doRefreshBackup();
    const before = previous.checks.find((c) => c.id === 'backup-recency');
    if (
      before &&
      before.status === result.status &&
      before.message.key === result.message.key &&
      JSON.stringify(before.message.params) === JSON.stringify(result.message.params)
    ) {
      return previous;
    }
    const checks = previous.checks.map((c) => (c.id === 'backup-recency' ? result : c));
    if (!before) checks.push(result);
    if (now.getTime() < Date.parse(previous.finishedAt)) now = new Date(previous.finishedAt);
    const report: HealthReport = { ...previous, ...scoredReport(checks, now.toISOString()) };
    const entry = toHistoryEntry(report);
    const statusChanged = before?.status !== result.status;
    this.state = {
      version: 1,
      latest: report,
      history: statusChanged ? [entry, ...this.state.history].slice(0, HEALTH_HISTORY_MAX) : this.state.history,
    };
    try {
      await this.o.store.save(this.state);
    } catch (e) {
      this.log.error('health state not saved', { err: e });
    }
    this.notifyNewCritical(previous, report);
    this.log.info('backup check judged again', { status: result.status, key: result.message.key, score: report.score });
    this.emit('report', report);
    return report;
  }

  private ensureLoaded(): Promise<void> {
    this.loaded ??= this.o.store.load().then(
      (s) => {
        if (s) this.state = { version: 1, latest: s.latest, history: s.history.slice(0, HEALTH_HISTORY_MAX) };
      },
      (e: unknown) => this.log.error('health state unreadable', { err: e }),
    );
    return this.loaded;
  }

  private arm(delayMs: number): void {
    if (!this.running) return;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = this.o.clock.setTimeout(
      () => {
        this.timer = null;
        void this.tick();
      },
      Math.max(0, delayMs),
    );
  }

  private dueInMs(): number {
    if (!this.firstScanDone) return 0;
    const last = this.state.latest ? Date.parse(this.state.latest.finishedAt) : Number.NaN;
    if (Number.isNaN(last)) return 0;
    return last + this.intervalMs - this.o.clock.now();
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    if (this.dueInMs() <= 0) {
      try {
        await this.scan(this.firstScanDone ? 'schedule' : 'start');
      } catch (e) {
        this.log.error('scheduled scan failed', { err: e });
      }
    }
    this.arm(Math.min(Math.max(this.dueInMs(), 1000), this.wakeCheckMs));
  }

  private async doScan(trigger: ScanTrigger): Promise<HealthReport> {
    await this.ensureLoaded();
    const startedAt = new Date(this.o.clock.now());
    const { checks, findings } = await runChecks({
      runner: this.o.runner,
      probes: this.probes,
      ctx: {
        now: startedAt,
        ...(this.o.user?.username ? { username: this.o.user.username } : {}),
        ...(this.o.user?.desktop ? { desktop: this.o.user.desktop } : {}),
      },
      ...(this.o.backup ? { backup: this.o.backup } : {}),
      ...(this.o.maxParallel ? { maxParallel: this.o.maxParallel } : {}),
    });
    let finishedAt = new Date(this.o.clock.now());
    if (finishedAt < startedAt) finishedAt = startedAt;
    const osName = (findings.get('os-supported')?.data as { name?: string } | undefined)?.name;
    const os: HealthOsInfo = {
      family: this.o.platform.os,
      name: (osName ?? this.o.platform.name ?? this.o.platform.os).slice(0, 200),
      version: (this.o.platform.version ?? '').slice(0, 100),
    };
    const report: HealthReport = {
      version: 1,
      ...scoredReport(checks, finishedAt.toISOString()),
      startedAt: startedAt.toISOString(),
      os,
      trigger,
    };
    const previous = this.state.latest;
    this.state = { version: 1, latest: report, history: [toHistoryEntry(report), ...this.state.history].slice(0, HEALTH_HISTORY_MAX) };
    this.firstScanDone = true;
    try {
      await this.o.store.save(this.state);
    } catch (e) {
      this.log.error('health state not saved', { err: e });
    }
    this.notifyNewCritical(previous, report);
    this.log.info('health scan', { trigger, score: report.score, worst: report.worst, ms: finishedAt.getTime() - startedAt.getTime() });
    this.emit('report', report);
    return report;
  }

  private notifyNewCritical(previous: HealthReport | null, report: HealthReport): void {
    const before = new Map(previous?.checks.map((c) => [c.id, c.status]) ?? []);
    const turned: CheckResult[] = report.checks.filter((c) => c.status === 'critical' && before.get(c.id) !== 'critical');
    if (turned.length === 0) return;
    const locale = this.o.locale?.() ?? 'fr';
    const ui = HEALTH_STRINGS[locale].ui;
    const title = turned.length === 1 ? ui.notificationTitle : fillTemplate(ui.notificationTitleMany, { count: turned.length }, locale);
    const body = turned.map((c) => renderCheckMessage(locale, c).title).join(' · ');
    try {
      this.o.notifier.notify({ title, body: body.slice(0, 500), tag: 'health' });
    } catch (e) {
      this.log.warn('notification failed', { err: e });
    }
  }
}
