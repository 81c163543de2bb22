import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP } from '@vigie/common';
import { hubCli, runHubCli, acceptedHelp, data, newDevice, newTech, PASSWORD, startTestHub, type TestHub } from './test-support/fixture.js';
import { openRawStore, testStoreEnv, testStoreKind } from './test-support/store.js';
import { emitAck } from './test-support/sockets.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  // A bit of everything that must be audited.
  const tech = await newTech(t);
  await fetch(t.hub.url + HTTP.login, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: tech.login, password: 'wrong', totp: '000000' }),
  });
  const dev = await newDevice(t);
  const request = await acceptedHelp(dev, tech);
  data(await emitAck(tech.socket, 'help:resolve', { requestId: request.id, note: 'fait' }));
  await fetch(t.hub.url + HTTP.logout, { method: 'POST', headers: { cookie: tech.cookie } });
  await t.hub.admin.revokeDevice(dev.deviceId);
});
afterAll(() => t.close());

describe('audit log', () => {
  it('records every step, each row chained to the previous one', async () => {
    const entries = await t.hub.services.audit.list();
    const actions = entries.map((e) => e.action);
    for (const a of [
      'practice.create',
      'technician.create',
      'auth.login',
      'auth.login_failed',
      'device.enroll',
      'help.create',
      'help.accept',
      'help.resolve',
      'auth.logout',
      'device.revoke',
    ]) {
      expect(actions).toContain(a);
    }
    expect(entries.find((e) => e.action === 'auth.login_failed')?.data).toMatchObject({ reason: 'wrong password' });
    entries.forEach((e, i) => {
      expect(e.seq).toBe(i + 1);
      if (i > 0) expect(e.prevHash).toBe(entries[i - 1]!.hash);
    });
    expect(await t.hub.admin.verifyAudit()).toMatchObject({ ok: true, count: entries.length, legacy: 0 });
  });

  it('concurrent writes never fork the chain', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.hub.services.audit.append({ actorType: 'system', action: 'test.concurrent', data: { i } })),
    );
    expect((await t.hub.admin.verifyAudit()).ok).toBe(true);
  });

  it('detects an edited row, a deleted row and a deleted tail (the table itself refuses changes)', async () => {
    const raw = await openRawStore(t.dir);
    const cliVerify = () => hubCli(t, 'audit', 'verify');
    try {
      await expect(sql`UPDATE audit_log SET action = 'x' WHERE seq = 3`.execute(raw)).rejects.toThrow(/append-only/);
      await expect(sql`DELETE FROM audit_log WHERE seq = 3`.execute(raw)).rejects.toThrow(/append-only/);
      if (testStoreKind() === 'postgres') await expect(sql`TRUNCATE audit_log`.execute(raw)).rejects.toThrow(/append-only/);
      // A determined attacker drops the guards first: the chain still tells.
      await raw.dropAuditGuards();
      const row = await raw.selectFrom('audit_log').selectAll().where('seq', '=', 4).executeTakeFirstOrThrow();
      await raw.updateTable('audit_log').set({ data: '{"reason":"nothing to see"}' }).where('seq', '=', 4).execute();
      expect(await t.hub.admin.verifyAudit()).toMatchObject({ ok: false, brokenAt: 4, count: 3 });
      await raw.updateTable('audit_log').set({ data: row.data }).where('seq', '=', 4).execute();
      expect((await t.hub.admin.verifyAudit()).ok).toBe(true);

      const row5 = await raw.selectFrom('audit_log').selectAll().where('seq', '=', 5).executeTakeFirstOrThrow();
      await raw.deleteFrom('audit_log').where('seq', '=', 5).execute();
      expect(await t.hub.admin.verifyAudit()).toMatchObject({ ok: false, brokenAt: 5 });
      const broken = await cliVerify();
      expect(broken.rc).toBe(2);
      expect(broken.err).toMatch(/AUDIT LOG BROKEN at entry 5/);
      await raw.insertInto('audit_log').values(row5).execute();
      expect((await t.hub.admin.verifyAudit()).ok).toBe(true);

      const last = await raw.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      await raw.deleteFrom('audit_log').where('seq', '=', last.seq).execute();
      expect(await t.hub.admin.verifyAudit()).toMatchObject({ ok: false, brokenAt: Number(last.seq) });
      await raw.insertInto('audit_log').values(last).execute();
      const ok = await cliVerify();
      expect(ok.rc).toBe(0);
      expect(ok.out).toMatch(/intact/);
    } finally {
      await raw.destroy();
    }
  });
});

describe('CLI', () => {
  it('manages practices, technicians and devices on the hub’s data folder', async () => {
    const run = async (args: string[], stdin = '') => runHubCli(t.dir, args, { env: await testStoreEnv(t.dir), stdin });
    const added = await run(['practice', 'add', 'Maison', 'de', 'santé']);
    expect(added.rc).toBe(0);
    const codeMatch = /Enrollment code: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(added.out);
    expect(codeMatch).not.toBeNull();
    expect((await run(['practice', 'list'])).out).toContain('Maison de santé');

    const user = await run(['user', 'add', 'jeanne', '--name', 'Jeanne Roux', '--role', 'admin', '--password-stdin'], `${PASSWORD}\n`);
    expect(user.rc).toBe(0);
    expect(user.out).toMatch(/otpauth:\/\/totp\/Vigie:jeanne\?.*secret=[A-Z2-7]+/);
    expect((await run(['user', 'list'])).out).toMatch(/jeanne\s+Jeanne Roux\s+admin/);
    await expect(run(['user', 'add', 'jeanne', '--name', 'Encore', '--password-stdin'], PASSWORD)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(run(['user', 'add', 'court', '--name', 'Court', '--password-stdin'], 'short')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    const reset = await run(['user', 'reset-totp', 'jeanne']);
    expect(reset.out).toMatch(/otpauth:\/\//);

    // Revoking from the CLI (another process) is enforced by the running hub on the next event.
    const dev = await newDevice(t, 'Poste CLI');
    expect((await run(['device', 'list'])).out).toContain('Poste CLI');
    expect((await run(['device', 'revoke', dev.deviceId])).rc).toBe(0);
    const r = await emitAck(dev.socket, 'device:hello');
    expect(r.ok ? 'OK' : r.error.code).toBe('REVOKED');
    expect((await run(['device', 'list'])).out).not.toContain('Poste CLI');
    expect((await run(['device', 'list', '--all'])).out).toContain('Poste CLI');

    expect((await run(['nope'])).rc).toBe(1);
    expect((await run(['help'])).rc).toBe(0);
  });
});
