import type { ChatMessage, ChatReceipts, ErrorCode } from '@vigie/common';

/**
 * The console's side of chat bookkeeping: the outbox of messages typed but not yet stored by the
 * hub, delivery marks and unread counts. Merging, cursors and receipts are shared with the app
 * (common/chat-sync).
 */

export type OutboxState = 'sending' | 'queued' | 'failed';

/** A message the technician sent that the hub has not acknowledged yet. `id` is the client UUID. */
export interface OutboxItem {
  id: string;
  requestId: string;
  text: string;
  sentAt: string;
  state: OutboxState;
  attempts: number;
  /** Why the last attempt failed for good (FORBIDDEN, CONFLICT…); absent while it may still go. */
  error?: ErrorCode;
}

/** Drops from the outbox every item the hub has stored (its id is among `messages`). */
export function pruneOutbox(outbox: readonly OutboxItem[], messages: readonly ChatMessage[]): OutboxItem[] {
  if (outbox.length === 0) return outbox as OutboxItem[];
  const stored = new Set(messages.map((m) => m.id));
  const kept = outbox.filter((o) => !stored.has(o.id));
  return kept.length === outbox.length ? (outbox as OutboxItem[]) : kept;
}

/** Device messages the technician has not read yet. */
export function unreadCount(messages: readonly ChatMessage[], readSeq: number): number {
  let n = 0;
  for (const m of messages) if (m.author === 'device' && m.seq > readSeq) n++;
  return n;
}

export type DeliveryState = 'pending' | 'queued' | 'failed' | 'sent' | 'delivered' | 'read';

/** What the technician sees under one of their own messages. */
export function deliveryState(seq: number, receipts: ChatReceipts | null): Exclude<DeliveryState, 'pending' | 'queued' | 'failed'> {
  if (!receipts) return 'sent';
  if (receipts.device.read >= seq) return 'read';
  if (receipts.device.delivered >= seq) return 'delivered';
  return 'sent';
}

export type TimelineEntry = { kind: 'message'; message: ChatMessage } | { kind: 'pending'; item: OutboxItem };

/** Stored messages in hub order, then this request's pending outbox items in the order they were typed. */
export function timeline(messages: readonly ChatMessage[], outbox: readonly OutboxItem[], requestId: string): TimelineEntry[] {
  const stored = new Set(messages.map((m) => m.id));
  const pending = outbox.filter((o) => o.requestId === requestId && !stored.has(o.id)).sort((a, b) => a.sentAt.localeCompare(b.sentAt));
  return [
    ...messages.map((message) => ({ kind: 'message' as const, message })),
    ...pending.map((item) => ({ kind: 'pending' as const, item })),
  ];
}

/** Outbox items worth sending now: queued ones (after a disconnect) and ones whose send never answered. */
export function sendable(outbox: readonly OutboxItem[]): OutboxItem[] {
  return outbox.filter((o) => o.state === 'queued').sort((a, b) => a.sentAt.localeCompare(b.sentAt));
}

/** Reads a persisted outbox defensively: anything malformed is dropped, never thrown. */
export function parseStoredOutbox(raw: string | null): OutboxItem[] {
  if (!raw) return [];
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const out: OutboxItem[] = [];
  for (const x of data) {
    if (!x || typeof x !== 'object') continue;
    const o = x as Record<string, unknown>;
    if (typeof o.id !== 'string' || typeof o.requestId !== 'string' || typeof o.text !== 'string' || typeof o.sentAt !== 'string') continue;
    const state: OutboxState = o.state === 'failed' ? 'failed' : 'queued';
    const item: OutboxItem = {
      id: o.id,
      requestId: o.requestId,
      text: o.text,
      sentAt: o.sentAt,
      state,
      attempts: typeof o.attempts === 'number' ? o.attempts : 0,
    };
    if (state === 'failed' && typeof o.error === 'string') item.error = o.error as ErrorCode;
    out.push(item);
  }
  return out;
}

/**
 * One outbox item's lifecycle, pure:
 *
 *   queued ──send──▶ sending ──stored──▶ (gone: the hub holds it)
 *     ▲                 │ transient refusal (offline, slow down, busy) → queued, a retry later
 *     │                 │ definitive refusal → failed (shown with its reason)
 *     └──retry / disconnected──┘  failed ──discard──▶ (gone)
 */
export type OutboxEvent =
  | { type: 'send' }
  | { type: 'stored' }
  | { type: 'refused'; code: ErrorCode; retryable: boolean; retryAfterMs: number }
  | { type: 'retry' }
  | { type: 'disconnected' }
  | { type: 'discard' };

export type OutboxEffect =
  /** No send to the hub before `ms` from now, for any conversation (the hub asked to slow down). */
  | { type: 'pause-sends'; ms: number }
  /** Try the outbox again after `ms` at least (with back-off). */
  | { type: 'retry-later'; ms: number };

export function outboxStep(item: OutboxItem, e: OutboxEvent): { item: OutboxItem | null; effects: OutboxEffect[] } {
  switch (e.type) {
    case 'send':
      return { item: { ...item, state: 'sending', attempts: item.attempts + 1 }, effects: [] };
    case 'stored':
    case 'discard':
      return { item: null, effects: [] };
    case 'retry':
      return { item: { ...item, state: 'queued', error: undefined }, effects: [] };
    case 'disconnected':
      return { item: item.state === 'sending' ? { ...item, state: 'queued' } : item, effects: [] };
    case 'refused': {
      if (!e.retryable) return { item: { ...item, state: 'failed', error: e.code }, effects: [] };
      const effects: OutboxEffect[] = [];
      if (e.code === 'RATE_LIMITED') effects.push({ type: 'pause-sends', ms: e.retryAfterMs });
      // Offline: the next connection flushes, no timer.
      if (e.code !== 'OFFLINE') effects.push({ type: 'retry-later', ms: e.retryAfterMs });
      return { item: { ...item, state: 'queued' }, effects };
    }
  }
}
