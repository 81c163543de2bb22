import {
  LIMITS,
  backoffDelay,
  isRetryable,
  mergeReceipts,
  receiptPoint,
  type ChatMessage,
  type ErrorCode,
  type TimerHandle,
} from '@vigie/common';
import { isConnected, patchConversation, type ConsoleCore } from './core';

/** Delivered/read receipts wait this long to leave together (a busy console: a few calls a second, not one per message). */
const RECEIPT_WINDOW_MS = 250;
export const fromDevice = (m: ChatMessage) => m.author === 'device';

/**
 * Delivered and read receipts to the practices: never past a message not held here (common
 * receiptPoint), read only while the tab is visible, several conversations per hub call, at most
 * one call per RECEIPT_WINDOW_MS, retried with back-off.
 */
export class ConsoleReceipts {
  /** Conversations with delivered/read receipts to tell the hub (sent in batches). */
  private readonly wanted = new Set<string>();
  private running: Promise<void> | null = null;
  private timer: TimerHandle | null = null;
  private failures = 0;

  constructor(private readonly core: ConsoleCore) {}

  stop(): void {
    if (this.timer !== null) this.core.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  clear(): void {
    this.wanted.clear();
  }

  /** Tells the practice their messages were read — only when this console tab is actually visible. */
  async markRead(requestId: string): Promise<void> {
    const { core } = this;
    if (!core.deps.isVisible() || !isConnected(core)) return;
    const s = core.workspace.getState();
    const c = s.conversations[requestId];
    if (!c) return;
    // Never past a message not held yet: the practice must not see « lu » on something not shown here.
    const upTo = receiptPoint(c.messages, fromDevice);
    if (upTo <= Math.max(c.receipts?.technician.read ?? 0, s.localRead[requestId] ?? 0)) return;
    core.workspace.setState((st) => ({ localRead: { ...st.localRead, [requestId]: upTo } }));
    this.want(requestId);
    await this.running;
  }

  /** Delivered/read receipts of several conversations leave together (one hub call per batch), once the current batch is answered. */
  want(requestId: string): void {
    this.wanted.add(requestId);
    this.start();
  }

  /** Receipts of messages arriving together leave together: at most one hub call per RECEIPT_WINDOW_MS. */
  private start(): void {
    if (this.running || this.timer !== null) return;
    this.timer = this.core.clock.setTimeout(() => {
      this.timer = null;
      this.running = Promise.resolve().then(() => this.send());
    }, RECEIPT_WINDOW_MS);
  }

  private async send(): Promise<void> {
    const { core } = this;
    try {
      if (this.wanted.size > 0 && isConnected(core)) {
        const s = core.workspace.getState();
        const items: Array<{ requestId: string; kind: 'delivered' | 'read'; upToSeq: number }> = [];
        for (const id of this.wanted) {
          const c = s.conversations[id];
          if (!c) continue;
          const read = s.localRead[id] ?? 0;
          const delivered = receiptPoint(c.messages, fromDevice);
          if (read > (c.receipts?.technician.read ?? 0)) items.push({ requestId: id, kind: 'read', upToSeq: read });
          if (delivered > Math.max(read, c.receipts?.technician.delivered ?? 0))
            items.push({ requestId: id, kind: 'delivered', upToSeq: delivered });
        }
        this.wanted.clear();
        for (let i = 0; i < items.length; i += LIMITS.chatBatch) {
          const batch = items.slice(i, i + LIMITS.chatBatch);
          const r = await core.deps.client.request('chat:receipts', { items: batch });
          const retry = (code: ErrorCode, ids: string[], after = 0) => {
            if (!isRetryable(code)) return;
            for (const id of ids) this.wanted.add(id);
            if (code !== 'OFFLINE') this.retryLater(after);
          };
          if (!r.ok) {
            retry(
              r.error.code,
              batch.map((b) => b.requestId),
              Number(r.error.details?.retryAfterMs ?? 0),
            );
            continue;
          }
          for (const item of r.data) {
            if (item.result.ok) {
              const receipts = item.result.data;
              patchConversation(core, item.requestId, (conv) => ({ receipts: mergeReceipts(conv.receipts, receipts) }));
            } else retry(item.result.error.code, [item.requestId], Number(item.result.error.details?.retryAfterMs ?? 0));
          }
        }
        if (this.timer === null) this.failures = 0; // else a retry is scheduled: the rest waits for it
      }
    } finally {
      this.running = null;
      // What arrived meanwhile goes in the next window (while offline, the next connection's resync asks again).
      if (this.wanted.size > 0 && isConnected(core)) this.start();
    }
  }

  private retryLater(afterMs: number): void {
    if (this.timer !== null) return;
    this.timer = this.core.clock.setTimeout(
      () => {
        this.timer = null;
        this.start();
      },
      Math.max(afterMs, backoffDelay(this.failures++, { baseMs: 1000, maxMs: 10_000 })),
    );
  }
}
