/**
 * Test harness of the screen module: a real hub on loopback (createHub: SQLite, help queue, audit,
 * chat, presence) plus the screen module's handlers. Until the hub's own /device and /tech
 * namespaces dispatch the screen events, they run on a second socket.io server on loopback that
 * authenticates exactly like the hub (device token, technician session cookie) and uses the hub's
 * own dispatch(). Once wired, `screenUrl` can simply become `hub.url`. Imported by tests only.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { SCREEN_DEVICE_EVENTS, SCREEN_TECH_EVENTS, SESSION_COOKIE, type HelpRequest } from '@vigie/common';
import { createHub, type Hub } from '../app.js';
import { createLogger } from '../logger.js';
import { dispatch } from '../socket/dispatch.js';
import { readCookie } from '../socket/tech.js';
import { connectDevice, connectTech, emitAck, enrollDevice, loginTechnician, type Socket } from '../testing.js';
import { ScreenSettings, type ScreenSettingsInput } from './config.js';
import { hubScreenDeps } from './hub-deps.js';
import { migrateScreen } from './schema.js';
import { createScreenHub, type ScreenHub } from './service.js';

export const TEST_PASSWORD = 'un mot de passe assez long';

export type ScreenTestTech = { id: string; cookie: string; main: Socket; displayName: string };
export type ScreenTestDevice = { deviceId: string; token: string; main: Socket };

export interface ScreenTestHub {
  hub: Hub;
  screen: ScreenHub;
  /** Where the screen events are served (sockets: /device with the token, /tech with the cookie). */
  screenUrl: string;
  /** Added to the module's clock (consent expiry tests). */
  skew(ms: number): void;
  newTech(login: string, displayName: string): Promise<ScreenTestTech>;
  newDevice(name: string): Promise<ScreenTestDevice>;
  /** The device asks for help and the technician accepts: an assigned request. */
  openRequest(d: ScreenTestDevice, t: ScreenTestTech): Promise<HelpRequest>;
  screenDevice(d: { token: string }): Promise<Socket>;
  screenTech(t: { cookie: string }): Promise<Socket>;
  close(): Promise<void>;
}

export async function startScreenTestHub(settings: ScreenSettingsInput = {}): Promise<ScreenTestHub> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-screen-test-'));
  const hub = await createHub({ dataDir: dir, port: 0, host: '127.0.0.1', logLevel: 'silent', env: {}, consoleDir: join(dir, 'no-console') });
  await migrateScreen(hub.services.db);
  const code = (await hub.admin.createPractice({ name: 'Cabinet des Tilleuls' })).enrollmentCode;
  const sockets: Socket[] = [];
  let skewMs = 0;

  const http = createServer();
  const io2 = new Server(http, { serveClient: false });
  const log = createLogger('silent');
  const screen = createScreenHub({
    ...hubScreenDeps({ services: hub.services, realtime: hub.realtime, settings: ScreenSettings.parse(settings), log, devNs: io2.of('/device'), techNs: io2.of('/tech') }),
    now: () => Date.now() + skewMs,
  });
  screen.attach();
  const s = hub.services;
  io2.of('/device').use((socket, next) => {
    s.devices
      .authenticate((socket.handshake.auth as Record<string, unknown>).token)
      .then((d) => {
        socket.data.actor = { kind: 'device', id: d.id, name: d.name, practiceId: d.practiceId, practiceName: d.practiceName };
        next();
      })
      .catch((e: Error) => next(e));
  });
  io2.of('/device').on('connection', (socket) => dispatch(socket, SCREEN_DEVICE_EVENTS, screen.deviceHandlers, { actor: socket.data.actor, socket }, { ...hub.config.socket, log }));
  io2.of('/tech').use((socket, next) => {
    s.auth
      .authenticate(readCookie(socket.handshake.headers.cookie, SESSION_COOKIE))
      .then((session) => {
        socket.data.actor = { kind: 'technician', id: session.technician.id, name: session.technician.displayName, role: session.technician.role };
        next();
      })
      .catch((e: Error) => next(e));
  });
  io2.of('/tech').on('connection', (socket) => dispatch(socket, SCREEN_TECH_EVENTS, screen.techHandlers, { actor: socket.data.actor, socket }, { ...hub.config.socket, log }));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const addr = http.address();
  const screenUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  const keep = (sock: Socket) => {
    sockets.push(sock);
    return sock;
  };

  return {
    hub,
    screen,
    screenUrl,
    skew: (ms) => {
      skewMs = ms;
    },
    async newTech(login, displayName) {
      const t = await hub.admin.addTechnician({ login, displayName, password: TEST_PASSWORD });
      const cookie = await loginTechnician(hub.url, login, TEST_PASSWORD, t.totpSecret);
      return { id: t.id, cookie, main: keep(await connectTech(hub.url, cookie)), displayName };
    },
    async newDevice(name) {
      const { deviceId, token } = await enrollDevice(hub.url, code, { name });
      return { deviceId, token, main: keep(await connectDevice(hub.url, token)) };
    },
    async openRequest(d, t) {
      const created = await emitAck<{ request: HelpRequest }>(d.main, 'help:create', { clientId: randomUUID(), context: { os: 'linux', osVersion: 'Debian 12', appVersion: '0.1.0' } });
      if (!created.ok) throw new Error(`help:create ${created.error.code}`);
      const accepted = await emitAck<HelpRequest>(t.main, 'help:accept', { requestId: created.data.request.id });
      if (!accepted.ok) throw new Error(`help:accept ${accepted.error.code}`);
      return accepted.data;
    },
    screenDevice: async (d) => keep(await connectDevice(screenUrl, d.token)),
    screenTech: async (t) => keep(await connectTech(screenUrl, t.cookie)),
    async close() {
      for (const sock of sockets) sock.close();
      await screen.close();
      await new Promise<void>((r) => io2.close(() => r()));
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
