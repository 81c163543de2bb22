import { fitHealthReport, type HealthReport, type HealthSummary, type Locale, type Result } from '@vigie/common';
import type { Logger, Notifier } from '../../platform/ports.js';
import type { Capability, CapabilityContext } from '../app.js';
import type { IpcHandlers } from '../ipc.js';
import { silentLogger } from '../lib/logger.js';
import { createNodeHealthService } from './node.js';
import type { HealthService } from './service.js';
import type { BackupSummaryProvider } from './types.js';

/** The part of the hub connection the capability uses (HubConnection in the app). */
export type HealthHub = Pick<CapabilityContext['hub'], 'connected' | 'on' | 'emitAck'>;

export interface HealthCapabilityOptions {
  service: HealthService;
  /** Delay before sending again after the hub failed to store a report (default 30 s). */
  retryMs?: number;
}

/**
 * Security health plugged into the app (Electron shell and browser host alike): the health:* IPC
 * handlers, the `health:report` push to the renderer, the schedule (start/stop) and the report to
 * the hub — summary and details (`device:report` { health, healthReport }) after every new report
 * and on every (re)connection. One send at a time; a report that arrives meanwhile is sent right
 * after; a refused or lost send is tried again later (offline: at the next connection).
 */
export class HealthCapability implements Capability {
  readonly name = 'health';
  readonly handlers: IpcHandlers;
  private hub: HealthHub | null = null;
  private log: Logger = silentLogger;
  private readonly off: Array<() => void> = [];
  private sending: Promise<void> | null = null;
  private again = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** finishedAt of the last report the hub acknowledged on the current connection. */
  private lastStored: string | null = null;

  constructor(private readonly o: HealthCapabilityOptions) {
    this.handlers = o.service.ipcHandlers();
  }

  get service(): HealthService {
    return this.o.service;
  }

  /** Summary for the help-request context snapshot (null before the first scan ever finished). */
  summary(): Promise<HealthSummary | null> {
    return this.o.service.summary();
  }

  latest(): Promise<HealthReport | null> {
    return this.o.service.latest();
  }

  /** Listens to new reports, to every hub connection, then starts the schedule (first scan now). */
  async start(ctx: Pick<CapabilityContext, 'publish' | 'logger'> & { hub: HealthHub }): Promise<void> {
    this.stopped = false;
    this.hub = ctx.hub;
    this.log = ctx.logger;
    this.off.push(
      this.o.service.on('report', (r) => {
        ctx.publish('health:report', r);
        this.report();
      }),
      ctx.hub.on('connected', () => {
        this.lastStored = null;
        this.report();
      }),
    );
    await this.o.service.start();
    // Connected before we listened (or reconnecting with a report kept from the last run).
    if (ctx.hub.connected) this.report();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const f of this.off.splice(0)) f();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.o.service.stop();
    await this.sending;
  }

  /** Sends the latest report to the hub (coalesced); resolves when the hub has it or the attempt ended. */
  report(): Promise<void> {
    if (this.sending) {
      this.again = true;
      return this.sending;
    }
    this.sending = (async () => {
      do {
        this.again = false;
        await this.sendLatest();
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.sending = null;
    });
    return this.sending;
  }

  private async sendLatest(): Promise<void> {
    const hub = this.hub;
    if (!hub || this.stopped || !hub.connected) return;
    const report = await this.o.service.latest();
    if (!report || report.finishedAt === this.lastStored) return;
    const fitted = fitHealthReport(report);
    if (!fitted) this.log.warn('health report too large for the hub even without evidence: summary only', { checks: report.checks.length });
    let r: Result<object>;
    try {
      r = await hub.emitAck('device:report', fitted ? { health: report.summary, healthReport: fitted } : { health: report.summary });
    } catch (e) {
      this.log.error('health report not sent', { err: e });
      return this.retryLater();
    }
    if (r.ok) {
      this.lastStored = report.finishedAt;
      this.log.debug('health report sent to the hub', { score: report.score, at: report.finishedAt });
      return;
    }
    if (r.error.code === 'OFFLINE') return; // sent again on the next connection
    this.log.warn('the hub did not store the health report', { code: r.error.code, message: r.error.message });
    if (r.error.code !== 'BAD_REQUEST') this.retryLater();
  }

  private retryLater(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.report();
    }, this.o.retryMs ?? 30_000);
    this.retryTimer.unref?.();
  }
}

export interface NodeHealthCapabilityOptions {
  dataDir: string;
  notifier: Notifier;
  logger: Logger;
  /** Language of the "point to fix" notification (the app's current locale). */
  locale?: () => Locale;
  /** Backup status for the backup-recency check, once backups are wired. */
  backup?: BackupSummaryProvider;
  retryMs?: number;
}

/** The health capability on the real machine (probes of this OS, `<dataDir>/health.json`). */
export function createNodeHealthCapability(o: NodeHealthCapabilityOptions): HealthCapability {
  const service = createNodeHealthService({
    dataDir: o.dataDir,
    notifier: o.notifier,
    logger: o.logger,
    ...(o.locale ? { locale: o.locale } : {}),
    ...(o.backup ? { backup: o.backup } : {}),
  });
  return new HealthCapability({ service, ...(o.retryMs !== undefined ? { retryMs: o.retryMs } : {}) });
}
