import { TRIPWIRE_STRINGS, fitTripwireAlert, type BackupStatus, type Locale, type TripwireAlert } from '@vigie/common';
import type { Logger, Notifier } from '../../platform/ports.js';
import type { Capability, CapabilityContext } from '../app.js';
import type { BackupService, BackupServiceOptions } from '../backup/service.js';
import type { IpcHandlers } from '../ipc.js';
import { fill } from '../backup/errors.js';
import { TripwireService, type TripwireServiceOptions } from './service.js';

export interface TripwireCapabilityOptions {
  dataDir: string;
  logger: Logger;
  notifier: Notifier;
  /** The app's language (the notification). */
  locale?: () => Locale;
  /** The backup service: its folders are the ones watched, its runs and snapshots feed the evidence. Null: no backups, nothing watched. */
  backup: () => BackupService | null;
  /** Anything else of the service (tests and the benchmark: clock, watcher timings, thresholds). */
  service?: Partial<Omit<TripwireServiceOptions, 'dataDir' | 'logger' | 'folders'>>;
  /** New evidence goes to the hub at most this often (default 5 s; the alert itself at once). */
  reportEveryMs?: number;
  /** After a refused send (not for being offline), try again after this long (default 30 s). */
  retryMs?: number;
}

/** The part of the app's hub connection the capability uses. */
export type TripwireHub = Pick<CapabilityContext['hub'], 'connected' | 'on' | 'emitAck' | 'onPush'>;

/**
 * The tripwire plugged into the app (Electron shell and browser host alike):
 * - watches the backed-up folders (they are the practice folders) and follows their changes;
 * - feeds it each finished backup's counts; looks up the last snapshot before the first changed file;
 * - `backupHooks()` for the backup service: retention frozen while an alert stands, control files excluded;
 * - on an alert: a notification (what to do, in plain words), the `tripwire:state` push (the
 *   renderer's full-width alert, the tray turning red), and `tripwire:alert` to the hub — again on
 *   every (re)connection and with new evidence — which opens the urgent request;
 * - `tripwire:lifted` from the hub ends it.
 * Build it before the backup capability and hand it `backupHooks()` through the backup's `service` options.
 */
export class TripwireCapability implements Capability {
  readonly name = 'tripwire';
  readonly service: TripwireService;
  readonly handlers: IpcHandlers;
  private readonly log: Logger;
  private hub: TripwireHub | null = null;
  private readonly offs: Array<() => void> = [];
  private started = false;
  private sending: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSentAt = 0;
  private lastRunSeen: string | null = null;
  private foldersKey = '';

  constructor(private readonly o: TripwireCapabilityOptions) {
    this.log = o.logger.child({ svc: 'tripwire-app' });
    this.service = new TripwireService({
      dataDir: o.dataDir,
      logger: o.logger,
      folders: () => o.backup()?.folders().backedUp ?? [],
      ownFolders: () => o.backup()?.folders().own ?? [],
      ...o.service,
    });
    this.handlers = { 'tripwire:getState': async () => this.service.state() };
  }

  /** For the backup service's options: retention frozen while an alert stands; control files never backed up. */
  backupHooks(): Pick<BackupServiceOptions, 'retentionHold' | 'extraExcludes'> {
    return { retentionHold: () => this.service.holding(), extraExcludes: () => this.service.excludes() };
  }

  async start(ctx: Pick<CapabilityContext, 'publish' | 'logger'> & { hub: TripwireHub }): Promise<void> {
    this.started = true;
    this.hub = ctx.hub;
    this.offs.push(
      this.service.on('state', (s) => ctx.publish('tripwire:state', s)),
      this.service.on('raise', (a) => this.onRaise(a)),
      this.service.on('evidence', () => this.schedule()),
      ctx.hub.on('connected', () => {
        void this.fetchConfig();
        this.schedule(true);
      }),
      ctx.hub.onPush('tripwire:lifted', ({ alertId }) => void this.service.lift(alertId)),
    );
    const backup = this.o.backup();
    if (backup) this.offs.push(backup.on('status', (s) => this.onBackupStatus(backup, s)));
    await this.service.start();
    if (backup) this.onBackupStatus(backup, backup.status());
    ctx.publish('tripwire:state', this.service.state());
    if (ctx.hub.connected) {
      void this.fetchConfig();
      this.schedule(true);
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const off of this.offs.splice(0)) off();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sending;
    await this.service.stop();
    this.hub = null;
  }

  // ---------- backups ----------

  private onBackupStatus(backup: BackupService, s: BackupStatus): void {
    const { backedUp } = backup.folders();
    const key = [...backedUp].sort().join('\0');
    if (key !== this.foldersKey) {
      this.foldersKey = key;
      void this.service.refreshFolders();
    }
    const run = s.lastRun;
    if (!run || run.kind !== 'backup' || run.id === this.lastRunSeen) return;
    this.lastRunSeen = run.id;
    if (
      (run.outcome !== 'ok' && run.outcome !== 'warning') ||
      run.filesNew === null ||
      run.filesChanged === null ||
      run.filesUnmodified === null
    )
      return;
    void this.service.backupFinished({
      id: run.id,
      at: Date.parse(run.endedAt ?? run.startedAt),
      snapshotId: run.snapshotId,
      filesNew: run.filesNew,
      filesChanged: run.filesChanged,
      filesUnmodified: run.filesUnmodified,
    });
  }

  /** The newest snapshot taken before the first changed file: the one to restore from. */
  private async lastGoodSnapshot(alert: TripwireAlert): Promise<void> {
    const backup = this.o.backup();
    if (!backup) return;
    try {
      const first = Date.parse(alert.firstChangeAt);
      const snap = (await backup.listSnapshots()).find((s) => Date.parse(s.time) < first) ?? null;
      await this.service.setLastGoodSnapshot(alert.id, snap ? { id: snap.id, time: snap.time } : null);
    } catch (e) {
      this.log.warn('last good snapshot not found', { err: e });
    }
  }

  // ---------- the alert ----------

  private onRaise(alert: TripwireAlert): void {
    const t = TRIPWIRE_STRINGS[this.o.locale?.() ?? 'fr'].notify;
    const phone = this.service.state().supportPhone;
    try {
      this.o.notifier.notify({ title: t.title, body: phone ? fill(t.bodyPhone, { phone }) : t.body, tag: 'tripwire' });
    } catch (e) {
      this.log.warn('tripwire notification failed', { err: e });
    }
    this.schedule(true);
    void this.lastGoodSnapshot(alert);
  }

  private async fetchConfig(): Promise<void> {
    const hub = this.hub;
    if (!hub?.connected) return;
    const r = await hub.emitAck('tripwire:config', {});
    if (r.ok) await this.service.setSupportPhone(r.data.supportPhone);
    else this.log.debug('tripwire config not received', { code: r.error.code });
  }

  /** Sends the standing alert to the hub: now (`urgent`), or within reportEveryMs of the last send. */
  private schedule(urgent = false): void {
    if (!this.started || !this.service.alert()) return;
    const wait = urgent ? 0 : Math.max(0, this.lastSentAt + (this.o.reportEveryMs ?? 5_000) - Date.now());
    if (this.timer && !urgent) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.send();
    }, wait);
    this.timer.unref?.();
  }

  private send(): void {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = (async () => {
      do {
        this.again = false;
        await this.sendOnce();
      } while (this.again && this.started);
    })()
      .catch((e: unknown) => this.log.warn('tripwire alert not sent', { err: e }))
      .finally(() => {
        this.sending = null;
      });
  }

  private async sendOnce(): Promise<void> {
    const hub = this.hub;
    const alert = this.service.alert();
    if (!hub || !alert) return;
    if (!hub.connected) return; // sent on the next connection
    const fitted = fitTripwireAlert(alert);
    if (!fitted) return this.log.error('tripwire alert too large even without its file list', { alert: alert.id });
    this.lastSentAt = Date.now();
    const r = await hub.emitAck('tripwire:alert', { alert: fitted });
    if (r.ok) {
      if (r.data.lifted) await this.service.lift(alert.id);
      else await this.service.markReported(alert.id, r.data.requestId);
      return;
    }
    this.log.warn('the hub did not take the tripwire alert', { code: r.error.code });
    if (r.error.code !== 'OFFLINE' && this.started && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.send();
      }, this.o.retryMs ?? 30_000);
      this.timer.unref?.();
    }
  }
}

export function createTripwireCapability(o: TripwireCapabilityOptions): TripwireCapability {
  return new TripwireCapability(o);
}
