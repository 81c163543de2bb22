import {
  LIMITS,
  SystemMessageRef,
  VigieError,
  type ChatAuthor,
  type ChatMessage,
  type ChatReceipts,
  type HelpRequest,
  type ReceiptKind,
} from '@vigie/common';
import type { Db, Executor } from '../store/db.js';
import { isUniqueViolation, lockRow } from '../store/dialect.js';
import type { ChatMessageTable } from '../store/schema.js';
import { nowIso } from '../util.js';
import type { Actor } from './actors.js';

type MessageRow = Omit<ChatMessageTable, 'author_id'>;

/** A system line's key and parameters as stored; a row that does not read back as one keeps its text only. */
function systemOf(r: Pick<MessageRow, 'system_key' | 'system_params'>): SystemMessageRef | undefined {
  if (r.system_key === null) return undefined;
  let params: unknown;
  try {
    params = r.system_params === null ? {} : JSON.parse(r.system_params);
  } catch {
    return undefined;
  }
  const parsed = SystemMessageRef.safeParse({ key: r.system_key, params });
  return parsed.success ? parsed.data : undefined;
}

const toMessage = (r: MessageRow): ChatMessage => {
  const system = systemOf(r);
  return {
    id: r.id,
    requestId: r.request_id,
    seq: Number(r.seq),
    author: r.author as ChatAuthor,
    authorName: r.author_name,
    text: r.text,
    ...(system ? { system } : {}),
    sentAt: r.sent_at,
    createdAt: r.created_at,
  };
};

/**
 * Stores a message with the next seq of its request. Call inside a transaction. The seq is taken
 * by one atomic `update … set last_seq = last_seq + 1 … returning`: concurrent senders (on any hub
 * node) wait on the request's row and each gets its own number, none skipped, none twice.
 */
export async function insertMessage(
  trx: Executor,
  m: {
    id: string;
    requestId: string;
    author: ChatAuthor;
    authorId: string | null;
    authorName: string;
    text: string;
    sentAt?: string;
    system?: SystemMessageRef;
  },
): Promise<ChatMessage> {
  const req = await trx
    .updateTable('help_requests')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', m.requestId)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  const seq = Number(req.last_seq);
  const createdAt = nowIso();
  const row = {
    id: m.id,
    request_id: m.requestId,
    seq,
    author: m.author,
    author_id: m.authorId,
    author_name: m.authorName,
    text: m.text,
    sent_at: m.sentAt ?? createdAt,
    created_at: createdAt,
    // Only the hub's own lines carry a key: a person's message is their text, whatever they send.
    system_key: m.author === 'system' && m.system ? m.system.key : null,
    system_params: m.author === 'system' && m.system ? JSON.stringify(m.system.params) : null,
  };
  await trx.insertInto('chat_messages').values(row).execute();
  return toMessage(row);
}

/**
 * What the chat asks of the help requests (HelpService answers it): the request, if `actor` may
 * view it, or act on it (inside the caller's transaction). A port, so that help.ts (which writes
 * its system lines with insertMessage) and chat.ts do not import each other.
 */
export interface RequestAccess {
  getForView(actor: Actor, requestId: string, ex?: Executor): Promise<HelpRequest>;
  getForAct(actor: Actor, requestId: string, ex?: Executor): Promise<HelpRequest>;
}

/** Chat of a request: idempotent send, paged resync, monotonic receipts. */
export class ChatService {
  constructor(
    private readonly db: Db,
    private readonly help: RequestAccess,
  ) {}

  /** Stores once per client UUID; a resend returns the stored message with duplicate=true. */
  async send(
    actor: Actor,
    input: { requestId: string; id: string; text: string; sentAt: string },
  ): Promise<{ message: ChatMessage; duplicate: boolean }> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        // The request's row first: a resend racing its original (another hub node) then finds it, and
        // a request closed meanwhile is seen closed.
        await lockRow(trx, 'help_requests', input.requestId);
        const existing = await trx.selectFrom('chat_messages').selectAll().where('id', '=', input.id).executeTakeFirst();
        if (existing) {
          const sameAuthor = existing.author === actor.kind && existing.author_id === actor.id;
          if (existing.request_id !== input.requestId || !sameAuthor)
            throw new VigieError('CONFLICT', 'Identifiant de message déjà utilisé.');
          return { message: toMessage(existing), duplicate: true };
        }
        const r = await this.help.getForAct(actor, input.requestId, trx);
        if (r.status !== 'waiting' && r.status !== 'assigned')
          throw new VigieError('CONFLICT', 'Cette demande est close : le message n’a pas été envoyé.');
        const message = await insertMessage(trx, {
          id: input.id,
          requestId: r.id,
          author: actor.kind,
          authorId: actor.id,
          authorName: actor.name,
          text: input.text,
          sentAt: input.sentAt,
        });
        return { message, duplicate: false };
      })
      .catch((e: unknown) => {
        // The same id sent at the same instant on another request's row (not serialised by this one's lock).
        if (isUniqueViolation(e)) throw new VigieError('CONFLICT', 'Identifiant de message déjà utilisé.');
        throw e;
      });
  }

  /** Messages after `afterSeq` (one page) and the receipts: the resync after a reconnect. */
  async sync(
    actor: Actor,
    input: { requestId: string; afterSeq: number },
  ): Promise<{ messages: ChatMessage[]; receipts: ChatReceipts; more: boolean }> {
    const r = await this.help.getForView(actor, input.requestId);
    const rows = await this.db
      .selectFrom('chat_messages')
      .select(['id', 'request_id', 'seq', 'author', 'author_name', 'text', 'sent_at', 'created_at', 'system_key', 'system_params'])
      .where('request_id', '=', r.id)
      .where('seq', '>', input.afterSeq)
      .orderBy('seq')
      .limit(LIMITS.syncPage + 1)
      .execute();
    const more = rows.length > LIMITS.syncPage;
    return { messages: rows.slice(0, LIMITS.syncPage).map(toMessage), receipts: await this.receipts(r.id), more };
  }

  async receipts(requestId: string, ex: Executor = this.db): Promise<ChatReceipts> {
    const r = await ex
      .selectFrom('help_requests')
      .select(['device_delivered', 'device_read', 'tech_delivered', 'tech_read'])
      .where('id', '=', requestId)
      .executeTakeFirst();
    if (!r) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
    return {
      requestId,
      device: { delivered: Number(r.device_delivered), read: Number(r.device_read) },
      technician: { delivered: Number(r.tech_delivered), read: Number(r.tech_read) },
    };
  }

  /**
   * Records "delivered/read up to seq" for the actor's side. Monotonic (never goes back), capped
   * at the last seq, and reading implies delivery. Returns the receipts and whether they changed.
   */
  async receipt(
    actor: Actor,
    input: { requestId: string; kind: ReceiptKind; upToSeq: number },
  ): Promise<{ receipts: ChatReceipts; changed: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const r = await this.help.getForAct(actor, input.requestId, trx);
      const last = await trx.selectFrom('help_requests').select('last_seq').where('id', '=', r.id).executeTakeFirstOrThrow();
      const upTo = Math.min(input.upToSeq, Number(last.last_seq));
      const side = actor.kind === 'device' ? 'device' : 'tech';
      const delivered = `${side}_delivered` as const;
      const read = `${side}_read` as const;
      /** Moves `column` up to `upTo` (never back); whether it moved. */
      const raise = async (column: typeof delivered | typeof read) => {
        const u = await trx
          .updateTable('help_requests')
          .set({ [column]: upTo })
          .where('id', '=', r.id)
          .where(column, '<', upTo)
          .executeTakeFirst();
        return Number(u.numUpdatedRows) > 0;
      };
      let changed = await raise(delivered);
      if (input.kind === 'read') changed = (await raise(read)) || changed;
      return { receipts: await this.receipts(r.id, trx), changed };
    });
  }
}
