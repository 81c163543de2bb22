/**
 * The hub's HTTP edges: answers fastify or Node write before any route (bad URL, too-long
 * parameter, oversized headers), content types, the console's CSP and files, secrets at rest.
 */
import { readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP } from '@vigie/common';
import { PASSWORD, fakeConsoleDir, startTestHub, type TestHub } from './test-support/fixture.js';
import { testStoreKind } from './test-support/store.js';
import { loginTechnician } from './test-support/sockets.js';

let t: TestHub;
let consoleDir: string;
beforeAll(async () => {
  consoleDir = fakeConsoleDir({
    'assets/app.js': 'console.log("console");\n//# sourceMappingURL=app.js.map',
    'assets/app.js.map': '{"version":3,"sources":["../src/secret-internals.ts"],"mappings":""}',
  });
  t = await startTestHub({ consoleDir });
});
afterAll(async () => {
  await t.close();
  rmSync(consoleDir, { recursive: true, force: true });
});

/** The envelope and the headers every /api answer carries. */
async function expectEnvelope(res: Response, status: number): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(await res.json()).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.any(String) } });
}

/** A raw request (fetch refuses to send some of these). */
function raw(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(t.hub.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, method: 'GET', headers, insecureHTTPParser: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP edges', () => {
  it('a URL that does not decode is the JSON envelope with the security headers', async () => {
    for (const path of ['/api/%zz', '/api/auth/%E0%A4%A', '/updates/%zz/x']) await expectEnvelope(await fetch(t.hub.url + path), 400);
  });

  it('a path parameter over the router limit is the JSON envelope with the security headers', async () => {
    await expectEnvelope(await fetch(`${t.hub.url}/updates/stable/${'a'.repeat(300)}`), 414);
  });

  it('request headers over the limit get the envelope and the headers too', async () => {
    const r = await raw('/api/auth/me', { 'x-filler': 'a'.repeat(70 * 1024) });
    expect(r.status).toBe(431);
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(r.body)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.any(String) } });
  });

  it('anything but JSON is 415 (text/plain included), before any handler runs', async () => {
    for (const [path, type, body] of [
      [HTTP.login, 'text/plain', '{"login":"a","password":"b","totp":"123456"}'],
      [HTTP.login, 'text/plain;charset=UTF-8', '{"login":"a","password":"b"}'],
      [HTTP.enroll, 'application/x-www-form-urlencoded', 'code=ABCD'],
      [HTTP.enroll, 'multipart/form-data; boundary=x', '--x--'],
      [HTTP.logout, 'text/html', '<p>'],
      ['/api/updates/halt', 'text/plain', 'x'],
    ] as const) {
      const res = await fetch(t.hub.url + path, { method: 'POST', headers: { 'content-type': type }, body });
      expect({ path, type, status: res.status }).toEqual({ path, type, status: 415 });
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    const json = await fetch(t.hub.url + HTTP.login, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"login":"a","password":"b"}',
    });
    expect(json.status).toBe(401); // TOTP_REQUIRED: JSON still goes through
  });

  it('the console’s CSP lets it connect to its own origin only (no ws:/wss: to any host)', async () => {
    for (const path of ['/', '/api/auth/me', '/assets/app.js']) {
      const csp = (await fetch(t.hub.url + path)).headers.get('content-security-policy')!;
      const connect = csp
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith('connect-src'));
      expect(connect).toBe("connect-src 'self'");
      expect(csp).not.toMatch(/\bwss?:/);
    }
  });

  it('source maps are never served, even when one sits in the console folder', async () => {
    expect((await fetch(`${t.hub.url}/assets/app.js`)).status).toBe(200);
    for (const path of ['/assets/app.js.map', '/assets/APP.JS.MAP', '/assets/app.js.map?x=1']) {
      const res = await fetch(t.hub.url + path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(await res.text()).not.toContain('secret-internals');
    }
  });

  it('TOTP secrets are sealed with the hub key at rest and still log in', async () => {
    const created = await t.hub.admin.addTechnician({ login: 'scelle', displayName: 'Secret Scellé', password: PASSWORD });
    const row = await t.hub.services.db
      .selectFrom('technicians')
      .select(['totp_secret', 'totp_sealed'])
      .where('login', '=', 'scelle')
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).toBe('');
    expect(row.totp_sealed).toMatch(/^v1\./);
    expect(row.totp_sealed).not.toContain(created.totpSecret);
    expect(await loginTechnician(t.hub.url, 'scelle', PASSWORD, created.totpSecret)).toMatch(/^vigie_session=/);
    if (testStoreKind() === 'sqlite') {
      // The file itself (a Postgres store's files are the database server's, out of the hub's reach).
      const onDisk = Buffer.concat([
        readFileSync(join(t.dir, 'hub.sqlite')),
        ...['-wal'].map((s) => readFileSync(join(t.dir, `hub.sqlite${s}`))),
      ]);
      expect(onDisk.includes(Buffer.from(created.totpSecret))).toBe(false);
    }
  });
});
