import { randomUUID } from 'node:crypto';
import { DEVICE_LOGS_LIMITS, DeviceLogs, VigieError, systemMessage, type Clock, type DEVICE_LOGS_TECH_EVENTS } from '@vigie/common';
import type { Logger } from '../logger.js';
import type { TechActor } from '../services/actors.js';
import { insertMessage } from '../services/chat.js';
import type { Services } from '../services/index.js';
import { askDevice } from '../socket/ask-device.js';
import type { Handlers } from '../socket/dispatch.js';
import type { Realtime } from '../socket/realtime.js';

type Ctx = { actor: TechActor };

export interface DeviceLogsOptions {
  services: Services;
  realtime: Realtime;
  log: Logger;
  /** How long the device may take (tests shorten it). */
  timeoutMs?: number;
  now?: Clock['now'];
}

/** The audit action of a technician reading a device's log (a read of practice data, act « reads »). */
export const DEVICE_LOGS_AUDIT = 'device.logs_view';

/**
 * `device:logs`: the last lines of a practice computer's technical log, for the technician its
 * open request is assigned to — only them: not a colleague, not a supervisor (least privilege: a
 * log is read to fix that request). Each ask is counted (DEVICE_LOGS_LIMITS: 6 per technician and
 * device in 10 minutes, from the audit chain itself, so every hub node counts the same) and
 * audited before the device is asked; the device checks the request and the technician again,
 * redacts its lines and bounds them; its answer is the acknowledgement of the hub's own call
 * (socket/ask-device.ts), checked against the contract. Once the lines are read, the practitioner
 * finds « {{name}} a consulté le journal technique de ce poste » in the request's chat.
 */
export function deviceLogsTechHandlers(o: DeviceLogsOptions): Handlers<typeof DEVICE_LOGS_TECH_EVENTS, Ctx> {
  const s = o.services;
  const now = o.now ?? Date.now;
  return {
    'device:logs': async ({ requestId, lines }, { actor }) => {
      const r = await s.help.getById(requestId);
      if (!r) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
      if (r.status !== 'assigned' || r.technician?.id !== actor.id)
        throw new VigieError('FORBIDDEN', 'Seul le technicien de cette demande en cours peut lire le journal du poste.');
      if (!(await s.devices.isActive(r.deviceId))) throw new VigieError('FORBIDDEN', 'Ce poste n’est plus autorisé.');
      const since = new Date(now() - DEVICE_LOGS_LIMITS.askWindowMs).toISOString();
      const recent = await s.db
        .selectFrom('audit_log')
        .select('at')
        .where('actor_id', '=', actor.id)
        .where('action', '=', DEVICE_LOGS_AUDIT)
        .where('subject', '=', r.deviceId)
        .where('at', '>', since)
        .orderBy('at')
        .execute();
      if (recent.length >= DEVICE_LOGS_LIMITS.asksPerWindow) {
        const retryAfterMs = Math.max(1000, Date.parse(recent[0]!.at) + DEVICE_LOGS_LIMITS.askWindowMs - now());
        throw new VigieError('RATE_LIMITED', 'Le journal de ce poste a été demandé trop souvent : patientez un peu.', { retryAfterMs });
      }
      const count = lines ?? DEVICE_LOGS_LIMITS.defaultLines;
      // A read of the practice's data: audited before the device is asked (a refused or lost ask stays counted).
      await s.audit.append({
        actorType: 'technician',
        actorId: actor.id,
        action: DEVICE_LOGS_AUDIT,
        subject: r.deviceId,
        data: { requestId, lines: count },
      });
      const answer = await askDevice({
        realtime: o.realtime,
        log: o.log,
        deviceId: r.deviceId,
        event: 'device:logs',
        payload: { requestId, technician: { id: actor.id, name: actor.name }, lines: count },
        ms: o.timeoutMs ?? DEVICE_LOGS_LIMITS.timeoutMs,
        response: DeviceLogs,
      });
      // The practitioner is told, in the request's chat, signed « Vigie » (only the hub's facts: the technician's name).
      const message = await s.db.transaction().execute((trx) =>
        insertMessage(trx, {
          id: randomUUID(),
          requestId,
          author: 'system',
          authorId: null,
          authorName: 'Vigie',
          ...systemMessage('logs.viewed', { name: actor.name }),
        }),
      );
      o.realtime.chatMessage(r.deviceId, message);
      return { ...answer, lines: answer.lines.slice(-count) };
    },
  };
}
