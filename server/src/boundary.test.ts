import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_EVENTS, HTTP, TECH_EVENTS, type Result } from '@vigie/common';
import { loadConfig, ConfigError } from './config.js';
import { describeStore } from './store/db.js';
import {
  code,
  createHelp,
  data,
  fakeConsoleDir,
  newDevice,
  newTech,
  startTestHub,
  type TestDevice,
  type TestHub,
  type TestTech,
} from './test-support/fixture.js';
import { connectDevice, emitAck } from './test-support/sockets.js';

/** Payloads no event of the contract accepts. */
const MALFORMED: unknown[] = [
  'text',
  42,
  null,
  true,
  [],
  { junk: 1 },
  { requestId: 12 },
  { requestId: 'x'.repeat(100) },
  { clientId: 'not-a-uuid', context: {} },
];

/** Emits with a raw payload and an ack (no default payload). */
function rawEmit(socket: TestDevice['socket'], event: string, ...args: unknown[]): Promise<Result<unknown>> {
  return new Promise((resolve, reject) =>
    socket.timeout(10_000).emit(event, ...args, (e: Error | null, r: Result<unknown>) => (e ? reject(e) : resolve(r))),
  );
}

let t: TestHub;
let dev: TestDevice;
let tech: TestTech;
beforeAll(async () => {
  t = await startTestHub({ socket: { ratePerSecond: 10_000, burst: 10_000 } });
  dev = await newDevice(t);
  tech = await newTech(t);
});
afterAll(() => t.close());

describe('bad input barrage', () => {
  it('every device event answers BAD_REQUEST to every malformed payload', async () => {
    for (const event of Object.keys(DEVICE_EVENTS)) {
      for (const payload of MALFORMED) {
        const r = await rawEmit(dev.socket, event, payload);
        expect({ event, payload, code: code(r) }).toEqual({ event, payload, code: 'BAD_REQUEST' });
      }
    }
  });

  it('every technician event answers BAD_REQUEST to every malformed payload', async () => {
    for (const event of Object.keys(TECH_EVENTS)) {
      for (const payload of MALFORMED) {
        const r = await rawEmit(tech.socket, event, payload);
        expect({ event, payload, code: code(r) }).toEqual({ event, payload, code: 'BAD_REQUEST' });
      }
    }
  });

  it('unknown events get UNKNOWN_EVENT; events without an ack are ignored; extra arguments do not matter', async () => {
    expect(code(await rawEmit(dev.socket, 'help:delete', {}))).toBe('UNKNOWN_EVENT');
    expect(code(await rawEmit(tech.socket, 'admin:drop-tables', {}))).toBe('UNKNOWN_EVENT');
    expect(code(await rawEmit(dev.socket, 'help:accept', {}))).toBe('UNKNOWN_EVENT'); // a technician event on /device
    const before = await t.hub.services.db.selectFrom('help_requests').select('id').execute();
    dev.socket.emit('help:create', { clientId: randomUUID(), context: { os: 'linux', osVersion: '1', appVersion: '1' } });
    dev.socket.emit('help:create');
    dev.socket.emit('no-such-event', 1, 2, 3);
    expect(code(await rawEmit(dev.socket, 'device:hello', {}, 'extra'))).toBe('OK');
    const after = await t.hub.services.db.selectFrom('help_requests').select('id').execute();
    expect(after.length).toBe(before.length);
  });

  it('huge socket messages close that connection only', async () => {
    const victim = await newDevice(t);
    const closed = new Promise((r) => victim.socket.once('disconnect', r));
    victim.socket.emit('chat:send', { text: 'x'.repeat(200_000) }, () => undefined);
    await closed;
    expect(code(await emitAck(dev.socket, 'device:hello'))).toBe('OK');
  });

  it('handler failures answer INTERNAL without crashing the hub', async () => {
    const original = t.hub.services.help.openForDevice.bind(t.hub.services.help);
    t.hub.services.help.openForDevice = async () => {
      throw new Error('disk on fire');
    };
    try {
      const r = await emitAck(dev.socket, 'device:hello');
      expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.any(String) } });
      expect(JSON.stringify(r)).not.toContain('disk on fire');
    } finally {
      t.hub.services.help.openForDevice = original;
    }
  });

  it('HTTP: malformed JSON, wrong content type, oversized bodies and unknown routes get envelopes', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(t.hub.url + HTTP.enroll, { method: 'POST', headers: { 'content-type': type }, body });
    const bad = await post('{"code": ');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const notJson = await post('code=ABCD', 'application/x-www-form-urlencoded');
    expect(notJson.status).toBe(415);
    expect(await notJson.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const big = await post(JSON.stringify({ code: 'x'.repeat(100_000) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    for (const body of ['null', '[]', '"x"', '{}', '{"code":1}'])
      expect(((await (await post(body)).json()) as Result<unknown>).ok).toBe(false);
    const login = await fetch(t.hub.url + HTTP.login, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"login":"a","password":"b","totp":"12"}',
    });
    expect(await login.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const missing = await fetch(`${t.hub.url}/api/does-not-exist`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } });
    const wrongMethod = await fetch(t.hub.url + HTTP.enroll);
    expect(await wrongMethod.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('wrong tokens and unknown namespaces are refused', async () => {
    for (const token of ['', 'short', 'x'.repeat(200), randomUUID() + randomUUID()]) {
      await expect(connectDevice(t.hub.url, token)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    const noAuth = io(`${t.hub.url}/device`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: 42 } });
    expect((await new Promise<{ data?: { code: string } }>((r) => noAuth.once('connect_error', r))).data?.code).toBe('UNAUTHORIZED');
    noAuth.close();
    const root = io(`${t.hub.url}/`, { transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise((r) => root.once('connect_error', r));
    root.close();
    const other = io(`${t.hub.url}/admin`, { transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise((r) => other.once('connect_error', r));
    other.close();
  });

  it('after the barrage the hub still serves everyone', async () => {
    expect((await fetch(t.hub.url + HTTP.healthz)).status).toBe(200);
    const { request } = await createHelp(dev);
    expect(data(await emitAck<{ id: string }>(tech.socket, 'help:accept', { requestId: request.id })).id).toBe(request.id);
    const fresh = await newDevice(t);
    expect(code(await emitAck(fresh.socket, 'device:hello'))).toBe('OK');
  });
});

describe('rate limits', () => {
  let limited: TestHub;
  beforeAll(async () => {
    limited = await startTestHub({ socket: { ratePerSecond: 5, burst: 10, floodDisconnectAfter: 30 } });
  });
  afterAll(() => limited.close());

  it('answers RATE_LIMITED beyond the burst, then recovers', async () => {
    const d = await newDevice(limited);
    const results = await Promise.all(Array.from({ length: 20 }, () => emitAck(d.socket, 'device:hello')));
    const codes = results.map(code);
    expect(codes.filter((c) => c === 'OK').length).toBeGreaterThanOrEqual(10);
    expect(codes).toContain('RATE_LIMITED');
    const rl = results.find((r) => !r.ok);
    expect(rl && !rl.ok && rl.error.details?.retryAfterMs).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(code(await emitAck(d.socket, 'device:hello'))).toBe('OK');
  });

  it('disconnects a connection that keeps flooding (unknown events count too)', async () => {
    const d = await newDevice(limited);
    const closed = new Promise((r) => d.socket.once('disconnect', r));
    for (let i = 0; i < 100; i++) d.socket.emit('flood', i, () => undefined);
    await closed;
    const other = await newDevice(limited);
    expect(code(await emitAck(other.socket, 'device:hello'))).toBe('OK');
  });
});

describe('HTTP surface', () => {
  let withConsole: TestHub;
  let consoleDir: string;
  beforeAll(async () => {
    consoleDir = fakeConsoleDir();
    withConsole = await startTestHub({ consoleDir });
  });
  afterAll(async () => {
    await withConsole.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it('serves the console with strict security headers and falls back to index.html for app routes', async () => {
    for (const path of ['/', '/queue', '/requests/123']) {
      const res = await fetch(withConsole.hub.url + path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="root">');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("connect-src 'self';");
      expect(csp).toContain("img-src 'self' data: blob:");
      expect(csp).toContain("media-src 'self' blob:");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const js = await fetch(`${withConsole.hub.url}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${withConsole.hub.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${withConsole.hub.url}/api/nothing`)).status).toBe(404);
  });

  it('says plainly when the console is not built', async () => {
    const res = await fetch(`${t.hub.url}/`);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await res.text()).toMatch(/console Vigie n’est pas construite/);
    const health = (await (await fetch(t.hub.url + HTTP.healthz)).json()) as { status: string; version: string };
    expect(health).toMatchObject({ status: 'ok', version: expect.any(String) });
  });
});

describe('configuration', () => {
  it('reads hub.json, lets the environment override it, validates everything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-cfg-'));
    try {
      expect(loadConfig({ dataDir: dir, env: {} })).toMatchObject({
        host: '127.0.0.1',
        port: 8750,
        logLevel: 'info',
        dataDir: dir,
        session: { idleMinutes: 120, absoluteHours: 12 },
      });
      writeFileSync(join(dir, 'hub.json'), JSON.stringify({ port: 9000, logLevel: 'warn', eta: { defaultPickupSeconds: 60 } }));
      const cfg = loadConfig({ dataDir: dir, env: { VIGIE_PORT: '9100', VIGIE_PUBLIC_URL: 'https://vigie.example.fr' } });
      expect(cfg).toMatchObject({
        port: 9100,
        logLevel: 'warn',
        publicUrl: 'https://vigie.example.fr',
        eta: { defaultPickupSeconds: 60, sampleSize: 20 },
      });
      expect(() => loadConfig({ dataDir: dir, env: { VIGIE_PORT: 'abc' } })).toThrow(ConfigError);
      writeFileSync(join(dir, 'hub.json'), JSON.stringify({ prot: 1 }));
      expect(() => loadConfig({ dataDir: dir, env: {} })).toThrow(/prot/);
      writeFileSync(join(dir, 'hub.json'), '{ nope');
      expect(() => loadConfig({ dataDir: dir, env: {} })).toThrow(/not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the Postgres store from VIGIE_DATABASE_URL only (never hub.json), a postgres:// URL or nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-cfg-'));
    try {
      expect(loadConfig({ dataDir: dir, env: {} }).databaseUrl).toBeNull();
      expect(loadConfig({ dataDir: dir, env: { VIGIE_DATABASE_URL: '' } }).databaseUrl).toBeNull();
      const url = 'postgres://vigie:s3cret@db.example:5432/vigie';
      expect(loadConfig({ dataDir: dir, env: { VIGIE_DATABASE_URL: url } }).databaseUrl).toBe(url);
      expect(loadConfig({ dataDir: dir, env: { VIGIE_DATABASE_URL: 'postgresql://db/vigie' } }).databaseUrl).toBe('postgresql://db/vigie');
      for (const bad of ['mysql://db/vigie', '/var/lib/vigie/hub.sqlite', 'postgres:/db']) {
        expect(() => loadConfig({ dataDir: dir, env: { VIGIE_DATABASE_URL: bad } })).toThrow(/VIGIE_DATABASE_URL must be a postgres/);
      }
      // The data folder (writable by whoever runs the hub) cannot point it at another database.
      writeFileSync(join(dir, 'hub.json'), JSON.stringify({ databaseUrl: url }));
      expect(() => loadConfig({ dataDir: dir, env: {} })).toThrow(/databaseUrl/);
      // What the log says about the store: never the password.
      expect(describeStore(url)).toBe('postgres://db.example:5432/vigie');
      expect(describeStore(join(dir, 'hub.sqlite'))).toBe(join(dir, 'hub.sqlite'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('marks the session cookie Secure when the public URL is https', async () => {
    const secure = await startTestHub({ publicUrl: 'https://vigie.example.fr' });
    try {
      const tech = await secure.hub.admin.addTechnician({ login: 'sec', displayName: 'Sé Cure', password: 'un mot de passe assez long' });
      const { totpNow } = await import('./test-support/sockets.js');
      const res = await fetch(secure.hub.url + HTTP.login, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'sec', password: 'un mot de passe assez long', totp: totpNow(tech.totpSecret) }),
      });
      expect(res.headers.get('set-cookie')).toMatch(/Secure/);
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    } finally {
      await secure.close();
    }
  });
});
