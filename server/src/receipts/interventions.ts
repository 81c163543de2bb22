/**
 * The list of a device's closed interventions, newest first, a page at a time: its own (device), or
 * the ones the technician held (supervisors and admins: all), each with a summary of its latest
 * receipt. A technician's look is audited (a read of the practice's data).
 */
import {
  InterventionReceipt,
  VigieError,
  type HelpStatus,
  type HelpTopic,
  type InterventionListResponse,
  type InterventionSummary,
} from '@vigie/common';
import { isPrivileged, type Actor } from '../services/actors.js';
import type { AuditLog } from '../services/audit.js';
import { CLOSED } from './policy.js';
import { selectRequestFacts } from './records.js';
import type { ReceiptsDb, ReceiptTable } from './schema.js';

export interface InterventionListInput {
  deviceId?: string;
  limit: number;
  before?: { closedAt: string; requestId: string };
}

export async function listInterventions(
  db: ReceiptsDb,
  audit: AuditLog,
  actor: Actor,
  input: InterventionListInput,
): Promise<InterventionListResponse> {
  const deviceId = actor.kind === 'device' ? actor.id : input.deviceId;
  if (!deviceId) throw new VigieError('BAD_REQUEST', 'Ordinateur manquant.');
  let q = selectRequestFacts(db)
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
    await audit.append({
      actorType: 'technician',
      actorId: actor.id,
      action: 'receipt.list',
      subject: deviceId,
      data: { deviceId, count: page.length },
    });
  }
  const receipts = page.length
    ? await db
        .selectFrom('receipts')
        .selectAll()
        .where(
          'request_id',
          'in',
          page.map((r) => r.id),
        )
        .execute()
    : [];
  const latest = new Map<string, ReceiptTable>();
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
