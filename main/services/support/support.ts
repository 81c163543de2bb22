import { randomUUID } from 'node:crypto';
import {
  ChatResync,
  VigieError,
  backoffDelay,
  gaplessSeq,
  hasGap,
  isRetryable,
  mergeReceipts,
  receiptPoint,
  type BackupSummary,
  type ChatMessage,
  type ContextSnapshot,
  type ErrorCode,
  type HealthSummary,
  type HelpRequest,
  type HelpTopic,
  type Locale,
  type LocalChatMessage,
  type SupportState,
} from '@vigie/common';
import type { Logger, SystemInfo } from '../../platform/ports.js';
import type { HubConnection } from '../hub/connection.js';
import { Emitter } from '../lib/emitter.js';
import type { JsonFile } from '../lib/files.js';
import { emptyDoc, type OutboxItem, type SupportDoc } from './store.js';

export interface SupportDeps {
  hub: HubConnection;
  file: JsonFile<SupportDoc>;
  system: SystemInfo;
  appVersion: string;
  locale: () => Locale;
  logger: Logger;
  /** Optional providers for the context snapshot (the health and backup capabilities plug in here). */
  healthSummary?: () => Promise<HealthSummary | null>;
  backupSummary?: () => Promise<BackupSummary | null>;
  /** First retry delay after a failure while connected (default 1 s; then jittered back-off up to 10 s). */
  retryDelayMs?: number;
  /** The technician-typing indicator switches itself off after this long without news (default 15 s). */
  typingTtlMs?: number;
}

/** Something the user may want to be told about (the app turns these into notifications). */
export type SupportEvent =
  | { type: 'assigned'; request: HelpRequest }
  | { type: 'message'; message: ChatMessage }
  | { type: 'closed'; request: HelpRequest };

type SupportEvents = { change: []; event: [SupportEvent] };

const isOpen = (r: HelpRequest | null): r is HelpRequest => !!r && (r.status === 'waiting' || r.status === 'assigned');

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Help requests and chat for this device.
 *
 * Everything that must not be lost (the help click made offline, messages not yet acknowledged)
 * is written to support.json before anything is sent. A single sync routine, run after every
 * (re)connection and after every local change, brings the hub and the device level: hello →
 * create the pending request (same clientId, so never twice) → chat resync from the last seq held
 * without a gap (common/chat-sync) → send the outbox in order until acknowledged (the hub dedups by
 * message id) → receipts, never past a gap.
 */
export class SupportService extends Emitter<SupportEvents> {
  private doc: SupportDoc = emptyDoc(null);
  private readonly log: Logger;
  private chain: Promise<unknown> = Promise.resolve();
  private syncQueued = false;
  /** Set by every (re)connection: the next sync starts with device:hello and a full chat:sync. */
  private needHello = true;
  private needChatSync = true;
  private technicianTyping = false;
  private typingTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private readonly resync: ChatResync;
  private readonly unsubscribe: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly deps: SupportDeps) {
    super();
    this.log = deps.logger.child({ svc: 'support' });
    this.resync = new ChatResync({
      fetch: (items) => deps.hub.emitAck('chat:resync', { items }),
      cursor: (requestId) => (this.doc.current?.id === requestId ? gaplessSeq(this.doc.messages) : 0),
      apply: async (requestId, page) => {
        if (this.doc.current?.id !== requestId) return;
        for (const m of page.messages) this.mergeMessage(m);
        this.doc.receipts = mergeReceipts(this.doc.receipts, page.receipts);
        await this.persist();
      },
      retry: () => this.kick(),
      log: (message, details) => this.log.info(message, details),
      backoff: { baseMs: deps.retryDelayMs ?? 1000, maxMs: 10_000 },
    });
  }

  /** Loads support.json (a different enrollment starts fresh) and listens to the hub. */
  async start(deviceId: string | null): Promise<void> {
    this.stopped = false;
    this.resync.resume();
    const loaded = await this.deps.file.load();
    if (loaded && loaded.deviceId === deviceId) this.doc = loaded;
    else {
      if (loaded && (loaded.outbox.length || loaded.pendingHelp)) {
        this.log.warn('support data of another enrollment set aside', { outbox: loaded.outbox.length });
      }
      this.doc = emptyDoc(deviceId);
      await this.persist();
    }
    const hub = this.deps.hub;
    this.unsubscribe.push(
      hub.on('connected', () => {
        this.needHello = true;
        this.needChatSync = true;
        this.failures = 0;
        this.resync.resume();
        this.kick();
      }),
      hub.on('state', (st) => {
        // Offline, nobody can be seen typing.
        if (st !== 'online') this.setTechnicianTyping(false);
        this.changed();
      }),
      hub.onPush('chat:message', (m) => this.onMessage(m)),
      hub.onPush('chat:receipt', (r) => {
        if (r.requestId !== this.doc.current?.id) return;
        this.doc.receipts = mergeReceipts(this.doc.receipts, r);
        this.save();
      }),
      hub.onPush('chat:typing', (t) => {
        if (t.requestId !== this.doc.current?.id) return;
        this.setTechnicianTyping(t.typing);
      }),
      hub.onPush('help:updated', (r) => this.onRequestUpdated(r)),
      hub.onPush('help:position', (p) => {
        if (p.requestId !== this.doc.current?.id) return;
        this.doc.position = p;
        this.save();
      }),
    );
    this.changed();
    if (hub.connected) this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.resync.stop();
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.typingTimer) clearTimeout(this.typingTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.typingTimer = this.retryTimer = null;
    await this.chain.catch(() => undefined);
    await this.deps.file.flush();
  }

  /** Forgets everything (the device was revoked or enrolled anew). */
  async reset(deviceId: string | null): Promise<void> {
    if (this.doc.outbox.length || this.doc.pendingHelp) {
      this.log.warn('support data dropped with the enrollment', { outbox: this.doc.outbox.length, pendingHelp: !!this.doc.pendingHelp });
    }
    this.doc = emptyDoc(deviceId);
    this.needHello = this.needChatSync = true;
    this.setTechnicianTyping(false);
    await this.persist();
  }

  state(): SupportState {
    const d = this.doc;
    const currentId = d.current?.id ?? null;
    const techRead = d.receipts?.technician.read ?? 0;
    const techDelivered = d.receipts?.technician.delivered ?? 0;
    const deviceRead = Math.max(d.receipts?.device.read ?? 0, d.readSent);
    const stored: LocalChatMessage[] = d.messages.map((m) => ({
      id: m.id,
      requestId: m.requestId,
      seq: m.seq,
      author: m.author,
      authorName: m.authorName,
      text: m.text,
      ...(m.system ? { system: m.system } : {}),
      sentAt: m.sentAt,
      status:
        m.author === 'device'
          ? techRead >= m.seq
            ? 'read'
            : techDelivered >= m.seq
              ? 'delivered'
              : 'sent'
          : deviceRead >= m.seq
            ? 'read'
            : 'delivered',
    }));
    const visiblePendingId = currentId ?? d.pendingHelp?.clientId ?? null;
    const pending: LocalChatMessage[] = d.outbox
      .filter((o) => (o.requestId ?? d.pendingHelp?.clientId ?? null) === visiblePendingId && visiblePendingId !== null)
      .map((o) => ({
        id: o.id,
        requestId: o.requestId ?? visiblePendingId!,
        seq: null,
        author: 'device',
        authorName: '',
        text: o.text,
        sentAt: o.sentAt,
        status: 'pending',
      }));
    return {
      connection: this.deps.hub.state,
      current: d.current,
      position: d.current?.status === 'waiting' ? d.position : null,
      messages: [...stored, ...pending],
      receipts: d.receipts,
      technicianTyping: this.technicianTyping,
      outboxSize: d.outbox.length,
      lastClosed: d.lastClosed,
      pendingRequest: d.pendingHelp
        ? { clientId: d.pendingHelp.clientId, topic: d.pendingHelp.topic, description: d.pendingHelp.description, createdAt: d.pendingHelp.createdAt }
        : null,
    };
  }

  // ---------------------------------------------------------------- user actions

  /**
   * One click is enough. A second click returns the same request; offline, the click is kept on
   * disk and sent (same clientId) when the hub is reachable — the answer is then null.
   */
  async requestHelp(input: { topic?: HelpTopic | null; description?: string | null } = {}): Promise<HelpRequest | null> {
    if (isOpen(this.doc.current)) {
      if (input.topic !== undefined || input.description !== undefined) return this.updateRequest(input);
      return this.doc.current;
    }
    if (!this.doc.pendingHelp) {
      this.doc.pendingHelp = {
        clientId: randomUUID(),
        topic: input.topic ?? null,
        description: input.description?.trim() || null,
        context: await this.snapshot(),
        createdAt: new Date().toISOString(),
      };
      this.doc.lastClosed = null;
    } else {
      if (input.topic !== undefined) this.doc.pendingHelp.topic = input.topic;
      if (input.description !== undefined) this.doc.pendingHelp.description = input.description?.trim() || null;
    }
    await this.persist();
    await this.serial(() => this.createPending(true));
    return isOpen(this.doc.current) ? this.doc.current : null;
  }

  /** Topic and description after the click. Offline before the request reached the hub, they ride along with it. */
  async updateRequest(input: { topic?: HelpTopic | null; description?: string | null }): Promise<HelpRequest | null> {
    const description = input.description === undefined ? undefined : input.description?.trim() || null;
    if (!isOpen(this.doc.current)) {
      if (!this.doc.pendingHelp) throw new VigieError('CONFLICT', 'Aucune demande en cours.');
      if (input.topic !== undefined) this.doc.pendingHelp.topic = input.topic;
      if (description !== undefined) this.doc.pendingHelp.description = description;
      await this.persist();
      return null;
    }
    const requestId = this.doc.current.id;
    return this.serial(async () => {
      const r = await this.deps.hub.emitAck('help:update', {
        requestId,
        ...(input.topic !== undefined ? { topic: input.topic } : {}),
        ...(description !== undefined ? { description } : {}),
      });
      if (!r.ok) throw new VigieError(r.error.code, r.error.message, r.error.details);
      this.applyRequest(r.data);
      return r.data;
    });
  }

  async cancel(): Promise<void> {
    if (!isOpen(this.doc.current)) {
      if (!this.doc.pendingHelp) return;
      // Never reached the hub: cancelling is local. Messages typed for it go with it.
      const dropped = this.doc.outbox.filter((o) => o.requestId === null).length;
      this.doc.outbox = this.doc.outbox.filter((o) => o.requestId !== null);
      this.doc.pendingHelp = null;
      this.log.info('pending help request cancelled before reaching the hub', { droppedMessages: dropped });
      await this.persist();
      return;
    }
    const requestId = this.doc.current.id;
    await this.serial(async () => {
      const r = await this.deps.hub.emitAck('help:cancel', { requestId });
      if (!r.ok) throw new VigieError(r.error.code, r.error.message, r.error.details);
      this.applyRequest(r.data);
    });
  }

  /** Queued on disk first, then sent; the returned message is 'pending' until the hub acknowledges it. */
  async sendChat(text: string): Promise<LocalChatMessage> {
    const body = text.trim();
    if (!body) throw new VigieError('BAD_REQUEST', 'Message vide.');
    const requestId = isOpen(this.doc.current) ? this.doc.current.id : null;
    if (!requestId && !this.doc.pendingHelp) throw new VigieError('CONFLICT', 'Aucune demande en cours.');
    const item: OutboxItem = { id: randomUUID(), requestId, text: body, sentAt: new Date().toISOString() };
    this.doc.outbox.push(item);
    await this.persist();
    this.kick();
    return { id: item.id, requestId: requestId ?? this.doc.pendingHelp!.clientId, seq: null, author: 'device', authorName: '', text: body, sentAt: item.sentAt, status: 'pending' };
  }

  /** The user saw every message shown: tell the technician (now or after reconnection). */
  async markRead(): Promise<void> {
    const top = this.receiptPoint();
    if (top <= this.doc.readWanted) return;
    this.doc.readWanted = top;
    await this.persist();
    this.kick();
  }

  async setTyping(typing: boolean): Promise<void> {
    const cur = this.doc.current;
    if (!isOpen(cur) || !this.deps.hub.connected) return;
    const r = await this.deps.hub.emitAck('chat:typing', { requestId: cur.id, typing }, 3000);
    if (!r.ok) this.log.debug('typing indicator not sent', { code: r.error.code });
  }

  async dismissClosed(): Promise<void> {
    if (!this.doc.lastClosed) return;
    this.doc.lastClosed = null;
    await this.persist();
  }

  /** Resolves when everything queued so far has been attempted (tests, shutdown). */
  async idle(): Promise<void> {
    let seen: Promise<unknown> | null = null;
    while (seen !== this.chain) {
      seen = this.chain;
      await seen.catch(() => undefined);
    }
  }

  // ---------------------------------------------------------------- sync

  /** Schedules one sync run (coalesced with any run not started yet). */
  kick(): void {
    if (this.syncQueued || this.stopped) return;
    this.syncQueued = true;
    void this.serial(async () => {
      this.syncQueued = false;
      await this.sync();
    }).catch((e) => this.log.error('sync failed', { err: e }));
  }

  private async sync(): Promise<void> {
    const hub = this.deps.hub;
    if (!hub.connected || this.stopped) return;
    if (this.needHello) {
      const hello = await hub.emitAck('device:hello', {});
      if (!hello.ok) return this.transient(hello.error.code, 'device:hello', hello.error.details);
      this.needHello = false;
      this.reconcile(hello.data.current, hello.data.position);
      await this.persist();
    }
    if (!(await this.createPending(false))) return;
    if (this.needChatSync && isOpen(this.doc.current)) {
      this.resync.want([this.doc.current.id]);
      if (!(await this.resync.run())) return; // it schedules its own retry (a kick)
      this.needChatSync = false;
    }
    if (!(await this.flushOutbox())) return;
    if (await this.sendReceipts()) this.failures = 0;
    if (this.needChatSync && isOpen(this.doc.current)) this.kick();
  }

  /** After hello: the hub's view of the open request wins; a request that ended while we were away becomes lastClosed. */
  private reconcile(remote: HelpRequest | null, position: SupportDoc['position']): void {
    const local = this.doc.current;
    if (local && (!remote || remote.id !== local.id)) {
      // Ended while we were away (the hub only reports open requests): show it as closed.
      this.closeLocal(local);
    }
    if (remote) {
      if (this.doc.pendingHelp && this.doc.pendingHelp.clientId !== remote.clientId) {
        this.log.warn('pending help click dropped: the hub already has an open request for this device', { requestId: remote.id });
        this.adoptPendingMessages(remote.id);
      }
      if (this.doc.pendingHelp?.clientId === remote.clientId) this.adoptPendingMessages(remote.id);
      this.doc.pendingHelp = null;
      this.applyRequest(remote, false);
      this.doc.position = remote.status === 'waiting' ? position : null;
    }
  }

  /** Sends the pending help click. Returns false when the hub cannot be reached (stop this run). */
  private async createPending(fromUser: boolean): Promise<boolean> {
    const p = this.doc.pendingHelp;
    if (!p || isOpen(this.doc.current)) return true;
    const r = await this.deps.hub.emitAck('help:create', { clientId: p.clientId, topic: p.topic, description: p.description, context: p.context });
    if (!r.ok) {
      if (isRetryable(r.error.code)) {
        this.transient(r.error.code, 'help:create', r.error.details);
        return false;
      }
      // The hub refused the request itself (bad data, not allowed): keep nothing half-done.
      this.log.error('help request refused by the hub', { code: r.error.code });
      this.doc.pendingHelp = null;
      await this.persist();
      if (fromUser) throw new VigieError(r.error.code, r.error.message, r.error.details);
      return true;
    }
    if (this.doc.pendingHelp?.clientId === p.clientId) this.doc.pendingHelp = null;
    this.adoptPendingMessages(r.data.request.id);
    this.resetChat();
    this.applyRequest(r.data.request, false);
    this.doc.position = r.data.position;
    this.needChatSync = true;
    await this.persist();
    this.kick();
    return true;
  }

  /** Sends the outbox in order; each item leaves the outbox only once the hub acknowledged it. */
  private async flushOutbox(): Promise<boolean> {
    while (this.doc.outbox.length > 0) {
      const item = this.doc.outbox[0]!;
      const requestId = item.requestId ?? (isOpen(this.doc.current) ? this.doc.current.id : null);
      if (!requestId) return true; // waiting for the request itself
      const r = await this.deps.hub.emitAck('chat:send', { requestId, id: item.id, text: item.text, sentAt: item.sentAt });
      if (!r.ok) {
        if (isRetryable(r.error.code)) {
          this.transient(r.error.code, 'chat:send', r.error.details);
          return false;
        }
        // Definitive refusal (the request ended, the text breaks the rules): it can never be delivered.
        this.log.warn('message refused by the hub and removed from the outbox', { code: r.error.code, id: item.id, requestId });
        this.removeFromOutbox(item.id);
        await this.persist();
        continue;
      }
      this.removeFromOutbox(item.id);
      if (r.data.message.requestId === this.doc.current?.id) this.mergeMessage(r.data.message);
      // Our own message numbered past what we hold: something was missed meanwhile.
      if (hasGap(this.doc.messages)) this.needChatSync = true;
      await this.persist();
    }
    return true;
  }

  /** Delivered/read receipts, never past a gap. Returns false when the hub could not be told (a retry is scheduled). */
  private async sendReceipts(): Promise<boolean> {
    const cur = this.doc.current;
    if (!isOpen(cur)) return true;
    const delivered = this.receiptPoint();
    if (delivered > this.doc.deliveredSent) {
      const r = await this.deps.hub.emitAck('chat:receipt', { requestId: cur.id, kind: 'delivered', upToSeq: delivered });
      if (!r.ok) {
        this.transient(r.error.code, 'chat:receipt', r.error.details);
        return false;
      }
      this.doc.deliveredSent = delivered;
      this.doc.receipts = mergeReceipts(this.doc.receipts, r.data);
      await this.persist();
    }
    if (this.doc.readWanted > this.doc.readSent) {
      const upTo = this.doc.readWanted;
      const r = await this.deps.hub.emitAck('chat:receipt', { requestId: cur.id, kind: 'read', upToSeq: upTo });
      if (!r.ok) {
        this.transient(r.error.code, 'chat:receipt', r.error.details);
        return false;
      }
      this.doc.readSent = upTo;
      this.doc.receipts = mergeReceipts(this.doc.receipts, r.data);
      await this.persist();
    }
    return true;
  }

  private transient(code: ErrorCode, what: string, details?: Record<string, unknown>): void {
    this.log.info('hub not reachable right now, will retry', { what, code });
    if (code === 'OFFLINE' || this.stopped) return; // the next 'connected' event runs a sync
    if (code === 'TIMEOUT') this.needHello = true; // something may have been applied without our knowing
    if (this.retryTimer) return;
    const backoff = backoffDelay(this.failures++, { baseMs: this.deps.retryDelayMs ?? 1000, maxMs: 10_000 });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, Math.max(backoff, typeof details?.retryAfterMs === 'number' ? details.retryAfterMs : 0));
    this.retryTimer.unref?.();
  }

  // ---------------------------------------------------------------- pushes

  private onMessage(m: ChatMessage): void {
    if (m.requestId !== this.doc.current?.id) return;
    const isNew = this.mergeMessage(m);
    if (hasGap(this.doc.messages)) this.needChatSync = true; // something was missed: resync from the gap
    if (m.author === 'technician' && isNew) {
      this.setTechnicianTyping(false);
      this.emit('event', { type: 'message', message: m });
    }
    this.save();
    this.kick();
  }

  private onRequestUpdated(r: HelpRequest): void {
    // A request the hub opened for this device by itself (a ransomware tripwire alert) becomes the current one.
    const openedByHub = !isOpen(this.doc.current) && !this.doc.pendingHelp && r.deviceId === this.doc.deviceId && isOpen(r);
    const mine = r.id === this.doc.current?.id || (this.doc.pendingHelp && r.clientId === this.doc.pendingHelp.clientId) || openedByHub;
    if (!mine) return;
    if (this.doc.pendingHelp?.clientId === r.clientId) {
      this.adoptPendingMessages(r.id);
      this.doc.pendingHelp = null;
    }
    this.applyRequest(r);
    this.kick();
  }

  // ---------------------------------------------------------------- state helpers

  /** Applies a newer view of the current request: assignment, closure. */
  private applyRequest(r: HelpRequest, notify = true): void {
    const prev = this.doc.current;
    if (prev && prev.id !== r.id) this.resetChat();
    if (r.status === 'resolved' || r.status === 'cancelled') {
      if (prev?.id === r.id || !prev) this.closeLocal(r);
      this.save();
      if (notify) this.emit('event', { type: 'closed', request: r });
      return;
    }
    this.doc.current = r;
    if (r.status !== 'waiting') this.doc.position = null;
    if (notify && r.status === 'assigned' && r.technician && (prev?.status !== 'assigned' || prev.technician?.id !== r.technician.id)) {
      this.emit('event', { type: 'assigned', request: r });
    }
    this.save();
  }

  private closeLocal(r: HelpRequest): void {
    this.doc.lastClosed = r;
    this.doc.current = null;
    this.doc.position = null;
    this.resetChat();
    this.setTechnicianTyping(false);
  }

  private resetChat(): void {
    this.doc.messages = [];
    this.doc.receipts = null;
    this.doc.deliveredSent = this.doc.readWanted = this.doc.readSent = 0;
  }

  /** Messages typed before the request reached the hub now belong to it. */
  private adoptPendingMessages(requestId: string): void {
    for (const o of this.doc.outbox) if (o.requestId === null) o.requestId = requestId;
  }

  /** Inserts by seq, ignoring a message already held (same id). Returns true when it was new. */
  private mergeMessage(m: ChatMessage): boolean {
    const list = this.doc.messages;
    if (list.some((x) => x.id === m.id)) return false;
    let i = list.length;
    while (i > 0 && list[i - 1]!.seq > m.seq) i--;
    list.splice(i, 0, m);
    if (this.doc.outbox.some((o) => o.id === m.id)) this.removeFromOutbox(m.id);
    return true;
  }

  private removeFromOutbox(id: string): void {
    this.doc.outbox = this.doc.outbox.filter((o) => o.id !== id);
  }

  /** How far delivered/read may claim: the other side's messages (technician, system) held with no gap before them. */
  private receiptPoint(): number {
    return receiptPoint(this.doc.messages, (m) => m.author !== 'device');
  }

  private setTechnicianTyping(typing: boolean): void {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = null;
    if (typing) {
      this.typingTimer = setTimeout(() => this.setTechnicianTyping(false), this.deps.typingTtlMs ?? 15_000);
      this.typingTimer.unref?.();
    }
    if (this.technicianTyping === typing) return;
    this.technicianTyping = typing;
    this.changed();
  }

  private async snapshot(): Promise<ContextSnapshot> {
    const [machine, health, backup] = await Promise.all([
      this.deps.system.read(),
      this.deps.healthSummary ? withTimeout(this.deps.healthSummary(), 2000) : Promise.resolve(undefined),
      this.deps.backupSummary ? withTimeout(this.deps.backupSummary(), 2000) : Promise.resolve(undefined),
    ]);
    return {
      os: machine.os,
      osVersion: machine.osVersion,
      appVersion: this.deps.appVersion,
      ...(machine.model ? { model: machine.model } : {}),
      hostname: machine.hostname,
      locale: this.deps.locale(),
      uptimeSeconds: machine.uptimeSeconds,
      ...(health !== undefined ? { health } : {}),
      ...(backup !== undefined ? { backup } : {}),
    };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Writes in the background (pushes); errors are logged by JsonFile. */
  private save(): void {
    this.changed();
    this.deps.file.save(this.doc).catch(() => undefined);
  }

  /** Writes and waits: used before anything is sent and before answering the user. */
  private async persist(): Promise<void> {
    this.changed();
    await this.deps.file.save(this.doc);
  }

  private changed(): void {
    this.emit('change');
  }

  protected override onListenerError(e: unknown): void {
    this.log.error('support listener failed', { err: e });
  }
}
