import type { ChatMessage, ChatReceipts, ErrorCode } from '@vigie/common';

/**
 * Pure chat bookkeeping shared by the workspace store and its tests: merging hub messages without
 * doubles, the outbox of messages typed but not yet stored by the hub, receipts and unread counts.
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

/** Errors after which resending the same message can still succeed later. */
export const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['OFFLINE', 'TIMEOUT', 'RATE_LIMITED', 'INTERNAL', 'UNAUTHORIZED']);

/**
 * Messages of `existing` plus those of `incoming` not already held (same id = same message),
 * ordered by hub seq. Returns `existing` itself when nothing is new, so React can skip a render.
 */
export function mergeMessages(existing: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return existing as ChatMessage[];
  const byId = new Map(existing.map((m) => [m.id, m]));
  let changed = false;
  for (const m of incoming) {
    if (!byId.has(m.id)) {
      byId.set(m.id, m);
      changed = true;
    }
  }
  if (!changed) return existing as ChatMessage[];
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** Highest hub seq held: the cursor for `chat:sync` after a reconnect. */
export function lastSeq(messages: readonly ChatMessage[]): number {
  let max = 0;
  for (const m of messages) if (m.seq > max) max = m.seq;
  return max;
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

/** Receipts only move forward: a late or replayed receipt never hides a "read" already shown. */
export function mergeReceipts(current: ChatReceipts | null, next: ChatReceipts): ChatReceipts {
  if (!current || current.requestId !== next.requestId) return next;
  return {
    requestId: next.requestId,
    device: {
      delivered: Math.max(current.device.delivered, next.device.delivered, next.device.read, current.device.read),
      read: Math.max(current.device.read, next.device.read),
    },
    technician: {
      delivered: Math.max(current.technician.delivered, next.technician.delivered, next.technician.read, current.technician.read),
      read: Math.max(current.technician.read, next.technician.read),
    },
  };
}

export type DeliveryState = 'pending' | 'queued' | 'failed' | 'sent' | 'delivered' | 'read';

/** What the technician sees under one of their own messages. */
export function deliveryState(seq: number, receipts: ChatReceipts | null): Exclude<DeliveryState, 'pending' | 'queued' | 'failed'> {
  if (!receipts) return 'sent';
  if (receipts.device.read >= seq) return 'read';
  if (receipts.device.delivered >= seq) return 'delivered';
  return 'sent';
}

export type TimelineEntry =
  | { kind: 'message'; message: ChatMessage }
  | { kind: 'pending'; item: OutboxItem };

/** Stored messages in hub order, then this request's pending outbox items in the order they were typed. */
export function timeline(messages: readonly ChatMessage[], outbox: readonly OutboxItem[], requestId: string): TimelineEntry[] {
  const stored = new Set(messages.map((m) => m.id));
  const pending = outbox
    .filter((o) => o.requestId === requestId && !stored.has(o.id))
    .sort((a, b) => a.sentAt.localeCompare(b.sentAt));
  return [...messages.map((message) => ({ kind: 'message' as const, message })), ...pending.map((item) => ({ kind: 'pending' as const, item }))];
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
    const item: OutboxItem = { id: o.id, requestId: o.requestId, text: o.text, sentAt: o.sentAt, state, attempts: typeof o.attempts === 'number' ? o.attempts : 0 };
    if (state === 'failed' && typeof o.error === 'string') item.error = o.error as ErrorCode;
    out.push(item);
  }
  return out;
}
