/**
 * The audit view's pages: the log newest first, filtered by act, technician and dates in SQL, and
 * by practice and exact act on the rows read (a practice is not a column: it is found from what
 * each row names), a bounded number of rows per page with where to go on.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { AUDIT_ACTS, type AuditPage, type AuditQuery, type AuditView } from '@vigie/common';
import { Names } from './names.js';
import type { HistoryDb } from './schema.js';

/** Audit rows read per query while looking for entries of one practice. */
const SCAN_BATCH = 500;
/** At most this many rows are read for one page; the page then says where to go on (`next`). */
const SCAN_MAX = 5_000;

/** LIKE pattern for a literal text (`\` escapes `%`, `_` and itself; see `like`). */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
/** `column LIKE pattern ESCAPE '\'` (SQLite has no default escape character; Postgres accepts the clause too). */
const like = (column: 'action' | 'data', pattern: string): Expression<SqlBool> =>
  sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;

/**
 * One page of the audit log, newest first. The act, technician and dates are filtered by SQL; the
 * practice (not a column: found from the request, device or practice each row names) and the exact
 * act are checked on the rows read, SCAN_BATCH at a time and SCAN_MAX at most per page — `next`
 * tells where to go on.
 */
export async function auditPage(db: HistoryDb, input: AuditQuery): Promise<AuditPage> {
  const limit = input.limit ?? 50;
  const names = await new Names(db).load();
  const prefixes: readonly string[] = input.act ? AUDIT_ACTS[input.act] : [];
  const entries: AuditView[] = [];
  let before = input.beforeSeq ?? Number.MAX_SAFE_INTEGER;
  let scanned = 0;
  for (;;) {
    let q = db.selectFrom('audit_log').selectAll().where('seq', '<', before);
    if (input.technicianId) q = q.where('actor_type', '=', 'technician').where('actor_id', '=', input.technicianId);
    if (input.from) q = q.where('at', '>=', input.from);
    if (input.to) q = q.where('at', '<=', input.to);
    if (prefixes.length)
      q = q.where((eb) => eb.or(prefixes.map((p) => (p.endsWith('.') ? like('action', `${likeLiteral(p)}%`) : eb('action', '=', p)))));
    const rows = await q.orderBy('seq', 'desc').limit(SCAN_BATCH).execute();
    scanned += rows.length;
    await names.requestsOf(rows);
    for (const r of rows) {
      before = Number(r.seq);
      const v = names.view(r);
      if (input.act && v.act !== input.act) continue;
      if (input.practiceId && v.practice?.id !== input.practiceId) continue;
      entries.push(v);
      if (entries.length === limit) return { entries, next: before > 1 ? before : null };
    }
    if (rows.length < SCAN_BATCH) return { entries, next: null };
    if (scanned >= SCAN_MAX) return { entries, next: before };
  }
}
