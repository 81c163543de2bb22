import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditEntry } from '@vigie/common';
import type { HubKey } from '../hub-key.js';
import type { Db, Executor } from '../store/db.js';
import { dialectOf, serialize } from '../store/dialect.js';
import type { AuditLogTable } from '../store/schema.js';
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
/** The lock every append holds until its commit (Postgres; SQLite transactions never overlap). */
const CHAIN_LOCK = 'audit-chain';

/** A row as stored: exactly these values enter its MAC. */
type StoredRow = Omit<AuditLogTable, 'prev_hash' | 'hash'>;

/** Rows written before the hub had a key (legacy): sha256(prevHash + canonical JSON of the parsed row). */
function legacyHash(prevHash: string, r: StoredRow, data: Record<string, unknown>): string {
  return sha256(
    prevHash +
      canonicalJson({ seq: r.seq, at: r.at, actorType: r.actor_type, actorId: r.actor_id, action: r.action, subject: r.subject, data }),
  );
}

/** Keyed rows: HMAC of the stored column values themselves (no re-encoding between write and verify). */
function rowMessage(prevHash: string, r: StoredRow): string {
  return JSON.stringify(['vigie-audit-v1', prevHash, r.seq, r.at, r.actor_type, r.actor_id, r.action, r.subject, r.data]);
}

const checkpointMessage = (c: { keyId: string; seq: number; hash: string; at: string }) =>
  JSON.stringify(['vigie-audit-checkpoint-v1', c.keyId, c.seq, c.hash, c.at]);
const anchorMessage = (keyId: string, keyedFromSeq: number) => JSON.stringify(['vigie-audit-anchor-v1', keyId, keyedFromSeq]);

const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Storable text: lone surrogates and U+0000 (refused at the boundary already; Postgres text cannot hold U+0000) become U+FFFD, so what is stored is what was hashed. */
const wellFormed = (s: string): string => s.replace(LONE_SURROGATES, '\uFFFD').replaceAll('\u0000', '\uFFFD');
function wellFormedDeep(v: unknown): unknown {
  if (typeof v === 'string') return wellFormed(v);
  if (Array.isArray(v)) return v.map(wellFormedDeep);
  if (v !== null && typeof v === 'object' && !(v instanceof Date))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [wellFormed(k), wellFormedDeep(x)]));
  return v;
}

/** A signed statement of the chain's head, exported to a file outside the data folder and to the log. */
export interface AuditCheckpoint {
  v: 1;
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  mac: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  count: number;
  /** First seq where the chain does not hold (edited, deleted, inserted or cut). */
  brokenAt?: number;
  reason?: string;
  /** Entries written before the hub had a key (SHA-256 chain only, anchored by the first keyed entry). */
  legacy?: number;
  /** Signed checkpoints read and checked against the chain; `latest` is the highest one. */
  checkpoints?: { file: string; count: number; latest: { seq: number; at: string } | null };
}

export interface AuditLogOptions {
  /** Where checkpoints are appended (outside the data folder). */
  checkpointFile: string;
  /** Called with every checkpoint written (the hub logs it: a second copy, outside this machine when logs are shipped). */
  onCheckpoint?: (cp: AuditCheckpoint) => void;
}

/**
 * Append-only, keyed hash chain. Each row's `hash` is HMAC-SHA256 (hub key, outside the data
 * folder) over the previous hash and the row's stored values, so rewriting the chain needs the
 * key; signed checkpoints of the head, exported outside the data folder, show a cut tail.
 * Appends happen inside the caller's transaction (or their own) and read the head row from the
 * database (never from memory), one writer at a time across every hub node: on SQLite the single
 * connection serialises transactions; on Postgres each append first takes the chain's advisory lock
 * (store/dialect.ts `serialize`), held until its transaction commits, so the next writer reads the
 * head this one wrote and the chain never forks.
 */
export class AuditLog {
  private lastCheckpoint: { seq: number; hash: string } | null = null;

  constructor(
    private readonly db: Db,
    private readonly key: HubKey,
    private readonly opts: AuditLogOptions,
  ) {}

  /**
   * Seals the chain to the hub key once (first start with a key): rows already there stay as they
   * are (legacy SHA-256) and an `audit.chain_keyed` row, keyed, anchors them. Refuses to go on with
   * another key than the one the chain was sealed with.
   */
  async init(): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // Two nodes starting together on a new database: one writes the anchor, the other then sees it.
      await serialize(trx, CHAIN_LOCK);
      const anchor = await trx.selectFrom('audit_anchor').selectAll().where('id', '=', 1).executeTakeFirst();
      if (anchor) {
        if (anchor.key_id !== this.key.id) {
          throw new Error(
            `the hub key ${this.key.file} (id ${this.key.id}) is not the key this data folder's audit log was sealed with (id ${anchor.key_id}): restore that key file or set VIGIE_KEY_FILE to it`,
          );
        }
        return;
      }
      const head = await trx.selectFrom('audit_head').select(['seq']).where('id', '=', 1).executeTakeFirst();
      const legacy = Number(head?.seq ?? 0);
      const keyedFrom = legacy + 1;
      await trx
        .insertInto('audit_anchor')
        .values({
          id: 1,
          key_id: this.key.id,
          keyed_from_seq: keyedFrom,
          mac: this.key.auditMac(anchorMessage(this.key.id, keyedFrom)),
          created_at: nowIso(),
        })
        .execute();
      if (legacy > 0)
        await this.appendIn(trx, { actorType: 'system', action: 'audit.chain_keyed', data: { legacyEntries: legacy, keyId: this.key.id } });
    });
  }

  /** Appends inside `trx` when given (same commit as the change it records), else in its own transaction. */
  async append(ev: AuditEvent, trx?: Executor): Promise<AuditEntry> {
    if (trx?.isTransaction) return this.appendIn(trx, ev);
    return this.db.transaction().execute((t) => this.appendIn(t, ev));
  }

  private async appendIn(trx: Executor, ev: AuditEvent): Promise<AuditEntry> {
    await serialize(trx, CHAIN_LOCK);
    const head = await trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    const prevHash = head?.hash ?? GENESIS_HASH;
    const data = wellFormedDeep(ev.data ?? {}) as Record<string, unknown>;
    const row: StoredRow = {
      seq: Number(head?.seq ?? 0) + 1,
      at: nowIso(),
      actor_type: ev.actorType,
      actor_id: ev.actorId == null ? null : wellFormed(ev.actorId),
      action: wellFormed(ev.action),
      subject: ev.subject == null ? null : wellFormed(ev.subject),
      data: canonicalJson(data),
    };
    const hash = this.key.auditMac(rowMessage(prevHash, row));
    await trx
      .insertInto('audit_log')
      .values({ ...row, prev_hash: prevHash, hash })
      .execute();
    if (head) await trx.updateTable('audit_head').set({ seq: row.seq, hash }).where('id', '=', 1).execute();
    else await trx.insertInto('audit_head').values({ id: 1, seq: row.seq, hash }).execute();
    return {
      seq: row.seq,
      at: row.at,
      actorType: ev.actorType,
      actorId: row.actor_id,
      action: row.action,
      subject: row.subject,
      data,
      prevHash,
      hash,
    };
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

  /**
   * Exports a signed checkpoint of the head (seq, hash, time) to the checkpoint file (one JSON
   * line, appended and synced) and to `onCheckpoint`. Skipped when the head has not moved since
   * this process's last checkpoint, unless `force`. Null when the log is empty.
   */
  async checkpoint(opts: { force?: boolean } = {}): Promise<AuditCheckpoint | null> {
    const head = await this.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    if (!head) return null;
    const seq = Number(head.seq);
    if (!opts.force && this.lastCheckpoint?.seq === seq && this.lastCheckpoint.hash === head.hash) return null;
    const base = { seq, hash: head.hash, at: nowIso(), keyId: this.key.id };
    const cp: AuditCheckpoint = { v: 1, ...base, mac: this.key.auditMac(checkpointMessage(base)) };
    // Appended and synced off the event loop (the thread pool): the line is on disk before the promise resolves.
    await mkdir(dirname(this.opts.checkpointFile), { recursive: true, mode: 0o700 });
    const fh = await open(this.opts.checkpointFile, 'a', 0o600);
    try {
      await fh.write(`${JSON.stringify(cp)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (!this.lastCheckpoint || this.lastCheckpoint.seq <= seq) this.lastCheckpoint = { seq, hash: head.hash };
    this.opts.onCheckpoint?.(cp);
    return cp;
  }

  /** True when `cp` was signed with this hub's key (its MAC holds); whether it names a row of the chain is for the caller to check. */
  checkpointSigned(cp: Pick<AuditCheckpoint, 'seq' | 'hash' | 'at' | 'keyId' | 'mac'>): boolean {
    return cp.keyId === this.key.id && this.key.macEquals(cp.mac, this.key.auditMac(checkpointMessage(cp)));
  }

  /**
   * Reads checkpoints from a file of checkpoint lines or of hub log lines (`auditCheckpoint`
   * field); other lines are skipped. A checkpoint whose MAC does not hold is an error.
   */
  private readCheckpoints(file: string): { ok: true; list: AuditCheckpoint[] } | { ok: false; reason: string } {
    if (!existsSync(file)) return { ok: true, list: [] };
    const list: AuditCheckpoint[] = [];
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const [i, line] of lines.entries()) {
      if (!line.trim()) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue; // not JSON (a half-written last line, or a plain log line)
      }
      const o = parsed as Record<string, unknown> | null;
      const c = (o && typeof o === 'object' && 'auditCheckpoint' in o ? o.auditCheckpoint : o) as Record<string, unknown> | null;
      if (!c || typeof c !== 'object' || c.v !== 1 || !('mac' in c)) continue;
      const { seq, hash, at, keyId, mac } = c;
      if (
        typeof seq !== 'number' ||
        !Number.isSafeInteger(seq) ||
        seq < 1 ||
        typeof hash !== 'string' ||
        typeof at !== 'string' ||
        typeof keyId !== 'string' ||
        typeof mac !== 'string'
      ) {
        return { ok: false, reason: `checkpoint on line ${i + 1} of ${file} is malformed` };
      }
      if (keyId !== this.key.id)
        return { ok: false, reason: `checkpoint on line ${i + 1} of ${file} was signed with another hub key (id ${keyId})` };
      if (!this.key.macEquals(mac, this.key.auditMac(checkpointMessage({ keyId, seq, hash, at })))) {
        return { ok: false, reason: `checkpoint on line ${i + 1} of ${file} is not signed by this hub's key (forged or edited)` };
      }
      list.push({ v: 1, seq, hash, at, keyId, mac });
    }
    return { ok: true, list };
  }

  /**
   * Walks the whole chain: recomputes every MAC (legacy rows: their SHA-256) over the stored
   * values, checks links, contiguity and the head row; then every signed checkpoint (from the
   * checkpoint file, or `checkpointFile`) must name a row of the chain with the same hash — a
   * rewritten chain or a cut tail does not.
   */
  async verify(opts: { checkpointFile?: string } = {}): Promise<AuditVerifyResult> {
    const file = opts.checkpointFile ?? this.opts.checkpointFile;
    // The checkpoints first, then the rows: every checkpoint read names a row already committed.
    const read = this.readCheckpoints(file);
    // Appends go on while this reads (the hub beside the CLI, other nodes): one snapshot of the whole
    // chain — a read transaction (SQLite: a WAL snapshot; Postgres: REPEATABLE READ, read only),
    // which blocks no writer in another process.
    const tx = this.db.transaction();
    return (dialectOf(this.db) === 'postgres' ? tx.setIsolationLevel('repeatable read').setAccessMode('read only') : tx).execute(
      (snapshot) => this.verifyIn(snapshot, file, read),
    );
  }

  private async verifyIn(db: Executor, file: string, read: ReturnType<AuditLog['readCheckpoints']>): Promise<AuditVerifyResult> {
    const anchor = await db.selectFrom('audit_anchor').selectAll().where('id', '=', 1).executeTakeFirst();
    if (!anchor) return { ok: false, count: 0, brokenAt: 1, reason: 'the audit log has no key anchor (start the hub once with its key)' };
    const keyedFrom = Number(anchor.keyed_from_seq);
    if (anchor.key_id !== this.key.id)
      return {
        ok: false,
        count: 0,
        brokenAt: 1,
        reason: `the audit log was sealed with another hub key (id ${anchor.key_id}, this key is ${this.key.id})`,
      };
    if (!this.key.macEquals(anchor.mac, this.key.auditMac(anchorMessage(anchor.key_id, keyedFrom)))) {
      return { ok: false, count: 0, brokenAt: 1, reason: 'the key anchor was edited' };
    }
    if (!read.ok) return { ok: false, count: 0, reason: read.reason, legacy: keyedFrom - 1 };
    const wanted = new Map<number, AuditCheckpoint[]>();
    for (const c of read.list) wanted.set(c.seq, [...(wanted.get(c.seq) ?? []), c]);
    const latest = read.list.reduce<AuditCheckpoint | null>((a, c) => (!a || c.seq > a.seq ? c : a), null);
    const checkpoints = { file, count: read.list.length, latest: latest ? { seq: latest.seq, at: latest.at } : null };
    const legacy = keyedFrom - 1;
    const fail = (count: number, brokenAt: number, reason: string): AuditVerifyResult => ({
      ok: false,
      count,
      brokenAt,
      reason,
      legacy,
      checkpoints,
    });

    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    const page = 1000;
    for (;;) {
      const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(page).execute();
      for (const r of rows) {
        const seq = Number(r.seq);
        if (seq !== expectedSeq) return fail(count, expectedSeq, 'missing row');
        if (r.prev_hash !== prevHash) return fail(count, seq, 'broken link');
        const stored: StoredRow = {
          seq,
          at: r.at,
          actor_type: r.actor_type,
          actor_id: r.actor_id,
          action: r.action,
          subject: r.subject,
          data: r.data,
        };
        let hash: string;
        if (seq >= keyedFrom) {
          hash = this.key.auditMac(rowMessage(prevHash, stored));
        } else {
          let data: Record<string, unknown>;
          try {
            data = JSON.parse(r.data) as Record<string, unknown>;
          } catch {
            return fail(count, seq, 'unreadable data');
          }
          hash = legacyHash(prevHash, stored, data);
        }
        if (!this.key.macEquals(hash, r.hash)) return fail(count, seq, 'content does not match its hash');
        for (const c of wanted.get(seq) ?? []) {
          if (c.hash !== hash) return fail(count, seq, `the chain was rewritten: it differs from the signed checkpoint of ${c.at}`);
        }
        prevHash = hash;
        expectedSeq++;
        count++;
      }
      if (rows.length < page) break;
    }
    const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    const headSeq = Number(head?.seq ?? 0);
    if (headSeq !== count || (head && head.hash !== prevHash))
      return fail(count, Math.min(headSeq, count) + 1, 'rows missing at the end of the log');
    if (latest && latest.seq > count)
      return fail(count, count + 1, `rows missing at the end of the log: the signed checkpoint of ${latest.at} names entry ${latest.seq}`);
    return { ok: true, count, legacy, checkpoints };
  }
}
