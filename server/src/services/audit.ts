import type { AuditEntry } from '@vigie/common';
import type { Db, Executor } from '../store/db.js';
import { canonicalJson, nowIso, sha256 } from '../util.js';

export type ActorType = AuditEntry['actorType'];
export interface AuditEvent {
  actorType: ActorType;
  actorId?: string | null;
  action: string;
  subject?: string | null;
  data?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

function hashRow(prevHash: string, row: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  return sha256(prevHash + canonicalJson(row));
}

export interface AuditVerifyResult {
  ok: boolean;
  count: number;
  /** First seq where the chain does not hold (edited, deleted or inserted row). */
  brokenAt?: number;
  reason?: string;
}

/**
 * Append-only, hash-chained audit log. Appends happen inside the caller's transaction (or their
 * own): on SQLite the single connection serialises transactions, so the chain never forks.
 */
export class AuditLog {
  constructor(private readonly db: Db) {}

  /** Appends inside `trx` when given (same commit as the change it records), else in its own transaction. */
  async append(ev: AuditEvent, trx?: Executor): Promise<AuditEntry> {
    if (trx) return this.appendIn(trx, ev);
    return this.db.transaction().execute((t) => this.appendIn(t, ev));
  }

  private async appendIn(trx: Executor, ev: AuditEvent): Promise<AuditEntry> {
    const head = await trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    const prevHash = head?.hash ?? GENESIS_HASH;
    const row = {
      seq: Number(head?.seq ?? 0) + 1,
      at: nowIso(),
      actorType: ev.actorType,
      actorId: ev.actorId ?? null,
      action: ev.action,
      subject: ev.subject ?? null,
      data: ev.data ?? {},
    };
    const hash = hashRow(prevHash, row);
    await trx
      .insertInto('audit_log')
      .values({
        seq: row.seq,
        at: row.at,
        actor_type: row.actorType,
        actor_id: row.actorId,
        action: row.action,
        subject: row.subject,
        data: canonicalJson(row.data),
        prev_hash: prevHash,
        hash,
      })
      .execute();
    if (head) await trx.updateTable('audit_head').set({ seq: row.seq, hash }).where('id', '=', 1).execute();
    else await trx.insertInto('audit_head').values({ id: 1, seq: row.seq, hash }).execute();
    return { ...row, prevHash, hash };
  }

  async list(afterSeq = 0, limit = 500): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: r.at,
      actorType: r.actor_type as ActorType,
      actorId: r.actor_id,
      action: r.action,
      subject: r.subject,
      data: JSON.parse(r.data) as Record<string, unknown>,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  }

  /** Walks the whole chain: recomputes every hash, checks links, contiguity and the head anchor. */
  async verify(): Promise<AuditVerifyResult> {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    const page = 1000;
    for (;;) {
      const rows = await this.db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(page).execute();
      for (const r of rows) {
        const seq = Number(r.seq);
        if (seq !== expectedSeq) return { ok: false, count, brokenAt: expectedSeq, reason: 'missing row' };
        let data: Record<string, unknown>;
        try {
          data = JSON.parse(r.data) as Record<string, unknown>;
        } catch {
          return { ok: false, count, brokenAt: seq, reason: 'unreadable data' };
        }
        if (r.prev_hash !== prevHash) return { ok: false, count, brokenAt: seq, reason: 'broken link' };
        const hash = hashRow(prevHash, { seq, at: r.at, actorType: r.actor_type as ActorType, actorId: r.actor_id, action: r.action, subject: r.subject, data });
        if (hash !== r.hash) return { ok: false, count, brokenAt: seq, reason: 'content does not match its hash' };
        prevHash = hash;
        expectedSeq++;
        count++;
      }
      if (rows.length < page) break;
    }
    const head = await this.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    const headSeq = Number(head?.seq ?? 0);
    if (headSeq !== count || (head && head.hash !== prevHash)) {
      return { ok: false, count, brokenAt: Math.min(headSeq, count) + 1, reason: 'rows missing at the end of the log' };
    }
    return { ok: true, count };
  }
}
