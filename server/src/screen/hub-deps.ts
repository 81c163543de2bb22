import { randomUUID } from 'node:crypto';
import type { Namespace } from 'socket.io';
import type { Logger } from '../logger.js';
import { insertMessage } from '../services/chat.js';
import type { Services } from '../services/index.js';
import type { Realtime } from '../socket/realtime.js';
import type { Tx } from '../store/db.js';
import { lockRow } from '../store/dialect.js';
import type { ScreenSettings } from './config.js';
import type { ScreenTables } from './schema.js';
import type { ScreenDb, ScreenHubDeps } from './service.js';

export interface HubScreenDepsOptions {
  services: Services;
  realtime: Realtime;
  settings: ScreenSettings;
  log: Logger;
  /** Namespaces the session sockets live on (default: the hub's own /device and /tech). */
  devNs?: Namespace;
  techNs?: Namespace;
}

/**
 * Builds the screen module's dependencies from the hub's services: assignment from HelpService,
 * audit chain, system chat lines (stored like the hub's own, pushed by Realtime), presence.
 */
export function hubScreenDeps(o: HubScreenDepsOptions): ScreenHubDeps {
  const { services, realtime } = o;
  // The screen tables live in the hub's database (migrateScreen); the module sees only its own tables.
  const db: ScreenDb = services.db.withTables<ScreenTables>();
  return {
    db,
    devNs: o.devNs ?? realtime.devNs,
    techNs: o.techNs ?? realtime.techNs,
    settings: o.settings,
    log: o.log,
    isDeviceOnline: (id) => realtime.isDeviceOnline(id),
    assignedRequest: async (requestId, technicianId, trx) => {
      // Inside a session's transaction the request's row is locked: a release or resolve on another hub node waits for it.
      if (trx) await lockRow(trx, 'help_requests', requestId);
      const r = await services.help.getById(requestId, (trx as unknown as Tx | undefined) ?? services.db);
      return r && r.status === 'assigned' && r.technician?.id === technicianId ? { deviceId: r.deviceId } : null;
    },
    audit: (ev, trx) => services.audit.append(ev, trx as unknown as Tx),
    chat: {
      insert: (trx, requestId, line) =>
        insertMessage(trx as unknown as Tx, {
          id: randomUUID(),
          requestId,
          author: 'system',
          authorId: null,
          authorName: 'Vigie',
          ...line,
        }),
      push: (deviceId, message) => realtime.chatMessage(deviceId, message),
    },
  };
}
