import {
  VigieError,
  systemMessageText,
  type AppState,
  type IpcMethod,
  type IpcPush,
  type IpcRequest,
  type IpcResponse,
  type Result,
  type BackupSummary,
  type ErrorCode,
  type HealthSummary,
  type Locale,
  type TrayState,
} from '@vigie/common';
import type { AutoStart, Logger, Notifier, SecretStore, SystemInfo } from '../platform/ports.js';
import type { Backoff } from './hub/backoff.js';
import { HubConnection } from './hub/connection.js';
import { createMainI18n, type MainI18n } from './i18n.js';
import { createDispatch, type Dispatch, type IpcHandlers } from './ipc.js';
import { Emitter } from './lib/emitter.js';
import type { LogFile } from './lib/log-file.js';
import { deviceLogsHandler } from './logs/device-logs.js';
import { EnrollmentService } from './settings/enrollment.js';
import { SettingsStore } from './settings/settings.js';
import { supportFile } from './support/store.js';
import { SupportService, type SupportEvent } from './support/support.js';
import { ActivityTracker } from './updates/activity.js';

export interface AppPorts {
  secrets: SecretStore;
  notifier: Notifier;
  system: SystemInfo;
  autoStart?: AutoStart;
}

export interface AppOptions {
  dataDir: string;
  appVersion: string;
  /** Hub used when the user does not type one. */
  defaultHubUrl: string;
  ports: AppPorts;
  logger: Logger;
  /** Optional capability providers for the help-request context snapshot. */
  healthSummary?: () => Promise<HealthSummary | null>;
  backupSummary?: () => Promise<BackupSummary | null>;
  /** True while the user is looking at the app: no notification then. */
  isUserLooking?: () => boolean;
  hub?: { ackTimeoutMs?: number; connectTimeoutMs?: number; backoff?: Backoff };
  /** Other capabilities (health, backup, updates, screen…): their IPC handlers, pushes and lifecycle. */
  capabilities?: Capability[];
  support?: { retryDelayMs?: number; typingTtlMs?: number };
  /** The app's rotating log files (lib/log-file.ts): the technician of the open request may read their last lines. */
  logFile?: LogFile | null;
}

type AppEvents = { push: [name: IpcPush, payload: unknown] };

/** What a capability gets when it starts: its push publisher, its logger, the app's one hub connection. */
export interface CapabilityContext {
  publish: (name: IpcPush, payload: unknown) => void;
  logger: Logger;
  hub: HubConnection;
  /**
   * Where a capability says what it is doing (remote session, restore, backup): the updater waits
   * for it. `ctx.activity?.register(() => ({ backupRunning: … }))`; always given by VigieApp.
   */
  activity?: ActivityTracker;
}

/**
 * A capability plugged into the app: its `capability:*` IPC handlers (input already parsed by the
 * contract), started after the app with a publisher for its pushes, stopped before it.
 */
export interface Capability {
  name: string;
  handlers?: IpcHandlers;
  start?(ctx: CapabilityContext): void | Promise<void>;
  stop?(): void | Promise<void>;
}

/** idle / requested / connected / offline, for the tray icon. */
export function trayStateOf(s: Pick<AppState, 'enrollment' | 'support'>): TrayState {
  if (s.enrollment.status !== 'enrolled') return 'idle';
  if (s.support.connection !== 'online') return 'offline';
  if (s.support.current?.status === 'assigned') return 'connected';
  if (s.support.current?.status === 'waiting' || s.support.pendingRequest) return 'requested';
  return 'idle';
}

/**
 * The app, built from ports and a data dir: the same object runs inside Electron's main process
 * and inside the browser host. It exposes the IPC handlers (method → handler), one `dispatch`
 * that parses and answers Result, and the AppState stream the renderer draws.
 */
export class VigieApp extends Emitter<AppEvents> {
  readonly hub: HubConnection;
  readonly settings: SettingsStore;
  readonly enrollment: EnrollmentService;
  readonly support: SupportService;
  readonly handlers: IpcHandlers;
  readonly dispatch: Dispatch;
  readonly i18n: MainI18n;
  /** What is going on (capabilities' probes, last practitioner call), for the updater. */
  readonly activity = new ActivityTracker();
  private readonly log: Logger;
  private pushScheduled = false;
  private started = false;
  private unenrolling = false;
  /** What the app does on its own after a hub event (forget a revoked token, report its version): awaited by stop(). */
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly options: AppOptions) {
    super();
    const { logger, ports, dataDir } = options;
    this.log = logger.child({ svc: 'app' });
    this.settings = new SettingsStore(dataDir, logger);
    this.i18n = createMainI18n('fr');
    this.hub = new HubConnection({ logger, ...options.hub });
    this.enrollment = new EnrollmentService({
      settings: this.settings,
      secrets: ports.secrets,
      system: ports.system,
      appVersion: options.appVersion,
      defaultHubUrl: options.defaultHubUrl,
      logger,
    });
    this.support = new SupportService({
      hub: this.hub,
      file: supportFile(dataDir, logger),
      system: ports.system,
      appVersion: options.appVersion,
      locale: () => this.settings.get().locale,
      logger,
      ...(options.healthSummary ? { healthSummary: options.healthSummary } : {}),
      ...(options.backupSummary ? { backupSummary: options.backupSummary } : {}),
      ...options.support,
    });
    const capabilityHandlers: IpcHandlers = {};
    for (const c of options.capabilities ?? []) Object.assign(capabilityHandlers, c.handlers);
    this.handlers = { ...capabilityHandlers, ...this.buildHandlers() };
    const dispatch = createDispatch(this.handlers, logger);
    // Every call from the renderer or the tray menu is the practitioner using Vigie.
    this.dispatch = (method, input) => {
      this.activity.noteUse();
      return dispatch(method, input);
    };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const settings = await this.settings.load();
    this.i18n.setLocale(settings.locale);
    const autoStart = this.options.ports.autoStart;
    if (autoStart?.supported && !settings.autoStartConfigured) {
      try {
        autoStart.setEnabled(true);
        await this.settings.update({ autoStartConfigured: true });
      } catch (e) {
        this.log.warn('start at login could not be set', { err: e });
      }
    }
    this.support.on('change', () => this.schedulePush());
    this.support.on('event', (e) => this.notifyFor(e));
    this.hub.on('rejected', (code) => this.inBackground('unenroll', () => this.unenroll(code)));
    this.hub.onPush('device:revoked', () => this.inBackground('unenroll', () => this.unenroll('REVOKED')));
    this.hub.on('connected', () => this.inBackground('report the app version', () => this.reportAppVersion()));
    this.hub.handleCall(
      'device:logs',
      deviceLogsHandler({ file: this.options.logFile ?? null, current: () => this.support.state().current, logger: this.options.logger }),
    );

    let enrollment = this.enrollment.state();
    const token = enrollment.status === 'enrolled' ? await this.enrollment.token() : null;
    if (enrollment.status === 'enrolled' && !token) {
      this.log.warn('enrolled but the device token is missing (keychain changed?)');
      enrollment = await this.enrollment.forget('UNAUTHORIZED');
    }
    await this.support.start(enrollment.status === 'enrolled' ? enrollment.deviceId : null);
    if (enrollment.status === 'enrolled' && token) this.hub.start(enrollment.hubUrl, token);
    for (const c of this.options.capabilities ?? []) {
      try {
        await c.start?.({
          publish: (name, payload) => this.publish(name, payload),
          logger: this.options.logger.child({ capability: c.name }),
          hub: this.hub,
          activity: this.activity,
        });
      } catch (e) {
        // One capability failing to start must not take help requests down with it.
        this.log.error('capability failed to start', { capability: c.name, err: e });
      }
    }
    this.schedulePush();
  }

  async stop(): Promise<void> {
    for (const c of [...(this.options.capabilities ?? [])].reverse()) {
      try {
        await c.stop?.();
      } catch (e) {
        this.log.error('capability failed to stop', { capability: c.name, err: e });
      }
    }
    this.hub.stop();
    // Nothing new starts once the hub connection is stopped: what was under way ends before the
    // files are let go (a token being forgotten, its settings being written).
    while (this.background.size > 0) await Promise.all(this.background);
    await this.support.stop();
    await this.settings.flush();
  }

  /** Runs `task` without anyone awaiting it: a failure is logged (never an unhandled rejection), stop() waits for it. */
  private inBackground(what: string, task: () => Promise<void>): void {
    const p = task()
      .catch((e: unknown) => this.log.error(`${what} failed`, { err: e }))
      .finally(() => this.background.delete(p));
    this.background.add(p);
  }

  state(): AppState {
    const base = {
      locale: this.settings.get().locale,
      appVersion: this.options.appVersion,
      enrollment: this.enrollment.state(),
      support: this.support.state(),
    };
    return { ...base, tray: trayStateOf(base) };
  }

  /** Typed form of `dispatch` for in-process callers (tray menu, tests): same parsing, same Result. */
  call<K extends IpcMethod>(method: K, input: IpcRequest<K>): Promise<Result<IpcResponse<K>>> {
    return this.dispatch(method, input) as Promise<Result<IpcResponse<K>>>;
  }

  /** Every main → renderer push (the AppState stream and whatever capabilities publish). */
  onPush(listener: (name: IpcPush, payload: unknown) => void): () => void {
    return this.on('push', listener);
  }

  onState(listener: (s: AppState) => void): () => void {
    return this.on('push', (name, payload) => {
      if (name === 'app:state') listener(payload as AppState);
    });
  }

  /** Capabilities publish their pushes here; the shell and the host forward them to the renderer. */
  publish(name: IpcPush, payload: unknown): void {
    this.emit('push', name, payload);
  }

  /** Main-process translation (tray, notifications) in the current locale. */
  t(key: string, vars?: Record<string, unknown>): string {
    return this.i18n.t(key, vars);
  }

  private buildHandlers(): Required<
    Pick<
      IpcHandlers,
      | 'app:getState'
      | 'app:setLocale'
      | 'enrollment:enroll'
      | 'support:requestHelp'
      | 'support:updateRequest'
      | 'support:cancel'
      | 'support:sendChat'
      | 'support:markRead'
      | 'support:setTyping'
      | 'support:dismissClosed'
    >
  > {
    return {
      'app:getState': async () => this.state(),
      'app:setLocale': async ({ locale }) => {
        await this.setLocale(locale);
        return {};
      },
      'enrollment:enroll': async (input) => {
        if (this.enrollment.state().status === 'enrolled')
          throw new VigieError('CONFLICT', 'Cet ordinateur est déjà relié à votre prestataire.');
        const st = await this.enrollment.enroll(input);
        if (st.status !== 'enrolled') throw new VigieError('INTERNAL', 'Inscription incomplète.');
        await this.support.reset(st.deviceId);
        const token = await this.enrollment.token();
        if (token) this.hub.start(st.hubUrl, token);
        this.schedulePush();
        return st;
      },
      'support:requestHelp': async (input) => {
        this.requireEnrolled();
        return this.support.requestHelp(input);
      },
      'support:updateRequest': async (input) => {
        this.requireEnrolled();
        return this.support.updateRequest(input);
      },
      'support:cancel': async () => {
        await this.support.cancel();
        return {};
      },
      'support:sendChat': async ({ text }) => {
        this.requireEnrolled();
        return this.support.sendChat(text);
      },
      'support:markRead': async () => {
        await this.support.markRead();
        return {};
      },
      'support:setTyping': async ({ typing }) => {
        await this.support.setTyping(typing);
        return {};
      },
      'support:dismissClosed': async () => {
        await this.support.dismissClosed();
        return {};
      },
    };
  }

  /**
   * Enrolls with a code given at launch (demo, pre-provisioned machines) unless already enrolled.
   * A failure is logged and leaves the enrollment screen as it is.
   */
  async enrollIfNeeded(input: { code: string; hubUrl?: string; deviceName?: string }): Promise<boolean> {
    if (this.enrollment.state().status === 'enrolled') return true;
    const r = await this.call('enrollment:enroll', input);
    if (r.ok) this.log.info('enrolled with the code given at launch', { hubUrl: r.data.hubUrl });
    else this.log.error('enrollment with the code given at launch failed', { code: r.error.code, message: r.error.message });
    return r.ok;
  }

  async setLocale(locale: Locale): Promise<void> {
    await this.settings.update({ locale });
    this.i18n.setLocale(locale);
    this.schedulePush();
  }

  /** Tells the hub which version runs here (its admin page counts devices per version). */
  private async reportAppVersion(): Promise<void> {
    const r = await this.hub.emitAck('device:report', { appVersion: this.options.appVersion });
    if (!r.ok) this.log.warn('app version not reported', { code: r.error.code });
  }

  private requireEnrolled(): void {
    if (this.enrollment.state().status !== 'enrolled')
      throw new VigieError('NOT_ENROLLED', 'Cet ordinateur n’est pas encore relié à votre prestataire.');
  }

  /** The hub refused or revoked the token: forget it, clear support, back to enrollment. */
  private async unenroll(code: ErrorCode): Promise<void> {
    if (this.unenrolling || this.enrollment.state().status !== 'enrolled') return;
    this.unenrolling = true;
    try {
      this.hub.stop();
      if (code === 'REVOKED')
        this.options.ports.notifier.notify({ title: this.t('notify.title'), body: this.t('notify.revoked'), tag: 'enrollment' });
      await this.support.reset(null);
      await this.enrollment.forget(code);
    } finally {
      this.unenrolling = false;
      this.schedulePush();
    }
  }

  private notifyFor(e: SupportEvent): void {
    if (this.options.isUserLooking?.()) return;
    const n = this.options.ports.notifier;
    if (e.type === 'assigned' && e.request.technician) {
      n.notify({
        title: this.t('notify.title'),
        body: this.t('notify.assigned', { name: e.request.technician.displayName }),
        tag: 'request',
      });
    } else if (e.type === 'message') {
      const said = systemMessageText(this.settings.get().locale, e.message);
      const text = said.length > 140 ? `${said.slice(0, 139)}…` : said;
      n.notify({ title: this.t('notify.messageFrom', { name: e.message.authorName }), body: text, tag: 'chat' });
    } else if (e.type === 'closed' && e.request.status === 'resolved') {
      n.notify({ title: this.t('notify.title'), body: this.t('notify.resolved'), tag: 'request' });
    }
  }

  /** Coalesces bursts of changes into one AppState push. */
  private schedulePush(): void {
    if (this.pushScheduled) return;
    this.pushScheduled = true;
    queueMicrotask(() => {
      this.pushScheduled = false;
      this.emit('push', 'app:state', this.state());
    });
  }

  protected override onListenerError(e: unknown): void {
    this.log.error('state listener failed', { err: e });
  }
}

export function createApp(options: AppOptions): VigieApp {
  return new VigieApp(options);
}
