import { mergeReceipts, receiptPoint, type ErrorCode, type LocalChatMessage } from '@vigie/common';
import type { HubConnection } from '../hub/connection.js';
import { isOpen } from './request.js';
import type { SupportDoc } from './store.js';

/**
 * Delivered / read, both ways. The device claims delivered (and read, once the user saw them) only
 * up to the technician's messages it holds with no gap before them; the technician's receipts
 * turn our messages from 'sent' to 'delivered' and 'read'.
 */

/** How far delivered/read may claim: the other side's messages (technician, system) held with no gap before them. */
export function deviceReceiptPoint(doc: SupportDoc): number {
  return receiptPoint(doc.messages, (m) => m.author !== 'device');
}

/** The stored messages with their status, as the chat shows them. */
export function storedMessages(d: SupportDoc): LocalChatMessage[] {
  const techRead = d.receipts?.technician.read ?? 0;
  const techDelivered = d.receipts?.technician.delivered ?? 0;
  const deviceRead = Math.max(d.receipts?.device.read ?? 0, d.readSent);
  return d.messages.map((m) => ({
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
}

/** Delivered/read receipts, never past a gap. Returns false when the hub could not be told (a retry is scheduled). */
export async function sendReceipts(link: {
  hub: Pick<HubConnection, 'emitAck'>;
  doc(): SupportDoc;
  persist(): Promise<void>;
  transient(code: ErrorCode, what: string, details?: Record<string, unknown>): void;
}): Promise<boolean> {
  const cur = link.doc().current;
  if (!isOpen(cur)) return true;
  const tell = async (kind: 'delivered' | 'read', upToSeq: number): Promise<boolean> => {
    const r = await link.hub.emitAck('chat:receipt', { requestId: cur.id, kind, upToSeq });
    if (!r.ok) {
      link.transient(r.error.code, 'chat:receipt', r.error.details);
      return false;
    }
    const doc = link.doc();
    if (kind === 'delivered') doc.deliveredSent = upToSeq;
    else doc.readSent = upToSeq;
    doc.receipts = mergeReceipts(doc.receipts, r.data);
    await link.persist();
    return true;
  };
  const delivered = deviceReceiptPoint(link.doc());
  if (delivered > link.doc().deliveredSent && !(await tell('delivered', delivered))) return false;
  const { readWanted, readSent } = link.doc();
  if (readWanted > readSent && !(await tell('read', readWanted))) return false;
  return true;
}
