/**
 * Lock-outs and rate limits, proxy trust, enrollment codes — against a real hub on loopback (real
 * HTTP, real socket.io clients, real SQLite, the real CLI on the hub's data folder).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP, type Result } from '@vigie/common';
import { ConfigError, loadConfig } from './config.js';
import { loadOrCreateHubKey } from './hub-key.js';
import { clientKey, MemoryAttemptCounter, MemoryRateLimiter, type AttemptKey } from './limits.js';
import { sealTotp } from './services/totp-vault.js';
import { PASSWORD, code, hubCli as cli, newDevice, newTech, startTestHub, type TestHub } from './test-support/fixture.js';
import { connectDevice, connectTech, emitAck, enrollDevice, loginTechnician, totpNow, type Socket } from './test-support/sockets.js';

interface Answer {
  status: number;
  code: string;
  details: Record<string, unknown> | undefined;
  /** `name=value` of each Set-Cookie. */
  cookies: string[];
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const r = (await res.json()) as Result<unknown>;
  return {
    status: res.status,
    code: r.ok ? 'OK' : r.error.code,
    details: r.ok ? undefined : r.error.details,
    cookies: res.headers.getSetCookie().map((c) => c.split(';')[0]!),
  };
}

const login = (t: TestHub, body: { login: string; password: string; totp?: string }, headers: Record<string, string> = {}) =>
  post(t.hub.url + HTTP.login, body, headers);
const device = { name: 'Poste accueil', os: 'linux', osVersion: '12', appVersion: '0.1.0' };
const enroll = (t: TestHub, code: string, headers: Record<string, string> = {}) => post(t.hub.url + HTTP.enroll, { code, device }, headers);

function count(codes: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of codes) out[c] = (out[c] ?? 0) + 1;
  return out;
}

async function auditRows(t: TestHub, action: string) {
  const rows = await t.hub.services.db
    .selectFrom('audit_log')
    .select(['subject', 'data'])
    .where('action', '=', action)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ subject: r.subject, data: JSON.parse(r.data) as Record<string, unknown> }));
}

/** Resolves once the hub has processed the disconnect of this client socket (its own listeners ran first). */
function serverDisconnected(t: TestHub, client: Socket): Promise<void> {
  const server = t.hub.realtime.devNs.sockets.get(client.id!);
  if (!server) throw new Error('no such socket on the hub');
  return new Promise((resolve) => server.once('disconnect', () => resolve()));
}

// ---------------------------------------------------------------------------------------------

describe('login lock-outs', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({
      login: { freeAttemptsPerLogin: 3, freeAttemptsPerIp: 1000, baseDelayMs: 60_000, maxInFlightPerLogin: 100, maxInFlightPerIp: 100 },
    });
  });
  afterAll(() => t.close());

  it('counts attempts before the password check: a burst of simultaneous logins gets no more checks than the same attempts one by one', async () => {
    const { totpSecret } = await t.hub.admin.addTechnician({ login: 'rafale', displayName: 'Ra Fale', password: PASSWORD });
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(t, { login: 'rafale', password: `mauvais mot de passe ${i}`, totp: '000000' })),
    );
    const codes = count(burst.map((a) => a.code));
    // 3 free failures, the 4th starts the back-off: at most 4 passwords were ever checked.
    expect(codes.INVALID_CREDENTIALS ?? 0).toBeGreaterThanOrEqual(1);
    expect(codes.INVALID_CREDENTIALS ?? 0).toBeLessThanOrEqual(4);
    expect((codes.INVALID_CREDENTIALS ?? 0) + (codes.LOCKED_OUT ?? 0)).toBe(30);
    for (const a of burst.filter((b) => b.code === 'LOCKED_OUT')) {
      expect(a.status).toBe(429);
      expect(a.details?.retryAfterMs).toBeGreaterThan(0);
    }
    expect((await auditRows(t, 'auth.login_failed')).filter((r) => r.subject === 'rafale').length).toBe(codes.INVALID_CREDENTIALS);
    // The back-off holds for the right password too.
    expect((await login(t, { login: 'rafale', password: PASSWORD, totp: totpNow(totpSecret) })).code).toBe('LOCKED_OUT');
  });

  it('caps a burst spread over many logins from one IP at the IP’s free attempts', async () => {
    const small = await startTestHub({
      login: { freeAttemptsPerLogin: 100, freeAttemptsPerIp: 5, baseDelayMs: 60_000, maxInFlightPerLogin: 100, maxInFlightPerIp: 100 },
    });
    try {
      const burst = await Promise.all(
        Array.from({ length: 40 }, (_, i) => login(small, { login: `inconnu${i}`, password: 'x', totp: '000000' })),
      );
      const codes = count(burst.map((a) => a.code));
      expect(codes.INVALID_CREDENTIALS ?? 0).toBeLessThanOrEqual(6);
      expect((codes.INVALID_CREDENTIALS ?? 0) + (codes.LOCKED_OUT ?? 0)).toBe(40);
    } finally {
      await small.close();
    }
  });

  it('a browser that logged in before still gets in while someone else has locked the login and the IP', async () => {
    const shared = await startTestHub({ login: { freeAttemptsPerLogin: 3, freeAttemptsPerIp: 3, baseDelayMs: 60_000 } });
    try {
      const { totpSecret } = await shared.hub.admin.addTechnician({ login: 'claire', displayName: 'Claire Dupont', password: PASSWORD });
      const first = await login(shared, { login: 'claire', password: PASSWORD, totp: totpNow(totpSecret) });
      expect(first.code).toBe('OK');
      const known = first.cookies.find((c) => c.startsWith('vigie_known='));
      expect(known).toMatch(/^vigie_known=[A-Za-z0-9_-]{43}$/);

      // Someone else (same NAT, no cookie) hammers the login until both the login and the IP are locked.
      const attacker: string[] = [];
      for (let i = 0; i < 6; i++) attacker.push((await login(shared, { login: 'claire', password: `essai ${i}`, totp: '123456' })).code);
      expect(attacker.slice(-1)).toEqual(['LOCKED_OUT']);
      expect((await login(shared, { login: 'claire', password: PASSWORD, totp: totpNow(totpSecret, 1) })).code).toBe('LOCKED_OUT');
      expect((await login(shared, { login: 'quelquun', password: PASSWORD, totp: '123456' })).code).toBe('LOCKED_OUT');

      // Claire's browser: her own counter, untouched by the attacker.
      const again = await login(shared, { login: 'claire', password: PASSWORD, totp: totpNow(totpSecret, 1) }, { cookie: known! });
      expect(again.code).toBe('OK');
      expect(again.cookies.some((c) => c.startsWith('vigie_session='))).toBe(true);
      const audit = (await auditRows(shared, 'auth.login')).filter((r) => r.subject === 'claire');
      expect(audit.map((r) => r.data.knownDevice)).toEqual([false, true]);

      // The cookie names a browser of Claire's, not a pass for another login.
      const { totpSecret: otherSecret } = await shared.hub.admin.addTechnician({
        login: 'marc',
        displayName: 'Marc Petit',
        password: PASSWORD,
      });
      expect((await login(shared, { login: 'marc', password: PASSWORD, totp: totpNow(otherSecret) }, { cookie: known! })).code).toBe(
        'LOCKED_OUT',
      );
      // Wrong guesses from Claire's browser lock that browser only.
      const fromKnown: string[] = [];
      for (let i = 0; i < 5; i++)
        fromKnown.push((await login(shared, { login: 'claire', password: `faux ${i}`, totp: '123456' }, { cookie: known! })).code);
      expect(fromKnown).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOCKED_OUT']);
    } finally {
      await shared.close();
    }
  });

  it('an administrator clears a login’s or an IP’s lock-out from the CLI; the running hub applies it at once', async () => {
    const locked = await startTestHub({ login: { freeAttemptsPerLogin: 2, freeAttemptsPerIp: 1000, baseDelayMs: 60_000 } });
    try {
      const { totpSecret } = await locked.hub.admin.addTechnician({ login: 'oubli', displayName: 'Odile Oubli', password: PASSWORD });
      for (let i = 0; i < 3; i++) await login(locked, { login: 'oubli', password: 'faute de frappe', totp: '000000' });
      expect((await login(locked, { login: 'oubli', password: PASSWORD, totp: totpNow(totpSecret) })).code).toBe('LOCKED_OUT');

      const cleared = await cli(locked, 'lockout', 'clear', '--login', 'OUBLI');
      expect(cleared.rc).toBe(0);
      expect(cleared.out).toMatch(/cleared/);
      await expect(loginTechnician(locked.hub.url, 'oubli', PASSWORD, totpSecret)).resolves.toMatch(/^vigie_session=/);
      expect((await auditRows(locked, 'auth.lockout_clear')).map((r) => r.subject)).toEqual(['oubli']);

      await expect(cli(locked, 'lockout', 'clear')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(cli(locked, 'lockout', 'clear', '--ip', 'pas-une-ip')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    } finally {
      await locked.close();
    }

    const byIp = await startTestHub({ login: { freeAttemptsPerLogin: 1000, freeAttemptsPerIp: 2, baseDelayMs: 60_000 } });
    try {
      const { totpSecret } = await byIp.hub.admin.addTechnician({ login: 'ip', displayName: 'Iris Pons', password: PASSWORD });
      for (let i = 0; i < 3; i++) await login(byIp, { login: `x${i}`, password: 'x', totp: '000000' });
      expect((await login(byIp, { login: 'ip', password: PASSWORD, totp: totpNow(totpSecret) })).code).toBe('LOCKED_OUT');
      expect((await cli(byIp, 'lockout', 'clear', '--ip', '127.0.0.1')).rc).toBe(0);
      await expect(loginTechnician(byIp.hub.url, 'ip', PASSWORD, totpSecret)).resolves.toMatch(/^vigie_session=/);
    } finally {
      await byIp.close();
    }
  });

  it('a TOTP secret that does not open (sealed with another hub key) answers and counts like a wrong password: no oracle, no free attempt', async () => {
    const sealed = await startTestHub({ login: { freeAttemptsPerLogin: 2, freeAttemptsPerIp: 1000, baseDelayMs: 60_000 } });
    try {
      const { id, totpSecret } = await sealed.hub.admin.addTechnician({ login: 'scelle', displayName: 'Sam Scellé', password: PASSWORD });
      const other = loadOrCreateHubKey(join(sealed.root, 'autre.key'));
      await sealed.hub.services.db
        .updateTable('technicians')
        .set({ totp_sealed: sealTotp(other, id, totpSecret) })
        .where('id', '=', id)
        .execute();
      const wrong = await login(sealed, { login: 'scelle', password: 'pas le bon mot de passe', totp: totpNow(totpSecret) });
      const right = await login(sealed, { login: 'scelle', password: PASSWORD, totp: totpNow(totpSecret) });
      expect([wrong.status, wrong.code]).toEqual([401, 'INVALID_CREDENTIALS']);
      expect([right.status, right.code]).toEqual([401, 'INVALID_CREDENTIALS']);
      // The right password counted as a failure too: the third attempt starts the back-off.
      expect((await login(sealed, { login: 'scelle', password: PASSWORD, totp: totpNow(totpSecret) })).code).toBe('INVALID_CREDENTIALS');
      expect((await login(sealed, { login: 'scelle', password: PASSWORD, totp: totpNow(totpSecret) })).code).toBe('LOCKED_OUT');
      expect((await auditRows(sealed, 'auth.login_failed')).map((r) => r.data.reason)).toEqual([
        'wrong password',
        'totp secret unreadable',
        'totp secret unreadable',
      ]);
    } finally {
      await sealed.close();
    }
  });

  it('the attempt counter keeps at most maxInFlight attempts of a key being checked, and the free budget across attempts in flight', async () => {
    const counter = new MemoryAttemptCounter();
    const rule = { free: 10, baseDelayMs: 1000, maxDelayMs: 60_000, forgetAfterMs: 60_000, maxInFlight: 2 };
    const keys: AttemptKey[] = [{ key: 'login:a', rule, resetOnSuccess: true }];
    const a1 = await counter.begin(keys);
    const a2 = await counter.begin(keys);
    const a3 = await counter.begin(keys);
    expect([a1.ok, a2.ok, a3.ok]).toEqual([true, true, false]);
    expect(!a3.ok && a3.reason).toBe('busy');
    if (a1.ok) await counter.end(a1.attempt, 'failure');
    expect((await counter.begin(keys)).ok).toBe(true);

    const tight = { ...rule, free: 1, maxInFlight: 10 };
    const k: AttemptKey[] = [{ key: 'login:b', rule: tight, resetOnSuccess: true }];
    const b = [await counter.begin(k), await counter.begin(k), await counter.begin(k)];
    expect(b.map((x) => x.ok)).toEqual([true, true, false]);
    expect(!b[2]!.ok && b[2]!.reason).toBe('backoff');
  });
});

// ---------------------------------------------------------------------------------------------

describe('socket rate limits per device and per technician session', () => {
  it('every socket of one device draws from the same bucket; another device has its own', async () => {
    const t = await startTestHub({ socket: { ratePerSecond: 0.001, burst: 10, floodDisconnectAfter: 1000 } });
    try {
      const d = await newDevice(t);
      const more = [await connectDevice(t.hub.url, d.token), await connectDevice(t.hub.url, d.token)];
      const results = await Promise.all([d.socket, ...more].flatMap((s) => Array.from({ length: 10 }, () => emitAck(s, 'device:hello'))));
      expect(count(results.map(code))).toEqual({ OK: 10, RATE_LIMITED: 20 });
      const other = await newDevice(t);
      expect(code(await emitAck(other.socket, 'device:hello'))).toBe('OK');
      for (const s of [d.socket, ...more, other.socket]) s.close();
    } finally {
      await t.close();
    }
  });

  it('every socket of one technician session draws from the same bucket', async () => {
    const t = await startTestHub({ socket: { ratePerSecond: 0.001, burst: 10, floodDisconnectAfter: 1000 } });
    try {
      const tech = await newTech(t);
      const second = await connectTech(t.hub.url, tech.cookie);
      const results = await Promise.all([tech.socket, second].flatMap((s) => Array.from({ length: 10 }, () => emitAck(s, 'queue:list'))));
      expect(count(results.map(code))).toEqual({ OK: 10, RATE_LIMITED: 10 });
      tech.socket.close();
      second.close();
    } finally {
      await t.close();
    }
  });

  it('defaults: a console resyncing 40 conversations at once (120 events) is served; a flood of thousands is cut', async () => {
    const t = await startTestHub();
    try {
      const tech = await newTech(t);
      const events = ['queue:list', 'help:mine', 'devices:list'];
      const burst = await Promise.all(Array.from({ length: 40 }, () => events.map((e) => emitAck(tech.socket, e))).flat());
      expect(count(burst.map(code))).toEqual({ OK: 120 });
      expect(tech.socket.connected).toBe(true);

      const d = await newDevice(t);
      const closed = new Promise((r) => d.socket.once('disconnect', r));
      for (let i = 0; i < 3000; i++) d.socket.emit('inonder', i, () => undefined);
      await closed;
      // The flooding device alone: the console is still served.
      expect(code(await emitAck(tech.socket, 'queue:list'))).toBe('OK');
      tech.socket.close();
    } finally {
      await t.close();
    }
  });

  it('caps the sockets open with one device token; a slot frees when a socket goes', async () => {
    const t = await startTestHub({ socket: { maxSocketsPerDevice: 2 } });
    try {
      const d = await newDevice(t);
      const second = await connectDevice(t.hub.url, d.token);
      await expect(connectDevice(t.hub.url, d.token)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
      // Another device is not affected.
      const other = await newDevice(t);
      const gone = serverDisconnected(t, second);
      second.close();
      await gone;
      const third = await connectDevice(t.hub.url, d.token);
      expect(code(await emitAck(third, 'device:hello'))).toBe('OK');
      for (const s of [d.socket, third, other.socket]) s.close();
    } finally {
      await t.close();
    }
  });

  it('a connection that closes while its token is checked gives its slot back (no lock-out of the device)', async () => {
    const t = await startTestHub({ socket: { maxSocketsPerDevice: 2 } });
    try {
      const d = await newDevice(t);
      const gone = serverDisconnected(t, d.socket);
      d.socket.close();
      await gone;
      // One HTTP long-polling request carrying the namespace CONNECT (with the device token) and
      // the close of the connection: engine.io handles both before the token check answers.
      const base = `${t.hub.url}/socket.io/?EIO=4&transport=polling`;
      for (let i = 0; i < 4; i++) {
        const open = await (await fetch(base)).text();
        const { sid } = JSON.parse(open.slice(1)) as { sid: string };
        const res = await fetch(`${base}&sid=${sid}`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
          body: `40/device,${JSON.stringify({ token: d.token })}\x1e1`,
        });
        expect(res.status).toBe(200);
      }
      // Both slots are still free for the device itself.
      const a = await connectDevice(t.hub.url, d.token);
      const b = await connectDevice(t.hub.url, d.token);
      expect(count(await Promise.all([a, b].map(async (s) => code(await emitAck(s, 'device:hello')))))).toEqual({ OK: 2 });
      a.close();
      b.close();
    } finally {
      await t.close();
    }
  });
});

describe('in-memory stores stay bounded', () => {
  it('a rate limiter forgets full buckets first and never holds more than its key budget', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(() => now, 4);
    const rule = { ratePerSecond: 1, burst: 2 };
    expect(await limiter.take('drained', rule, 2)).toBe(0);
    expect(await limiter.take('drained', rule)).toBe(1000);
    for (const k of ['a', 'b', 'c']) expect(await limiter.take(k, rule)).toBe(0);
    now = 1500; // a, b, c are full again (one token back after 1 s); 'drained' is not
    expect(await limiter.take('fresh', rule)).toBe(0);
    // 'drained' kept its state: still short of two tokens.
    expect(await limiter.take('drained', rule, 2)).toBe(500);
    for (let i = 0; i < 50; i++) await limiter.take(`rotating-${i}`, rule, 2);
    expect(limiter.size).toBeLessThanOrEqual(4);
  });
});

// ---------------------------------------------------------------------------------------------

describe('proxy trust', () => {
  it('trustProxy takes the proxies’ addresses or a hop count, never “trust everyone”', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-proxy-cfg-'));
    try {
      const cfg = (overrides: Record<string, unknown>) => loadConfig({ dataDir: join(dir, 'data'), env: {}, overrides });
      expect(cfg({}).trustProxy).toBe(false);
      expect(() => cfg({ trustProxy: true })).toThrow(ConfigError);
      expect(() => cfg({ trustProxy: true })).toThrow(/trustProxy/);
      expect(() => cfg({ trustProxy: 'yes' })).toThrow(ConfigError);
      expect(() => cfg({ trustProxy: [] })).toThrow(ConfigError);
      expect(() => cfg({ trustProxy: ['not an address'] })).toThrow(ConfigError);
      expect(() => cfg({ trustProxy: 0 })).toThrow(ConfigError);
      expect(cfg({ trustProxy: ['10.0.0.2', '192.168.0.0/16', '::1', 'fd00::/8', 'loopback'] }).trustProxy).toHaveLength(5);
      expect(cfg({ trustProxy: 1 }).trustProxy).toBe(1);
      expect(cfg({ trustProxy: '10.0.0.2, 10.0.0.3' }).trustProxy).toEqual(['10.0.0.2', '10.0.0.3']);
      expect(loadConfig({ dataDir: join(dir, 'data'), env: { VIGIE_TRUST_PROXY: '2' } }).trustProxy).toBe(2);
      expect(loadConfig({ dataDir: join(dir, 'data'), env: { VIGIE_TRUST_PROXY: '192.168.1.10' } }).trustProxy).toEqual(['192.168.1.10']);
      expect(() => loadConfig({ dataDir: join(dir, 'data'), env: { VIGIE_TRUST_PROXY: 'true' } })).toThrow(ConfigError);
      // A hop count trusts whoever is nearest: only when nothing but the proxy can reach the hub.
      expect(() => cfg({ trustProxy: 1, host: '0.0.0.0' })).toThrow(/loopback/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const proxies: Array<[string, string[] | number]> = [
    ['the proxy’s address', ['127.0.0.1']],
    ['a hop count', 1],
  ];
  for (const [label, trustProxy] of proxies) {
    it(`behind a proxy given by ${label}, a rotating X-Forwarded-For neither resets the client’s counters nor forges the audited IP`, async () => {
      const t = await startTestHub({
        trustProxy,
        login: { freeAttemptsPerLogin: 100, freeAttemptsPerIp: 2, baseDelayMs: 60_000 },
        enroll: { failuresPerMinutePerIp: 2 },
      });
      try {
        // The proxy (this test, on loopback) appends the real client address to what the client sent.
        const via = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}, 10.${i}.0.1, 203.0.113.7` });
        const logins: string[] = [];
        for (let i = 0; i < 4; i++) logins.push((await login(t, { login: `u${i}`, password: 'x', totp: '000000' }, via(i))).code);
        expect(logins).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOCKED_OUT']);
        const failed = await auditRows(t, 'auth.login_failed');
        expect(failed.map((r) => r.data.ip)).toEqual(['203.0.113.7', '203.0.113.7', '203.0.113.7']);

        const enrolls: string[] = [];
        for (let i = 0; i < 4; i++) enrolls.push((await enroll(t, 'ZZZZ-ZZZZ', via(i))).code);
        expect(enrolls).toEqual(['INVALID_CODE', 'INVALID_CODE', 'RATE_LIMITED', 'RATE_LIMITED']);
        expect((await auditRows(t, 'device.enroll_failed')).map((r) => r.data.ip)).toEqual(['203.0.113.7', '203.0.113.7']);

        // Another client behind the same proxy has its own counters.
        expect((await login(t, { login: 'u9', password: 'x', totp: '000000' }, { 'x-forwarded-for': '203.0.113.8' })).code).toBe(
          'INVALID_CREDENTIALS',
        );
      } finally {
        await t.close();
      }
    });
  }

  it('a proxy that writes the client’s port too: a new port is not a new client (counters), nor is a hex IPv4-mapped address', async () => {
    expect(clientKey('203.0.113.7:51234')).toBe(clientKey('203.0.113.7'));
    expect(clientKey('[2001:db8:1:2::1]:51234')).toBe(clientKey('2001:db8:1:2::9'));
    expect(clientKey('[::ffff:192.0.2.1]:443')).toBe(clientKey('192.0.2.1'));
    expect(clientKey('::ffff:c000:201')).toBe(clientKey('192.0.2.1'));
    expect(clientKey('::ffff:c000:202')).not.toBe(clientKey('192.0.2.1'));
    const t = await startTestHub({
      trustProxy: ['127.0.0.1'],
      login: { freeAttemptsPerLogin: 100, freeAttemptsPerIp: 2, baseDelayMs: 60_000 },
      enroll: { failuresPerMinutePerIp: 2 },
    });
    try {
      const via = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7:${40_000 + i}` });
      const logins: string[] = [];
      for (let i = 0; i < 4; i++) logins.push((await login(t, { login: `p${i}`, password: 'x', totp: '000000' }, via(i))).code);
      expect(logins).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOCKED_OUT']);
      const enrolls: string[] = [];
      for (let i = 0; i < 4; i++) enrolls.push((await enroll(t, 'ZZZZ-ZZZZ', via(i))).code);
      expect(enrolls).toEqual(['INVALID_CODE', 'INVALID_CODE', 'RATE_LIMITED', 'RATE_LIMITED']);
    } finally {
      await t.close();
    }
  });

  it('without trustProxy, X-Forwarded-For is ignored: counters and audit use the peer address', async () => {
    const t = await startTestHub({ login: { freeAttemptsPerLogin: 100, freeAttemptsPerIp: 2, baseDelayMs: 60_000 } });
    try {
      const logins: string[] = [];
      for (let i = 0; i < 4; i++)
        logins.push((await login(t, { login: `v${i}`, password: 'x', totp: '000000' }, { 'x-forwarded-for': `198.51.100.${i}` })).code);
      expect(logins).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOCKED_OUT']);
      expect((await auditRows(t, 'auth.login_failed')).map((r) => r.data.ip)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    } finally {
      await t.close();
    }
  });

  it('counts an IPv6 client by its /64: rotating the low bits buys no fresh counter', async () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:bbbb:cccc:dddd:2'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::ffff:192.0.2.1')).toBe(clientKey('192.0.2.1'));
    expect(clientKey('192.0.2.1')).not.toBe(clientKey('192.0.2.2'));
    const t = await startTestHub({
      trustProxy: ['loopback'],
      login: { freeAttemptsPerLogin: 100, freeAttemptsPerIp: 2, baseDelayMs: 60_000 },
    });
    try {
      const logins: string[] = [];
      for (let i = 0; i < 4; i++)
        logins.push(
          (await login(t, { login: `w${i}`, password: 'x', totp: '000000' }, { 'x-forwarded-for': `2001:db8:5:6:${i + 1}::${i + 7}` }))
            .code,
        );
      expect(logins).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOCKED_OUT']);
    } finally {
      await t.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('enrollment codes', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ enroll: { perMinutePerIp: 1000, failuresPerMinutePerIp: 20 } });
  });
  afterAll(() => t.close());

  it('expire: an expired code enrolls nothing, says so, and counts as a failure', async () => {
    const p = await t.hub.services.devices.createPractice('Cabinet expiré');
    expect(Date.parse(p.enrollmentCodeExpiresAt)).toBeGreaterThan(Date.now() + 6 * 24 * 3_600_000); // default: 7 days
    await t.hub.services.db
      .updateTable('practices')
      .set({ enrollment_code_expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', p.id)
      .execute();
    const r = await enroll(t, p.enrollmentCode);
    expect(r).toMatchObject({ status: 400, code: 'INVALID_CODE', details: { reason: 'expired' } });
    expect(await t.hub.services.db.selectFrom('devices').select('id').where('practice_id', '=', p.id).execute()).toEqual([]);
    expect((await auditRows(t, 'device.enroll_failed')).at(-1)?.data.reason).toBe('expired code');
  });

  it('rotate from the CLI: the old code stops working at once, the new one enrolls; practice list shows the validity', async () => {
    const p = await t.hub.services.devices.createPractice('Cabinet rotation');
    const before = await enroll(t, p.enrollmentCode);
    expect(before.code).toBe('OK');
    const rotated = await cli(t, 'practice', 'rotate-code', p.id, '--ttl-hours', '2');
    expect(rotated.rc).toBe(0);
    const fresh = /New enrollment code for "Cabinet rotation": ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(rotated.out)?.[1];
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(p.enrollmentCode);
    const until = /Valid until: (\S+)/.exec(rotated.out)?.[1];
    expect(Date.parse(until!) - Date.now()).toBeLessThanOrEqual(2 * 3_600_000);
    expect(Date.parse(until!) - Date.now()).toBeGreaterThan(3_600_000);
    expect((await enroll(t, p.enrollmentCode)).code).toBe('INVALID_CODE');
    expect((await enroll(t, fresh!)).code).toBe('OK');
    expect((await auditRows(t, 'practice.rotate_code')).map((r) => r.subject)).toEqual([p.id]);

    const list = await cli(t, 'practice', 'list');
    expect(list.out).toMatch(new RegExp(`Cabinet rotation\\s+${fresh}\\s+${until!.replace(/\./g, '\\.')}`));
    expect((await cli(t, 'practice', 'add', 'Cabinet court', '--ttl-hours', '1')).out).toMatch(/Valid until: /);
    await expect(cli(t, 'practice', 'rotate-code', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // By its name too (when no other practice has it).
    const byName = await cli(t, 'practice', 'rotate-code', 'Cabinet', 'rotation');
    expect(byName.out).toMatch(/New enrollment code for "Cabinet rotation"/);
    expect((await enroll(t, fresh!)).code).toBe('INVALID_CODE');
    await expect(cli(t, 'practice', 'rotate-code', p.id, '--ttl-hours', '-1')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('failures from one NAT do not block a valid code from the same NAT', async () => {
    const nat = await startTestHub({ enroll: { perMinutePerIp: 1000, failuresPerMinutePerIp: 3 } });
    try {
      const codes: string[] = [];
      for (let i = 0; i < 12; i++) codes.push((await enroll(nat, `WRNG-${String(i).padStart(4, 'A')}`)).code);
      expect(codes.slice(0, 3)).toEqual(['INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE']);
      expect(new Set(codes.slice(3))).toEqual(new Set(['RATE_LIMITED']));
      // Past the failure budget the wrong codes are no longer audited one by one.
      expect((await auditRows(nat, 'device.enroll_failed')).length).toBe(3);
      // The valid code enrolls, and its token opens a device socket.
      const { token } = await enrollDevice(nat.hub.url, nat.code);
      const sock = await connectDevice(nat.hub.url, token);
      expect(code(await emitAck(sock, 'device:hello'))).toBe('OK');
      sock.close();
      expect((await enroll(nat, 'WRNG-BBBB')).code).toBe('RATE_LIMITED');
    } finally {
      await nat.close();
    }
  });
});
