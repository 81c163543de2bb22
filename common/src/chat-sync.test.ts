import { describe, expect, it } from 'vitest';
import {
  ChatResync,
  backoffDelay,
  gaplessSeq,
  hasGap,
  lastSeq,
  mergeMessages,
  mergeReceipts,
  receiptPoint,
  type ResyncFetch,
  type ResyncPage,
} from './chat-sync.js';
import type { ChatMessage, ChatReceipts } from './domain.js';
import { err, ok } from './result.js';
import { chatMessage } from './test-support/samples.js';

const REQ = 'req-1';
const msg = chatMessage;
const receipts = (device: [number, number], technician: [number, number] = [0, 0], requestId = REQ): ChatReceipts => ({
  requestId,
  device: { delivered: device[0], read: device[1] },
  technician: { delivered: technician[0], read: technician[1] },
});

describe('mergeMessages', () => {
  it('adds new messages in seq order and ignores ones already held (same id)', () => {
    const a = msg(1);
    const b = msg(2);
    const c = msg(3);
    const merged = mergeMessages([a, c], [c, b, a]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(new Set(merged.map((m) => m.id)).size).toBe(3);
  });

  it('returns the same array when nothing is new (no re-render)', () => {
    const held = [msg(1), msg(2)];
    expect(mergeMessages(held, [held[1]!])).toBe(held);
    expect(mergeMessages(held, [])).toBe(held);
  });

  it('a resync after a reconnect that overlaps live pushes never doubles a message', () => {
    const live = [msg(1), msg(2), msg(3)];
    const resync = [live[1]!, live[2]!, msg(4), msg(5)];
    const merged = mergeMessages(live, resync);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(lastSeq(merged)).toBe(5);
  });
});

describe('gapless cursor and honest receipts', () => {
  it('the cursor is the last seq held with nothing missing before it', () => {
    expect(gaplessSeq([])).toBe(0);
    expect(gaplessSeq([msg(1), msg(2), msg(3)])).toBe(3);
    // 4 and 5 were sent while reconnecting; 6 came live before the resync.
    const held = [msg(1), msg(2), msg(3), msg(6)];
    expect(gaplessSeq(held)).toBe(3);
    expect(lastSeq(held)).toBe(6);
    expect(hasGap(held)).toBe(true);
    expect(hasGap([msg(1), msg(2)])).toBe(false);
    // Nothing held from the start: everything is missing.
    expect(gaplessSeq([msg(2), msg(3)])).toBe(0);
  });

  it('receipts claim only the other side’s messages held before the first gap', () => {
    const fromTech = (m: ChatMessage) => m.author !== 'device';
    const held = [msg(1, 'technician'), msg(2, 'device'), msg(3, 'system'), msg(4, 'device'), msg(7, 'technician')];
    expect(receiptPoint(held, fromTech)).toBe(3);
    expect(receiptPoint([msg(1, 'device'), msg(2, 'device')], fromTech)).toBe(0);
    expect(receiptPoint([msg(2, 'technician')], fromTech)).toBe(0);
  });

  it('receipts never move backwards on a late one, and read implies delivered', () => {
    const cur = receipts([5, 4], [2, 2]);
    const late = receipts([3, 1], [6, 0]);
    expect(mergeReceipts(cur, late)).toEqual(receipts([5, 4], [6, 2]));
    expect(mergeReceipts(receipts([1, 0]), receipts([0, 3]))).toEqual(receipts([3, 3]));
    expect(mergeReceipts(null, late)).toBe(late);
  });

  it('back-off doubles up to its cap, each delay between half and all of its ceiling', () => {
    const low = [0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, { baseMs: 100, maxMs: 1000, random: () => 0 }));
    expect(low).toEqual([50, 100, 200, 400, 500, 500]);
    const high = [0, 1, 2, 3, 4].map((a) => backoffDelay(a, { baseMs: 100, maxMs: 1000, random: () => 0.999999 }));
    expect(high).toEqual([100, 200, 400, 800, 1000]);
  });
});

/** A hub holding conversations as arrays of messages, answering chat:resync pages of `page` messages. */
function fakeHub(conversations: Record<string, ChatMessage[]>, page = 2) {
  const calls: Array<Array<{ requestId: string; afterSeq: number }>> = [];
  const failures: Array<'whole' | { requestId: string; code: 'FORBIDDEN' | 'RATE_LIMITED' }> = [];
  const fetch: ResyncFetch = async (items) => {
    calls.push(items);
    const f = failures.shift();
    if (f === 'whole') return err('TIMEOUT', 'no answer');
    return ok(
      items.map(({ requestId, afterSeq }) => {
        if (f && f.requestId === requestId) return { requestId, result: err(f.code, 'refused') };
        const all = (conversations[requestId] ?? []).filter((m) => m.seq > afterSeq);
        const result: ResyncPage = { messages: all.slice(0, page), receipts: receipts([0, 0], [0, 0], requestId), more: all.length > page };
        return { requestId, result: ok(result) };
      }),
    );
  };
  return { fetch, calls, failures };
}

function client(hub: ReturnType<typeof fakeHub>, opts: { retry?: () => void; batchSize?: number } = {}) {
  const held: Record<string, ChatMessage[]> = {};
  const dropped: string[] = [];
  const resync = new ChatResync({
    fetch: hub.fetch,
    cursor: (id) => gaplessSeq(held[id] ?? []),
    apply: (id, p) => {
      held[id] = mergeMessages(held[id] ?? [], p.messages);
    },
    drop: (id) => dropped.push(id),
    backoff: { baseMs: 1, maxMs: 2 },
    ...opts,
  });
  return { resync, held, dropped };
}

describe('ChatResync', () => {
  it('resyncs several conversations per call, page after page, from each gapless cursor', async () => {
    const a = [1, 2, 3, 4, 5].map((s) => msg(s, 'device', 'a'));
    const b = [1, 2, 3].map((s) => msg(s, 'technician', 'b'));
    const hub = fakeHub({ a, b });
    const c = client(hub);
    // "a" holds 1 and 4 (4 arrived live before the resync): it must ask from 1, not from 4.
    c.held.a = [a[0]!, a[3]!];
    c.resync.want(['a', 'b']);
    expect(await c.resync.run()).toBe(true);
    expect(hub.calls[0]).toEqual([
      { requestId: 'a', afterSeq: 1 },
      { requestId: 'b', afterSeq: 0 },
    ]);
    expect(c.held.a!.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(c.held.b!.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(c.resync.isWanted('a') || c.resync.isWanted('b')).toBe(false);
  });

  it('batches by batchSize', async () => {
    const convs = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((id) => [id, [msg(1, 'device', id)]]));
    const hub = fakeHub(convs);
    const c = client(hub, { batchSize: 2 });
    c.resync.want(Object.keys(convs));
    expect(await c.resync.run()).toBe(true);
    expect(hub.calls.map((x) => x.length)).toEqual([2, 2, 1]);
  });

  it('a failed resync is retried with back-off, never dropped', async () => {
    const hub = fakeHub({ a: [msg(1, 'device', 'a'), msg(2, 'device', 'a')] });
    hub.failures.push('whole', { requestId: 'a', code: 'RATE_LIMITED' });
    let retried!: () => void;
    const retries = new Promise<void>((resolve) => (retried = resolve));
    let count = 0;
    const c = client(hub, {
      retry: () => {
        count++;
        void c.resync.run().then((done) => done && retried());
      },
    });
    c.resync.want(['a']);
    expect(await c.resync.run()).toBe(false);
    expect(c.resync.isWanted('a')).toBe(true);
    await retries;
    expect(count).toBe(2);
    expect(c.held.a!.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('a conversation the hub refuses for good is dropped, the others go on', async () => {
    const hub = fakeHub({ a: [msg(1, 'device', 'a')], b: [msg(1, 'device', 'b')] });
    hub.failures.push({ requestId: 'a', code: 'FORBIDDEN' });
    const c = client(hub);
    c.resync.want(['a', 'b']);
    expect(await c.resync.run()).toBe(true);
    expect(c.dropped).toEqual(['a']);
    expect(c.held.b).toHaveLength(1);
  });

  it('a want() that arrives while its conversation is on the way is not lost', async () => {
    const a = [msg(1, 'device', 'a'), msg(2, 'device', 'a'), msg(3, 'device', 'a')];
    const served: ChatMessage[] = [a[0]!];
    const hub = fakeHub({ a: served });
    const fetch = hub.fetch;
    let first = true;
    const wrapped: ResyncFetch = async (items) => {
      const r = await fetch(items);
      if (first) {
        first = false;
        // Meanwhile 2 and 3 were stored and 3 arrived live, revealing a gap.
        served.push(a[1]!, a[2]!);
        c.held.a = mergeMessages(c.held.a ?? [], [a[2]!]);
        c.resync.want(['a']);
      }
      return r;
    };
    const c = client({ ...hub, fetch: wrapped });
    c.resync.want(['a']);
    expect(await c.resync.run()).toBe(true);
    expect(c.held.a!.map((m) => m.seq)).toEqual([1, 2, 3]);
  });
});
