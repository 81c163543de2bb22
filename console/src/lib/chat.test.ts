import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatReceipts } from '@vigie/common';
import { chatMessage, uuid } from '@vigie/common/test-support/samples';
import { deliveryState, parseStoredOutbox, pruneOutbox, sendable, timeline, unreadCount, type OutboxItem } from './chat';

const REQ = 'req-1';
const msg = (seq: number, author: ChatMessage['author'] = 'device', id?: string) => chatMessage(seq, author, REQ, id);
function out(id: string, sentAt: string, state: OutboxItem['state'] = 'queued', requestId = REQ): OutboxItem {
  return { id, requestId, text: `t-${id}`, sentAt, state, attempts: 0 };
}
const receipts = (device: [number, number], technician: [number, number] = [0, 0]): ChatReceipts => ({
  requestId: REQ,
  device: { delivered: device[0], read: device[1] },
  technician: { delivered: technician[0], read: technician[1] },
});

describe('outbox', () => {
  it('drops items the hub stored, keeps the others, same array when unchanged', () => {
    const stored = msg(7, 'technician', uuid(900));
    const box = [out(uuid(900), '2025-11-28T10:00:01.000Z'), out(uuid(901), '2025-11-28T10:00:02.000Z')];
    const pruned = pruneOutbox(box, [stored]);
    expect(pruned.map((o) => o.id)).toEqual([uuid(901)]);
    expect(pruneOutbox(pruned, [stored])).toBe(pruned);
  });

  it('sends queued items in the order they were typed, never failed or in-flight ones', () => {
    const box = [
      out('c', '2025-11-28T10:00:03.000Z'),
      out('a', '2025-11-28T10:00:01.000Z'),
      out('b', '2025-11-28T10:00:02.000Z', 'sending'),
      out('d', '2025-11-28T10:00:00.000Z', 'failed'),
    ];
    expect(sendable(box).map((o) => o.id)).toEqual(['a', 'c']);
  });

  it('timeline shows stored messages, then this request pending items once (not those already stored)', () => {
    const stored = msg(1, 'technician', uuid(800));
    const box = [
      out(uuid(800), '2025-11-28T10:00:01.000Z'),
      out('p2', '2025-11-28T10:00:05.000Z'),
      out('p1', '2025-11-28T10:00:04.000Z'),
      out('other', '2025-11-28T10:00:00.000Z', 'queued', 'req-2'),
    ];
    const tl = timeline([stored], box, REQ);
    expect(tl.map((e) => (e.kind === 'message' ? e.message.id : e.item.id))).toEqual([uuid(800), 'p1', 'p2']);
  });

  it('restores a persisted outbox defensively: in-flight becomes queued, junk is dropped', () => {
    const raw = JSON.stringify([
      { id: 'a', requestId: REQ, text: 'hello', sentAt: '2025-11-28T10:00:00.000Z', state: 'sending', attempts: 2 },
      { id: 'b', requestId: REQ, text: 'x', sentAt: '2025-11-28T10:00:01.000Z', state: 'failed', error: 'FORBIDDEN' },
      { id: 3, requestId: REQ },
      null,
    ]);
    expect(parseStoredOutbox(raw)).toEqual([
      { id: 'a', requestId: REQ, text: 'hello', sentAt: '2025-11-28T10:00:00.000Z', state: 'queued', attempts: 2 },
      { id: 'b', requestId: REQ, text: 'x', sentAt: '2025-11-28T10:00:01.000Z', state: 'failed', attempts: 0, error: 'FORBIDDEN' },
    ]);
    expect(parseStoredOutbox('{not json')).toEqual([]);
    expect(parseStoredOutbox('{"a":1}')).toEqual([]);
    expect(parseStoredOutbox(null)).toEqual([]);
  });
});

describe('receipts and unread', () => {
  it('shows sent, delivered, read for my messages from the device cursors', () => {
    expect(deliveryState(3, null)).toBe('sent');
    expect(deliveryState(3, receipts([2, 0]))).toBe('sent');
    expect(deliveryState(3, receipts([3, 0]))).toBe('delivered');
    expect(deliveryState(3, receipts([5, 3]))).toBe('read');
  });

  it('counts device messages after the read cursor only', () => {
    const list = [msg(1), msg(2, 'technician'), msg(3), msg(4, 'system'), msg(5)];
    expect(unreadCount(list, 0)).toBe(3);
    expect(unreadCount(list, 3)).toBe(1);
    expect(unreadCount(list, 5)).toBe(0);
  });
});
