import type { Socket } from 'socket.io';
import { ok, toErr, type ChatReceipts, type Result, type ChatSyncResponse } from '@vigie/common';
import type { z } from 'zod';
import type { Actor } from '../services/actors.js';
import type { Services } from '../services/index.js';
import { rooms, type Realtime } from './realtime.js';

type ChatCtx = { actor: Actor; socket: Socket };
type SyncPage = z.infer<typeof ChatSyncResponse>;

/**
 * Chat events shared by both namespaces (`chat:send`, `chat:sync`, `chat:receipt` and their
 * batched forms). `chat:typing` differs per side and stays with each namespace. A technician who
 * resyncs a conversation it may see follows it from then on (live messages reach this socket).
 */
export function chatHandlers(s: Services, rt: Realtime) {
  const deviceOf = async (actor: Actor, requestId: string): Promise<string | null> =>
    actor.kind === 'device' ? actor.id : ((await s.help.getById(requestId))?.deviceId ?? null);

  const sync = async (input: { requestId: string; afterSeq: number }, { actor, socket }: ChatCtx): Promise<SyncPage> => {
    const page = await s.chat.sync(actor, input);
    if (actor.kind === 'technician') void socket.join(rooms.request(input.requestId));
    return page;
  };

  const receipt = async (
    input: { requestId: string; kind: 'delivered' | 'read'; upToSeq: number },
    { actor }: ChatCtx,
  ): Promise<ChatReceipts> => {
    const { receipts, changed } = await s.chat.receipt(actor, input);
    const deviceId = changed ? await deviceOf(actor, input.requestId) : null;
    if (deviceId) rt.receipts(deviceId, receipts);
    return receipts;
  };

  /** Each item on its own: one conversation refused never fails the others. */
  const each = async <I extends { requestId: string }, T>(
    items: I[],
    fn: (item: I) => Promise<T>,
  ): Promise<Array<{ requestId: string; result: Result<T> }>> => {
    const out: Array<{ requestId: string; result: Result<T> }> = [];
    for (const item of items) {
      try {
        out.push({ requestId: item.requestId, result: ok(await fn(item)) });
      } catch (e) {
        out.push({ requestId: item.requestId, result: toErr(e) });
      }
    }
    return out;
  };

  return {
    'chat:send': async (input: { requestId: string; id: string; text: string; sentAt: string }, { actor }: ChatCtx) => {
      const res = await s.chat.send(actor, input);
      const deviceId = res.duplicate ? null : await deviceOf(actor, input.requestId);
      if (deviceId) rt.chatMessage(deviceId, res.message);
      return res;
    },
    'chat:sync': sync,
    'chat:receipt': receipt,
    'chat:resync': async ({ items }: { items: Array<{ requestId: string; afterSeq: number }> }, ctx: ChatCtx) =>
      each(items, (item) => sync(item, ctx)),
    'chat:receipts': async (
      { items }: { items: Array<{ requestId: string; kind: 'delivered' | 'read'; upToSeq: number }> },
      ctx: ChatCtx,
    ) => each(items, (item) => receipt(item, ctx)),
  };
}
