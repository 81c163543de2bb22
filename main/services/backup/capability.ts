import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  IPC_METHODS,
  err,
  ok,
  parseOrThrow,
  toErr,
  type BackupAccessCall,
  type BackupRelayCall,
  type BackupScope,
  type BackupSummary,
  type IpcPush,
  type Locale,
  type RelayTechnician,
  type RepositorySettings,
  type RestoreJob,
  type Result,
  type Clock,
} from '@vigie/common';
import type { Capability, CapabilityContext } from '../app.js';
import { createDispatch, type Dispatch, type IpcHandlers } from '../ipc.js';
import { BackupAccessGate } from './access.js';
import { backupCapability } from './handlers.js';
import { HubSender } from './hub-sender.js';
import type { Logger, Notifier, SecretStore, Shell } from './ports.js';
import { technicianNotice } from './relay-notice.js';
import { ProgressForwarder } from './restore-forward.js';
import { SafetyService } from './safety.js';
import { SafetyReports } from './safety-reports.js';
import { BackupService, type BackupServiceOptions } from './service.js';
import { SummaryReport } from './summary-report.js';

export interface BackupCapabilityOptions {
  /** The app's data dir (backup/state.json, and the demo repository below it). */
  dataDir: string;
  secrets: SecretStore;
  notifier: Notifier;
  logger: Logger;
  /** "Ouvrir le dossier" (Electron shell.openPath, Node xdg-open/open, or a recording one in tests). */
  shell?: Shell;
  resticPath?: string;
  /**
   * Repository used until settings are saved. Default: a local folder in the app data dir (the
   * demo default); null: not configured until the provider sets it up.
   */
  defaultRepository?: RepositorySettings | null;
  /** Folders to back up on first start (no saved settings yet); default: the suggested ones. */
  folders?: string[];
  /** The app's language (notifications, restored names); default French. */
  locale?: () => Locale;
  /** Anything else of the service (tests: clock, tick…). */
  service?: Partial<BackupServiceOptions>;
  /** A report the hub refused (not for being offline) is sent again after this long (default 30 s). */
  reportRetryMs?: number;
  /** Clock of the technician access consent and its end (tests move it). */
  accessClock?: Clock;
}

/** The part of the app's hub connection the capability uses. */
export type BackupHub = Pick<CapabilityContext['hub'], 'connected' | 'on' | 'emitAck' | 'handleCall' | 'onPush'>;

/** The demo default: a restic repository in the app data dir. */
export const defaultLocalRepository = (dataDir: string): RepositorySettings => ({ kind: 'local', path: join(dataDir, 'sauvegardes') });

/** Technician jobs remembered (to name who asked, in lists and notifications). */
const KEEP_TECH_JOBS = 50;

interface TechJob {
  /** The request, or the access granted outside a request, the restore was asked under. */
  scope: BackupScope;
  technician: RelayTechnician;
}

/**
 * Backups plugged into the app, for the Electron shell and the browser host alike:
 * - the backup:* IPC handlers and pushes (backup:status, backup:restoreProgress);
 * - the schedule, started and stopped with the app;
 * - the BackupSummary for the help-request context, for the health check [backup-recency]
 *   (`provider`), and in `device:report` on each change and on every (re)connection;
 * - the technician relay: hub calls 'backup:relay' run through the same handlers (same schemas,
 *   same safe restore path); a technician's restore is shown with their name (renderer and a
 *   native notification, relay-notice.ts) and its progress goes back to the hub (restore-forward.ts);
 * - the safety backup and undo (safety.ts), its interventions reported to the hub (safety-reports.ts).
 * The summary's report is summary-report.ts; the hub sends that keep their order, hub-sender.ts.
 * Build it before the app: `backupSummary: () => backup.summary()` and `capabilities: [backup]`
 * in AppOptions, `backup: backup.provider` for the health service.
 */
export class BackupCapability implements Capability {
  readonly name = 'backup';
  readonly service: BackupService;
  /** The safety backup before a technician acts, and undo (issue 12): the screen capability's SafetyGate. */
  readonly safety: SafetyService;
  readonly handlers: IpcHandlers;
  /** For the health service (BackupSummaryProvider). */
  readonly provider = {
    getSummary: (): BackupSummary | null => this.summaryNow(),
    /** Every status change (a backup started, finished, failed…): the health check is judged again. */
    onChange: (listener: () => void): (() => void) => this.service.on('status', () => listener()),
  };
  private readonly log: Logger;
  private readonly base: Capability;
  private readonly dispatch: Dispatch;
  private readonly techJobs = new Map<string, TechJob>();
  /** Set only during the synchronous `service.restore()` of a relayed call. */
  private incoming: TechJob | null = null;
  private hub: BackupHub | null = null;
  private started = false;
  private readonly offs: Array<() => void> = [];
  private readonly summaryReport: SummaryReport;
  private readonly forwards: ProgressForwarder;
  private readonly safetyReports: SafetyReports;
  /** A technician's access outside a request: the practitioner's consent, then the only door for 'backup:access-relay'. */
  private readonly access: BackupAccessGate;
  private publishAccess: (view: unknown) => void = () => undefined;

  constructor(private readonly opts: BackupCapabilityOptions) {
    this.log = opts.logger.child({ svc: 'backup-app' });
    const sender = new HubSender(() => this.hub, this.log);
    this.forwards = new ProgressForwarder(sender, this.log);
    this.safetyReports = new SafetyReports(sender, this.log);
    this.summaryReport = new SummaryReport({
      hub: () => this.hub,
      summary: () => this.service.summary(),
      active: () => this.started,
      log: this.log,
      ...(opts.reportRetryMs !== undefined ? { retryMs: opts.reportRetryMs } : {}),
    });
    this.service = new BackupService({
      dataDir: opts.dataDir,
      secrets: opts.secrets,
      notifier: { notify: (n) => this.notify(n) },
      logger: opts.logger,
      defaultRepository: opts.defaultRepository === undefined ? defaultLocalRepository(opts.dataDir) : opts.defaultRepository,
      locale: () => this.locale(),
      ...(opts.shell ? { shell: opts.shell } : {}),
      ...(opts.resticPath ? { resticPath: opts.resticPath } : {}),
      ...opts.service,
    });
    // Registered at once: a relayed restore is recognised while service.restore() runs.
    this.service.on('restore', (job) => this.onJob(job));
    this.safety = new SafetyService({
      backup: this.service,
      dataDir: opts.dataDir,
      logger: opts.logger,
      ...(opts.service?.clock ? { clock: opts.service.clock } : {}),
    });
    this.base = backupCapability(this.service);
    this.access = new BackupAccessGate({
      notifier: opts.notifier,
      logger: this.log,
      locale: () => this.locale(),
      publish: (view) => this.publishAccess(view),
      ...(opts.accessClock ? { clock: opts.accessClock } : {}),
    });
    this.handlers = {
      ...this.base.handlers,
      'backup:restore': async (input) => this.decorate(this.service.restore({ ...input, origin: 'practitioner' })),
      'backup:cancelRestore': async ({ jobId }) => this.decorate(this.service.cancelRestore(jobId)),
      'backup:listRestores': async () => this.service.listRestores().map((j) => this.decorate(j)),
      'backup:interventions': async () => this.safety.list(),
      'backup:undoIntervention': async ({ requestId }) => this.safety.undo(requestId),
      // The practitioner's side of an access outside a request (answered and stopped from the app).
      'backupAccess:get': async () => this.access.view(),
      'backupAccess:answer': async ({ accessId, decision }) => this.access.answer(accessId, decision),
      'backupAccess:stop': async ({ accessId }) => this.access.stopAccess(accessId),
    };
    // Relayed calls take the renderer's road: parsed by the contract, same handlers, answer checked.
    this.dispatch = createDispatch(this.handlers, opts.logger);
  }

  /** The current summary (null before start: nothing known yet). */
  async summary(): Promise<BackupSummary | null> {
    return this.summaryNow();
  }

  private summaryNow(): BackupSummary | null {
    return this.started ? this.service.summary() : null;
  }

  private locale(): Locale {
    return this.opts.locale?.() ?? 'fr';
  }

  /**
   * Starts the service and the schedule; on the hub connection: device:report on every
   * (re)connection and status change, the technician relay, technician restores' progress.
   */
  async start(ctx: Pick<CapabilityContext, 'publish' | 'logger' | 'activity'> & { hub: BackupHub }): Promise<void> {
    // Saved settings (the user's, or an earlier start's) always win over the composition's folders.
    const firstStart = !existsSync(join(this.opts.dataDir, 'backup', 'state.json'));
    const publish = (name: IpcPush, payload: unknown) =>
      ctx.publish(name, name === 'backup:restoreProgress' ? this.decorate(payload as RestoreJob) : payload);
    await this.base.start?.({ ...ctx, publish } as CapabilityContext);
    await this.safety.start();
    this.started = true;
    this.publishAccess = (view) => ctx.publish('backupAccess:state', view);
    if (this.opts.folders && firstStart) await this.applyInitialFolders(this.opts.folders);
    this.hub = ctx.hub;
    this.access.start(ctx.hub);
    this.offs.push(
      this.service.on('status', () => this.summaryReport.report()),
      this.safety.on('intervention', (i) => {
        ctx.publish('backup:safety', i);
        this.safetyReports.report(i);
      }),
      ctx.hub.on('connected', () => {
        this.summaryReport.reconnected();
        this.forwards.flush();
        this.safetyReports.resend(this.safety.list());
      }),
      ctx.hub.handleCall('backup:relay', (call) => this.relay(call)),
      ctx.hub.handleCall('backup:access-relay', async (call) => {
        // Only under the practitioner's own grant (same access, same technician, not ended).
        const refusal = this.access.refusal(call);
        return refusal ? toErr(refusal) : this.relay(call);
      }),
      () => this.access.stop(),
      // The updater never installs during a backup or a restore.
      ...(ctx.activity ? [ctx.activity.register(() => this.service.activity())] : []),
    );
    this.summaryReport.report();
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    this.forwards.stop();
    this.summaryReport.stop();
    await this.safety.stop();
    await this.base.stop?.();
    this.started = false;
    this.hub = null;
  }

  /** Folders given by the composition (demo), saved once on the very first start, like a user would. */
  private async applyInitialFolders(folders: string[]): Promise<void> {
    const view = await this.service.getSettings();
    try {
      await this.service.saveSettings({ settings: { ...view.settings, folders } });
    } catch (e) {
      this.log.warn('initial backup folders not applied', { err: e });
    }
  }

  // ---------- technician relay ----------

  private async relay(call: BackupRelayCall | BackupAccessCall): Promise<Result<unknown>> {
    if (!this.started) return err('UNAVAILABLE', 'La sauvegarde démarre : réessayez dans un instant.');
    switch (call.method) {
      case 'backup:restore':
        return this.technicianRestore(call);
      case 'backup:cancelRestore': {
        // A technician may cancel what a technician started, never the practitioner's own restore.
        const tj = this.techJobs.get(call.input.jobId);
        if (!tj) return err('NOT_FOUND', 'Cette restauration est introuvable.');
        return this.dispatch('backup:cancelRestore', call.input);
      }
      default:
        return this.dispatch(call.method, call.input);
    }
  }

  /** Same schema and same safe path as the practitioner's restore; `origin` is the relay's to set. */
  private technicianRestore(call: Extract<BackupRelayCall | BackupAccessCall, { method: 'backup:restore' }>): Result<unknown> {
    try {
      const input = parseOrThrow(IPC_METHODS['backup:restore'].request, { ...call.input, origin: 'technician' });
      const scope: BackupScope = 'requestId' in call ? { requestId: call.requestId } : { accessId: call.accessId };
      this.incoming = { scope, technician: call.technician };
      // Within a request, a safety snapshot first (issue 12), while the job is queued: the restore
      // goes on whatever it gives (a restore never overwrites), and both sides see how it went.
      const ctx = 'requestId' in scope ? { requestId: scope.requestId, technicianName: call.technician.name } : null;
      const before = ctx && this.safety.available() ? async () => void (await this.safety.before(ctx, 'restore')) : undefined;
      let job: RestoreJob;
      try {
        job = this.service.restore(input, before);
      } finally {
        this.incoming = null;
      }
      this.log.info('restore started by a technician', { job: job.id, technician: call.technician.id, ...scope });
      return ok(this.decorate(job));
    } catch (e) {
      return toErr(e);
    }
  }

  private decorate(job: RestoreJob): RestoreJob {
    const tj = this.techJobs.get(job.id);
    return tj ? { ...job, requestedBy: { name: tj.technician.name } } : job;
  }

  private onJob(job: RestoreJob): void {
    if (job.request.origin !== 'technician') return;
    if (!this.techJobs.has(job.id)) {
      if (!this.incoming) return;
      this.techJobs.set(job.id, this.incoming);
      while (this.techJobs.size > KEEP_TECH_JOBS) this.techJobs.delete(this.techJobs.keys().next().value!);
    }
    const tj = this.techJobs.get(job.id)!;
    this.forwards.forward(tj.scope, this.decorate(job));
    // Files were put back within a request: what changed in the intervention is listed again.
    if (job.state === 'done' && 'requestId' in tj.scope) this.safety.after(tj.scope.requestId);
  }

  // ---------- notifications ----------

  /** The service's notifications; a technician's restore is told with the technician's name. */
  private notify(n: { title: string; body: string; tag?: string }): void {
    const id = n.tag?.startsWith('restore-') ? n.tag.slice('restore-'.length) : null;
    const tj = id ? this.techJobs.get(id) : undefined;
    const job = id ? this.service.restores.get(id) : null;
    if (!tj || !job) return this.opts.notifier.notify(n);
    this.opts.notifier.notify(technicianNotice(job, tj.technician.name, n.tag!, this.locale()));
  }
}

export function createBackupCapability(opts: BackupCapabilityOptions): BackupCapability {
  return new BackupCapability(opts);
}
