import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BRIDGE, type AppState } from '@vigie/common';
import { quietLogger, startHub, tempDir, waitFor } from '../services/test-support/fixture.js';
import { resolveInside } from './static.js';
import { startHost, type Host } from './server.js';

type Frame =
  | { t: 'result'; id: number | null; result: { ok: boolean; data?: unknown; error?: { code: string } } }
  | { t: 'push'; name: string; payload: unknown };

function open(host: Host, protocols: string[], origin = host.origin): Promise<{ ws: WebSocket; frames: Frame[] } | { status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(host.origin.replace('http', 'ws') + BRIDGE.path, protocols, { origin });
    const frames: Frame[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Frame));
    ws.on('open', () => resolve({ ws, frames }));
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('error', () => undefined);
  });
}

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function httpGet(origin: string, path: string, host?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(origin);
    const req = request({ host: u.hostname, port: u.port, path, headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser host', () => {
  let host: Host;
  let dir: { path: string; remove: () => Promise<void> };
  const secret = () => new URL(host.url).hash.slice(`#${BRIDGE.fragmentKey}=`.length);

  beforeAll(async () => {
    dir = await tempDir('host');
    const renderer = join(dir.path, 'renderer');
    await mkdir(join(renderer, 'assets'), { recursive: true });
    await writeFile(join(renderer, 'index.html'), '<!doctype html><title>Vigie</title>');
    await writeFile(join(renderer, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(dir.path, 'outside.txt'), 'secret');
    // No hub needed: the app stays unenrolled; nothing listens on port 9.
    host = await startHost({ hubUrl: 'http://127.0.0.1:9', dataDir: join(dir.path, 'data'), rendererDir: renderer, logger: quietLogger });
  });
  afterAll(async () => {
    await host.close();
    await dir.remove();
  });

  it('gives a loopback URL with a 256-bit secret in the fragment', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#k=[0-9a-f]{64}$/);
  });

  it('refuses the WebSocket without the secret, with a wrong one, or from another origin', async () => {
    expect(await open(host, [BRIDGE.protocol])).toEqual({ status: 401 });
    expect(await open(host, [BRIDGE.protocol, `${BRIDGE.keyPrefix}${'0'.repeat(64)}`])).toEqual({ status: 401 });
    expect(await open(host, [BRIDGE.protocol, `${BRIDGE.keyPrefix}${secret().slice(0, 63)}`])).toEqual({ status: 401 });
    expect(await open(host, [`${BRIDGE.keyPrefix}${secret()}`])).toEqual({ status: 401 });
    expect(await open(host, [BRIDGE.protocol, `${BRIDGE.keyPrefix}${secret()}`], 'http://evil.example')).toEqual({ status: 403 });
  });

  it('with the secret: pushes the state, answers calls with Results and validates every frame', async () => {
    const c = await open(host, [BRIDGE.protocol, `${BRIDGE.keyPrefix}${secret()}`]);
    if (!('ws' in c)) throw new Error(`refused: ${c.status}`);
    const { ws, frames } = c;
    try {
      expect(ws.protocol).toBe(BRIDGE.protocol);
      const first = await until(() => frames.find((f) => f.t === 'push'), 'state push');
      expect(first).toMatchObject({ name: 'app:state', payload: { enrollment: { status: 'unenrolled' }, locale: 'fr' } });

      const result = (id: number) =>
        until(() => frames.find((f): f is Extract<Frame, { t: 'result' }> => f.t === 'result' && f.id === id), `result ${id}`);
      ws.send(JSON.stringify({ t: 'call', id: 1, method: 'app:getState', input: {} }));
      const r1 = await result(1);
      expect(r1.result.ok).toBe(true);
      expect((r1.result.data as AppState).tray).toBe('idle');

      ws.send(JSON.stringify({ t: 'call', id: 2, method: 'app:setLocale', input: { locale: 'xx' } }));
      expect((await result(2)).result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      ws.send(JSON.stringify({ t: 'call', id: 3, method: 'shell:exec', input: { cmd: 'rm -rf /' } }));
      expect((await result(3)).result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });
      ws.send(JSON.stringify({ t: 'call', id: 4, method: 'support:requestHelp', input: {} }));
      expect((await result(4)).result).toMatchObject({ ok: false, error: { code: 'NOT_ENROLLED' } });
      ws.send(JSON.stringify({ t: 'call', id: 5, method: 'app:getState', input: {}, extra: true }));
      expect((await result(5)).result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      ws.send('{not json');
      ws.send(JSON.stringify({ t: 'call', id: -1, method: 'app:getState' }));
      await until(() => (frames.filter((f) => f.t === 'result' && f.id === null).length >= 2 ? true : undefined), 'two null-id errors');
      ws.send(Buffer.from([1, 2, 3]), { binary: true });
      await until(() => (frames.filter((f) => f.t === 'result' && f.id === null).length >= 3 ? true : undefined), 'binary refused');

      // A change made through the bridge comes back as a push.
      ws.send(JSON.stringify({ t: 'call', id: 6, method: 'app:setLocale', input: { locale: 'en' } }));
      expect((await result(6)).result).toEqual({ ok: true, data: {} });
      await until(() => frames.find((f) => f.t === 'push' && (f.payload as AppState).locale === 'en'), 'locale push');
      // The socket is still usable after all that.
      ws.send(JSON.stringify({ t: 'call', id: 7, method: 'app:getState' }));
      expect((await result(7)).result).toMatchObject({ ok: true, data: { locale: 'en' } });
    } finally {
      ws.close();
    }
  });

  it('serves the renderer with a strict CSP, nothing outside it, and only to its own Host', async () => {
    const page = await httpGet(host.origin, '/');
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(page.headers['content-security-policy'])).not.toContain('unsafe');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await httpGet(host.origin, '/assets/app.js')).status).toBe(200);
    expect((await httpGet(host.origin, '/../outside.txt')).status).toBe(404);
    expect((await httpGet(host.origin, '/%2e%2e/outside.txt')).status).toBe(404);
    expect((await httpGet(host.origin, '/assets/%2e%2e%2f..%2foutside.txt')).status).toBe(404);
    expect((await httpGet(host.origin, '/', 'evil.example:80')).status).toBe(421);
  });

  it('resolveInside keeps paths inside the root', () => {
    expect(resolveInside('/srv/r', '/')).toBe('/srv/r/index.html');
    expect(resolveInside('/srv/r', '/a/b.js')).toBe('/srv/r/a/b.js');
    expect(resolveInside('/srv/r', '/../x')).toBeNull();
    expect(resolveInside('/srv/r', '/a/%00')).toBeNull();
    expect(resolveInside('/srv/r', '/%E0%A4%A')).toBeNull();
    expect(resolveInside('/srv/r', '/a\\..\\..\\x')).toBeNull();
  });
});

describe('browser host with a hub', () => {
  it('enrolls by itself with the code given at launch (demo), once', async () => {
    const dir = await tempDir('host');
    const hub = await startHub(join(dir.path, 'hub'));
    try {
      const practice = await hub.admin.createPractice({ name: 'Cabinet des Tilleuls' });
      const options = {
        hubUrl: hub.url,
        dataDir: join(dir.path, 'app'),
        rendererDir: dir.path,
        enrollCode: practice.enrollmentCode,
        deviceName: 'Accueil — poste 1',
        logger: quietLogger,
      };
      let host = await startHost(options);
      expect(host.app.state().enrollment).toMatchObject({
        status: 'enrolled',
        deviceName: 'Accueil — poste 1',
        practiceName: 'Cabinet des Tilleuls',
      });
      await waitFor(() => host.app.state().support.connection === 'online', 'online');
      const deviceId = (host.app.state().enrollment as { deviceId: string }).deviceId;
      await host.close();
      // A second launch with the same code keeps the same enrollment.
      host = await startHost(options);
      expect(host.app.state().enrollment).toMatchObject({ status: 'enrolled', deviceId });
      await host.close();
    } finally {
      await hub.close();
      await dir.remove();
    }
  });
});
