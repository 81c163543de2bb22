import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  BACKUP_RELAY_STRINGS,
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
  type SafetyIntervention,
  type Clock,
} from '@vigie/common';
import type { Capability, CapabilityContext } from '../app.js';
import { createDispatch, type Dispatch, type IpcHandlers } from '../ipc.js';
import { BackupAccessGate } from './access.js';
import { errorSentence, fill } from './errors.js';
import { backupCapability } from './handlers.js';
import type { Logger, Notifier, SecretStore, Shell } from './ports.js';
import { treeBase } from './restic/paths.js';
import { SafetyService } from './safety.js';
import { BackupService, type BackupServiceOptions } from './service.js';

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

const FINAL = new Set<RestoreJob['state']>(['done', 'failed', 'cancelled']);
/** Progress of a technician's restore goes to the hub at most this often (state changes at once). */
const FORWARD_EVERY_MS = 500;
/** Technician jobs remembered (to name who asked, in lists and notifications). */
const KEEP_TECH_JOBS = 50;
/** On (re)connection, interventions changed this recently are reported again (a restarted hub gets them back). */
const SAFETY_RESEND_MS = 7 * 86_400_000;

interface TechJob {
  /** The request, or the access granted outside a request, the restore was asked under. */
  scope: BackupScope;
  technician: RelayTechnician;
}

interface Forward {
  scope: BackupScope;
  latest: RestoreJob;
  lastState: RestoreJob['state'] | null;
  lastAt: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Backups plugged into the app, for the Electron shell and the browser host alike:
 * - the backup:* IPC handlers and pushes (backup:status, backup:restoreProgress);
 * - the schedule, started and stopped with the app;
 * - the BackupSummary for the help-request context, for the health check [backup-recency]
 *   (`provider`), and in `device:report` on each change and on every (re)connection;
 * - the technician relay: hub calls 'backup:relay' run through the same handlers (same schemas,
 *   same safe restore path); a technician's restore is shown with their name (renderer and a
 *   native notification) and its progress goes back to the hub.
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
  private readonly forwards = new Map<string, Forward>();
  /** Set only during the synchronous `service.restore()` of a relayed call. */
  private incoming: TechJob | null = null;
  private hub: BackupHub | null = null;
  private started = false;
  private readonly offs: Array<() => void> = [];
  private reported: string | null = null;
  private reporting: Promise<void> | null = null;
  private reportAgain = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<unknown> = Promise.resolve();
  /** Safety reports not yet acknowledged by the hub, the latest per request. */
  private readonly safetyOutbox = new Map<string, SafetyIntervention>();
  /** A technician's access outside a request: the practitioner's consent, then the only door for 'backup:access-relay'. */
  private readonly access: BackupAccessGate;
  private publishAccess: (view: unknown) => void = () => undefined;

  constructor(private readonly opts: BackupCapabilityOptions) {
    this.log = opts.logger.child({ svc: 'backup-app' });
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
      this.service.on('status', () => this.report()),
      this.safety.on('intervention', (i) => {
        ctx.publish('backup:safety', i);
        this.reportSafety(i);
      }),
      ctx.hub.on('connected', () => {
        this.reported = null;
        this.report();
        this.flushForwards();
        this.resendSafety();
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
    this.report();
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    for (const f of this.forwards.values()) if (f.timer) clearTimeout(f.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
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

  // ---------- hub report ----------

  /** Sends the summary to the hub when it changed since the last one it acknowledged (one at a time). */
  private report(): void {
    const hub = this.hub;
    if (!this.started || !hub) return;
    if (this.reporting) {
      this.reportAgain = true;
      return;
    }
    this.reporting = (async () => {
      do {
        this.reportAgain = false;
        if (!hub.connected) return;
        const summary = this.service.summary();
        const key = JSON.stringify(summary);
        if (key === this.reported) continue;
        const r = await hub.emitAck('device:report', { backup: summary });
        if (r.ok) this.reported = key;
        else {
          this.log.debug('backup report not delivered', { code: r.error.code });
          // Offline: the next connection sends it. Anything else: try again a little later.
          if (r.error.code !== 'OFFLINE' && !this.retryTimer && this.started) {
            this.retryTimer = setTimeout(() => {
              this.retryTimer = null;
              this.report();
            }, this.opts.reportRetryMs ?? 30_000);
            this.retryTimer.unref?.();
          }
        }
      } while (this.reportAgain);
    })()
      .catch((e: unknown) => this.log.warn('backup report failed', { err: e }))
      .finally(() => {
        this.reporting = null;
      });
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
    this.forward(tj.scope, this.decorate(job));
    // Files were put back within a request: what changed in the intervention is listed again.
    if (job.state === 'done' && 'requestId' in tj.scope) this.safety.after(tj.scope.requestId);
  }

  /** Progress to the hub: every state change, and the progress itself at most every 500 ms. */
  private forward(scope: BackupScope, job: RestoreJob): void {
    let f = this.forwards.get(job.id);
    if (!f) this.forwards.set(job.id, (f = { scope, latest: job, lastState: null, lastAt: 0, timer: null }));
    f.latest = job;
    const wait = job.state !== f.lastState || FINAL.has(job.state) ? 0 : Math.max(0, FORWARD_EVERY_MS - (Date.now() - f.lastAt));
    if (wait === 0) {
      if (f.timer) clearTimeout(f.timer);
      f.timer = null;
      this.send(f);
    } else if (!f.timer) {
      const entry = f;
      f.timer = setTimeout(() => {
        entry.timer = null;
        this.send(entry);
      }, wait);
      f.timer.unref?.();
    }
  }

  private send(f: Forward): void {
    const job = f.latest;
    f.lastState = job.state;
    f.lastAt = Date.now();
    const hub = this.hub;
    if (!hub) return;
    this.sending = this.sending
      .then(async () => {
        if (!hub.connected) return; // the end is sent again on reconnection (flushForwards)
        const r =
          'requestId' in f.scope
            ? await hub.emitAck('backup:restore-progress', { requestId: f.scope.requestId, job })
            : await hub.emitAck('backup:access-progress', { accessId: f.scope.accessId, job });
        if (r.ok && FINAL.has(job.state) && this.forwards.get(job.id) === f) this.forwards.delete(job.id);
        if (!r.ok) this.log.debug('restore progress not delivered', { code: r.error.code });
      })
      .catch((e: unknown) => this.log.warn('restore progress failed', { err: e }));
  }

  // ---------- safety reports (issue 12) ----------

  /** The intervention as it stands goes to the hub (the latest per request, until acknowledged). */
  private reportSafety(i: SafetyIntervention): void {
    this.safetyOutbox.set(i.requestId, i);
    this.flushSafety();
  }

  /** On (re)connection: the recent interventions again (the hub keeps the newest and audits each event once). */
  private resendSafety(): void {
    const since = new Date(Date.now() - SAFETY_RESEND_MS).toISOString();
    for (const i of this.safety.list())
      if (i.updatedAt >= since && !this.safetyOutbox.has(i.requestId)) this.safetyOutbox.set(i.requestId, i);
    this.flushSafety();
  }

  private flushSafety(): void {
    const hub = this.hub;
    if (!hub) return;
    this.sending = this.sending
      .then(async () => {
        for (const [requestId, i] of [...this.safetyOutbox]) {
          if (!hub.connected) return; // the next connection sends it
          const r = await hub.emitAck('backup:safety-report', { requestId, intervention: i });
          // Delivered, or refused for good (not this device's request…): not sent again unless it changes.
          const retry = !r.ok && ['OFFLINE', 'TIMEOUT', 'RATE_LIMITED', 'UNAVAILABLE'].includes(r.error.code);
          if (!retry && this.safetyOutbox.get(requestId) === i) this.safetyOutbox.delete(requestId);
          if (!r.ok) this.log.debug('safety report not delivered', { code: r.error.code });
        }
      })
      .catch((e: unknown) => this.log.warn('safety report failed', { err: e }));
  }

  /** After a reconnection: the last word on each technician restore not yet delivered. */
  private flushForwards(): void {
    for (const f of this.forwards.values()) if (FINAL.has(f.latest.state) && !f.timer) this.send(f);
  }

  // ---------- notifications ----------

  /** The service's notifications; a technician's restore is told with the technician's name. */
  private notify(n: { title: string; body: string; tag?: string }): void {
    const id = n.tag?.startsWith('restore-') ? n.tag.slice('restore-'.length) : null;
    const tj = id ? this.techJobs.get(id) : undefined;
    const job = id ? this.service.restores.get(id) : null;
    if (!tj || !job) return this.opts.notifier.notify(n);
    const t = BACKUP_RELAY_STRINGS[this.locale()];
    const what =
      job.request.paths.length === 1
        ? fill(t.what.item, { name: treeBase(job.request.paths[0]!) })
        : fill(t.what.items, { count: job.request.paths.length });
    const vars = { name: tj.technician.name, what };
    if (job.state === 'done') {
      // The folder by its name, never its system path.
      this.opts.notifier.notify({
        title: fill(t.done, vars),
        body: fill(t.doneBody, { folder: job.result ? basename(job.result.folder) : '' }),
        tag: n.tag!,
      });
    } else if (job.state === 'failed') {
      this.opts.notifier.notify({
        title: fill(t.failed, vars),
        body: job.error ? errorSentence(job.error, this.locale()) : '',
        tag: n.tag!,
      });
    } else if (job.state === 'cancelled') {
      this.opts.notifier.notify({ title: fill(t.cancelled, vars), body: t.nothingChanged, tag: n.tag! });
    } else {
      this.opts.notifier.notify({ title: fill(t.restoring, vars), body: t.follow, tag: n.tag! });
    }
  }
}

export function createBackupCapability(opts: BackupCapabilityOptions): BackupCapability {
  return new BackupCapability(opts);
}
