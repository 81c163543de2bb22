import {
  VigieError,
  type InterventionListResponse,
  type Locale,
  type ReceiptFile,
  type ReceiptFormat,
  type ReceiptPublicKey,
  type TechnicianPhoto,
} from '@vigie/common';
import type { HubKey } from '../hub-key.js';
import type { Actor } from '../services/actors.js';
import type { AuditLog } from '../services/audit.js';
import type { Db } from '../store/db.js';
import { sha256 } from './digest.js';
import { listInterventions, type InterventionListInput } from './interventions.js';
import { issueReceipt } from './issue.js';
import { receiptable, receiptFileName, refusal } from './policy.js';
import { issued, latestReceipt, receiptPdf, requestFacts, safetyAfter, type IssuedReceipt, type RequestFacts } from './records.js';
import type { ReceiptsDb } from './schema.js';
import { clearPhoto, photoForSession, setPhoto, type PhotoSet } from './technician-photos.js';

export { receiptDigest, signingMessage } from './digest.js';
export { RECEIPT_LOCALES } from './issue.js';
export type { IssuedReceipt, RequestFacts } from './records.js';

export interface ReceiptServiceOptions {
  db: Db;
  audit: AuditLog;
  key: HubKey;
  /** The time zone the PDF writes times in (the practice's; default Europe/Paris). */
  timeZone?: () => Promise<string> | string;
  /** Errors of a receipt issued in the background (the request is closed anyway). */
  onError?: (e: unknown, requestId: string) => void;
}

/**
 * Intervention receipts: issued when a request a technician took is closed (and again, as a new
 * version, when a safety snapshot or an undo about it is recorded later), kept as issued (signed
 * JSON + one PDF per locale, their digests in a `receipt.issued` audit entry), handed to the
 * request's device and to its technician (or a supervisor), each download audited.
 *
 * The entry point: who may have what and when a version is due (policy.ts), the reads (records.ts),
 * issuing a version (issue.ts), the intervention list (interventions.ts), technicians' photos
 * (technician-photos.ts); this class holds the one-issue-at-a-time-per-request map.
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

  requestFacts(requestId: string): Promise<RequestFacts | null> {
    return requestFacts(this.db, requestId);
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
    const req = await requestFacts(this.db, requestId);
    if (!req) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
    if (!receiptable(req))
      throw new VigieError('CONFLICT', 'Pas de reçu pour cette demande : elle n’est pas close, ou aucun technicien ne l’a prise.');
    const latest = await latestReceipt(this.db, requestId);
    if (latest && !(await safetyAfter(this.db, req.id, latest.to_seq))) return issued(latest);
    return issueReceipt({ db: this.db, audit: this.o.audit, key: this.o.key, timeZone: this.o.timeZone }, req, (latest?.version ?? 0) + 1);
  }

  // ---------- who may see what ----------
  /** The request, when `actor` may have its receipt: its own device, or its technician (supervisors and admins: any). */
  async authorize(actor: Actor, requestId: string): Promise<RequestFacts> {
    const req = await requestFacts(this.db, requestId);
    if (!req) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
    const refused = refusal(actor, req);
    if (refused) throw refused;
    return req;
  }

  /** The PDF of an issued receipt in `locale`, as issued. */
  pdf(receiptId: string, locale: Locale): Promise<Buffer> {
    return receiptPdf(this.db, receiptId, locale);
  }

  /** The receipt as a file (PDF in `locale`, or the signed JSON); the download is audited. */
  async file(actor: Actor, requestId: string, format: ReceiptFormat, locale: Locale): Promise<ReceiptFile> {
    const req = await this.authorize(actor, requestId);
    const { row } = await this.ensure(req.id);
    const bytes = format === 'json' ? Buffer.from(row.json, 'utf8') : await this.pdf(row.id, locale);
    await this.o.audit.append({
      actorType: actor.kind,
      actorId: actor.id,
      action: 'receipt.download',
      subject: req.id,
      data: { requestId: req.id, receiptId: row.id, version: row.version, format, ...(format === 'pdf' ? { locale } : {}) },
    });
    return {
      receiptId: row.id,
      version: row.version,
      fileName: receiptFileName(
        { closedAt: req.closedAt, issuedAt: row.issued_at, requestId: req.id, version: row.version },
        format,
        locale,
      ),
      mimeType: format === 'pdf' ? 'application/pdf' : 'application/json',
      base64: bytes.toString('base64'),
      sha256: sha256(bytes),
    };
  }

  /**
   * Closed interventions of a device, newest first: its own (device), or the ones the technician
   * held (supervisors and admins: all). A technician's look is audited (a read of the practice's data).
   */
  list(actor: Actor, input: InterventionListInput): Promise<InterventionListResponse> {
    return listInterventions(this.db, this.o.audit, actor, input);
  }

  // ---------- photos ----------
  /** `user photo <login> <file>`: a JPEG or PNG within TECHNICIAN_PHOTO_LIMITS that the PDF library can draw. */
  setPhoto(login: string, bytes: Buffer): Promise<PhotoSet> {
    return setPhoto(this.db, this.o.audit, login, bytes);
  }

  clearPhoto(login: string): Promise<boolean> {
    return clearPhoto(this.db, this.o.audit, login);
  }

  /** The photo of the technician of a screen session live on this device (the consent window), null when none was set. */
  photoForSession(deviceId: string, sessionId: string): Promise<TechnicianPhoto | null> {
    return photoForSession(this.db, deviceId, sessionId);
  }
}

export function createReceiptService(o: ReceiptServiceOptions): ReceiptService {
  return new ReceiptService(o);
}
