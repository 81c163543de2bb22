/**
 * Support for the practitioner end-to-end specs: the renderer build (built here when a spec runs
 * on its own), a real hub, the browser host and a technician driven through a real socket.io client.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHub, type Hub } from '../../server/src/app.js';
import { connectTech, emitAck, loginTechnician, type Socket } from '../../server/src/testing.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIR = join(REPO, 'out', 'renderer');

/** `npm test` builds the app first; a spec run on its own builds it here if it is missing. */
export function ensureRendererBuilt(): void {
  if (existsSync(join(RENDERER_DIR, 'index.html'))) return;
  const cli = join(REPO, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [cli, 'build', '--logLevel', 'warn'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error(`app build failed (exit ${r.status ?? r.signal})`);
}

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `vigie-e2e-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export function startHub(dataDir: string, port = 0): Promise<Hub> {
  return createHub({ dataDir, port, host: '127.0.0.1', logLevel: 'silent', env: {} });
}

/** A technician with a live /tech socket; `reconnect` after a hub restart (sessions are in the hub's database). */
export async function technician(hub: Hub, login: string, displayName: string) {
  const password = 'correct horse battery staple';
  const t = await hub.admin.addTechnician({ login, displayName, password });
  const cookie = await loginTechnician(hub.url, login, password, t.totpSecret);
  const open = async (url: string): Promise<Socket> => {
    const s = await connectTech(url, cookie);
    const hello = await emitAck(s, 'tech:hello', {});
    if (!hello.ok) throw new Error(`tech:hello: ${hello.error.code}`);
    return s;
  };
  return { id: t.id, socket: await open(hub.url), reconnect: open };
}

/** Waits for a condition (re-checked every 25 ms); never a fixed sleep. */
export async function until<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
