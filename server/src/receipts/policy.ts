/**
 * Who may have a receipt and when a new version is due, as pure decisions on the request's facts
 * (no database): a request has a receipt once closed after a technician took it; the device of the
 * request, its technician, or a supervisor/admin may have it. Also the file name a download is
 * saved under. Table-tested in policy.test.ts; receipts.test.ts runs them through the hub.
 */
import { VigieError, type HelpStatus, type Locale, type ReceiptFormat } from '@vigie/common';
import { isPrivileged, type Actor } from '../services/actors.js';

export const CLOSED: readonly HelpStatus[] = ['resolved', 'cancelled'];

/** What the decisions read of a request. */
export interface ReceiptRequest {
  status: HelpStatus;
  firstAssignedAt: string | null;
  deviceId: string;
  technicianId: string | null;
}

/** A request has a receipt once it is closed and a technician took it at some point. */
export const receiptable = (r: Pick<ReceiptRequest, 'status' | 'firstAssignedAt'>): boolean =>
  CLOSED.includes(r.status) && r.firstAssignedAt !== null;

/** Why `actor` may not have the request's receipt (the error the hub answers), or null when it may. */
export function refusal(actor: Actor, req: ReceiptRequest): VigieError | null {
  if (actor.kind === 'device') {
    if (req.deviceId !== actor.id) return new VigieError('FORBIDDEN', 'Ce reçu concerne un autre ordinateur.');
  } else if (req.technicianId !== actor.id && !isPrivileged(actor)) {
    return new VigieError('FORBIDDEN', 'Seul le technicien de cette demande (ou un superviseur) peut obtenir son reçu.');
  }
  if (!receiptable(req))
    return new VigieError('CONFLICT', 'Pas encore de reçu : la demande n’est pas close, ou aucun technicien ne l’a prise.');
  return null;
}

/** The name a downloaded receipt is saved under (ASCII letters, digits, `.`, `_`, `-` only). */
export function receiptFileName(
  o: { closedAt: string | null; issuedAt: string; requestId: string; version: number },
  format: ReceiptFormat,
  locale: Locale,
): string {
  const day = (o.closedAt ?? o.issuedAt).slice(0, 10);
  const suffix = format === 'pdf' ? `-${locale}.pdf` : '.json';
  return `recu-intervention-${day}-${o.requestId.slice(0, 8)}-v${o.version}${suffix}`.replace(/[^A-Za-z0-9._-]/g, '-');
}
