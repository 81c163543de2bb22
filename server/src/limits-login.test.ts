// Login lock-outs and enrollment codes against a real hub on loopback (real HTTP, real SQLite, the real CLI on its data folder).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateHubKey } from './hub-key.js';
import { MemoryAttemptCounter, type AttemptKey } from './limits.js';
import { sealTotp } from './services/totp-vault.js';
import { PASSWORD, code, hubCli as cli, startTestHub, type TestHub } from './test-support/fixture.js';
import { auditRows, count, enroll, login } from './test-support/limits.js';
import { connectDevice, emitAck, enrollDevice, freshTotp, loginTechnician, totpNow } from './test-support/sockets.js';

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
      const firstCode = await freshTotp(totpSecret);
      const first = await login(shared, { login: 'claire', password: PASSWORD, totp: firstCode.code });
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
      const again = await login(
        shared,
        { login: 'claire', password: PASSWORD, totp: (await freshTotp(totpSecret, firstCode.step)).code },
        { cookie: known! },
      );
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
