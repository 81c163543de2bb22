import type { i18n as I18n } from 'i18next';
import {
  ChatResync,
  LIMITS,
  backoffDelay,
  err,
  gaplessSeq,
  hasGap,
  isRetryable,
  mergeMessages,
  mergeReceipts,
  receiptPoint,
  type ChatMessage,
  type ErrorCode,
  type HelpRequest,
  type QueueSnapshot,
  type Result,
  type TechnicianSelf,
} from '@vigie/common';
import type { Api } from '../lib/api';
import type { Alerts } from '../lib/alerts';
import type { Logger } from '../lib/log';
import type { ConnectionStatus, TechClient, TechPushPayload } from '../lib/socket';
import type { Route } from '../lib/router';
import { parseStoredOutbox, pruneOutbox, sendable, type OutboxItem } from '../lib/chat';
import { arrivals, orderQueue } from '../lib/queue';
import { TypingSignal } from '../lib/typing';
import { uuidV4 } from '../lib/uuid';
import { createSessionStore, type SessionNotice } from '../stores/session';
import { createConnectionStore } from '../stores/connection';
import { createQueueStore, initialQueueState } from '../stores/queue';
import { createWorkspaceStore, emptyConversation, initialWorkspaceState, type Conversation } from '../stores/workspace';
import { createUiStore } from '../stores/ui';
import { UpdatesController } from '../updates/controller';
import { FleetController } from '../fleet/controller';
import { ScreenController } from '../screen/controller';
import { BackupConsole } from '../backup/controller';
import { SafetyConsole } from '../screen/safety';
import { AuditController } from '../pages/audit-controller';
import { TripwireConsole } from '../tripwire/controller';
import { SupportController } from '../support/controller';

export interface ControllerDeps {
  client: TechClient;
  api: Api;
  alerts: Alerts;
  log: Logger;
  i18n: I18n;
  /** localStorage, or null when unavailable (private mode…). */
  storage: Storage | null;
  navigate: (route: Route) => void;
  /** The console tab is visible (read receipts are only sent then). */
  isVisible: () => boolean;
  /** The console has the user's attention (visible and focused): no system notification needed. */
  hasAttention: () => boolean;
}

const TYPING_SHOWN_MS = 8000;
/** Conversations whose outbox is sent at the same time (each one in the order it was typed). */
const PARALLEL_SENDS = 6;
/** Delivered/read receipts wait this long to leave together (a busy console: a few calls a second, not one per message). */
const RECEIPT_WINDOW_MS = 250;
const fromDevice = (m: ChatMessage) => m.author === 'device';
const SOUND_KEY = 'vigie.console.sound';
const outboxKey = (technicianId: string) => `vigie.console.outbox.${technicianId}`;

/**
 * The console's application logic: owns the stores (one per domain), turns hub pushes into state,
 * and exposes the commands the pages call. Pages read stores and call these methods, nothing else.
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

  private readonly cleanups: (() => void)[] = [];
  private firstSnapshot = true;
  /** Conversations whose outbox is being sent right now. */
  private readonly sending = new Set<string>();
  /** The hub asked to slow down: no send before this time. */
  private sendPausedUntil = 0;
  private sendFailures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private helloTimer: ReturnType<typeof setTimeout> | null = null;
  private lastAuthCheck = 0;
  private readonly typingSignals = new Map<string, TypingSignal>();
  /** Conversations with delivered/read receipts to tell the hub (sent in batches). */
  private readonly receiptsWanted = new Set<string>();
  private receiptsRunning: Promise<void> | null = null;
  private receiptTimer: ReturnType<typeof setTimeout> | null = null;
  private receiptFailures = 0;
  private readonly resync: ChatResync;
  private readonly justReleased = new Set<string>();
  private announceSeq = 0;

  constructor(private readonly deps: ControllerDeps) {
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
    this.resync = new ChatResync({
      fetch: (items) => deps.client.request('chat:resync', { items }),
      cursor: (requestId) => gaplessSeq(this.workspace.getState().conversations[requestId]?.messages ?? []),
      apply: (requestId, page) => {
        this.patchConversation(requestId, (conv) => ({ messages: mergeMessages(conv.messages, page.messages), receipts: mergeReceipts(conv.receipts, page.receipts) }));
        this.afterMessages(requestId);
      },
      log: (message, details) => deps.log.debug(message, details),
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Subscribes to the hub client, starts the clock and resumes an existing session. */
  start(): Promise<void> {
    const { client } = this.deps;
    this.cleanups.push(
      client.onStatus((s, info) => this.onStatus(s, info)),
      client.on('queue:updated', (q) => this.applyQueue(q, false)),
      client.on('help:updated', (r) => this.onHelpUpdated(r)),
      client.on('chat:message', (m) => this.onChatMessage(m)),
      client.on('chat:receipt', (r) => this.patchConversation(r.requestId, (c) => ({ receipts: mergeReceipts(c.receipts, r) }))),
      client.on('chat:typing', (p) => this.onTyping(p)),
      client.on('device:presence', (p) => this.onPresence(p.deviceId, p.online)),
      client.on('device:report', (p) => this.onReport(p)),
      client.on('session:ended', () => this.endSession('sessionEnded')),
      this.workspace.subscribe((s, prev) => {
        if (s.outbox !== prev.outbox) this.persistOutbox();
      }),
      this.fleet.attach(),
      this.screen.attach(),
      this.backup.attach(),
      this.safety.attach(),
      this.tripwire.attach(),
      this.support.attach(),
    );
    const tick = setInterval(() => this.ui.setState({ now: Date.now() }), 1000);
    this.cleanups.push(() => clearInterval(tick));
    return this.resume();
  }

  stop(): void {
    for (const c of this.cleanups.splice(0)) c();
    this.resync.stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.receiptTimer) clearTimeout(this.receiptTimer);
    if (this.helloTimer) clearTimeout(this.helloTimer);
    for (const s of this.typingSignals.values()) s.stop();
    this.deps.client.disconnect();
  }

  // ---------------------------------------------------------------- session

  async resume(): Promise<void> {
    const r = await this.deps.api.me();
    if (r.ok) this.authenticated(r.data);
    else this.session.setState({ status: 'anonymous', technician: null });
  }

  async login(login: string, password: string, totp: string | undefined): Promise<Result<TechnicianSelf>> {
    const r = await this.deps.api.login(totp ? { login, password, totp } : { login, password });
    if (r.ok) this.authenticated(r.data);
    return r;
  }

  async logout(): Promise<void> {
    // Close the socket first: the hub's session:ended push must not be mistaken for an expiry.
    this.deps.client.disconnect();
    await this.deps.api.logout();
    this.endSession('loggedOut');
  }

  private authenticated(technician: TechnicianSelf): void {
    const stored = parseStoredOutbox(this.deps.storage?.getItem(outboxKey(technician.id)) ?? null);
    this.workspace.setState({ ...initialWorkspaceState(), outbox: stored });
    this.queue.setState(initialQueueState());
    this.firstSnapshot = true;
    this.session.setState({ status: 'authenticated', technician, notice: null });
    this.deps.client.connect();
  }

  private endSession(notice: SessionNotice): void {
    if (this.session.getState().status !== 'authenticated') return;
    for (const s of this.typingSignals.values()) s.stop();
    this.typingSignals.clear();
    this.receiptsWanted.clear();
    this.resync.stop();
    this.deps.client.disconnect();
    this.queue.setState(initialQueueState());
    // The outbox stays in storage for the next sign-in; the in-memory copy goes.
    this.workspace.setState(initialWorkspaceState());
    this.connection.setState({ status: 'idle', everConnected: false });
    this.updates.reset();
    this.fleet.reset();
    this.screen.reset();
    this.backup.reset();
    this.safety.reset();
    this.audit.reset();
    this.tripwire.reset();
    this.support.reset();
    this.session.setState({ status: 'anonymous', technician: null, notice });
    this.deps.navigate({ name: 'queue' });
  }

  // ---------------------------------------------------------------- connection

  private onStatus(status: ConnectionStatus, info: { reconnected: boolean; error?: string }): void {
    this.connection.setState((s) => ({ status, everConnected: s.everConnected || status === 'connected' }));
    if (status === 'connected') {
      void this.hello();
      return;
    }
    if (status === 'disconnected') {
      // Typing signals and in-flight sends are moot; queued messages wait for the reconnect.
      this.workspace.setState((s) => ({ outbox: s.outbox.map((o) => (o.state === 'sending' ? { ...o, state: 'queued' } : o)) }));
      if (info.error === 'server') void this.checkSessionStillValid(true);
      else if (info.error) void this.checkSessionStillValid(false);
    }
  }

  /**
   * A refused or closed connection may mean the session expired: ask the hub over HTTP (at most
   * every 5 s while retrying). When the hub itself closed the socket, socket.io does not retry:
   * reconnect here if the session is still good.
   */
  private async checkSessionStillValid(closedByHub: boolean): Promise<void> {
    const now = Date.now();
    if (!closedByHub && now - this.lastAuthCheck < 5000) return;
    this.lastAuthCheck = now;
    const r = await this.deps.api.me();
    if (!r.ok && r.error.code === 'UNAUTHORIZED') this.endSession('sessionEnded');
    else if (closedByHub && this.session.getState().status === 'authenticated') this.deps.client.connect();
  }

  /** Called on every (re)connection: snapshot of the queue and my requests, chat resync, outbox flush. */
  private async hello(attempt = 0): Promise<void> {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
    const r = await this.deps.client.request('tech:hello', {});
    if (!r.ok) {
      this.deps.log.warn('tech:hello failed', r.error);
      if (r.error.code === 'UNAUTHORIZED') this.endSession('sessionEnded');
      // A hub busy with a reconnect storm may not answer in time: ask again (the next connection does too).
      else if (isRetryable(r.error.code) && r.error.code !== 'OFFLINE') {
        const after = Number(r.error.details?.retryAfterMs ?? 0);
        this.helloTimer = setTimeout(() => {
          this.helloTimer = null;
          if (this.connection.getState().status === 'connected') void this.hello(attempt + 1);
        }, Math.max(after, backoffDelay(attempt, { baseMs: 1000, maxMs: 10_000 })));
      }
      return;
    }
    this.session.setState({ technician: r.data.technician });
    this.applyQueue(r.data.queue, this.firstSnapshot);
    this.firstSnapshot = false;
    this.setMine(r.data.mine);
    const ws = this.workspace.getState();
    // Every conversation at once (batched calls), each from the last message held without a gap;
    // messages typed meanwhile leave in parallel.
    this.resync.resume();
    this.resync.want([...ws.mine.map((m) => m.id), ...Object.keys(ws.conversations)]);
    await Promise.all([this.resync.run(), this.flushOutbox()]);
    const active = this.workspace.getState().activeId;
    if (active && this.workspace.getState().conversations[active]?.detail !== 'ready') await this.loadDetail(active);
  }

  // ---------------------------------------------------------------- queue

  private applyQueue(q: QueueSnapshot, silent: boolean): void {
    const prev = this.queue.getState();
    const fresh = arrivals(prev.knownWaiting, q.requests).filter((r) => !this.justReleased.has(r.id));
    this.justReleased.clear();
    this.queue.setState({
      requests: orderQueue(q.requests),
      loaded: true,
      offsetMs: Date.parse(q.serverTime) - Date.now() || 0,
      medianPickupSeconds: q.medianPickupSeconds,
      positions: q.positions,
      support: q.support,
      knownWaiting: new Set(q.requests.filter((r) => r.status === 'waiting').map((r) => r.id)),
    });
    if (silent || fresh.length === 0) return;
    const t = this.deps.i18n.t.bind(this.deps.i18n);
    if (this.ui.getState().soundEnabled) this.deps.alerts.chime('request');
    const first = fresh[0]!;
    this.announce(t('alerts.announceRequest', { practice: first.practiceName, device: first.deviceName }));
    if (!this.deps.hasAttention()) {
      for (const r of fresh.slice(0, 3)) {
        this.deps.alerts.notify(t('alerts.newRequestTitle'), t('alerts.newRequestBody', { practice: r.practiceName, device: r.deviceName }), `request-${r.id}`, () =>
          this.deps.navigate({ name: 'queue' }),
        );
      }
    }
  }

  async refreshQueue(): Promise<void> {
    const r = await this.deps.client.request('queue:list', {});
    if (r.ok) this.applyQueue(r.data, false);
  }

  /** "Actualiser": the queue and my requests, straight from the hub. */
  async refresh(): Promise<void> {
    await this.refreshQueue();
    const r = await this.deps.client.request('help:mine', {});
    if (r.ok) this.setMine(r.data);
  }

  dismissQueueNotice(): void {
    this.queue.setState({ notice: null });
  }

  /** Takes a waiting request. CONFLICT (a colleague was faster) is shown and the queue refreshed. */
  async accept(requestId: string): Promise<Result<HelpRequest>> {
    if (this.queue.getState().accepting) return err('CONFLICT', 'Une prise en charge est déjà en cours.');
    this.queue.setState({ accepting: requestId, notice: null });
    const r = await this.deps.client.request('help:accept', { requestId });
    this.queue.setState({ accepting: null });
    if (r.ok) {
      this.upsertMine(r.data);
      this.patchConversation(r.data.id, () => ({ request: r.data }));
      this.deps.navigate({ name: 'request', id: r.data.id });
      return r;
    }
    this.queue.setState({ notice: r.error.code === 'CONFLICT' ? { kind: 'taken', requestId } : { kind: 'error', code: r.error.code, requestId } });
    if (r.error.code === 'CONFLICT' || r.error.code === 'NOT_FOUND') await this.refreshQueue();
    return r;
  }

  // ---------------------------------------------------------------- my requests

  private setMine(list: HelpRequest[]): void {
    const mine = list.filter((r) => r.status === 'assigned').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    this.workspace.setState((s) => {
      const conversations = { ...s.conversations };
      for (const r of mine) conversations[r.id] = { ...(conversations[r.id] ?? emptyConversation(r.id)), request: r };
      return { mine, conversations };
    });
  }

  private upsertMine(r: HelpRequest): void {
    this.workspace.setState((s) => {
      const others = s.mine.filter((m) => m.id !== r.id);
      const mine = r.status === 'assigned' ? [...others, r].sort((a, b) => a.createdAt.localeCompare(b.createdAt)) : others;
      return { mine };
    });
  }

  private onHelpUpdated(r: HelpRequest): void {
    const me = this.session.getState().technician?.id;
    if (r.status === 'assigned' && r.technician?.id === me) this.upsertMine(r);
    else this.workspace.setState((s) => ({ mine: s.mine.filter((m) => m.id !== r.id) }));
    if (this.workspace.getState().conversations[r.id]) this.patchConversation(r.id, () => ({ request: r }));
    this.queue.setState((s) => {
      const i = s.requests.findIndex((q) => q.id === r.id);
      if (i < 0) return {};
      const open = r.status === 'waiting' || r.status === 'assigned';
      const requests = open ? s.requests.map((q) => (q.id === r.id ? { ...r, deviceOnline: q.deviceOnline } : q)) : s.requests.filter((q) => q.id !== r.id);
      return { requests: orderQueue(requests) };
    });
  }

  /** Shows a request: loads details and history the first time. */
  async open(requestId: string): Promise<void> {
    this.workspace.setState((s) => ({
      activeId: requestId,
      conversations: s.conversations[requestId] ? s.conversations : { ...s.conversations, [requestId]: emptyConversation(requestId) },
    }));
    const c = this.workspace.getState().conversations[requestId];
    if (c && c.detail !== 'ready' && c.detail !== 'loading') await this.loadDetail(requestId);
  }

  close(requestId: string): void {
    this.typingSignals.get(requestId)?.stop();
    if (this.workspace.getState().activeId === requestId) this.workspace.setState({ activeId: null });
  }

  private async loadDetail(requestId: string): Promise<void> {
    if (this.connection.getState().status !== 'connected') return; // hello() loads it once connected
    this.patchConversation(requestId, () => ({ detail: 'loading', error: null }));
    const r = await this.deps.client.request('help:get', { requestId });
    if (!r.ok) {
      this.patchConversation(requestId, () => ({ detail: 'error', error: r.error.code }));
      return;
    }
    const { request, device, messages, receipts } = r.data;
    this.fleet.seedHealth(device.id, r.data.healthReport);
    const latest = r.data.deviceReport;
    // The device's latest summaries (backup, health) show at once, not only after its next report.
    if (latest) this.workspace.setState((s) => (s.reports[device.id] && s.reports[device.id]!.reportedAt >= latest.reportedAt ? {} : { reports: { ...s.reports, [device.id]: latest } }));
    this.mergeInto(requestId, messages, { request, device, receipts: mergeReceipts(this.workspace.getState().conversations[requestId]?.receipts ?? null, receipts), detail: 'ready', error: null });
  }

  /** Adds messages to a conversation; a hole before the newest one asks for a resync of that conversation. */
  private mergeInto(requestId: string, messages: readonly ChatMessage[], patch: Partial<Conversation> = {}): void {
    this.patchConversation(requestId, (c) => ({ ...patch, messages: mergeMessages(c.messages, messages) }));
    const held = this.workspace.getState().conversations[requestId]?.messages ?? [];
    if (hasGap(held)) this.resync.request([requestId]);
    this.afterMessages(requestId);
  }

  /** After messages arrived: drop what the hub stored from the outbox, acknowledge delivery, maybe read. */
  private afterMessages(requestId: string): void {
    this.workspace.setState((s) => {
      const c = s.conversations[requestId];
      return c ? { outbox: pruneOutbox(s.outbox, c.messages) } : {};
    });
    this.wantReceipts(requestId);
    if (this.workspace.getState().activeId === requestId) void this.markRead(requestId);
  }

  /** Tells the practice their messages were read — only when this console tab is actually visible. */
  async markRead(requestId: string): Promise<void> {
    if (!this.deps.isVisible() || this.connection.getState().status !== 'connected') return;
    const s = this.workspace.getState();
    const c = s.conversations[requestId];
    if (!c) return;
    // Never past a message not held yet: the practice must not see « lu » on something not shown here.
    const upTo = receiptPoint(c.messages, fromDevice);
    if (upTo <= Math.max(c.receipts?.technician.read ?? 0, s.localRead[requestId] ?? 0)) return;
    this.workspace.setState((st) => ({ localRead: { ...st.localRead, [requestId]: upTo } }));
    this.wantReceipts(requestId);
    await this.receiptsRunning;
  }

  /** Delivered/read receipts of several conversations leave together (one hub call per batch), once the current batch is answered. */
  private wantReceipts(requestId: string): void {
    this.receiptsWanted.add(requestId);
    this.startReceipts();
  }

  /** Receipts of messages arriving together leave together: at most one hub call per RECEIPT_WINDOW_MS. */
  private startReceipts(): void {
    if (this.receiptsRunning || this.receiptTimer) return;
    this.receiptTimer = setTimeout(() => {
      this.receiptTimer = null;
      this.receiptsRunning = Promise.resolve().then(() => this.sendReceipts());
    }, RECEIPT_WINDOW_MS);
  }

  private async sendReceipts(): Promise<void> {
    try {
      if (this.receiptsWanted.size > 0 && this.connection.getState().status === 'connected') {
        const s = this.workspace.getState();
        const items: Array<{ requestId: string; kind: 'delivered' | 'read'; upToSeq: number }> = [];
        for (const id of this.receiptsWanted) {
          const c = s.conversations[id];
          if (!c) continue;
          const read = s.localRead[id] ?? 0;
          const delivered = receiptPoint(c.messages, fromDevice);
          if (read > (c.receipts?.technician.read ?? 0)) items.push({ requestId: id, kind: 'read', upToSeq: read });
          if (delivered > Math.max(read, c.receipts?.technician.delivered ?? 0)) items.push({ requestId: id, kind: 'delivered', upToSeq: delivered });
        }
        this.receiptsWanted.clear();
        for (let i = 0; i < items.length; i += LIMITS.chatBatch) {
          const batch = items.slice(i, i + LIMITS.chatBatch);
          const r = await this.deps.client.request('chat:receipts', { items: batch });
          const retry = (code: ErrorCode, ids: string[], after = 0) => {
            if (!isRetryable(code)) return;
            for (const id of ids) this.receiptsWanted.add(id);
            if (code !== 'OFFLINE') this.retryReceiptsLater(after);
          };
          if (!r.ok) {
            retry(r.error.code, batch.map((b) => b.requestId), Number(r.error.details?.retryAfterMs ?? 0));
            continue;
          }
          for (const item of r.data) {
            if (item.result.ok) {
              const receipts = item.result.data;
              this.patchConversation(item.requestId, (conv) => ({ receipts: mergeReceipts(conv.receipts, receipts) }));
            } else retry(item.result.error.code, [item.requestId], Number(item.result.error.details?.retryAfterMs ?? 0));
          }
        }
        if (!this.receiptTimer) this.receiptFailures = 0; // else a retry is scheduled: the rest waits for it
      }
    } finally {
      this.receiptsRunning = null;
      // What arrived meanwhile goes in the next window (while offline, the next connection's resync asks again).
      if (this.receiptsWanted.size > 0 && this.connection.getState().status === 'connected') this.startReceipts();
    }
  }

  private retryReceiptsLater(afterMs: number): void {
    if (this.receiptTimer) return;
    this.receiptTimer = setTimeout(
      () => {
        this.receiptTimer = null;
        this.startReceipts();
      },
      Math.max(afterMs, backoffDelay(this.receiptFailures++, { baseMs: 1000, maxMs: 10_000 })),
    );
  }

  async release(requestId: string): Promise<Result<HelpRequest>> {
    const r = await this.deps.client.request('help:release', { requestId });
    if (r.ok) {
      this.justReleased.add(requestId);
      this.onHelpUpdated(r.data);
      this.toast(this.deps.i18n.t('workspace.released'));
      this.deps.navigate({ name: 'queue' });
    }
    return r;
  }

  async resolve(requestId: string, note: string): Promise<Result<HelpRequest>> {
    const trimmed = note.trim();
    if (!trimmed) return err('BAD_REQUEST', 'Note requise.');
    const r = await this.deps.client.request('help:resolve', { requestId, note: trimmed.slice(0, LIMITS.resolutionNote) });
    if (r.ok) {
      this.onHelpUpdated(r.data);
      this.typingSignals.get(requestId)?.stop();
      this.toast(this.deps.i18n.t('workspace.resolved'));
      this.deps.navigate({ name: 'queue' });
    }
    return r;
  }

  // ---------------------------------------------------------------- chat

  private onChatMessage(m: ChatMessage): void {
    const s = this.workspace.getState();
    const known = s.conversations[m.requestId];
    const before = known?.messages.length ?? 0;
    this.mergeInto(m.requestId, [m], m.author === 'device' ? { typing: null } : {});
    const after = this.workspace.getState().conversations[m.requestId]?.messages.length ?? 0;
    if (after === before || m.author !== 'device') return;
    const attentive = s.activeId === m.requestId && this.deps.hasAttention();
    if (attentive) return; // the chat log (role="log") announces it
    const t = this.deps.i18n.t.bind(this.deps.i18n);
    const practice = known?.request?.practiceName ?? s.mine.find((r) => r.id === m.requestId)?.practiceName ?? '';
    if (this.ui.getState().soundEnabled) this.deps.alerts.chime('message');
    this.announce(t('alerts.announceMessage', { name: m.authorName, practice }));
    if (!this.deps.hasAttention())
      this.deps.alerts.notify(t('alerts.newMessageTitle', { practice }), m.text.slice(0, 140), `chat-${m.requestId}`, () => this.deps.navigate({ name: 'request', id: m.requestId }));
  }

  private onTyping(p: TechPushPayload<'chat:typing'>): void {
    this.patchConversation(p.requestId, () => ({ typing: p.typing ? { name: p.name, until: Date.now() + TYPING_SHOWN_MS } : null }));
  }

  /** Queues a message and sends it when connected; it stays in the outbox until the hub stores it. */
  sendMessage(requestId: string, text: string): Result<OutboxItem> {
    const body = text.trim();
    if (!body) return err('BAD_REQUEST', 'Message vide.');
    if (body.length > LIMITS.chatText) return err('BAD_REQUEST', 'Message trop long.');
    const item: OutboxItem = { id: uuidV4(), requestId, text: body, sentAt: new Date().toISOString(), state: 'queued', attempts: 0 };
    this.workspace.setState((s) => ({ outbox: [...s.outbox, item] }));
    this.typingSignals.get(requestId)?.stop();
    void this.flushOutbox();
    return { ok: true, data: item };
  }

  retryMessage(id: string): void {
    this.updateOutbox(id, (o) => ({ ...o, state: 'queued', error: undefined }));
    void this.flushOutbox();
  }

  discardMessage(id: string): void {
    this.workspace.setState((s) => ({ outbox: s.outbox.filter((o) => o.id !== id) }));
  }

  /**
   * Sends queued messages: each conversation in the order its messages were typed, several
   * conversations at once (PARALLEL_SENDS), so a reconnect with many busy conversations does not
   * queue them all behind one another. Resolves when nothing more can be sent now.
   */
  private async flushOutbox(): Promise<void> {
    // While offline, slowed down or waiting for a retry, the next connection or the timer flushes.
    if (this.connection.getState().status !== 'connected' || Date.now() < this.sendPausedUntil || this.retryTimer) return;
    const pending = new Set(sendable(this.workspace.getState().outbox).map((o) => o.requestId));
    const starts: Promise<void>[] = [];
    for (const requestId of pending) {
      if (this.sending.size >= PARALLEL_SENDS) break;
      if (!this.sending.has(requestId)) starts.push(this.flushConversation(requestId));
    }
    await Promise.all(starts);
  }

  private async flushConversation(requestId: string): Promise<void> {
    this.sending.add(requestId);
    try {
      for (;;) {
        if (this.connection.getState().status !== 'connected' || Date.now() < this.sendPausedUntil) return;
        const next = sendable(this.workspace.getState().outbox).find((o) => o.requestId === requestId);
        if (!next) return;
        if (await this.attemptSend(next)) return;
      }
    } finally {
      this.sending.delete(requestId);
      // A slot is free: conversations that waited for one go now.
      void this.flushOutbox();
    }
  }

  /** One send; true when it should be tried again later (transient failure: a retry is scheduled). */
  private async attemptSend(item: OutboxItem): Promise<boolean> {
    this.updateOutbox(item.id, (o) => ({ ...o, state: 'sending', attempts: o.attempts + 1 }));
    const r = await this.deps.client.request('chat:send', { requestId: item.requestId, id: item.id, text: item.text, sentAt: item.sentAt });
    if (r.ok) {
      this.sendFailures = 0;
      this.workspace.setState((s) => ({ outbox: s.outbox.filter((o) => o.id !== item.id) }));
      this.mergeInto(item.requestId, [r.data.message]);
      return false;
    }
    if (isRetryable(r.error.code)) {
      this.updateOutbox(item.id, (o) => ({ ...o, state: 'queued' }));
      const after = Number(r.error.details?.retryAfterMs ?? 0);
      // Slowing down is for every conversation, not only this one.
      if (r.error.code === 'RATE_LIMITED') this.sendPausedUntil = Date.now() + after;
      if (r.error.code !== 'OFFLINE') this.scheduleRetry(after);
      return true;
    }
    this.updateOutbox(item.id, (o) => ({ ...o, state: 'failed', error: r.error.code }));
    return false;
  }

  private scheduleRetry(afterMs: number): void {
    if (this.retryTimer) return;
    const delay = Math.max(afterMs, backoffDelay(this.sendFailures++, { baseMs: 1000, maxMs: 10_000 }));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.flushOutbox();
    }, delay);
  }

  private updateOutbox(id: string, fn: (o: OutboxItem) => OutboxItem): void {
    this.workspace.setState((s) => ({ outbox: s.outbox.map((o) => (o.id === id ? fn(o) : o)) }));
  }

  private persistOutbox(): void {
    const tech = this.session.getState().technician;
    if (!tech || !this.deps.storage) return;
    const { outbox } = this.workspace.getState();
    try {
      if (outbox.length === 0) this.deps.storage.removeItem(outboxKey(tech.id));
      else this.deps.storage.setItem(outboxKey(tech.id), JSON.stringify(outbox));
    } catch (e) {
      this.deps.log.warn('outbox not persisted', e);
    }
  }

  /** The message box changed: throttled "typing" signal to the practice. */
  typing(requestId: string, active: boolean): void {
    let signal = this.typingSignals.get(requestId);
    if (!signal) {
      signal = new TypingSignal({ send: (typing) => void this.deps.client.request('chat:typing', { requestId, typing }) });
      this.typingSignals.set(requestId, signal);
    }
    if (active) signal.input();
    else signal.stop();
  }

  // ---------------------------------------------------------------- devices

  private onPresence(deviceId: string, online: boolean): void {
    this.queue.setState((s) => ({ requests: s.requests.map((r) => (r.deviceId === deviceId && r.deviceOnline !== online ? { ...r, deviceOnline: online } : r)) }));
    this.workspace.setState((s) => {
      let changed = false;
      const conversations: Record<string, Conversation> = {};
      for (const [id, c] of Object.entries(s.conversations)) {
        if (c.device?.id === deviceId && c.device.online !== online) {
          conversations[id] = { ...c, device: { ...c.device, online } };
          changed = true;
        } else conversations[id] = c;
      }
      return changed ? { conversations } : {};
    });
  }

  private onReport(p: TechPushPayload<'device:report'>): void {
    this.workspace.setState((s) => ({ reports: { ...s.reports, [p.deviceId]: { health: p.health, backup: p.backup, reportedAt: p.reportedAt } } }));
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

  private patchConversation(requestId: string, fn: (c: Conversation) => Partial<Conversation>): void {
    this.workspace.setState((s) => {
      const c = s.conversations[requestId] ?? emptyConversation(requestId);
      return { conversations: { ...s.conversations, [requestId]: { ...c, ...fn(c) } } };
    });
  }
}

