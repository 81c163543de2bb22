import {
  ChatResync,
  VigieError,
  backoffDelay,
  gaplessSeq,
  isRetryable,
  mergeReceipts,
  type Clock,
  type ErrorCode,
  type TimerHandle,
} from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import type { HubConnection } from '../hub/connection.js';
import { flushOutbox, mergeMessage, type OutboxLink } from './outbox.js';
import { sendReceipts } from './receipts.js';
import { isOpen, type RequestEvent } from './request.js';
import type { SupportDoc } from './store.js';

/**
 * The sync routine that brings the hub and the device level, run after every (re)connection and
 * after every local change: hello → create the pending request (same clientId, so never twice) →
 * chat resync from the last seq held without a gap (common/chat-sync) → send the outbox in order
 * until acknowledged (outbox.ts) → receipts, never past a gap (receipts.ts). One run at a time, in
 * the service's queue; a run asked for while one waits is the same run. When the hub cannot be
 * reached, `afterTransient` decides what the next run needs and when it comes.
 */

/** What the sync routine uses of the support service. */
export interface SyncDeps {
  hub: Pick<HubConnection, 'connected' | 'emitAck'>;
  doc(): SupportDoc;
  log: Logger;
  clock: Clock;
  persist(): Promise<void>;
  /** One step of the request's lifecycle (request.ts), its effects applied; false when the event was not ours. */
  request(event: RequestEvent): boolean;
  /** Runs `fn` after everything queued so far (the service's one queue). */
  serial<T>(fn: () => Promise<T>): Promise<T>;
  /** First retry delay after a failure while connected (then jittered back-off up to 10 s). */
  retryDelayMs: number;
}

const RETRY_MAX_MS = 10_000;

/** What a transient failure leaves for the next run. */
export interface TransientStep {
  /** The next run starts with device:hello (a timeout may have been applied without our knowing). */
  needHello: boolean;
  /** Retry in this many ms; null: no timer (offline: the next connection runs a sync; stopped; one is already set). */
  retryInMs: number | null;
}

/** The hub could not be reached for `code`: what the next run needs, and when it comes. Pure. */
export function afterTransient(input: {
  code: ErrorCode;
  stopped: boolean;
  retryPending: boolean;
  /** Failures in a row so far (the back-off's attempt). */
  failures: number;
  /** The hub's own `retryAfterMs` (rate limits), honoured when longer. */
  retryAfterMs?: unknown;
  baseMs: number;
  random?: () => number;
}): TransientStep {
  if (input.code === 'OFFLINE' || input.stopped) return { needHello: false, retryInMs: null };
  const needHello = input.code === 'TIMEOUT';
  if (input.retryPending) return { needHello, retryInMs: null };
  const backoff = backoffDelay(input.failures, {
    baseMs: input.baseMs,
    maxMs: RETRY_MAX_MS,
    ...(input.random ? { random: input.random } : {}),
  });
  return { needHello, retryInMs: Math.max(backoff, typeof input.retryAfterMs === 'number' ? input.retryAfterMs : 0) };
}

export class SupportSync {
  private queued = false;
  /** Set by every (re)connection: the next run starts with device:hello and a full chat:sync. */
  private needHello = true;
  private needChatSync = true;
  private retryTimer: TimerHandle | null = null;
  private failures = 0;
  private stopped = false;
  private readonly resync: ChatResync;
  /** What the outbox and receipts modules use while they send. */
  private readonly link: OutboxLink;

  constructor(private readonly d: SyncDeps) {
    this.link = {
      hub: d.hub,
      doc: d.doc,
      log: d.log,
      persist: d.persist,
      transient: (code, what, details) => this.transient(code, what, details),
      gapSeen: () => this.chatGap(),
    };
    this.resync = new ChatResync({
      fetch: (items) => d.hub.emitAck('chat:resync', { items }),
      cursor: (requestId) => (d.doc().current?.id === requestId ? gaplessSeq(d.doc().messages) : 0),
      apply: async (requestId, page) => {
        const doc = d.doc();
        if (doc.current?.id !== requestId) return;
        for (const m of page.messages) mergeMessage(doc, m);
        doc.receipts = mergeReceipts(doc.receipts, page.receipts);
        await d.persist();
      },
      retry: () => this.kick(),
      log: (message, details) => d.log.info(message, details),
      backoff: { baseMs: d.retryDelayMs, maxMs: RETRY_MAX_MS },
    });
  }

  start(): void {
    this.stopped = false;
    this.resync.resume();
  }

  stop(): void {
    this.stopped = true;
    this.resync.stop();
    if (this.retryTimer !== null) this.d.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** A (re)connection: hello and a full chat sync first, the back-off from scratch, and a run. */
  connected(): void {
    this.needHello = true;
    this.needChatSync = true;
    this.failures = 0;
    this.resync.resume();
    this.kick();
  }

  /** Everything was forgotten (a new enrollment): the next run says hello and fetches the chat again. */
  reset(): void {
    this.needHello = this.needChatSync = true;
  }

  /** Something was missed, or the request changed: its chat is fetched again from the gap. */
  chatGap(): void {
    this.needChatSync = true;
  }

  /** Schedules one run (coalesced with any run not started yet). */
  kick(): void {
    if (this.queued || this.stopped) return;
    this.queued = true;
    void this.d
      .serial(async () => {
        this.queued = false;
        await this.run();
      })
      .catch((e) => this.d.log.error('sync failed', { err: e }));
  }

  /** Sends the pending help click. Returns false when the hub cannot be reached (stop this run). */
  async createPending(fromUser: boolean): Promise<boolean> {
    const doc = this.d.doc();
    const p = doc.pendingHelp;
    if (!p || isOpen(doc.current)) return true;
    const r = await this.d.hub.emitAck('help:create', {
      clientId: p.clientId,
      topic: p.topic,
      description: p.description,
      context: p.context,
    });
    if (!r.ok) {
      if (isRetryable(r.error.code)) {
        this.transient(r.error.code, 'help:create', r.error.details);
        return false;
      }
      // The hub refused the request itself (bad data, not allowed): keep nothing half-done.
      this.d.log.error('help request refused by the hub', { code: r.error.code });
      this.d.request({ type: 'create-refused' });
      await this.d.persist();
      if (fromUser) throw new VigieError(r.error.code, r.error.message, r.error.details);
      return true;
    }
    this.d.request({ type: 'created', clientId: p.clientId, request: r.data.request, position: r.data.position });
    await this.d.persist();
    this.kick();
    return true;
  }

  private async run(): Promise<void> {
    const hub = this.d.hub;
    if (!hub.connected || this.stopped) return;
    if (this.needHello) {
      const hello = await hub.emitAck('device:hello', {});
      if (!hello.ok) return this.transient(hello.error.code, 'device:hello', hello.error.details);
      this.needHello = false;
      // The hub's view of the open request wins; a request that ended while we were away becomes lastClosed.
      this.d.request({ type: 'hello', remote: hello.data.current, position: hello.data.position });
      await this.d.persist();
    }
    if (!(await this.createPending(false))) return;
    const current = () => this.d.doc().current;
    const open = current();
    if (this.needChatSync && isOpen(open)) {
      this.resync.want([open.id]);
      if (!(await this.resync.run())) return; // it schedules its own retry (a kick)
      this.needChatSync = false;
    }
    if (!(await flushOutbox(this.link))) return;
    if (await sendReceipts(this.link)) this.failures = 0;
    if (this.needChatSync && isOpen(current())) this.kick();
  }

  private transient(code: ErrorCode, what: string, details?: Record<string, unknown>): void {
    this.d.log.info('hub not reachable right now, will retry', { what, code });
    const step = afterTransient({
      code,
      stopped: this.stopped,
      retryPending: this.retryTimer !== null,
      failures: this.failures,
      retryAfterMs: details?.retryAfterMs,
      baseMs: this.d.retryDelayMs,
    });
    if (step.needHello) this.needHello = true;
    if (step.retryInMs === null) return;
    this.failures++;
    this.retryTimer = this.d.clock.setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, step.retryInMs);
  }
}
