import { mergeReceipts, systemClock, type Clock, type ErrorCode, type HelpRequest, type Result, type TechnicianSelf } from '@vigie/common';
import type { OutboxItem } from '../lib/chat';
import { createSessionStore } from '../stores/session';
import { createConnectionStore } from '../stores/connection';
import { createQueueStore } from '../stores/queue';
import { createWorkspaceStore } from '../stores/workspace';
import { createUiStore } from '../stores/ui';
import { UpdatesController } from '../updates/controller';
import { FleetController } from '../fleet/controller';
import { ScreenController } from '../screen/controller';
import { BackupConsole } from '../backup/controller';
import { SafetyConsole } from '../screen/safety';
import { AuditController } from '../pages/audit-controller';
import { TripwireConsole } from '../tripwire/controller';
import { SupportController } from '../support/controller';
import { Conversations } from './conversations';
import { patchConversation, type ConsoleCore, type ControllerDeps } from './core';
import { ConsoleOutbox } from './outbox';
import { ConsoleQueue } from './queue';
import { ConsoleSession } from './session';

export type { ControllerDeps } from './core';

const SOUND_KEY = 'vigie.console.sound';

/**
 * The console's application logic: owns the stores (one per domain), turns hub pushes into state,
 * and exposes the commands the pages call. Pages read stores and call these methods, nothing else.
 * One part per job: the session and socket (session.ts), the queue (queue.ts), my requests and
 * their conversations (conversations.ts, receipts in receipts.ts), the outbox (outbox.ts).
 */
export class ConsoleController {
  readonly session = createSessionStore();
  readonly connection = createConnectionStore();
  readonly queue = createQueueStore();
  readonly workspace = createWorkspaceStore();
  readonly ui;
  /** The admin page "Mises à jour" (update feed rollout). */
  readonly updates: UpdatesController;
  /** The fleet page and the devices' security reports. */
  readonly fleet: FleetController;
  /** Remote screen of the request being worked on. */
  readonly screen: ScreenController;
  /** The device's backups in the request workspace (relayed live by the hub). */
  readonly backup: BackupConsole;
  /** The safety backup before the technician acts and the intervention's changes (issue 12). */
  readonly safety: SafetyConsole;
  /** The audit view (supervisors and admins). */
  readonly audit: AuditController;
  /** Ransomware tripwire alerts of the request being worked on (evidence, lift). */
  readonly tripwire: TripwireConsole;
  /** The support as practices see it: hours, phone, this technician's break, alerts past 3 minutes. */
  readonly support: SupportController;

  private readonly clock: Clock;
  private readonly core: ConsoleCore;
  private readonly sessionPart: ConsoleSession;
  private readonly queuePart: ConsoleQueue;
  private readonly conversations: Conversations;
  private readonly outbox: ConsoleOutbox;
  private readonly cleanups: (() => void)[] = [];
  private announceSeq = 0;

  constructor(private readonly deps: ControllerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.ui = createUiStore({
      soundEnabled: deps.storage?.getItem(SOUND_KEY) !== 'off',
      notificationPermission: deps.alerts.permission(),
    });
    this.updates = new UpdatesController(deps.api);
    this.fleet = new FleetController(deps.client, deps.log);
    this.screen = new ScreenController(deps.client, deps.log);
    this.backup = new BackupConsole(deps.client, deps.log);
    this.safety = new SafetyConsole(deps.client, deps.log);
    this.audit = new AuditController(deps.client);
    this.tripwire = new TripwireConsole(deps.client, deps.log);
    this.support = new SupportController({ ...deps, queue: this.queue, ui: this.ui, announce: (text) => this.announce(text) });
    const core: ConsoleCore = {
      deps,
      clock: this.clock,
      session: this.session,
      connection: this.connection,
      queue: this.queue,
      workspace: this.workspace,
      ui: this.ui,
      announce: (text) => this.announce(text),
      toast: (text) => this.toast(text),
    };
    this.core = core;
    this.conversations = new Conversations(core, this.fleet);
    this.queuePart = new ConsoleQueue(core, (r) => this.conversations.taken(r));
    this.outbox = new ConsoleOutbox(core, (requestId, message) => this.conversations.mergeInto(requestId, [message]));
    this.sessionPart = new ConsoleSession(core, {
      storedOutbox: (technicianId) => this.outbox.load(technicianId),
      snapshot: (queue, silent, mine) => {
        this.queuePart.apply(queue, silent);
        this.conversations.setMine(mine);
      },
      catchUp: async () => {
        // Every conversation at once (batched calls), each from the last message held without a gap; messages typed meanwhile leave in parallel.
        await Promise.all([this.conversations.resyncAll(), this.outbox.flush()]);
        await this.conversations.reloadActive();
      },
      disconnected: () => this.outbox.disconnected(),
      leaving: () => this.conversations.stop(),
      ended: () => {
        for (const part of [this.updates, this.fleet, this.screen, this.backup, this.safety, this.audit, this.tripwire, this.support])
          part.reset();
      },
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Subscribes to the hub client, starts the clock and resumes an existing session. */
  start(): Promise<void> {
    const { client } = this.deps;
    const conv = this.conversations;
    this.cleanups.push(
      client.onStatus((s, info) => this.sessionPart.status(s, info)),
      client.on('queue:updated', (q) => this.queuePart.apply(q, false)),
      client.on('queue:changed', (c) => this.queuePart.applyChange(c)),
      client.on('help:updated', (r) => this.helpUpdated(r)),
      client.on('chat:message', (m) => conv.message(m)),
      client.on('chat:receipt', (r) => patchConversation(this.core, r.requestId, (c) => ({ receipts: mergeReceipts(c.receipts, r) }))),
      client.on('chat:typing', (p) => conv.practitionerTyping(p)),
      client.on('device:presence', (p) => {
        this.queuePart.presence(p.deviceId, p.online);
        conv.presence(p.deviceId, p.online);
      }),
      client.on('device:report', (p) => conv.report(p)),
      client.on('session:ended', () => this.sessionPart.end('sessionEnded')),
      this.workspace.subscribe((s, prev) => {
        if (s.outbox !== prev.outbox) this.outbox.persist();
      }),
      this.fleet.attach(),
      this.screen.attach(),
      this.backup.attach(),
      this.safety.attach(),
      this.tripwire.attach(),
      this.support.attach(),
    );
    let tick: unknown = null;
    const everySecond = () => {
      this.ui.setState({ now: this.clock.now() });
      tick = this.clock.setTimeout(everySecond, 1000);
    };
    tick = this.clock.setTimeout(everySecond, 1000);
    this.cleanups.push(() => this.clock.clearTimeout(tick));
    return this.resume();
  }

  stop(): void {
    for (const c of this.cleanups.splice(0)) c();
    this.conversations.stop();
    this.outbox.stop();
    this.sessionPart.stop();
    this.deps.client.disconnect();
  }

  // ---------------------------------------------------------------- session (session.ts)

  resume(): Promise<void> {
    return this.sessionPart.resume();
  }

  login(login: string, password: string, totp: string | undefined): Promise<Result<TechnicianSelf>> {
    return this.sessionPart.login(login, password, totp);
  }

  logout(): Promise<void> {
    return this.sessionPart.logout();
  }

  // ---------------------------------------------------------------- queue (queue.ts)

  refreshQueue(): Promise<void> {
    return this.queuePart.refresh();
  }

  /** "Actualiser": the queue and my requests, straight from the hub. */
  async refresh(): Promise<void> {
    await this.queuePart.refresh();
    const r = await this.deps.client.request('help:mine', {});
    if (r.ok) this.conversations.setMine(r.data);
  }

  dismissQueueNotice(): void {
    this.queuePart.dismissNotice();
  }

  /** Takes a waiting request. CONFLICT (a colleague was faster) is shown and the queue refreshed. */
  accept(requestId: string): Promise<Result<HelpRequest>> {
    return this.queuePart.accept(requestId);
  }

  // ---------------------------------------------------------------- my requests (conversations.ts)

  private helpUpdated(r: HelpRequest): void {
    this.conversations.updated(r);
    this.queuePart.updated(r);
  }

  /** Shows a request: loads details and history the first time. */
  open(requestId: string): Promise<void> {
    return this.conversations.open(requestId);
  }

  close(requestId: string): void {
    this.conversations.close(requestId);
  }

  /** Tells the practice their messages were read — only when this console tab is actually visible. */
  markRead(requestId: string): Promise<void> {
    return this.conversations.receipts.markRead(requestId);
  }

  async release(requestId: string): Promise<Result<HelpRequest>> {
    const r = await this.deps.client.request('help:release', { requestId });
    if (r.ok) {
      this.queuePart.released(requestId);
      this.helpUpdated(r.data);
      this.toast(this.deps.i18n.t('workspace.released'));
      this.deps.navigate({ name: 'queue' });
    }
    return r;
  }

  async resolve(requestId: string, note: string): Promise<Result<HelpRequest>> {
    const r = await this.conversations.resolve(requestId, note);
    if (r.ok) {
      this.helpUpdated(r.data);
      this.conversations.typingDone(requestId);
      this.toast(this.deps.i18n.t('workspace.resolved'));
      this.deps.navigate({ name: 'queue' });
    }
    return r;
  }

  /** The message box changed: throttled "typing" signal to the practice. */
  typing(requestId: string, active: boolean): void {
    this.conversations.typing(requestId, active);
  }

  // ---------------------------------------------------------------- outbox (outbox.ts)

  /** Queues a message and sends it when connected; it stays in the outbox until the hub stores it. */
  sendMessage(requestId: string, text: string): Result<OutboxItem> {
    // The "stopped typing" leaves before the message.
    return this.outbox.add(requestId, text, () => this.conversations.typingDone(requestId));
  }

  retryMessage(id: string): void {
    this.outbox.retry(id);
  }

  discardMessage(id: string): void {
    this.outbox.discard(id);
  }

  // ---------------------------------------------------------------- ui helpers

  setSound(enabled: boolean): void {
    this.ui.setState({ soundEnabled: enabled });
    try {
      this.deps.storage?.setItem(SOUND_KEY, enabled ? 'on' : 'off');
    } catch {
      // preference only
    }
    if (enabled) this.deps.alerts.chime('message');
  }

  async enableNotifications(): Promise<void> {
    const p = await this.deps.alerts.requestPermission();
    this.ui.setState({ notificationPermission: p });
    // The browser closed its question without an answer (or answers none any more): say so, the button would seem to do nothing.
    if (p === 'default') this.toast(this.deps.i18n.t('alerts.notificationsNotGranted'));
  }

  announce(text: string): void {
    this.ui.setState({ announcement: { id: ++this.announceSeq, text } });
  }

  toast(text: string): void {
    this.ui.setState({ toast: { id: ++this.announceSeq, text } });
  }

  /** Translated sentence for an error code (errors.<CODE>). */
  errorText(code: ErrorCode): string {
    return this.deps.i18n.t(`errors.${code}`);
  }
}
