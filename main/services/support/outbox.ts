import { hasGap, isRetryable, type ChatMessage, type ErrorCode, type LocalChatMessage } from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import type { HubConnection } from '../hub/connection.js';
import { isOpen } from './request.js';
import type { OutboxItem, SupportDoc } from './store.js';

/**
 * The chat held on this device: the messages the hub numbered (by seq), and the outbox — the
 * messages the user sent that the hub has not acknowledged: on disk first, sent in order,
 * each leaving the outbox only once acknowledged (the hub dedups by message id). Messages typed
 * before the request reached the hub wait with `requestId: null` and are adopted by it.
 */

/** What the outbox needs of the support service while it sends. */
export interface OutboxLink {
  hub: Pick<HubConnection, 'emitAck'>;
  doc(): SupportDoc;
  log: Logger;
  persist(): Promise<void>;
  /** The hub cannot be reached right now: a retry is scheduled. */
  transient(code: ErrorCode, what: string, details?: Record<string, unknown>): void;
  /** Something was missed meanwhile: the chat must be fetched again from the gap. */
  gapSeen(): void;
}

export function adoptPendingMessages(outbox: OutboxItem[], requestId: string): void {
  for (const o of outbox) if (o.requestId === null) o.requestId = requestId;
}

/** Drops the messages typed for a click that will never reach the hub; answers how many. */
export function dropPendingMessages(doc: SupportDoc): number {
  const dropped = doc.outbox.filter((o) => o.requestId === null).length;
  doc.outbox = doc.outbox.filter((o) => o.requestId !== null);
  return dropped;
}

/** Inserts a message the hub numbered by seq, ignoring one already held (same id); it leaves the outbox. Returns true when it was new. */
export function mergeMessage(doc: SupportDoc, m: ChatMessage): boolean {
  const list = doc.messages;
  if (list.some((x) => x.id === m.id)) return false;
  let i = list.length;
  while (i > 0 && list[i - 1]!.seq > m.seq) i--;
  list.splice(i, 0, m);
  if (doc.outbox.some((o) => o.id === m.id)) removeFromOutbox(doc, m.id);
  return true;
}

/** Another request (or none): the chat held so far, and what was said of it, is not its chat. */
export function resetChat(doc: SupportDoc): void {
  doc.messages = [];
  doc.receipts = null;
  doc.deliveredSent = doc.readWanted = doc.readSent = 0;
}

export function removeFromOutbox(doc: SupportDoc, id: string): void {
  doc.outbox = doc.outbox.filter((o) => o.id !== id);
}

/** The outbox as chat lines ('pending'), for the request shown (the open one, else the pending click). */
export function pendingMessages(d: SupportDoc): LocalChatMessage[] {
  const visiblePendingId = d.current?.id ?? d.pendingHelp?.clientId ?? null;
  if (visiblePendingId === null) return [];
  return d.outbox
    .filter((o) => (o.requestId ?? d.pendingHelp?.clientId ?? null) === visiblePendingId)
    .map((o) => ({
      id: o.id,
      requestId: o.requestId ?? visiblePendingId,
      seq: null,
      author: 'device',
      authorName: '',
      text: o.text,
      sentAt: o.sentAt,
      status: 'pending',
    }));
}

/** Sends the outbox in order. Returns false when the hub cannot be reached (stop this run). */
export async function flushOutbox(link: OutboxLink): Promise<boolean> {
  for (;;) {
    const doc = link.doc();
    const item = doc.outbox[0];
    if (!item) return true;
    const requestId = item.requestId ?? (isOpen(doc.current) ? doc.current.id : null);
    if (!requestId) return true; // waiting for the request itself
    const r = await link.hub.emitAck('chat:send', { requestId, id: item.id, text: item.text, sentAt: item.sentAt });
    if (!r.ok) {
      if (isRetryable(r.error.code)) {
        link.transient(r.error.code, 'chat:send', r.error.details);
        return false;
      }
      // Definitive refusal (the request ended, the text breaks the rules): it can never be delivered.
      link.log.warn('message refused by the hub and removed from the outbox', { code: r.error.code, id: item.id, requestId });
      removeFromOutbox(link.doc(), item.id);
      await link.persist();
      continue;
    }
    removeFromOutbox(link.doc(), item.id);
    if (r.data.message.requestId === link.doc().current?.id) mergeMessage(link.doc(), r.data.message);
    // Our own message numbered past what we hold: something was missed meanwhile.
    if (hasGap(link.doc().messages)) link.gapSeen();
    await link.persist();
  }
}
