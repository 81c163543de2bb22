/**
 * A technician asks to see a device's screen (`screen:request`): only on a request assigned to them,
 * with the device online, one live session per device (a consent left unanswered past its time ends
 * first; a double click gets the same session again). The new session waits for consent.
 */
import { VigieError, type ScreenSession } from '@vigie/common';
import { lockRow } from '../store/dialect.js';
import { newId, randomCode } from '../util.js';
import type { ScreenHubDeps } from './deps.js';
import { consentExpired, consentRequest, forbidden, newSessionRow, toScreenSession } from './record.js';
import type { After, SessionSteps } from './steps.js';

export async function openSession(
  deps: ScreenHubDeps,
  steps: SessionSteps,
  tech: { id: string; name: string },
  socketId: string,
  requestId: string,
): Promise<ScreenSession> {
  // One live session per device: the device's row is locked before looking (a second tab on
  // another hub node waits, then sees this one), and before the request's row (store/dialect.ts lock order).
  const probe = await deps.assignedRequest(requestId, tech.id);
  if (!probe) throw forbidden();
  const after = await deps.db.transaction().execute(async (trx): Promise<After> => {
    await lockRow(trx, 'devices', probe.deviceId);
    const assigned = await deps.assignedRequest(requestId, tech.id, trx);
    if (!assigned) throw forbidden();
    if (!deps.isDeviceOnline(assigned.deviceId))
      throw new VigieError('CONFLICT', 'L’ordinateur n’est pas connecté en ce moment.', { reason: 'device-offline' });
    const live = await trx
      .selectFrom('screen_sessions')
      .selectAll()
      .where('device_id', '=', assigned.deviceId)
      .where('state', '!=', 'ended')
      .execute();
    for (const r of live) {
      if (r.state === 'consent-pending' && consentExpired(r, steps.now(), deps.settings)) {
        await steps.apply(trx, r, steps.decide(r, { type: 'end', by: 'system', actorId: null, reason: 'timeout' }));
        continue;
      }
      // A double click on "Voir l'écran": the same session again.
      if (r.request_id === requestId && r.technician_id === tech.id && r.tech_socket_id === socketId) return { row: r };
      throw new VigieError('CONFLICT', 'Un partage d’écran est déjà en cours sur cet ordinateur.', {
        reason: r.request_id === requestId && r.technician_id === tech.id ? 'other-tab' : 'busy',
      });
    }
    const row = newSessionRow({
      id: newId(),
      shortCode: randomCode(6),
      requestId,
      deviceId: assigned.deviceId,
      tech,
      socketId,
      now: steps.now(),
    });
    await trx.insertInto('screen_sessions').values(row).execute();
    await deps.audit(
      {
        actorType: 'technician',
        actorId: tech.id,
        action: 'screen.request',
        subject: row.id,
        data: { requestId, deviceId: row.device_id, kind: 'view' },
      },
      trx,
    );
    return { row, consent: consentRequest(row, 'view', deps.settings.providerName, steps.now()) };
  });
  steps.publish(after);
  return toScreenSession(after.row);
}
