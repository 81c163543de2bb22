/**
 * The writes every change of a help request shares: the system line it adds to the request's chat
 * (a message key with its parameters, each UI writes it in its language; French text for older
 * clients), and the first pickup's time, recorded once for the wait estimates.
 */
import { randomUUID } from 'node:crypto';
import { systemMessage, type ChatMessage } from '@vigie/common';
import type { Executor } from '../store/db.js';
import { insertMessage } from './chat.js';

/** System lines of a request's chat: message keys with their parameters (each UI writes them in its language), French text for older clients. */
export const SYSTEM_TEXT = {
  accepted: (name: string) => systemMessage('help.accepted', { name }),
  resolved: (note: string) => systemMessage('help.resolved', { note }),
  cancelled: () => systemMessage('help.cancelled'),
  released: () => systemMessage('help.released'),
  reassigned: (name: string) => systemMessage('help.reassigned', { name }),
} as const;

/** Adds a system line (from "Vigie") to the request's chat. */
export function systemLine(trx: Executor, requestId: string, line: ReturnType<typeof systemMessage>): Promise<ChatMessage> {
  return insertMessage(trx, { requestId, author: 'system', authorId: null, authorName: 'Vigie', ...line, id: randomUUID() });
}

/** The request's first pickup, at `at`: its time and how long it waited (once; a later pickup keeps the first). */
export async function recordFirstPickup(trx: Executor, requestId: string, at: string): Promise<void> {
  const row = await trx
    .selectFrom('help_requests')
    .select(['created_at', 'first_assigned_at'])
    .where('id', '=', requestId)
    .executeTakeFirstOrThrow();
  if (row.first_assigned_at) return;
  await trx
    .updateTable('help_requests')
    .set({ first_assigned_at: at, pickup_ms: Math.max(0, Date.parse(at) - Date.parse(row.created_at)) })
    .where('id', '=', requestId)
    .execute();
}
