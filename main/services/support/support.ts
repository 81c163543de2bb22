import { randomUUID } from 'node:crypto';
import {
  VigieError,
  hasGap,
  mergeReceipts,
  systemClock,
  type BackupSummary,
  type Clock,
  type ChatMessage,
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
import { adoptPendingMessages, dropPendingMessages, mergeMessage, resetChat } from './outbox.js';
import { deviceReceiptPoint } from './receipts.js';
import { isOpen, requestTransition, type RequestEvent } from './request.js';
import { emptyDoc, type OutboxItem, type SupportDoc } from './store.js';
import { SupportSync } from './sync.js';
import { TechnicianTyping } from './typing.js';
import { supportView } from './view.js';
import { contextSnapshot } from './context.js';

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
  clock?: Clock;
}

/** Something the user may want to be told about (the app turns these into notifications). */
export type SupportEvent =
  { type: 'assigned'; request: HelpRequest } | { type: 'message'; message: ChatMessage } | { type: 'closed'; request: HelpRequest };

type SupportEvents = { change: []; event: [SupportEvent] };

/**
 * Help requests and chat for this device: the user's actions and the hub's pushes (here), the
 * sync routine (sync.ts), the request's lifecycle (request.ts, a pure transition), the outbox
 * (outbox.ts), receipts (receipts.ts), the technician's typing indicator (typing.ts); the chat
 * resync is common/chat-sync's ChatResync.
 *
 * Everything that must not be lost (the help click made offline, messages not yet acknowledged)
 * is written to support.json before anything is sent. A single sync routine, run after every
 * (re)connection and after every local change, brings the hub and the device level (sync.ts).
 */
export class SupportService extends Emitter<SupportEvents> {
  private doc: SupportDoc = emptyDoc(null);
  private readonly log: Logger;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly typing: TechnicianTyping;
  private readonly clock: Clock;
  private readonly sync: SupportSync;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly deps: SupportDeps) {
    super();
    this.log = deps.logger.child({ svc: 'support' });
    this.clock = deps.clock ?? systemClock;
    this.typing = new TechnicianTyping(() => this.changed(), deps.typingTtlMs ?? 15_000, this.clock);
    this.sync = new SupportSync({
      hub: deps.hub,
      doc: () => this.doc,
      log: this.log,
      clock: this.clock,
      persist: () => this.persist(),
      request: (event) => this.request(event),
      serial: (fn) => this.serial(fn),
      retryDelayMs: deps.retryDelayMs ?? 1000,
    });
  }

  /** Loads support.json (a different enrollment starts fresh) and listens to the hub. */
  async start(deviceId: string | null): Promise<void> {
    this.sync.start();
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
      hub.on('connected', () => this.sync.connected()),
      hub.on('state', (st) => {
        // Offline, nobody can be seen typing.
        if (st !== 'online') this.typing.set(false);
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
        this.typing.set(t.typing);
      }),
      hub.onPush('help:updated', (r) => {
        if (!this.request({ type: 'updated', request: r, source: 'push' })) return;
        this.save();
        this.kick();
      }),
      hub.onPush('help:position', (p) => {
        if (this.request({ type: 'position', position: p })) this.save();
      }),
    );
    this.changed();
    if (hub.connected) this.kick();
  }

  async stop(): Promise<void> {
    this.sync.stop();
    for (const u of this.unsubscribe.splice(0)) u();
    this.typing.stop();
    await this.chain.catch(() => undefined);
    await this.deps.file.flush();
  }

  /** Forgets everything (the device was revoked or enrolled anew). */
  async reset(deviceId: string | null): Promise<void> {
    if (this.doc.outbox.length || this.doc.pendingHelp) {
      this.log.warn('support data dropped with the enrollment', { outbox: this.doc.outbox.length, pendingHelp: !!this.doc.pendingHelp });
    }
    this.doc = emptyDoc(deviceId);
    this.sync.reset();
    this.typing.set(false);
    await this.persist();
  }

  state(): SupportState {
    return supportView(this.doc, this.deps.hub.state, this.typing.typing);
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
      const pending = {
        clientId: randomUUID(),
        topic: input.topic ?? null,
        description: input.description?.trim() || null,
        context: await contextSnapshot(this.deps),
        createdAt: new Date(this.clock.now()).toISOString(),
      };
      this.request({ type: 'click', pending });
    } else {
      this.request({
        type: 'edit-pending',
        ...(input.topic !== undefined ? { topic: input.topic } : {}),
        ...(input.description !== undefined ? { description: input.description?.trim() || null } : {}),
      });
    }
    await this.persist();
    await this.serial(() => this.sync.createPending(true));
    return isOpen(this.doc.current) ? this.doc.current : null;
  }

  /** Topic and description after the click. Offline before the request reached the hub, they ride along with it. */
  async updateRequest(input: { topic?: HelpTopic | null; description?: string | null }): Promise<HelpRequest | null> {
    const description = input.description === undefined ? undefined : input.description?.trim() || null;
    if (!isOpen(this.doc.current)) {
      if (
        !this.request({
          type: 'edit-pending',
          ...(input.topic !== undefined ? { topic: input.topic } : {}),
          ...(description !== undefined ? { description } : {}),
        })
      ) {
        throw new VigieError('CONFLICT', 'Aucune demande en cours.');
      }
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
      this.request({ type: 'updated', request: r.data, source: 'answer' });
      this.save();
      return r.data;
    });
  }

  async cancel(): Promise<void> {
    if (!isOpen(this.doc.current)) {
      // Never reached the hub: cancelling is local. Messages typed for it go with it.
      if (this.request({ type: 'cancel-local' })) await this.persist();
      return;
    }
    const requestId = this.doc.current.id;
    await this.serial(async () => {
      const r = await this.deps.hub.emitAck('help:cancel', { requestId });
      if (!r.ok) throw new VigieError(r.error.code, r.error.message, r.error.details);
      this.request({ type: 'updated', request: r.data, source: 'answer' });
      this.save();
    });
  }

  /** Queued on disk first, then sent; the returned message is 'pending' until the hub acknowledges it. */
  async sendChat(text: string): Promise<LocalChatMessage> {
    const body = text.trim();
    if (!body) throw new VigieError('BAD_REQUEST', 'Message vide.');
    const requestId = isOpen(this.doc.current) ? this.doc.current.id : null;
    if (!requestId && !this.doc.pendingHelp) throw new VigieError('CONFLICT', 'Aucune demande en cours.');
    const item: OutboxItem = { id: randomUUID(), requestId, text: body, sentAt: new Date(this.clock.now()).toISOString() };
    this.doc.outbox.push(item);
    await this.persist();
    this.kick();
    return {
      id: item.id,
      requestId: requestId ?? this.doc.pendingHelp!.clientId,
      seq: null,
      author: 'device',
      authorName: '',
      text: body,
      sentAt: item.sentAt,
      status: 'pending',
    };
  }

  /** The user saw every message shown: tell the technician (now or after reconnection). */
  async markRead(): Promise<void> {
    const top = deviceReceiptPoint(this.doc);
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
    if (this.request({ type: 'dismiss-closed' })) await this.persist();
  }

  /** Resolves when everything queued so far has been attempted (tests, shutdown). */
  async idle(): Promise<void> {
    let seen: Promise<unknown> | null = null;
    while (seen !== this.chain) {
      seen = this.chain;
      await seen.catch(() => undefined);
    }
  }

  /** Schedules one sync run (coalesced with any run not started yet). */
  kick(): void {
    this.sync.kick();
  }

  // ---------------------------------------------------------------- pushes

  private onMessage(m: ChatMessage): void {
    if (m.requestId !== this.doc.current?.id) return;
    const isNew = mergeMessage(this.doc, m);
    if (hasGap(this.doc.messages)) this.sync.chatGap(); // something was missed: resync from the gap
    if (m.author === 'technician' && isNew) {
      this.typing.set(false);
      this.emit('event', { type: 'message', message: m });
    }
    this.save();
    this.kick();
  }

  // ---------------------------------------------------------------- state helpers

  /** One step of the request's lifecycle (request.ts), its effects applied. Returns false when the event was not ours. */
  private request(event: RequestEvent): boolean {
    const step = requestTransition(this.doc, event);
    if (!step.handled) return false;
    Object.assign(this.doc, step.state);
    for (const e of step.effects) {
      if (e.type === 'adopt-pending-messages') adoptPendingMessages(this.doc.outbox, e.requestId);
      else if (e.type === 'drop-pending-messages')
        this.log.info('pending help request cancelled before reaching the hub', { droppedMessages: dropPendingMessages(this.doc) });
      else if (e.type === 'reset-chat') resetChat(this.doc);
      else if (e.type === 'typing-off') this.typing.set(false);
      else if (e.type === 'sync-chat') this.sync.chatGap();
      else if (e.type === 'notify') this.emit('event', e.event);
      else this.log.warn('pending help click dropped: the hub already has an open request for this device', { requestId: e.requestId });
    }
    return true;
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
