/**
 * Test harness of the screen module: a real hub on loopback (createHub: the test run's store, help queue, audit,
 * chat, presence, and the screen events on its own /device and /tech namespaces), practices,
 * technicians, devices and assigned requests. Imported by tests and the benchmark only.
 */
import { randomUUID } from 'node:crypto';
import type { HelpRequest } from '@vigie/common';
import type { CreateHubOptions, Hub } from '../../app.js';
import { PASSWORD, context, startTestHub } from '../../test-support/fixture.js';
import { connectDevice, connectTech, emitAck, enrollDevice, loginTechnician, type Socket } from '../../test-support/sockets.js';
import type { ScreenSettingsInput } from '../config.js';
import type { ScreenHub } from '../service.js';

export const TEST_PASSWORD = PASSWORD;

export type ScreenTestTech = { id: string; cookie: string; main: Socket; displayName: string };
export type ScreenTestDevice = { deviceId: string; token: string; main: Socket };

export interface ScreenTestHub {
  hub: Hub;
  screen: ScreenHub;
  /** Where the screen events are served: the hub itself (sockets: /device with the token, /tech with the cookie). */
  screenUrl: string;
  /** Added to the hub's screen clock (consent expiry tests). */
  skew(ms: number): void;
  newTech(login: string, displayName: string): Promise<ScreenTestTech>;
  newDevice(name: string): Promise<ScreenTestDevice>;
  /** The device asks for help and the technician accepts: an assigned request. */
  openRequest(d: ScreenTestDevice, t: ScreenTestTech): Promise<HelpRequest>;
  /** Another socket of this device / technician on the hub (a session binds one socket). */
  screenDevice(d: { token: string }): Promise<Socket>;
  screenTech(t: { cookie: string }): Promise<Socket>;
  close(): Promise<void>;
}

export async function startScreenTestHub(
  settings: ScreenSettingsInput = {},
  options: Pick<CreateHubOptions, 'consoleDir'> = {},
): Promise<ScreenTestHub> {
  let skewMs = 0;
  const base = await startTestHub({
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
    screen: settings,
    now: () => Date.now() + skewMs,
  });
  const { hub, code } = base;
  const sockets: Socket[] = [];
  const keep = (sock: Socket) => {
    sockets.push(sock);
    return sock;
  };

  return {
    hub,
    screen: hub.screen,
    screenUrl: hub.url,
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
      const created = await emitAck<{ request: HelpRequest }>(d.main, 'help:create', {
        clientId: randomUUID(),
        context,
      });
      if (!created.ok) throw new Error(`help:create ${created.error.code}`);
      const accepted = await emitAck<HelpRequest>(t.main, 'help:accept', { requestId: created.data.request.id });
      if (!accepted.ok) throw new Error(`help:accept ${accepted.error.code}`);
      return accepted.data;
    },
    screenDevice: async (d) => keep(await connectDevice(hub.url, d.token)),
    screenTech: async (t) => keep(await connectTech(hub.url, t.cookie)),
    async close() {
      for (const sock of sockets) sock.close();
      await base.close();
    },
  };
}
