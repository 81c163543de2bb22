/**
 * Technicians' photos, printed on receipts and shown in the practitioner's consent window: set and
 * cleared from the CLI (`user photo …`, audited), and handed to a device only for the technician of
 * a screen session live on it.
 */
import PDFDocument from 'pdfkit';
import { VigieError, type TechnicianPhoto } from '@vigie/common';
import type { AuditLog } from '../services/audit.js';
import { sha256 } from './digest.js';
import { inspectPhoto } from './photo.js';
import type { ReceiptsDb } from './schema.js';

export interface PhotoSet {
  technicianId: string;
  sha256: string;
  mime: string;
  width: number;
  height: number;
}

async function technicianId(db: ReceiptsDb, login: string): Promise<string> {
  const tech = await db.selectFrom('technicians').select(['id']).where('login', '=', login).executeTakeFirst();
  if (!tech) throw new VigieError('NOT_FOUND', `No technician with login "${login}".`);
  return tech.id;
}

/** `user photo <login> <file>`: a JPEG or PNG within TECHNICIAN_PHOTO_LIMITS that the PDF library can draw. */
export async function setPhoto(db: ReceiptsDb, audit: AuditLog, login: string, bytes: Buffer): Promise<PhotoSet> {
  const id = await technicianId(db, login);
  const info = inspectPhoto(bytes);
  drawable(bytes);
  const digest = sha256(bytes);
  await db.transaction().execute(async (trx) => {
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
      .values({ technician_id: id, ...values })
      .onConflict((oc) => oc.column('technician_id').doUpdateSet(values))
      .execute();
    await audit.append(
      {
        actorType: 'cli',
        action: 'technician.photo',
        subject: id,
        data: { login, sha256: digest, mime: info.mime, width: info.width, height: info.height, bytes: bytes.length },
      },
      trx,
    );
  });
  return { technicianId: id, sha256: digest, ...info };
}

export async function clearPhoto(db: ReceiptsDb, audit: AuditLog, login: string): Promise<boolean> {
  const id = await technicianId(db, login);
  return db.transaction().execute(async (trx) => {
    const res = await trx.deleteFrom('technician_photos').where('technician_id', '=', id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) return false;
    await audit.append({ actorType: 'cli', action: 'technician.photo_cleared', subject: id, data: { login } }, trx);
    return true;
  });
}

/** The photo of the technician of a screen session live on this device (the consent window), null when none was set. */
export async function photoForSession(db: ReceiptsDb, deviceId: string, sessionId: string): Promise<TechnicianPhoto | null> {
  const s = await db
    .selectFrom('screen_sessions')
    .select(['technician_id', 'device_id', 'state'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!s || s.device_id !== deviceId || s.state === 'ended')
    throw new VigieError('FORBIDDEN', 'Aucun partage d’écran en cours avec ce technicien.');
  const p = await db
    .selectFrom('technician_photos')
    .select(['mime', 'bytes', 'sha256'])
    .where('technician_id', '=', s.technician_id)
    .executeTakeFirst();
  return p ? { mimeType: p.mime as TechnicianPhoto['mimeType'], base64: Buffer.from(p.bytes).toString('base64'), sha256: p.sha256 } : null;
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
