/**
 * One intervention exported for a supervisor (`audit:export`): the request, its whole chat, its
 * screen sessions and the audit rows about it in chain order — the same rows its receipt stands on.
 */
import type { ChatMessage, HelpRequest, InterventionExport } from '@vigie/common';
import { collectRows } from '../receipts/facts.js';
import type { ReceiptsDb } from '../receipts/schema.js';
import { toScreenSession } from '../screen/index.js';
import type { TechActor } from '../services/actors.js';
import type { Services } from '../services/index.js';
import { toEntry } from './names.js';
import type { AuditRow, HistoryDb } from './schema.js';

export async function interventionExport(s: Services, db: HistoryDb, actor: TechActor, request: HelpRequest): Promise<InterventionExport> {
  const messages: ChatMessage[] = [];
  for (let after = 0; ;) {
    const page = await s.chat.sync(actor, { requestId: request.id, afterSeq: after });
    messages.push(...page.messages);
    const last = page.messages[page.messages.length - 1];
    if (!page.more || !last) break;
    after = last.seq;
  }
  const sessions = await db
    .selectFrom('screen_sessions')
    .selectAll()
    .where('request_id', '=', request.id)
    .orderBy('requested_at')
    .execute();
  return {
    format: 'vigie.intervention-export',
    version: 1,
    exportedAt: new Date().toISOString(),
    exportedBy: { id: actor.id, name: actor.name },
    request,
    device: { id: request.deviceId, name: request.deviceName, practiceId: request.practiceId, practiceName: request.practiceName },
    messages,
    screenSessions: sessions.map(toScreenSession),
    audit: (await interventionRows(db, request)).map(toEntry),
  };
}

/**
 * The audit rows about one request, in chain order, with their place in the chain: the same rows
 * its intervention receipt stands on (receipts/facts.ts collectRows — one definition of what
 * belongs to an intervention), read whole.
 */
async function interventionRows(db: HistoryDb, request: { id: string; deviceId: string }): Promise<AuditRow[]> {
  const { rows } = await collectRows(db as unknown as ReceiptsDb, request, Number.MAX_SAFE_INTEGER);
  const seqs = rows.map((r) => r.seq);
  const whole: AuditRow[] = [];
  for (let i = 0; i < seqs.length; i += 500)
    whole.push(
      ...(await db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', 'in', seqs.slice(i, i + 500))
        .orderBy('seq')
        .execute()),
    );
  return whole;
}
