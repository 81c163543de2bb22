/**
 * Test fixture for the app services: a real hub on loopback (createHub), real socket.io
 * technicians (server/src/test-support/sockets.ts), the real app composition on a temp data dir.
 * Imported by tests only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppState } from '@vigie/common';
import { createHub, type Hub } from '../../../server/src/app.js';
import { testDatabaseUrl } from '../../../server/src/test-support/store.js';
import { connectTech, emitAck, loginTechnician, type Socket } from '../../../server/src/test-support/sockets.js';
import { FileSecretStore } from '../../platform/node/secret-store.js';
import { NodeSystemInfo } from '../../platform/node/system-info.js';
import type { Notifier } from '../../platform/ports.js';
import { createApp, type AppOptions, type VigieApp } from '../app.js';
import { Backoff } from '../hub/backoff.js';
import { RecordingNotifier } from './recording.js';
import { createLogger } from '../lib/logger.js';

export const quietLogger = createLogger({ level: (process.env.VIGIE_TEST_LOG as 'debug' | undefined) ?? 'silent' });

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `vigie-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A hub on `dataDir`, on the store of this test run (server/src/test-support/store.ts); the same folder again finds the same data. */
export async function startHub(dataDir: string, port = 0): Promise<Hub> {
  return createHub({ dataDir, port, host: '127.0.0.1', logLevel: 'silent', env: {}, databaseUrl: await testDatabaseUrl(dataDir) });
}

/** Waits until `predicate` holds, re-checking on every app push and every 25 ms. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export { RecordingNotifier, RecordingShell } from './recording.js';

/**
 * The real app on `dataDir` for hub `hubUrl`, with quick reconnection and retries; `extra` on top
 * (its `ports` replace only the ports it names: the secrets of `dataDir`, the notifier, the system).
 */
export function makeApp(
  dataDir: string,
  hubUrl: string,
  notifier: Notifier = new RecordingNotifier(),
  extra: Omit<Partial<AppOptions>, 'ports'> & { ports?: Partial<AppOptions['ports']> } = {},
): VigieApp {
  const { ports, ...rest } = extra;
  return createApp({
    dataDir,
    appVersion: '0.1.0-test',
    defaultHubUrl: hubUrl,
    logger: quietLogger,
    ports: { secrets: new FileSecretStore(join(dataDir, 'secrets.json'), quietLogger), notifier, system: new NodeSystemInfo(), ...ports },
    hub: { backoff: new Backoff(50, 400), ackTimeoutMs: 5000, connectTimeoutMs: 5000 },
    support: { retryDelayMs: 200 },
    ...rest,
  });
}

export const stateOf = (app: VigieApp): AppState => app.state();

let techCounter = 0;

/** A technician account, logged in, with a live /tech socket that said hello. */
export async function technician(
  hub: Hub,
  displayName = 'Julie Martin',
): Promise<{ id: string; socket: Socket; displayName: string; reconnect: (hubUrl: string) => Promise<Socket> }> {
  const login = `tech${process.pid}x${++techCounter}x${Date.now() % 100000}`;
  const password = 'correct horse battery staple';
  const t = await hub.admin.addTechnician({ login, displayName, password });
  const cookie = await loginTechnician(hub.url, login, password, t.totpSecret);
  const socket = await connectTech(hub.url, cookie);
  const hello = await emitAck(socket, 'tech:hello', {});
  if (!hello.ok) throw new Error(`tech:hello failed: ${hello.error.code}`);
  // Sessions live in the hub's database: the same cookie works again after a hub restart.
  const reconnect = async (hubUrl: string) => {
    const s = await connectTech(hubUrl, cookie);
    const again = await emitAck(s, 'tech:hello', {});
    if (!again.ok) throw new Error(`tech:hello failed: ${again.error.code}`);
    return s;
  };
  return { id: t.id, socket, displayName, reconnect };
}

/** Enrolls `app` with a fresh practice and waits until it is online. */
export async function enrollApp(app: VigieApp, hub: Hub, practiceName = 'Cabinet du Parc'): Promise<{ deviceId: string }> {
  const practice = await hub.admin.createPractice({ name: practiceName });
  const r = await app.call('enrollment:enroll', { code: practice.enrollmentCode, deviceName: 'Accueil' });
  if (!r.ok) throw new Error(`enroll failed: ${r.error.code} ${r.error.message}`);
  await waitFor(() => app.state().support.connection === 'online', 'app online');
  const st = app.state().enrollment;
  if (st.status !== 'enrolled') throw new Error('not enrolled');
  return { deviceId: st.deviceId };
}
