import { VigieError, type HISTORY_TECH_EVENTS } from '@vigie/common';
import type { BackupAccessTables } from '../backup/access-schema.js';
import type { ScreenTables } from '../screen/index.js';
import { isPrivileged, type TechActor } from '../services/actors.js';
import type { Services } from '../services/index.js';
import type { Handlers } from '../socket/dispatch.js';
import type { Realtime } from '../socket/realtime.js';
import { auditPage } from './audit-page.js';
import { deviceHistory } from './device-history.js';
import { interventionExport } from './export.js';
import type { HistoryDb } from './schema.js';

export { HISTORY_MIGRATION_LOCK_TABLE, HISTORY_MIGRATION_TABLE, migrateHistory } from './schema.js';

type Ctx = { actor: TechActor };

/**
 * The console's device page and audit view on the hub: a device's history (requests, screen
 * sessions, restores, backup accesses — every technician may read it, like the fleet), and the
 * audit log for supervisors and admins (filtered by practice, technician, act and dates; one
 * intervention exported with its chain entries). Reads only: the audit log is never written here
 * except to record these reads themselves (device.history_view, audit.view, audit.export).
 *
 * The handlers, who may call them and the audit of each read; the answers are built by
 * device-history.ts, audit-page.ts (with names.ts) and export.ts; schema.ts has the module's indexes.
 */
export function historyTechHandlers(s: Services, rt: Realtime): Handlers<typeof HISTORY_TECH_EVENTS, Ctx> {
  const db = s.db.withTables<ScreenTables & BackupAccessTables>() as HistoryDb;
  const privileged = (actor: TechActor) => {
    if (!isPrivileged(actor)) throw new VigieError('FORBIDDEN', 'Le journal d’audit est réservé aux superviseurs et aux administrateurs.');
  };

  return {
    'device:history': async ({ deviceId }, { actor }) => {
      const device = await s.devices.viewedBy(actor.id, deviceId, 'device.history_view', rt.isDeviceOnline(deviceId));
      return deviceHistory(s.db, db, actor, device);
    },

    'audit:options': async (_input, { actor }) => {
      privileged(actor);
      const [practices, technicians] = await Promise.all([
        db.selectFrom('practices').select(['id', 'name']).orderBy('name').execute(),
        s.auth.listTechnicians(),
      ]);
      return { practices, technicians: technicians.map((t) => ({ id: t.id, name: t.displayName, disabled: t.disabled })) };
    },

    'audit:list': async (query, { actor }) => {
      privileged(actor);
      // Looking at the audit log is itself written in it, with what was looked for.
      const { limit: _limit, ...filters } = query;
      await s.audit.append({ actorType: 'technician', actorId: actor.id, action: 'audit.view', data: filters });
      return auditPage(db, query);
    },

    'audit:export': async ({ requestId }, { actor }) => {
      privileged(actor);
      const request = await s.help.getById(requestId);
      if (!request) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
      await s.audit.append({
        actorType: 'technician',
        actorId: actor.id,
        action: 'audit.export',
        subject: requestId,
        data: { practiceId: request.practiceId, deviceId: request.deviceId },
      });
      return interventionExport(s, db, actor, request);
    },
  };
}
