/**
 * Issuing one receipt version: the audit rows about the request up to the chain's head, the facts
 * read from them, the technicians and their photo, the signed JSON, one PDF per locale (off the main
 * thread), and the row + documents + `receipt.issued` entry stored in one transaction, under the
 * request's row lock (a version another process issued first wins; ours is dropped).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  InterventionReceipt,
  RECEIPT_FORMAT,
  VigieError,
  type InterventionReceiptBody,
  type Locale,
  type ReceiptTechnician,
  type TechnicianRole,
} from '@vigie/common';
import type { HubKey } from '../hub-key.js';
import type { AuditLog } from '../services/audit.js';
import { lockRow } from '../store/dialect.js';
import { receiptDigest, sha256, signingMessage } from './digest.js';
import { chainFacts, collectRows } from './facts.js';
import { renderReceiptPdfOffThread } from './pdf-renderer.js';
import { issued, type IssuedReceipt, type RequestFacts } from './records.js';
import type { ReceiptsDb, ReceiptTable } from './schema.js';

export const RECEIPT_LOCALES: readonly Locale[] = ['fr', 'en'];

export interface IssueContext {
  db: ReceiptsDb;
  audit: AuditLog;
  key: HubKey;
  timeZone?: () => Promise<string> | string;
}

export async function issueReceipt(c: IssueContext, req: RequestFacts, version: number): Promise<IssuedReceipt> {
  const { db } = c;
  const head = await db.selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirst();
  const toSeq = Number(head?.seq ?? 0);
  const { rows, logins } = await collectRows(db, req, toSeq);
  // A signed checkpoint of the head now: it covers every entry the receipt lists.
  const checkpoint = await c.audit.checkpoint({ force: true });
  if (!checkpoint) throw new VigieError('INTERNAL', 'Journal d’audit vide.');
  const codes = await shortCodes(db, req);
  const facts = chainFacts(rows, logins, (kind, ref) =>
    kind === 'screen' ? (codes.screen.get(ref) ?? null) : (codes.access.get(ref) ?? null),
  );
  const ids = [...new Set([...facts.technicianIds, ...(req.technicianId ? [req.technicianId] : [])])];
  const technicians = await receiptTechnicians(db, ids, facts.logins);
  const k = c.key.receipts;
  const body: InterventionReceiptBody = {
    format: RECEIPT_FORMAT,
    v: 1,
    id: randomUUID(),
    version,
    issuedAt: new Date().toISOString(),
    hub: { keyId: c.key.id, receiptKeyId: k.id, publicKey: k.publicKey.toString('base64') },
    practice: { id: req.practiceId, name: req.practiceName },
    device: { id: req.deviceId, name: req.deviceName, os: req.os, osVersion: req.osVersion },
    request: {
      id: req.id,
      status: req.status,
      topic: req.topic,
      createdAt: req.createdAt,
      pickedUpAt: facts.pickedUpAt ?? req.firstAssignedAt,
      closedAt: req.closedAt,
      resolutionNote: req.resolutionNote,
    },
    technician: technicians.find((x) => x.id === req.technicianId) ?? null,
    technicians,
    consents: facts.consents,
    screenSessions: facts.screenSessions,
    controlPeriods: facts.controlPeriods,
    restores: facts.restores,
    backupReads: facts.backupReads,
    safety: facts.safety,
    audit: {
      toSeq,
      entries: facts.entries,
      checkpoint: { v: 1, seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at, keyId: checkpoint.keyId, mac: checkpoint.mac },
    },
  };
  const receipt = InterventionReceipt.parse({ ...body, signature: { alg: 'Ed25519', keyId: k.id, value: k.sign(signingMessage(body)) } });
  const json = `${JSON.stringify(receipt, null, 2)}\n`;
  const photo = receipt.technician ? await photoBytes(db, receipt.technician.id, receipt.technician.photoSha256) : null;
  const timeZone = (await c.timeZone?.()) ?? 'Europe/Paris';
  const pdfs = await Promise.all(
    RECEIPT_LOCALES.map(async (locale) => ({ locale, pdf: await renderReceiptPdfOffThread(json, { locale, timeZone, photo }) })),
  );
  const docs = pdfs.map((d) => ({ ...d, sha256: sha256(d.pdf) }));
  const digest = receiptDigest(receipt);

  const stored = await db.transaction().execute(async (trx) => {
    // The request's row first: a receipt issued at the same time elsewhere (another hub node, the CLI) is seen, not issued twice.
    await lockRow(trx, 'help_requests', req.id);
    const taken = await trx
      .selectFrom('receipts')
      .selectAll()
      .where('request_id', '=', req.id)
      .where('version', '>=', version)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (taken) return taken; // another process issued it meanwhile
    const entry = await c.audit.append(
      {
        actorType: 'system',
        action: 'receipt.issued',
        subject: req.id,
        data: {
          requestId: req.id,
          receiptId: receipt.id,
          version,
          sha256: digest,
          pdf: Object.fromEntries(docs.map((d) => [d.locale, d.sha256])),
          toSeq,
        },
      },
      trx,
    );
    const row: ReceiptTable = {
      id: receipt.id,
      request_id: req.id,
      version,
      issued_at: receipt.issuedAt,
      device_id: req.deviceId,
      practice_id: req.practiceId,
      json,
      sha256: digest,
      to_seq: toSeq,
      audit_seq: entry.seq,
    };
    await trx.insertInto('receipts').values(row).execute();
    for (const d of docs)
      await trx
        .insertInto('receipt_documents')
        .values({ receipt_id: receipt.id, locale: d.locale, pdf: d.pdf, sha256: d.sha256 })
        .execute();
    return row;
  });
  return issued(stored);
}

/** Short codes of the request's screen sessions and of backup accesses on its device (null when unknown). */
async function shortCodes(db: ReceiptsDb, req: RequestFacts): Promise<{ screen: Map<string, string>; access: Map<string, string> }> {
  const screen = new Map(
    (await db.selectFrom('screen_sessions').select(['id', 'short_code']).where('request_id', '=', req.id).execute()).map((s) => [
      s.id,
      s.short_code,
    ]),
  );
  const access = new Map<string, string>();
  // Backup accesses live in the backup module's own table, when that module is there.
  if ((await db.introspection.getTables()).some((t) => t.name === 'backup_access')) {
    const rows = await sql<{
      id: string;
      short_code: string;
    }>`select id, short_code from backup_access where device_id = ${req.deviceId}`.execute(db);
    for (const r of rows.rows) access.set(r.id, r.short_code);
  }
  return { screen, access };
}

async function receiptTechnicians(
  db: ReceiptsDb,
  ids: string[],
  logins: Map<string, { at: string; seq: number }>,
): Promise<ReceiptTechnician[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('technicians').select(['id', 'login', 'display_name', 'role']).where('id', 'in', ids).execute();
  const photos = new Map(
    (await db.selectFrom('technician_photos').select(['technician_id', 'sha256']).where('technician_id', 'in', ids).execute()).map((p) => [
      p.technician_id,
      p.sha256,
    ]),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids
    .map((id) => byId.get(id))
    .filter((r): r is NonNullable<typeof r> => r !== undefined)
    .map((r) => {
      const login = logins.get(r.id);
      return {
        id: r.id,
        login: r.login,
        displayName: r.display_name,
        role: r.role as TechnicianRole,
        verification: { method: 'password+totp' as const, at: login?.at ?? null, seq: login?.seq ?? null },
        photoSha256: photos.get(r.id) ?? null,
      };
    });
}

async function photoBytes(db: ReceiptsDb, technicianId: string, sha: string | null): Promise<Buffer | null> {
  if (!sha) return null;
  const p = await db
    .selectFrom('technician_photos')
    .select(['bytes', 'sha256'])
    .where('technician_id', '=', technicianId)
    .executeTakeFirst();
  return p && p.sha256 === sha ? Buffer.from(p.bytes) : null;
}
