import type { Socket } from 'socket.io';
import {
  DEVICE_EVENTS,
  VigieError,
  type BACKUP_DEVICE_EVENTS,
  type RECEIPT_DEVICE_EVENTS,
  type SCREEN_DEVICE_EVENTS,
  type TRIPWIRE_DEVICE_EVENTS,
} from '@vigie/common';
import { createBackupRelay, type BackupAccessHub } from '../backup/index.js';
import type { HubConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { DeviceActor } from '../services/actors.js';
import type { Services } from '../services/index.js';
import { updateDeviceHandlers, type UpdatesService } from '../updates/index.js';
import { nowIso } from '../util.js';
import { chatHandlers } from './chat.js';
import { dispatch, socketLimits, type Handlers } from './dispatch.js';
import { closeWith } from './outbound.js';
import { rooms, type Realtime } from './realtime.js';
import type { ScreenHub } from '../screen/index.js';
import type { TripwireHub } from '../tripwire/index.js';
import { noReceiptDeviceHandlers, receiptDeviceHandlers } from '../receipts/socket.js';
import type { ReceiptService } from '../receipts/service.js';

type Ctx = { actor: DeviceActor; socket: Socket };

/** The hub's own device events; other modules' events (updates…) are merged in setupDeviceNamespace. */
const handlers = (
  s: Services,
  rt: Realtime,
  screen: ScreenHub,
): Omit<
  Handlers<typeof DEVICE_EVENTS, Ctx>,
  | 'update:report'
  | keyof typeof BACKUP_DEVICE_EVENTS
  | keyof typeof SCREEN_DEVICE_EVENTS
  | keyof typeof TRIPWIRE_DEVICE_EVENTS
  | keyof typeof RECEIPT_DEVICE_EVENTS
> => ({
  'device:hello': async (_input, { actor }) => {
    const current = await s.help.openForDevice(actor.id);
    const position = current?.status === 'waiting' ? await rt.positionOf(current.id) : null;
    return {
      deviceId: actor.id,
      deviceName: actor.name,
      practice: { id: actor.practiceId, name: actor.practiceName },
      current,
      position,
      serverTime: nowIso(),
    };
  },
  'device:report': async (input, { actor }) => {
    const saved = await s.devices.saveReport(actor.id, input);
    rt.techNs.to(rooms.allTechs).emit('device:report', saved);
    return {};
  },
  'help:create': async (input, { actor }) => {
    const { request, created } = await s.help.create(actor, input);
    if (created) rt.requestChanged(request);
    const position = request.status === 'waiting' ? await rt.positionOf(request.id) : null;
    return { request, position };
  },
  'help:update': async (input, { actor }) => {
    const request = await s.help.update(actor, input);
    rt.requestChanged(request);
    return request;
  },
  'help:cancel': async ({ requestId }, { actor }) => {
    const change = await s.help.cancel(actor, requestId);
    await screen.endForRequest(requestId);
    rt.requestChanged(change.request, change.message);
    return change.request;
  },
  ...chatHandlers(s, rt),
  'chat:typing': async (input, { actor }) => {
    const r = await s.help.getForAct(actor, input.requestId);
    rt.techNs.to(rooms.request(r.id)).emit('chat:typing', { requestId: r.id, author: 'device', name: actor.name, typing: input.typing });
    return {};
  },
});

/** `/device` namespace: token auth, presence, the device's events. */
export function setupDeviceNamespace(
  rt: Realtime,
  s: Services,
  cfg: HubConfig,
  log: Logger,
  updates: UpdatesService,
  screen: ScreenHub,
  tripwire: TripwireHub,
  backupAccess?: BackupAccessHub,
  receipts?: ReceiptService,
): void {
  const h: Handlers<typeof DEVICE_EVENTS, Ctx> = {
    ...handlers(s, rt, screen),
    ...updateDeviceHandlers(updates),
    ...createBackupRelay({ services: s, realtime: rt, log, ...(backupAccess ? { access: backupAccess } : {}) }).deviceHandlers,
    ...screen.deviceHandlers,
    ...tripwire.deviceHandlers,
    ...(receipts ? receiptDeviceHandlers(receipts) : noReceiptDeviceHandlers),
  };
  // Sockets per device token: a stolen or looping token cannot open connections without bound.
  const { slots } = socketLimits(rt.devNs.server);
  rt.devNs.use((socket, next) => {
    const token = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    s.devices
      .authenticate(token)
      .then(async (d) => {
        const release = await slots.acquire(d.id, cfg.socket.maxSocketsPerDevice);
        if (!release) throw new VigieError('RATE_LIMITED', 'Trop de connexions ouvertes pour cet appareil. Réessayez dans un instant.');
        // The connection may have closed while the token was checked (a connect and a close in one
        // polling request): socket.io then neither connects this socket nor says it disconnected,
        // and its 'close' has already fired — the slot is given back now or it would be lost for good.
        if (socket.conn.readyState !== 'open') {
          release();
          throw new VigieError('OFFLINE', 'Connexion fermée avant d’être établie.');
        }
        // Freed when this socket disconnects, or when the connection closes before it got connected.
        const onClose = () => release();
        socket.conn.once('close', onClose);
        socket.data.releaseSlot = () => {
          socket.conn.off('close', onClose);
          release();
        };
        socket.data.actor = { kind: 'device', id: d.id, name: d.name, practiceId: d.practiceId, practiceName: d.practiceName };
        next();
      })
      .catch((e: unknown) => next(connectError(e, log)));
  });
  rt.devNs.on('connection', (socket) => {
    const actor = socket.data.actor as DeviceActor;
    void socket.join(rooms.device(actor.id));
    rt.deviceUp(actor.id);
    s.devices.markSeen(actor.id);
    socket.on('disconnect', () => {
      (socket.data.releaseSlot as (() => void) | undefined)?.();
      rt.deviceDown(actor.id);
      s.devices.markSeen(actor.id);
    });
    const beforeEach = async () => {
      if (await s.devices.isActive(actor.id)) return;
      revokedSocket(socket);
      throw new VigieError('REVOKED', 'Cet appareil a été révoqué.');
    };
    dispatch(socket, DEVICE_EVENTS, h, { actor, socket }, { ...cfg.socket, log, beforeEach });
  });
}

/** Tells a revoked device why, then closes its connection. */
export function revokedSocket(socket: Parameters<typeof closeWith>[0]): void {
  closeWith(socket, 'device:revoked', { reason: 'revoked' });
}

/** Socket.io connect errors carry `{ code, message }` in `err.data` for the client. */
export function connectError(e: unknown, log: Logger): Error & { data: { code: string; message: string } } {
  const ve = e instanceof VigieError ? e : new VigieError('INTERNAL', 'Erreur interne.');
  if (!(e instanceof VigieError)) log.error({ err: e }, 'socket authentication failed');
  const error = new Error(ve.message) as Error & { data: { code: string; message: string } };
  error.data = { code: ve.code, message: ve.message };
  return error;
}
