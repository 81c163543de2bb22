import { VigieError, type RECEIPT_DEVICE_EVENTS } from '@vigie/common';
import type { DeviceActor } from '../services/actors.js';
import type { Handlers } from '../socket/dispatch.js';
import type { ReceiptService } from './service.js';

/** `/device`: the device's own closed interventions, their receipts, and the photo of the technician of a live screen session. */
export function receiptDeviceHandlers(receipts: ReceiptService): Handlers<typeof RECEIPT_DEVICE_EVENTS, { actor: DeviceActor }> {
  return {
    'intervention:list': async ({ limit, before }, { actor }) => receipts.list(actor, { limit, ...(before ? { before } : {}) }),
    'intervention:receipt': async ({ requestId, format, locale }, { actor }) => receipts.file(actor, requestId, format, locale),
    'technician:photo': async ({ sessionId }, { actor }) => receipts.photoForSession(actor.id, sessionId),
  };
}

const unavailable = async (): Promise<never> => {
  throw new VigieError('UNAVAILABLE', 'Les reçus d’intervention ne sont pas disponibles sur ce serveur.');
};
/** When a hub is built without receipts (tests of other modules). */
export const noReceiptDeviceHandlers: Handlers<typeof RECEIPT_DEVICE_EVENTS, { actor: DeviceActor }> = {
  'intervention:list': unavailable,
  'intervention:receipt': unavailable,
  'technician:photo': unavailable,
};
