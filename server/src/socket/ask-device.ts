import { VigieError, illFormedTextPath, resultSchema, type ErrorBody } from '@vigie/common';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import { rooms, type Realtime } from './realtime.js';

/**
 * One hub → device call (HUB_DEVICE_CALLS) to ONE socket of the device, acknowledged with a Result
 * the hub checks against `response` before anything else: OFFLINE when the device has no socket
 * (or lost it meanwhile), TIMEOUT when it does not answer in `ms`, INTERNAL when it answers outside
 * the contract, the device's own error otherwise. The answer is the acknowledgement of this very
 * call, so a device can never report something the hub did not ask for.
 */
export async function askDevice<T extends z.ZodType>(o: {
  realtime: Realtime;
  log: Logger;
  deviceId: string;
  event: string;
  payload: unknown;
  ms: number;
  response: T;
}): Promise<z.infer<T>> {
  const rt = o.realtime;
  const offline = () => new VigieError('OFFLINE', 'Le poste est hors ligne : réessayez quand il sera allumé et connecté.');
  if (!rt.isDeviceOnline(o.deviceId)) throw offline();
  const sockets = await rt.devNs.in(rooms.device(o.deviceId)).fetchSockets();
  // One socket only: a device briefly connected twice (restart) must not run a call twice.
  const target = sockets[sockets.length - 1];
  if (!target) throw offline();
  let answers: unknown[];
  try {
    answers = (await rt.devNs.to(target.id).timeout(o.ms).emitWithAck(o.event, o.payload)) as unknown[];
  } catch {
    if (!rt.isDeviceOnline(o.deviceId)) throw offline();
    throw new VigieError('TIMEOUT', 'Le poste n’a pas répondu à temps. Réessayez.');
  }
  if (answers.length === 0) throw offline();
  const parsed = resultSchema(o.response).safeParse(answers[0]);
  if (!parsed.success || illFormedTextPath(answers[0]) !== null) {
    o.log.warn({ deviceId: o.deviceId, event: o.event }, 'device answered a call outside the contract');
    throw new VigieError('INTERNAL', 'Réponse inattendue du poste.');
  }
  const r = parsed.data as { ok: true; data: z.infer<T> } | { ok: false; error: ErrorBody };
  if (!r.ok) throw new VigieError(r.error.code, r.error.message, r.error.details);
  return r.data;
}
