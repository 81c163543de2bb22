import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import PDFDocument from 'pdfkit';
import {
  InterventionReceipt,
  RECEIPT_FORMAT,
  VigieError,
  type HelpStatus,
  type HelpTopic,
  type InterventionListResponse,
  type InterventionReceiptBody,
  type InterventionSummary,
  type Locale,
  type OsFamily,
  type ReceiptFile,
  type ReceiptFormat,
  type ReceiptPublicKey,
  type ReceiptTechnician,
  type TechnicianPhoto,
  type TechnicianRole,
} from '@vigie/common';
import type { HubKey } from '../hub-key.js';
import { isPrivileged, type Actor } from '../services/actors.js';
import type { AuditLog } from '../services/audit.js';
import type { Db } from '../store/db.js';
import { lockRow } from '../store/dialect.js';
import { canonicalJson } from '../util.js';
import { chainFacts, collectRows } from './facts.js';
import { renderReceiptPdfOffThread } from './pdf-renderer.js';
import { inspectPhoto } from './photo.js';
import type { ReceiptsDb, ReceiptTable } from './schema.js';

export const RECEIPT_LOCALES: readonly Locale[] = ['fr', 'en'];
const CLOSED: HelpStatus[] = ['resolved', 'cancelled'];
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The receipt's own digest (whitespace-free): what the `receipt.issued` entry records. */
export const receiptDigest = (receipt: unknown): string => sha256(canonicalJson(receipt));
/** The message the hub signs: the canonical JSON of the receipt without its signature. */
export function signingMessage(receipt: Record<string, unknown>): string {
  const { signature: _signature, ...body } = receipt;
  return canonicalJson(body);
}

export interface ReceiptServiceOptions {
  db: Db;
  audit: AuditLog;
  key: HubKey;
  /** The time zone the PDF writes times in (the practice's; default Europe/Paris). */
  timeZone?: () => Promise<string> | string;
  /** Errors of a receipt issued in the background (the request is closed anyway). */
  onError?: (e: unknown, requestId: string) => void;
}

/** A request as the receipts need it. */
export interface RequestFacts {
  id: string;
  status: HelpStatus;
  topic: HelpTopic | null;
  createdAt: string;
  closedAt: string | null;
  firstAssignedAt: string | null;
  technicianId: string | null;
  resolutionNote: string | null;
  deviceId: string;
  deviceName: string;
  os: OsFamily;
  osVersion: string;
  practiceId: string;
  practiceName: string;
}

export interface IssuedReceipt {
  row: ReceiptTable;
  receipt: InterventionReceipt;
}

type Row = ReceiptTable;

/**
 * Intervention receipts: issued when a request a technician took is closed (and again, as a new
 * version, when a safety snapshot or an undo about it is recorded later), kept as issued (signed
 * JSON + one PDF per locale, their digests in a `receipt.issued` audit entry), handed to the
 * request's device and to its technician (or a supervisor), each download audited.
 */
export class ReceiptService {
  private readonly db: ReceiptsDb;
  private readonly issuing = new Map<string, Promise<IssuedReceipt>>();

  constructor(private readonly o: ReceiptServiceOptions) {
    this.db = o.db as unknown as ReceiptsDb;
  }

  publicKey(): ReceiptPublicKey {
    const k = this.o.key.receipts;
    return { alg: 'Ed25519', keyId: k.id, publicKey: k.publicKey.toString('base64'), spkiPem: k.spkiPem };
  }

  async requestFacts(requestId: string): Promise<RequestFacts | null> {
    const r = await this.db
      .selectFrom('help_requests as h')
      .innerJoin('devices as d', 'd.id', 'h.device_id')
      .innerJoin('practices as p', 'p.id', 'd.practice_id')
      .select([
        'h.id',
        'h.status',
        'h.topic',
        'h.created_at',
        'h.closed_at',
        'h.first_assigned_at',
        'h.technician_id',
        'h.resolution_note',
        'd.id as device_id',
        'd.name as device_name',
        'd.os',
        'd.os_version',
        'p.id as practice_id',
        'p.name as practice_name',
      ])
      .where('h.id', '=', requestId)
      .executeTakeFirst();
    if (!r) return null;
    return {
      id: r.id,
      status: r.status as HelpStatus,
      topic: r.topic as HelpTopic | null,
      createdAt: r.created_at,
      closedAt: r.closed_at,
      firstAssignedAt: r.first_assigned_at,
      technicianId: r.technician_id,
      resolutionNote: r.resolution_note,
      deviceId: r.device_id,
      deviceName: r.device_name,
      os: r.os as OsFamily,
      osVersion: r.os_version,
      practiceId: r.practice_id,
      practiceName: r.practice_name,
    };
  }

  /** A request has a receipt once it is closed and a technician took it at some point. */
  private receiptable(r: RequestFacts): boolean {
    return CLOSED.includes(r.status) && r.firstAssignedAt !== null;
  }

  private async latest(requestId: string): Promise<Row | null> {
    return (
      (await this.db
        .selectFrom('receipts')
        .selectAll()
        .where('request_id', '=', requestId)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst()) ?? null
    );
  }

  /**
   * Issued after a request was closed (help:resolve); errors are reported, never thrown (the
   * request is closed anyway: the receipt is issued again when it is first asked for). A request
   * no technician took has none (CONFLICT, not an error).
   */
  issueInBackground(requestId: string): Promise<void> {
    return this.ensure(requestId).then(
      () => undefined,
      (e: unknown) => {
        if (!(e instanceof VigieError && e.code === 'CONFLICT')) this.o.onError?.(e, requestId);
      },
    );
  }

  /**
   * The current receipt of a closed request: the latest one, or a new version when `safety.*`
   * entries about the request were recorded after it (an undo after the session). One at a time
   * per request in this process; another process issuing the same version first wins (ours is
   * dropped, theirs returned).
   */
  ensure(requestId: string): Promise<IssuedReceipt> {
    let p = this.issuing.get(requestId);
    if (!p) {
      p = this.ensureNow(requestId).finally(() => this.issuing.delete(requestId));
      this.issuing.set(requestId, p);
    }
    return p;
  }

  private async ensureNow(requestId: string): Promise<IssuedReceipt> {
    const req = await this.requestFacts(requestId);
    if (!req) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
    if (!this.receiptable(req))
      throw new VigieError('CONFLICT', 'Pas de reçu pour cette demande : elle n’est pas close, ou aucun technicien ne l’a prise.');
    const latest = await this.latest(requestId);
    if (latest) {
      // Safety events are recorded under the request (subject): one indexed look for any after the latest receipt.
      const later = await this.db
        .selectFrom('audit_log')
        .select('seq')
        .where('subject', '=', req.id)
        .where('seq', '>', latest.to_seq)
        .where('action', 'like', 'safety.%')
        .limit(1)
        .executeTakeFirst();
      if (!later) return { row: latest, receipt: InterventionReceipt.parse(JSON.parse(latest.json)) };
    }
    return this.issue(req, (latest?.version ?? 0) + 1);
  }

  private async headSeq(): Promise<number> {
    const head = await this.db.selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirst();
    return Number(head?.seq ?? 0);
  }

  private async issue(req: RequestFacts, version: number): Promise<IssuedReceipt> {
    const toSeq = await this.headSeq();
    const { rows, logins } = await collectRows(this.db, req, toSeq);
    // A signed checkpoint of the head now: it covers every entry the receipt lists.
    const checkpoint = await this.o.audit.checkpoint({ force: true });
    if (!checkpoint) throw new VigieError('INTERNAL', 'Journal d’audit vide.');
    const codes = await this.codes(req);
    const facts = chainFacts(rows, logins, (kind, ref) =>
      kind === 'screen' ? (codes.screen.get(ref) ?? null) : (codes.access.get(ref) ?? null),
    );
    const ids = [...new Set([...facts.technicianIds, ...(req.technicianId ? [req.technicianId] : [])])];
    const technicians = await this.technicians(ids, facts.logins);
    const k = this.o.key.receipts;
    const body: InterventionReceiptBody = {
      format: RECEIPT_FORMAT,
      v: 1,
      id: randomUUID(),
      version,
      issuedAt: new Date().toISOString(),
      hub: { keyId: this.o.key.id, receiptKeyId: k.id, publicKey: k.publicKey.toString('base64') },
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
    const photo = receipt.technician ? await this.photoBytes(receipt.technician.id, receipt.technician.photoSha256) : null;
    const timeZone = (await this.o.timeZone?.()) ?? 'Europe/Paris';
    const pdfs = await Promise.all(
      RECEIPT_LOCALES.map(async (locale) => ({ locale, pdf: await renderReceiptPdfOffThread(receipt, json, { locale, timeZone, photo }) })),
    );
    const docs = pdfs.map((d) => ({ ...d, sha256: sha256(d.pdf) }));
    const digest = receiptDigest(receipt);

    const stored = await this.db.transaction().execute(async (trx) => {
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
      const entry = await this.o.audit.append(
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
      const row: Row = {
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
    return { row: stored, receipt: InterventionReceipt.parse(JSON.parse(stored.json)) };
  }

  /** Short codes of the request's screen sessions and of backup accesses on its device (null when unknown). */
  private async codes(req: RequestFacts): Promise<{ screen: Map<string, string>; access: Map<string, string> }> {
    const screen = new Map(
      (await this.db.selectFrom('screen_sessions').select(['id', 'short_code']).where('request_id', '=', req.id).execute()).map((s) => [
        s.id,
        s.short_code,
      ]),
    );
    const access = new Map<string, string>();
    // Backup accesses live in the backup module's own table, when that module is there.
    if ((await this.db.introspection.getTables()).some((t) => t.name === 'backup_access')) {
      const rows = await sql<{
        id: string;
        short_code: string;
      }>`select id, short_code from backup_access where device_id = ${req.deviceId}`.execute(this.db);
      for (const r of rows.rows) access.set(r.id, r.short_code);
    }
    return { screen, access };
  }

  private async technicians(ids: string[], logins: Map<string, { at: string; seq: number }>): Promise<ReceiptTechnician[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('technicians').select(['id', 'login', 'display_name', 'role']).where('id', 'in', ids).execute();
    const photos = new Map(
      (await this.db.selectFrom('technician_photos').select(['technician_id', 'sha256']).where('technician_id', 'in', ids).execute()).map(
        (p) => [p.technician_id, p.sha256],
      ),
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

  private async photoBytes(technicianId: string, sha: string | null): Promise<Buffer | null> {
    if (!sha) return null;
    const p = await this.db
      .selectFrom('technician_photos')
      .select(['bytes', 'sha256'])
      .where('technician_id', '=', technicianId)
      .executeTakeFirst();
    return p && p.sha256 === sha ? Buffer.from(p.bytes) : null;
  }

  // ---------- who may see what ----------
  /** The request, when `actor` may have its receipt: its own device, or its technician (supervisors and admins: any). */
  async authorize(actor: Actor, requestId: string): Promise<RequestFacts> {
    const req = await this.requestFacts(requestId);
    if (!req) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
    if (actor.kind === 'device') {
      if (req.deviceId !== actor.id) throw new VigieError('FORBIDDEN', 'Ce reçu concerne un autre ordinateur.');
    } else if (req.technicianId !== actor.id && !isPrivileged(actor)) {
      throw new VigieError('FORBIDDEN', 'Seul le technicien de cette demande (ou un superviseur) peut obtenir son reçu.');
    }
    if (!this.receiptable(req))
      throw new VigieError('CONFLICT', 'Pas encore de reçu : la demande n’est pas close, ou aucun technicien ne l’a prise.');
    return req;
  }

  /** The PDF of an issued receipt in `locale`, as issued. */
  async pdf(receiptId: string, locale: Locale): Promise<Buffer> {
    const doc = await this.db
      .selectFrom('receipt_documents')
      .select(['pdf'])
      .where('receipt_id', '=', receiptId)
      .where('locale', '=', locale)
      .executeTakeFirst();
    if (!doc) throw new VigieError('NOT_FOUND', 'Reçu introuvable dans cette langue.');
    return Buffer.from(doc.pdf);
  }

  /** The receipt as a file (PDF in `locale`, or the signed JSON); the download is audited. */
  async file(actor: Actor, requestId: string, format: ReceiptFormat, locale: Locale): Promise<ReceiptFile> {
    const req = await this.authorize(actor, requestId);
    const { row } = await this.ensure(req.id);
    let bytes: Buffer;
    if (format === 'json') bytes = Buffer.from(row.json, 'utf8');
    else bytes = await this.pdf(row.id, locale);
    await this.o.audit.append({
      actorType: actor.kind,
      actorId: actor.id,
      action: 'receipt.download',
      subject: req.id,
      data: { requestId: req.id, receiptId: row.id, version: row.version, format, ...(format === 'pdf' ? { locale } : {}) },
    });
    const day = (req.closedAt ?? row.issued_at).slice(0, 10);
    const suffix = format === 'pdf' ? `-${locale}.pdf` : '.json';
    return {
      receiptId: row.id,
      version: row.version,
      fileName: `recu-intervention-${day}-${req.id.slice(0, 8)}-v${row.version}${suffix}`.replace(/[^A-Za-z0-9._-]/g, '-'),
      mimeType: format === 'pdf' ? 'application/pdf' : 'application/json',
      base64: bytes.toString('base64'),
      sha256: sha256(bytes),
    };
  }

  /**
   * Closed interventions of a device, newest first: its own (device), or the ones the technician
   * held (supervisors and admins: all). A technician's look is audited (a read of the practice's data).
   */
  async list(
    actor: Actor,
    input: { deviceId?: string; limit: number; before?: { closedAt: string; requestId: string } },
  ): Promise<InterventionListResponse> {
    const deviceId = actor.kind === 'device' ? actor.id : input.deviceId;
    if (!deviceId) throw new VigieError('BAD_REQUEST', 'Ordinateur manquant.');
    let q = this.db
      .selectFrom('help_requests as h')
      .innerJoin('devices as d', 'd.id', 'h.device_id')
      .innerJoin('practices as p', 'p.id', 'd.practice_id')
      .leftJoin('technicians as t', 't.id', 'h.technician_id')
      .select([
        'h.id',
        'h.status',
        'h.topic',
        'h.created_at',
        'h.closed_at',
        'h.technician_id',
        'h.resolution_note',
        'd.id as device_id',
        'd.name as device_name',
        'p.name as practice_name',
        't.display_name as technician_name',
      ])
      .where('h.device_id', '=', deviceId)
      .where('h.status', 'in', CLOSED)
      .where('h.first_assigned_at', 'is not', null)
      .where('h.closed_at', 'is not', null);
    if (actor.kind === 'technician' && !isPrivileged(actor)) q = q.where('h.technician_id', '=', actor.id);
    const before = input.before;
    if (before)
      q = q.where((eb) =>
        eb.or([
          eb('h.closed_at', '<', before.closedAt),
          eb.and([eb('h.closed_at', '=', before.closedAt), eb('h.id', '<', before.requestId)]),
        ]),
      );
    const rows = await q
      .orderBy('h.closed_at', 'desc')
      .orderBy('h.id', 'desc')
      .limit(input.limit + 1)
      .execute();
    const page = rows.slice(0, input.limit);
    if (actor.kind === 'technician') {
      await this.o.audit.append({
        actorType: 'technician',
        actorId: actor.id,
        action: 'receipt.list',
        subject: deviceId,
        data: { deviceId, count: page.length },
      });
    }
    const receipts = page.length
      ? await this.db
          .selectFrom('receipts')
          .selectAll()
          .where(
            'request_id',
            'in',
            page.map((r) => r.id),
          )
          .execute()
      : [];
    const latest = new Map<string, Row>();
    for (const r of receipts) if ((latest.get(r.request_id)?.version ?? 0) < r.version) latest.set(r.request_id, r);
    const items = page.map((r): InterventionSummary => {
      const rec = latest.get(r.id);
      const parsed = rec ? InterventionReceipt.safeParse(JSON.parse(rec.json)) : null;
      const body = parsed?.success ? parsed.data : null;
      return {
        requestId: r.id,
        deviceId: r.device_id,
        deviceName: r.device_name,
        practiceName: r.practice_name,
        status: r.status as HelpStatus,
        topic: r.topic as HelpTopic | null,
        createdAt: r.created_at,
        closedAt: r.closed_at,
        technician: r.technician_id && r.technician_name ? { id: r.technician_id, displayName: r.technician_name } : null,
        resolutionNote: r.resolution_note,
        receipt:
          rec && body
            ? {
                id: rec.id,
                version: rec.version,
                issuedAt: rec.issued_at,
                consents: body.consents.length,
                controlPeriods: body.controlPeriods.length,
                restores: body.restores.length,
                safety: body.safety.snapshots.length + body.safety.undo.length > 0,
              }
            : null,
      };
    });
    return { items, more: rows.length > input.limit };
  }

  // ---------- photos ----------
  /** `user photo <login> <file>`: a JPEG or PNG within TECHNICIAN_PHOTO_LIMITS that the PDF library can draw. */
  async setPhoto(
    login: string,
    bytes: Buffer,
  ): Promise<{ technicianId: string; sha256: string; mime: string; width: number; height: number }> {
    const tech = await this.db.selectFrom('technicians').select(['id']).where('login', '=', login).executeTakeFirst();
    if (!tech) throw new VigieError('NOT_FOUND', `No technician with login "${login}".`);
    const info = inspectPhoto(bytes);
    drawable(bytes);
    const digest = sha256(bytes);
    await this.db.transaction().execute(async (trx) => {
      const values = {
        mime: info.mime,
        bytes,
        sha256: digest,
        width: info.width,
        height: info.height,
        updated_at: new Date().toISOString(),
      };
      await trx
        .insertInto('technician_photos')
        .values({ technician_id: tech.id, ...values })
        .onConflict((oc) => oc.column('technician_id').doUpdateSet(values))
        .execute();
      await this.o.audit.append(
        {
          actorType: 'cli',
          action: 'technician.photo',
          subject: tech.id,
          data: { login, sha256: digest, mime: info.mime, width: info.width, height: info.height, bytes: bytes.length },
        },
        trx,
      );
    });
    return { technicianId: tech.id, sha256: digest, ...info };
  }

  async clearPhoto(login: string): Promise<boolean> {
    const tech = await this.db.selectFrom('technicians').select(['id']).where('login', '=', login).executeTakeFirst();
    if (!tech) throw new VigieError('NOT_FOUND', `No technician with login "${login}".`);
    return this.db.transaction().execute(async (trx) => {
      const res = await trx.deleteFrom('technician_photos').where('technician_id', '=', tech.id).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) return false;
      await this.o.audit.append({ actorType: 'cli', action: 'technician.photo_cleared', subject: tech.id, data: { login } }, trx);
      return true;
    });
  }

  /** The photo of the technician of a screen session live on this device (the consent window), null when none was set. */
  async photoForSession(deviceId: string, sessionId: string): Promise<TechnicianPhoto | null> {
    const s = await this.db
      .selectFrom('screen_sessions')
      .select(['technician_id', 'device_id', 'state'])
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (!s || s.device_id !== deviceId || s.state === 'ended')
      throw new VigieError('FORBIDDEN', 'Aucun partage d’écran en cours avec ce technicien.');
    const p = await this.db
      .selectFrom('technician_photos')
      .select(['mime', 'bytes', 'sha256'])
      .where('technician_id', '=', s.technician_id)
      .executeTakeFirst();
    return p
      ? { mimeType: p.mime as TechnicianPhoto['mimeType'], base64: Buffer.from(p.bytes).toString('base64'), sha256: p.sha256 }
      : null;
  }
}

/** The PDF library must be able to draw the photo (an image it cannot decode is refused when set, not when a receipt is issued). */
function drawable(bytes: Buffer): void {
  try {
    const doc = new PDFDocument({ autoFirstPage: true });
    doc.image(bytes, 0, 0, { fit: [16, 16] });
    doc.end();
  } catch {
    throw new VigieError('BAD_REQUEST', 'The photo could not be read (damaged or unusual JPEG/PNG): save it again as a plain JPEG.');
  }
}

export function createReceiptService(o: ReceiptServiceOptions): ReceiptService {
  return new ReceiptService(o);
}
