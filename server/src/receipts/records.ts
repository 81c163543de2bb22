/**
 * Reading what receipts are made of and kept in: a request's facts (with its device and practice),
 * the latest receipt issued for it, whether safety entries came after that one, and an issued PDF.
 */
import { InterventionReceipt, VigieError, type HelpStatus, type HelpTopic, type Locale, type OsFamily } from '@vigie/common';
import { requestsJoined } from '../services/help-record.js';
import type { ReceiptsDb, ReceiptTable } from './schema.js';

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

/** A stored receipt row with its parsed body. */
export const issued = (row: ReceiptTable): IssuedReceipt => ({ row, receipt: InterventionReceipt.parse(JSON.parse(row.json)) });

/** Requests with what the receipts read of them: their facts, device, practice and technician's name. */
export function selectRequestFacts(db: ReceiptsDb) {
  return requestsJoined(db).select([
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
    't.display_name as technician_name',
  ]);
}

export async function requestFacts(db: ReceiptsDb, requestId: string): Promise<RequestFacts | null> {
  const r = await selectRequestFacts(db).where('h.id', '=', requestId).executeTakeFirst();
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

export async function latestReceipt(db: ReceiptsDb, requestId: string): Promise<ReceiptTable | null> {
  return (
    (await db
      .selectFrom('receipts')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst()) ?? null
  );
}

/** Whether `safety.*` entries about the request were recorded after `seq` (they are recorded under the request: one indexed look). */
export async function safetyAfter(db: ReceiptsDb, requestId: string, seq: number): Promise<boolean> {
  const later = await db
    .selectFrom('audit_log')
    .select('seq')
    .where('subject', '=', requestId)
    .where('seq', '>', seq)
    .where('action', 'like', 'safety.%')
    .limit(1)
    .executeTakeFirst();
  return later !== undefined;
}

/** The PDF of an issued receipt in `locale`, as issued. */
export async function receiptPdf(db: ReceiptsDb, receiptId: string, locale: Locale): Promise<Buffer> {
  const doc = await db
    .selectFrom('receipt_documents')
    .select(['pdf'])
    .where('receipt_id', '=', receiptId)
    .where('locale', '=', locale)
    .executeTakeFirst();
  if (!doc) throw new VigieError('NOT_FOUND', 'Reçu introuvable dans cette langue.');
  return Buffer.from(doc.pdf);
}
