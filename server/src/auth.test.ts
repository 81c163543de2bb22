import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP, SESSION_COOKIE } from '@vigie/common';
import { PASSWORD, code, newDevice, startTestHub, type TestHub } from './test-support/fixture.js';
import { connectDevice, connectTech, emitAck, enrollDevice, loginTechnician, nextEvent, totpNow } from './test-support/sockets.js';

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; data?: unknown; error?: { code: string; details?: Record<string, unknown> } },
    res,
  };
}

/** A 6-digit code accepted by none of the steps in the ±1 window. */
function wrongCode(secret: string): string {
  const valid = new Set([-1, 0, 1].map((o) => totpNow(secret, o)));
  for (let i = 0; ; i++) {
    const c = String(i).padStart(6, '0');
    if (!valid.has(c)) return c;
  }
}

let t: TestHub;
beforeAll(async () => {
  // High per-IP allowance: every test here logs in from 127.0.0.1; per-IP back-off has its own hub below.
  t = await startTestHub({ login: { freeAttemptsPerIp: 1000, baseDelayMs: 60_000 } });
});
afterAll(() => t.close());

describe('enrollment', () => {
  it('enrolls with a good code whatever its case, spaces and dashes, and the token opens a device socket', async () => {
    const messy = ` ${t.code.toLowerCase().replace('-', ' - ')} `;
    const r = await post(t.hub.url + HTTP.enroll, {
      code: messy,
      device: { name: 'Accueil', os: 'windows', osVersion: '11', appVersion: '0.1.0' },
    });
    expect(r.status).toBe(200);
    const d = r.body.data as { deviceId: string; token: string; practice: { id: string; name: string } };
    expect(d.practice).toEqual({ id: t.practiceId, name: 'Cabinet des Tilleuls' });
    expect(Buffer.from(d.token, 'base64url')).toHaveLength(32);
    const socket = await connectDevice(t.hub.url, d.token);
    const hello = await emitAck<{ deviceId: string; deviceName: string; current: unknown }>(socket, 'device:hello');
    expect(hello.ok && hello.data).toMatchObject({ deviceId: d.deviceId, deviceName: 'Accueil', current: null });
    // Only the hash is stored.
    const row = await t.hub.services.db.selectFrom('devices').select('token_hash').where('id', '=', d.deviceId).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(d.token);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    socket.close();
  });

  it('refuses an unknown code with INVALID_CODE and a bad body with BAD_REQUEST', async () => {
    const device = { name: 'Accueil', os: 'windows', osVersion: '11', appVersion: '0.1.0' };
    expect((await post(t.hub.url + HTTP.enroll, { code: 'AAAA-AAAA', device })).body.error?.code).toBe('INVALID_CODE');
    expect((await post(t.hub.url + HTTP.enroll, { code: t.code, device: { ...device, os: 'amiga' } })).body.error?.code).toBe(
      'BAD_REQUEST',
    );
    expect((await post(t.hub.url + HTTP.enroll, { code: t.code, device, extra: 1 })).body.error?.code).toBe('BAD_REQUEST');
  });

  it('refuses unknown tokens (UNAUTHORIZED) and revoked ones (REVOKED); a connected revoked device is told and disconnected', async () => {
    await expect(connectDevice(t.hub.url, 'x'.repeat(43))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(connectDevice(t.hub.url, '')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const dev = await newDevice(t);
    const revoked = nextEvent<{ reason: string }>(dev.socket, 'device:revoked');
    const disconnected = new Promise((r) => dev.socket.once('disconnect', r));
    await t.hub.admin.revokeDevice(dev.deviceId);
    expect((await revoked).reason).toBeTruthy();
    await disconnected;
    await expect(connectDevice(t.hub.url, dev.token)).rejects.toMatchObject({ code: 'REVOKED' });
  });

  it('rate-limits enrollment attempts per IP: wrong codes beyond the failure budget, every attempt beyond the flood budget', async () => {
    const small = await startTestHub({ enroll: { perMinutePerIp: 7, failuresPerMinutePerIp: 3 } });
    try {
      const device = { name: 'Accueil', os: 'linux', osVersion: '12', appVersion: '0.1.0' };
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) codes.push((await post(small.hub.url + HTTP.enroll, { code: 'WRONG-CODE', device })).body.error!.code);
      expect(codes.slice(0, 3)).toEqual(['INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE']);
      expect(codes.slice(3)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
      // Failures do not block a valid code (limits-login.test.ts); the flood budget (7 a minute) blocks everything.
      expect((await post(small.hub.url + HTTP.enroll, { code: small.code, device })).status).toBe(200);
      expect((await post(small.hub.url + HTTP.enroll, { code: small.code, device })).status).toBe(200);
      const limited = await post(small.hub.url + HTTP.enroll, { code: small.code, device });
      expect(limited.status).toBe(429);
      expect(limited.body.error?.code).toBe('RATE_LIMITED');
      expect(limited.body.error?.details?.retryAfterMs).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });
});

describe('technician login', () => {
  let login: string;
  let secret: string;
  beforeAll(async () => {
    login = 'martine';
    secret = (await t.hub.admin.addTechnician({ login, displayName: 'Martine Leroy', password: PASSWORD, role: 'supervisor' })).totpSecret;
  });

  it('answers TOTP_REQUIRED without a code, whatever the password', async () => {
    expect((await post(t.hub.url + HTTP.login, { login, password: PASSWORD })).body.error?.code).toBe('TOTP_REQUIRED');
    expect((await post(t.hub.url + HTTP.login, { login, password: 'wrong' })).body.error?.code).toBe('TOTP_REQUIRED');
  });

  it('gives the same INVALID_CREDENTIALS for a wrong code, a wrong password and an unknown login', async () => {
    const wrongTotp = await post(t.hub.url + HTTP.login, { login, password: PASSWORD, totp: wrongCode(secret) });
    const wrongPassword = await post(t.hub.url + HTTP.login, { login, password: 'not the password', totp: totpNow(secret) });
    const unknown = await post(t.hub.url + HTTP.login, { login: 'nobody', password: PASSWORD, totp: '123456' });
    for (const r of [wrongTotp, wrongPassword, unknown]) {
      expect(r.status).toBe(401);
      expect(r.body).toEqual(wrongTotp.body);
    }
    expect(wrongTotp.body).toEqual({ ok: false, error: { code: 'INVALID_CREDENTIALS', message: expect.any(String) } });
  });

  it('logs in, sets a strict httpOnly cookie, /me answers; a used code cannot be replayed', async () => {
    const totp = totpNow(secret);
    const r = await post(t.hub.url + HTTP.login, { login, password: PASSWORD, totp });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ technician: { login, displayName: 'Martine Leroy', role: 'supervisor', initials: 'ML' } });
    const setCookie = r.res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.split(';')[0]!;
    const me = await fetch(t.hub.url + HTTP.me, { headers: { cookie } });
    expect(((await me.json()) as { data: unknown }).data).toMatchObject({ technician: { login } });
    const replay = await post(t.hub.url + HTTP.login, { login, password: PASSWORD, totp });
    expect(replay.body.error?.code).toBe('INVALID_CREDENTIALS');
    const noCookie = await fetch(t.hub.url + HTTP.me);
    expect(noCookie.status).toBe(401);
  });

  it('logout ends the session: the socket is told and closed, and cannot reconnect', async () => {
    const created = await t.hub.admin.addTechnician({ login: 'paul', displayName: 'Paul Petit', password: PASSWORD });
    const cookie = await loginTechnician(t.hub.url, 'paul', PASSWORD, created.totpSecret);
    const socket = await connectTech(t.hub.url, cookie);
    expect(code(await emitAck(socket, 'queue:list'))).toBe('OK');
    const ended = nextEvent<{ reason: string }>(socket, 'session:ended');
    const closed = new Promise((r) => socket.once('disconnect', r));
    const out = await post(t.hub.url + HTTP.logout, {}, { cookie });
    expect(out.body.ok).toBe(true);
    expect((await ended).reason).toBe('logout');
    await closed;
    await expect(connectTech(t.hub.url, cookie)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await fetch(t.hub.url + HTTP.me, { headers: { cookie } })).status).toBe(401);
  });

  it('refuses technician sockets without a session or from another origin', async () => {
    await expect(connectTech(t.hub.url, `${SESSION_COOKIE}=${'a'.repeat(43)}`)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(connectTech(t.hub.url, '')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const created = await t.hub.admin.addTechnician({ login: 'origin', displayName: 'Olga Rigin', password: PASSWORD });
    const cookie = await loginTechnician(t.hub.url, 'origin', PASSWORD, created.totpSecret);
    const { io } = await import('socket.io-client');
    const evil = io(`${t.hub.url}/tech`, {
      extraHeaders: { cookie, origin: 'https://evil.example' },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const refused = await new Promise<{ data?: { code?: string } }>((resolve) => evil.once('connect_error', resolve));
    expect(refused.data?.code).toBe('UNAUTHORIZED');
    evil.close();
  });

  it('backs off after repeated failures for a login: LOCKED_OUT with retryAfterMs, even with the right code', async () => {
    const created = await t.hub.admin.addTechnician({ login: 'lock', displayName: 'Léa Ock', password: PASSWORD });
    const codes: string[] = [];
    for (let i = 0; i < 4; i++)
      codes.push((await post(t.hub.url + HTTP.login, { login: 'lock', password: 'wrong password', totp: '000000' })).body.error!.code);
    expect(codes).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS']);
    const locked = await post(t.hub.url + HTTP.login, { login: 'lock', password: PASSWORD, totp: totpNow(created.totpSecret) });
    expect(locked.status).toBe(429);
    expect(locked.body.error?.code).toBe('LOCKED_OUT');
    expect(locked.body.error?.details?.retryAfterMs).toBeGreaterThan(0);
    // Another login from the same IP is not affected.
    const other = await t.hub.admin.addTechnician({ login: 'free', displayName: 'Fred Ree', password: PASSWORD });
    await expect(loginTechnician(t.hub.url, 'free', PASSWORD, other.totpSecret)).resolves.toMatch(/^vigie_session=/);
  });

  it('backs off per IP too', async () => {
    const small = await startTestHub({ login: { freeAttemptsPerIp: 2, freeAttemptsPerLogin: 100, baseDelayMs: 60_000 } });
    try {
      const results: string[] = [];
      for (const l of ['a1', 'a2', 'a3', 'a4'])
        results.push((await post(small.hub.url + HTTP.login, { login: l, password: 'x', totp: '000000' })).body.error!.code);
      expect(results).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOCKED_OUT']);
    } finally {
      await small.close();
    }
  });

  it('enrolls through the testing helper too', async () => {
    await expect(enrollDevice(t.hub.url, t.code)).resolves.toMatchObject({ deviceId: expect.any(String) });
  });
});
