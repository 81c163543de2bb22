import type { Socket } from 'socket.io';
import {
  SESSION_COOKIE,
  TECH_EVENTS,
  VigieError,
  type BACKUP_TECH_EVENTS,
  type HISTORY_TECH_EVENTS,
  type DEVICE_LOGS_TECH_EVENTS,
  type SCREEN_TECH_EVENTS,
  type SUPPORT_TECH_EVENTS,
  type TRIPWIRE_TECH_EVENTS,
} from '@vigie/common';
import { createBackupRelay, loadDeviceReport, type BackupAccessHub } from '../backup/index.js';
import { historyTechHandlers } from '../history/index.js';
import { deviceLogsTechHandlers } from '../logs/index.js';
import type { HubConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { isPrivileged, type TechActor } from '../services/actors.js';
import type { SessionInfo } from '../services/auth.js';
import { loadHealthReport } from '../services/health-reports.js';
import type { Services } from '../services/index.js';
import { connectError } from './device.js';
import { chatHandlers } from './chat.js';
import { dispatch, type Handlers } from './dispatch.js';
import { closeWith } from './outbound.js';
import { rooms, type Realtime } from './realtime.js';
import type { ScreenHub } from '../screen/index.js';
import type { TripwireHub } from '../tripwire/index.js';
import { supportTechHandlers } from '../settings/socket.js';
import type { SettingsService } from '../settings/service.js';
import type { ReceiptService } from '../receipts/service.js';

type Ctx = { actor: TechActor; session: SessionInfo; socket: Socket };

const handlers = (
  s: Services,
  rt: Realtime,
  screen: ScreenHub,
  receipts?: ReceiptService,
): Omit<
  Handlers<typeof TECH_EVENTS, Ctx>,
  | keyof typeof BACKUP_TECH_EVENTS
  | keyof typeof SCREEN_TECH_EVENTS
  | keyof typeof HISTORY_TECH_EVENTS
  | keyof typeof DEVICE_LOGS_TECH_EVENTS
  | keyof typeof SUPPORT_TECH_EVENTS
  | keyof typeof TRIPWIRE_TECH_EVENTS
> => ({
  'tech:hello': async ({ queueChanges }, { session, actor, socket }) => {
    // Joined before the snapshot is read: no change made after the read goes unheard. A hello
    // without it (the same socket saying hello again) gets whole snapshots again.
    void (queueChanges ? socket.join(rooms.queueChanges) : socket.leave(rooms.queueChanges));
    const [queue, mine] = await Promise.all([rt.snapshot(), s.help.listMine(actor.id)]);
    for (const r of mine) void socket.join(rooms.request(r.id));
    return { technician: session.technician, queue, mine };
  },
  'queue:list': async () => rt.snapshot(),
  'help:mine': async (_input, { actor }) => s.help.listMine(actor.id),
  'help:get': async ({ requestId }, { actor, socket }) => {
    const request = await s.help.getForView(actor, requestId);
    const device = await s.devices.require(request.deviceId, rt.isDeviceOnline(request.deviceId));
    // Reads of a practice's data by a technician are audited (request view, health report, fleet list, backups: backup/relay.ts).
    await s.audit.append({
      actorType: 'technician',
      actorId: actor.id,
      action: 'help.view',
      subject: request.id,
      data: { deviceId: request.deviceId, practiceId: request.practiceId },
    });
    const sync = await s.chat.sync(actor, { requestId, afterSeq: 0 });
    // Following a request it may see: live chat, receipts and typing arrive on this socket.
    void socket.join(rooms.request(request.id));
    const { report: healthReport } = await loadHealthReport(s.db, request.deviceId);
    const deviceReport = await loadDeviceReport(s.db, request.deviceId);
    return { request, device, messages: sync.messages, receipts: sync.receipts, healthReport, deviceReport };
  },
  'help:accept': async ({ requestId }, { actor }) => {
    const change = await s.help.accept(actor, requestId);
    rt.follow(actor.id, requestId);
    await evictViewers(rt, requestId, change.request.technician?.id ?? null);
    rt.requestChanged(change.request, change.message);
    return change.request;
  },
  'help:release': async ({ requestId, toTechnicianId }, { actor }) => {
    const change = await s.help.release(actor, requestId, toTechnicianId);
    await screen.endForRequest(requestId);
    if (change.previousTechnicianId) rt.unfollow(change.previousTechnicianId, requestId);
    if (change.request.technician) {
      rt.follow(change.request.technician.id, requestId);
      await evictViewers(rt, requestId, change.request.technician.id);
    }
    rt.requestChanged(change.request, change.message);
    return change.request;
  },
  'help:resolve': async ({ requestId, note }, { actor }) => {
    const change = await s.help.resolve(actor, requestId, note);
    await screen.endForRequest(requestId);
    // The intervention's receipt, once the screen session's end is in the audit chain.
    await receipts?.issueInBackground(requestId);
    rt.requestChanged(change.request, change.message);
    return change.request;
  },
  'technicians:list': async () => {
    const all = await s.auth.listTechnicians();
    return all
      .filter((t) => !t.disabled)
      .map((t) => ({ id: t.id, displayName: t.displayName, initials: t.initials, online: rt.isTechOnline(t.id) }));
  },
  'devices:list': async (_input, { actor }) => {
    await s.audit.append({ actorType: 'technician', actorId: actor.id, action: 'devices.list' });
    return s.devices.list(rt.isDeviceOnline);
  },
  'device:health': async ({ deviceId }, { actor }) => {
    await s.devices.viewedBy(actor.id, deviceId, 'device.health_view', false);
    return loadHealthReport(s.db, deviceId);
  },
  ...chatHandlers(s, rt),
  'chat:typing': async (input, { actor }) => {
    const r = await s.help.getForAct(actor, input.requestId);
    rt.devNs
      .to(rooms.device(r.deviceId))
      .emit('chat:typing', { requestId: r.id, author: 'technician', name: actor.name, typing: input.typing });
    return {};
  },
});

/** Once a request is assigned, technicians who may no longer see it stop following it. */
async function evictViewers(rt: Realtime, requestId: string, assigneeId: string | null): Promise<void> {
  const sockets = await rt.techNs.in(rooms.request(requestId)).fetchSockets();
  for (const sock of sockets) {
    const a = (sock.data as { actor?: TechActor }).actor;
    if (a && a.id !== assigneeId && !isPrivileged(a)) sock.leave(rooms.request(requestId));
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** `/tech` namespace: session cookie auth (same origin only), presence, the technician's events. */
export function setupTechNamespace(
  rt: Realtime,
  s: Services,
  cfg: HubConfig,
  log: Logger,
  screen: ScreenHub,
  settings: SettingsService,
  tripwire: TripwireHub,
  backupAccess?: BackupAccessHub,
  receipts?: ReceiptService,
): void {
  const h: Handlers<typeof TECH_EVENTS, Ctx> = {
    ...handlers(s, rt, screen, receipts),
    ...createBackupRelay({ services: s, realtime: rt, log, ...(backupAccess ? { access: backupAccess } : {}) }).techHandlers,
    ...screen.techHandlers,
    ...historyTechHandlers(s, rt),
    ...deviceLogsTechHandlers({ services: s, realtime: rt, log }),
    ...supportTechHandlers(settings, rt),
    ...tripwire.techHandlers,
  };
  rt.techNs.use((socket, next) => {
    const origin = socket.handshake.headers.origin;
    if (origin && !sameOrigin(origin, socket.handshake.headers.host, cfg.publicUrl)) {
      next(connectError(new VigieError('UNAUTHORIZED', 'Origine refusée.'), log));
      return;
    }
    s.auth
      .authenticate(readCookie(socket.handshake.headers.cookie, SESSION_COOKIE))
      .then((session) => {
        socket.data.session = session;
        socket.data.actor = {
          kind: 'technician',
          id: session.technician.id,
          name: session.technician.displayName,
          role: session.technician.role,
        } satisfies TechActor;
        next();
      })
      .catch((e: unknown) => next(connectError(e, log)));
  });
  rt.techNs.on('connection', (socket) => {
    const session = socket.data.session as SessionInfo;
    const actor = socket.data.actor as TechActor;
    void socket.join([rooms.allTechs, rooms.tech(actor.id), rooms.session(session.sessionId)]);
    rt.techUp(actor.id);
    socket.on('disconnect', () => rt.techDown(actor.id));
    const beforeEach = async () => {
      if (!(await s.auth.isSessionAlive(session.sessionId))) {
        endSession(socket, 'expired');
        throw new VigieError('UNAUTHORIZED', 'Session expirée. Reconnectez-vous.');
      }
      await s.auth.touch(session.sessionId);
    };
    dispatch(socket, TECH_EVENTS, h, { actor, session, socket }, { ...cfg.socket, log, beforeEach });
  });
}

export function endSession(socket: Parameters<typeof closeWith>[0], reason: string): void {
  closeWith(socket, 'session:ended', { reason });
}

function sameOrigin(origin: string, host: string | undefined, publicUrl: string | undefined): boolean {
  try {
    const o = new URL(origin);
    if (publicUrl && o.origin === new URL(publicUrl).origin) return true;
    return !!host && o.host === host;
  } catch {
    return false;
  }
}
