/** Shared set-up for the hub's own tests: a real hub on loopback with a throw-away data folder. */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HelpRequest, QueuePosition, Result } from '@vigie/common';
import { createHub, type CreateHubOptions, type Hub } from '../app.js';
import { runCli } from '../cli.js';
import { testStoreEnv, testStoreOptions } from './store.js';
import { connectDevice, connectTech, emitAck, enrollDevice, loginTechnician, type Socket } from './sockets.js';

export const PASSWORD = 'un mot de passe assez long';

export interface TestHub {
  hub: Hub;
  /** The hub's data folder (inside `root`). */
  dir: string;
  /** Throw-away folder holding the data folder and, beside it, the hub key and the audit checkpoints. */
  root: string;
  code: string;
  practiceId: string;
  close(): Promise<void>;
}

/**
 * A hub on a fresh data folder, on the store of this test run (test-support/store.ts: SQLite, or a fresh
 * Postgres database in the project hub-postgres).
 */
export async function startTestHub(opts: CreateHubOptions = {}): Promise<TestHub> {
  const root = mkdtempSync(join(tmpdir(), 'vigie-hub-test-'));
  const dir = join(root, 'data');
  // No console unless a test brings one: results do not depend on whether console/dist was built.
  const hub = await createHub({
    dataDir: dir,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    env: {},
    consoleDir: join(dir, 'no-console'),
    ...(await testStoreOptions(dir)),
    ...opts,
  });
  const practice = await hub.admin.createPractice({ name: 'Cabinet des Tilleuls' });
  const sockets: Socket[] = [];
  return {
    hub,
    dir,
    root,
    code: practice.enrollmentCode,
    practiceId: practice.id,
    async close() {
      for (const s of sockets) s.close();
      await hub.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * A built console stand-in (index.html loading /assets/app.js), plus `extra` files (path → content);
 * the caller removes the folder.
 */
export function fakeConsoleDir(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body><div id="root"></div></body></html>',
  );
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("console");');
  for (const [path, content] of Object.entries(extra)) writeFileSync(join(dir, path), content);
  return dir;
}

export interface TestDevice {
  deviceId: string;
  token: string;
  socket: Socket;
  name: string;
}

export async function newDevice(t: TestHub, name = `Poste ${randomUUID().slice(0, 6)}`): Promise<TestDevice> {
  const { deviceId, token } = await enrollDevice(t.hub.url, t.code, { name });
  const socket = await connectDevice(t.hub.url, token);
  return { deviceId, token, socket, name };
}

export interface TestTech {
  id: string;
  login: string;
  totpSecret: string;
  cookie: string;
  socket: Socket;
  displayName: string;
}

export async function newTech(
  t: TestHub,
  role: 'technician' | 'supervisor' | 'admin' = 'technician',
  displayName = 'Camille Technicienne',
): Promise<TestTech> {
  const login = `tech-${randomUUID().slice(0, 8)}`;
  const created = await t.hub.admin.addTechnician({ login, displayName, password: PASSWORD, role });
  const cookie = await loginTechnician(t.hub.url, login, PASSWORD, created.totpSecret);
  const socket = await connectTech(t.hub.url, cookie);
  return { id: created.id, login, totpSecret: created.totpSecret, cookie, socket, displayName };
}

/** The people most hub tests need: two technicians and their supervisor. */
export interface TestTeam {
  julie: TestTech;
  bruno: TestTech;
  sophie: TestTech;
}

export async function newTeam(t: TestHub): Promise<TestTeam> {
  return {
    julie: await newTech(t, 'technician', 'Julie Martin'),
    bruno: await newTech(t, 'technician', 'Bruno Durand'),
    sophie: await newTech(t, 'supervisor', 'Sophie Leroy'),
  };
}

export const context = { os: 'linux' as const, osVersion: 'Debian 12', appVersion: '0.1.0' };

/** Expects an ok Result and returns its data. */
export function data<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.data;
}
export function code(r: Result<unknown>): string {
  return r.ok ? 'OK' : r.error.code;
}

export async function createHelp(dev: TestDevice, extra: Record<string, unknown> = {}) {
  return data(
    await emitAck<{ request: HelpRequest; position: QueuePosition | null }>(dev.socket, 'help:create', {
      clientId: randomUUID(),
      context,
      ...extra,
    }),
  );
}

/** A help request from `dev` that `tech` accepted: the request as the hub now holds it. */
export async function acceptedHelp(dev: TestDevice, tech: TestTech, extra: Record<string, unknown> = {}): Promise<HelpRequest> {
  const { request } = await createHelp(dev, extra);
  return data(await emitAck<HelpRequest>(tech.socket, 'help:accept', { requestId: request.id }));
}

/** The team, and two devices (Accueil, Cabinet 2) with a request each: Julie holds A's, Bruno B's. */
export interface TestScene extends TestTeam {
  devA: TestDevice;
  devB: TestDevice;
  reqA: HelpRequest;
  reqB: HelpRequest;
}

export async function newScene(t: TestHub): Promise<TestScene> {
  const team = await newTeam(t);
  const devA = await newDevice(t, 'Accueil');
  const devB = await newDevice(t, 'Cabinet 2');
  return { ...team, devA, devB, reqA: await acceptedHelp(devA, team.julie), reqB: await acceptedHelp(devB, team.bruno) };
}

export const chatPayload = (requestId: string, text: string, id = randomUUID()) => ({
  requestId,
  id,
  text,
  sentAt: new Date().toISOString(),
});

export interface CliRun {
  rc: number;
  out: string;
  err: string;
}

/**
 * Runs one admin CLI command on the data folder `dataDir` (as the administrator's `npm run hub:cli`
 * would, another process): exit code and output. The password asked is PASSWORD unless given;
 * `stdin` is what it reads on its input; `env` the environment it sees (the store's, the key's…).
 */
export async function runHubCli(
  dataDir: string,
  args: string[],
  opts: { env?: Record<string, string | undefined>; stdin?: string; password?: string } = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (s: string) => out.push(s),
    err: (s: string) => err.push(s),
    readPassword: async () => opts.password ?? PASSWORD,
    readStdin: async () => opts.stdin ?? '',
  };
  const rc = await runCli(['--data-dir', dataDir, ...args], io, opts.env ?? {});
  return { rc, out: out.join('\n'), err: err.join('\n') };
}

/** Runs one admin CLI command on the test hub's data folder, on its store. */
export async function hubCli(t: TestHub, ...args: string[]): Promise<CliRun> {
  return runHubCli(t.dir, args, { env: await testStoreEnv(t.dir) });
}
