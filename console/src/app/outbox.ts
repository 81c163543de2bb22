import { LIMITS, backoffDelay, err, isRetryable, type ChatMessage, type Result, type TimerHandle } from '@vigie/common';
import { outboxStep, sendable, type OutboxEvent, type OutboxItem } from '../lib/chat';
import { uuidV4 } from '../lib/uuid';
import { isConnected, type ConsoleCore } from './core';

/** Conversations whose outbox is sent at the same time (each one in the order it was typed). */
const PARALLEL_SENDS = 6;
const outboxKey = (technicianId: string) => `vigie.console.outbox.${technicianId}`;

/**
 * The technician's messages not yet stored by the hub: kept in localStorage per technician, sent
 * in the order typed, each item's lifecycle a pure step (lib/chat.ts outboxStep).
 */
export class ConsoleOutbox {
  /** Conversations whose outbox is being sent right now. */
  private readonly sending = new Set<string>();
  /** The hub asked to slow down: no send before this time. */
  private sendPausedUntil = 0;
  private sendFailures = 0;
  private retryTimer: TimerHandle | null = null;

  constructor(
    private readonly core: ConsoleCore,
    /** A message the hub stored: into its conversation. */
    private readonly stored: (requestId: string, message: ChatMessage) => void,
  ) {}

  /** The outbox this technician left in this browser (sent again once connected). */
  load(technicianId: string): string | null {
    return this.core.deps.storage?.getItem(outboxKey(technicianId)) ?? null;
  }

  persist(): void {
    const { core } = this;
    const tech = core.session.getState().technician;
    if (!tech || !core.deps.storage) return;
    const { outbox } = core.workspace.getState();
    try {
      if (outbox.length === 0) core.deps.storage.removeItem(outboxKey(tech.id));
      else core.deps.storage.setItem(outboxKey(tech.id), JSON.stringify(outbox));
    } catch (e) {
      core.deps.log.warn('outbox not persisted', e);
    }
  }

  stop(): void {
    if (this.retryTimer !== null) this.core.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Queues a message and sends it when connected; it stays in the outbox until the hub stores it. `queued` runs before it leaves. */
  add(requestId: string, text: string, queued?: () => void): Result<OutboxItem> {
    const body = text.trim();
    if (!body) return err('BAD_REQUEST', 'Message vide.');
    if (body.length > LIMITS.chatText) return err('BAD_REQUEST', 'Message trop long.');
    const item: OutboxItem = {
      id: uuidV4(),
      requestId,
      text: body,
      sentAt: new Date(this.core.clock.now()).toISOString(),
      state: 'queued',
      attempts: 0,
    };
    this.core.workspace.setState((s) => ({ outbox: [...s.outbox, item] }));
    queued?.();
    void this.flush();
    return { ok: true, data: item };
  }

  retry(id: string): void {
    this.step(id, { type: 'retry' });
    void this.flush();
  }

  discard(id: string): void {
    this.step(id, { type: 'discard' });
  }

  /** Disconnected: in-flight sends are moot, queued messages wait for the reconnect. */
  disconnected(): void {
    this.core.workspace.setState((s) => ({ outbox: s.outbox.map((o) => outboxStep(o, { type: 'disconnected' }).item!) }));
  }

  /**
   * Sends queued messages: each conversation in the order its messages were typed, several
   * conversations at once (PARALLEL_SENDS), so a reconnect with many busy conversations does not
   * queue them all behind one another. Resolves when nothing more can be sent now.
   */
  async flush(): Promise<void> {
    // While offline, slowed down or waiting for a retry, the next connection or the timer flushes.
    if (!isConnected(this.core) || this.core.clock.now() < this.sendPausedUntil || this.retryTimer !== null) return;
    const pending = new Set(sendable(this.core.workspace.getState().outbox).map((o) => o.requestId));
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
        if (!isConnected(this.core) || this.core.clock.now() < this.sendPausedUntil) return;
        const next = sendable(this.core.workspace.getState().outbox).find((o) => o.requestId === requestId);
        if (!next) return;
        if (await this.attemptSend(next)) return;
      }
    } finally {
      this.sending.delete(requestId);
      // A slot is free: conversations that waited for one go now.
      void this.flush();
    }
  }

  /** One send; true when it should be tried again later (transient failure: a retry is scheduled). */
  private async attemptSend(item: OutboxItem): Promise<boolean> {
    this.step(item.id, { type: 'send' });
    const r = await this.core.deps.client.request('chat:send', {
      requestId: item.requestId,
      id: item.id,
      text: item.text,
      sentAt: item.sentAt,
    });
    if (r.ok) {
      this.sendFailures = 0;
      this.step(item.id, { type: 'stored' });
      this.stored(item.requestId, r.data.message);
      return false;
    }
    const retryable = isRetryable(r.error.code);
    this.step(item.id, { type: 'refused', code: r.error.code, retryable, retryAfterMs: Number(r.error.details?.retryAfterMs ?? 0) });
    return retryable;
  }

  /** One item's step (lib/chat.ts outboxStep), its effects carried out. */
  private step(id: string, event: OutboxEvent): void {
    const item = this.core.workspace.getState().outbox.find((o) => o.id === id);
    if (!item) return;
    const { item: next, effects } = outboxStep(item, event);
    this.core.workspace.setState((s) => ({
      outbox: next ? s.outbox.map((o) => (o.id === id ? next : o)) : s.outbox.filter((o) => o.id !== id),
    }));
    for (const e of effects) {
      // Slowing down is for every conversation, not only this one.
      if (e.type === 'pause-sends') this.sendPausedUntil = this.core.clock.now() + e.ms;
      else this.scheduleRetry(e.ms);
    }
  }

  private scheduleRetry(afterMs: number): void {
    if (this.retryTimer !== null) return;
    const delay = Math.max(afterMs, backoffDelay(this.sendFailures++, { baseMs: 1000, maxMs: 10_000 }));
    this.retryTimer = this.core.clock.setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, delay);
  }
}
