/**
 * The audit chain against someone who can write to the data folder (but not read the hub key),
 * and against unauthenticated input: keyed MACs over the stored values, signed checkpoints of the
 * head, well-formed Unicode only, file modes.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP, type Result } from '@vigie/common';
import { createHub } from './app.js';
import { runCli } from './cli.js';
import { loadConfig } from './config.js';
import { canonicalJson, sha256 } from './util.js';
import { PASSWORD, code, createHelp, data, newDevice, newTech, startTestHub, type TestHub } from './test-support/fixture.js';
import { openRawStore, testStoreEnv, testStoreKind, testStoreOptions } from './test-support/store.js';
import { emitAck } from './test-support/sockets.js';

function cliIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), readPassword: async () => PASSWORD, readStdin: async () => '' },
  };
}
async function cli(t: TestHub, ...args: string[]) {
  const c = cliIo();
  const rc = await runCli(['--data-dir', t.dir, ...args], c.io, await testStoreEnv(t.dir));
  return { rc, out: c.out.join('\n'), err: c.err.join('\n') };
}

/** What someone with write access to the store (the SQLite file, a database login) can do: drop the guards, then write rows. */
async function openRaw(t: TestHub): Promise<RawStore> {
  const raw = await openRawStore(t.dir);
  await raw.dropAuditGuards();
  return raw;
}
type RawStore = Awaited<ReturnType<typeof openRawStore>>;
type RawRow = {
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  subject: string | null;
  data: string;
  prev_hash: string;
  hash: string;
};
const rawRows = (raw: RawStore, afterSeq = 0): Promise<RawRow[]> =>
  raw.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').execute();
const rawHead = (raw: RawStore): Promise<{ seq: number; hash: string }> =>
  raw.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
const setHead = (raw: RawStore, head: { seq: number; hash: string }) =>
  raw.updateTable('audit_head').set({ seq: head.seq, hash: head.hash }).execute();
const setLink = (raw: RawStore, r: { seq: number; prev_hash: string; hash: string }) =>
  raw.updateTable('audit_log').set({ prev_hash: r.prev_hash, hash: r.hash }).where('seq', '=', r.seq).execute();

/** Recomputes the chain from `fromSeq` on with the only hash an attacker without the key can compute (SHA-256), head included. */
async function rechain(raw: RawStore, fromSeq: number): Promise<void> {
  const rows = await rawRows(raw);
  let prev = '0'.repeat(64);
  for (const r of rows) {
    if (r.seq >= fromSeq) {
      const hash = sha256(
        prev +
          canonicalJson({
            seq: r.seq,
            at: r.at,
            actorType: r.actor_type,
            actorId: r.actor_id,
            action: r.action,
            subject: r.subject,
            data: JSON.parse(r.data),
          }),
      );
      await setLink(raw, { seq: r.seq, prev_hash: prev, hash });
      prev = hash;
    } else prev = r.hash;
  }
  await setHead(raw, { seq: rows.length, hash: prev });
}

describe('unauthenticated input never breaks the chain', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ socket: { ratePerSecond: 1000, burst: 1000 } });
  });
  afterAll(() => t.close());

  it('lone surrogates are refused at the boundary (HTTP bodies and socket events), and the chain still verifies', async () => {
    // Raw JSON text: "\ud800" is a lone surrogate once parsed.
    const post = (path: string, body: string) =>
      fetch(t.hub.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const login = await post(HTTP.login, '{"login":"jeanne\\ud800","password":"x","totp":"123456"}');
    expect(login.status).toBe(400);
    expect(await login.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const enroll = await post(
      HTTP.enroll,
      `{"code":"${t.code}","device":{"name":"Poste \\udc00","os":"linux","osVersion":"1","appVersion":"1"}}`,
    );
    expect(enroll.status).toBe(400);
    const badKey = await post(HTTP.login, '{"login":"a","password":"x","totp":"123456","\\ud83d":1}');
    expect(badKey.status).toBe(400);
    // A well-formed pair (an emoji) is text like any other.
    const emoji = await post(HTTP.login, '{"login":"jeanne\\ud83d\\ude00","password":"x","totp":"123456"}');
    expect(((await emoji.json()) as Result<unknown>).ok ? 'OK' : 'refused').toBe('refused');
    expect(emoji.status).toBe(401);

    const dev = await newDevice(t);
    expect(
      code(
        await emitAck(dev.socket, 'help:create', {
          clientId: randomUUID(),
          context: { os: 'linux', osVersion: '1', appVersion: '1' },
          description: 'écran \uD800 noir',
        }),
      ),
    ).toBe('BAD_REQUEST');
    const { request } = await createHelp(dev);
    expect(
      code(
        await emitAck(dev.socket, 'chat:send', {
          requestId: request.id,
          id: randomUUID(),
          text: '\uDFFFbonjour',
          sentAt: new Date().toISOString(),
        }),
      ),
    ).toBe('BAD_REQUEST');
    // U+0000 is refused the same way (Postgres text cannot hold it): a BAD_REQUEST on either store, never an INTERNAL retried for ever.
    expect(
      code(
        await emitAck(dev.socket, 'chat:send', {
          requestId: request.id,
          id: randomUUID(),
          text: 'bon\u0000jour',
          sentAt: new Date().toISOString(),
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect(code(await emitAck(dev.socket, 'help:update', { requestId: request.id, description: 'écran\u0000noir' }))).toBe('BAD_REQUEST');
    const nul = await post(HTTP.login, '{"login":"jeanne\\u0000","password":"x","totp":"123456"}');
    expect(nul.status).toBe(400);

    const v = await t.hub.admin.verifyAudit();
    expect(v).toMatchObject({ ok: true });
    const actions = (await t.hub.services.audit.list()).map((e) => e.action);
    expect(actions).toContain('auth.login_failed'); // the emoji login, recorded and verified
  });

  it('whatever a caller hands the audit log, what is stored is what was hashed (verify never fails on it)', async () => {
    const weird = {
      '\uDC00key': ['\uD800', 'ok \uD83D\uDE00', { deep: 'x\uDBFF', nul: 'a\u0000b' }],
      n: -0,
      big: 1e21,
      nested: { b: 1, a: [null, true] },
    };
    await t.hub.services.audit.append({
      actorType: 'device',
      actorId: 'dev\uD800\u0000',
      action: 'test.weird\uDFFF',
      subject: 'sujet \uD800\u0000',
      data: weird,
    });
    const v = await t.hub.admin.verifyAudit();
    expect(v).toMatchObject({ ok: true });
    const last = (await t.hub.services.audit.list()).at(-1)!;
    expect(last.subject).toBe('sujet \uFFFD\uFFFD');
    expect(last.actorId).toBe('dev\uFFFD\uFFFD');
    expect(JSON.stringify(last.data)).not.toContain('\\u0000');
    expect(JSON.stringify(last.data)).not.toMatch(/\\ud[89a-f]/i);
  });
});

describe('keyed chain and signed checkpoints', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
    const tech = await newTech(t);
    const dev = await newDevice(t);
    const { request } = await createHelp(dev);
    data(await emitAck(tech.socket, 'help:accept', { requestId: request.id }));
    for (let i = 0; i < 5; i++) await t.hub.services.audit.append({ actorType: 'system', action: 'test.filler', data: { i } });
  });
  afterAll(() => t.close());

  it('keeps the hub key outside the data folder, 0600; the database is 0600; a key that is not the chain’s is refused', async () => {
    const keyFile = t.hub.config.keyFile;
    expect(keyFile).toBe(`${t.dir}.key`);
    expect(keyFile.startsWith(t.dir + '/')).toBe(false);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    if (testStoreKind() === 'sqlite') expect(statSync(join(t.dir, 'hub.sqlite')).mode & 0o777).toBe(0o600);
    expect(statSync(t.dir).mode & 0o077).toBe(0);
    // The CLI (another process, same data folder) finds the same key, and tightens a loosened mode.
    chmodSync(keyFile, 0o644);
    expect((await cli(t, 'audit', 'verify')).rc).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // A key inside the data folder is refused.
    expect(() => loadConfig({ dataDir: t.dir, env: { VIGIE_KEY_FILE: join(t.dir, 'hub.key') } })).toThrow(/outside the data folder/);
    // Another key (e.g. a fresh one generated by mistake) is refused, not silently adopted.
    const other = join(t.root, 'other.key');
    await expect(
      runCli(['--data-dir', t.dir, 'audit', 'verify'], cliIo().io, { ...(await testStoreEnv(t.dir)), VIGIE_KEY_FILE: other }),
    ).rejects.toThrow(/not the key this data folder/);
    // hub.json (inside the data folder) cannot choose the key.
    writeFileSync(join(t.dir, 'hub.json'), JSON.stringify({ keyFile: other }));
    try {
      await expect(runCli(['--data-dir', t.dir, 'audit', 'verify'], cliIo().io, await testStoreEnv(t.dir))).rejects.toThrow(/keyFile/);
    } finally {
      writeFileSync(join(t.dir, 'hub.json'), '{}');
    }
  });

  it('a row rewritten with the chain recomputed (no key) is found', async () => {
    const raw = await openRaw(t);
    try {
      const snapshot = await rawRows(raw);
      const row = snapshot.find((r) => r.seq === 4)!;
      const head = await rawHead(raw);
      await raw.updateTable('audit_log').set({ data: '{"reason":"rien à voir"}' }).where('seq', '=', 4).execute();
      await rechain(raw, 4);
      expect(await t.hub.admin.verifyAudit()).toMatchObject({ ok: false, brokenAt: 4, reason: 'content does not match its hash' });
      // Moving the key anchor to call every row "legacy" needs the key too.
      await raw.updateTable('audit_anchor').set({ keyed_from_seq: 1000 }).execute();
      await rechain(raw, 1);
      expect(await t.hub.admin.verifyAudit()).toMatchObject({ ok: false, reason: 'the key anchor was edited' });
      await raw.updateTable('audit_anchor').set({ keyed_from_seq: 1 }).execute();
      // Put everything back as it was: the chain holds again.
      await raw.updateTable('audit_log').set({ data: row.data }).where('seq', '=', 4).execute();
      for (const r of snapshot) await setLink(raw, r);
      await setHead(raw, head);
      expect((await t.hub.admin.verifyAudit()).ok).toBe(true);
    } finally {
      await raw.destroy();
    }
  });

  it('a cut tail (head row moved back too) is found from the signed checkpoint, in the file and in the log', async () => {
    const cp = await t.hub.services.audit.checkpoint({ force: true });
    expect(cp).toMatchObject({
      v: 1,
      seq: expect.any(Number),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      mac: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const file = t.hub.config.auditCheckpointFile;
    expect(file.startsWith(t.dir + '/')).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toContainEqual(cp);
    expect(await t.hub.admin.verifyAudit()).toMatchObject({ ok: true, checkpoints: { latest: { seq: cp!.seq } } });

    const raw = await openRaw(t);
    const tail = await rawRows(raw, cp!.seq - 2);
    const head = await rawHead(raw);
    try {
      await raw
        .deleteFrom('audit_log')
        .where('seq', '>', cp!.seq - 2)
        .execute();
      const newLast = (await rawRows(raw)).at(-1)!;
      await setHead(raw, newLast);
      expect(await t.hub.admin.verifyAudit()).toMatchObject({
        ok: false,
        brokenAt: cp!.seq - 1,
        reason: expect.stringContaining(`names entry ${cp!.seq}`),
      });
      const c = await cli(t, 'audit', 'verify');
      expect(c.rc).toBe(2);
      expect(c.err).toMatch(/AUDIT LOG BROKEN at entry \d+: rows missing at the end of the log/);

      // The same checkpoint taken from the hub's log lines (pino JSON) works as well.
      const logFile = join(t.root, 'hub.log');
      writeFileSync(
        logFile,
        `not json\n${JSON.stringify({ level: 30, msg: 'hub listening' })}\n${JSON.stringify({ level: 30, auditCheckpoint: cp, msg: 'audit checkpoint' })}\n`,
      );
      const fromLog = await cli(t, 'audit', 'verify', '--checkpoints', logFile);
      expect(fromLog.rc).toBe(2);
      expect(fromLog.err).toMatch(/rows missing at the end/);
      const empty = join(t.root, 'none.jsonl');
      expect((await cli(t, 'audit', 'verify', '--checkpoints', empty)).out).toMatch(/No signed checkpoint/);
    } finally {
      for (const r of tail) await raw.insertInto('audit_log').values(r).execute();
      await setHead(raw, head);
      await raw.destroy();
    }
    expect((await cli(t, 'audit', 'verify')).out).toMatch(/intact.*\n.*checkpoint\(s\).*all match/);
  });

  it('a forged or edited checkpoint line is refused; `audit checkpoint` appends a signed one', async () => {
    const file = t.hub.config.auditCheckpointFile;
    const before = readFileSync(file, 'utf8');
    const last = JSON.parse(before.trim().split('\n').at(-1)!) as { seq: number; hash: string; at: string; keyId: string; mac: string };
    try {
      writeFileSync(file, `${before}${JSON.stringify({ ...last, seq: last.seq + 50 })}\n`);
      expect(await t.hub.admin.verifyAudit()).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/not signed by this hub’s key|not signed by this hub's key/),
      });
    } finally {
      writeFileSync(file, before);
    }
    const made = await cli(t, 'audit', 'checkpoint');
    expect(made.rc).toBe(0);
    expect(made.out).toMatch(/Checkpoint: entry \d+/);
    expect(readFileSync(file, 'utf8').trim().split('\n').length).toBe(before.trim().split('\n').length + 1);
    expect((await t.hub.admin.verifyAudit()).ok).toBe(true);
  });
});

describe('a data folder from before the hub key', () => {
  it('keeps its rows (legacy SHA-256, anchored by the first keyed row) and seals its plaintext TOTP secrets at start', async () => {
    const t = await startTestHub();
    const created = await t.hub.admin.addTechnician({ login: 'ancien', displayName: 'Ancien Compte', password: PASSWORD });
    await t.hub.close();
    // Make it look like the old format: no anchor, rows hashed the legacy way, TOTP secret in plaintext.
    const raw = await openRaw(t);
    await raw.deleteFrom('audit_anchor').execute();
    await rechain(raw, 1);
    await raw
      .updateTable('technicians')
      .set({ totp_secret: created.totpSecret, totp_sealed: null })
      .where('login', '=', 'ancien')
      .execute();
    await raw.destroy();
    rmKey(t);

    const hub = await createHub({
      dataDir: t.dir,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      env: {},
      consoleDir: join(t.dir, 'no-console'),
      ...(await testStoreOptions(t.dir)),
    });
    try {
      const v = await hub.admin.verifyAudit();
      expect(v).toMatchObject({ ok: true, legacy: expect.any(Number) });
      expect(v.legacy).toBeGreaterThan(0);
      const entries = await hub.services.audit.list(0, 10_000);
      expect(entries.find((e) => e.seq === v.legacy! + 1)?.action).toBe('audit.chain_keyed');
      const row = await hub.services.db
        .selectFrom('technicians')
        .select(['totp_secret', 'totp_sealed'])
        .where('login', '=', 'ancien')
        .executeTakeFirstOrThrow();
      expect(row.totp_secret).toBe('');
      expect(row.totp_sealed).not.toContain(created.totpSecret);
      // The sealed secret still logs in.
      const { loginTechnician } = await import('./test-support/sockets.js');
      expect(await loginTechnician(hub.url, 'ancien', PASSWORD, created.totpSecret)).toMatch(/^vigie_session=/);
      // Nothing in the database file reads as the secret any more (a Postgres store's files are the server's).
      await hub.close();
      if (testStoreKind() === 'sqlite')
        expect(readFileSync(join(t.dir, 'hub.sqlite')).includes(Buffer.from(created.totpSecret))).toBe(false);
    } finally {
      await hub.close();
      await t.close();
    }
  });
});

function rmKey(t: TestHub): void {
  // The old hub had no key (nor checkpoints): the key is created at this start.
  rmSync(`${t.dir}.key`, { force: true });
  rmSync(`${t.dir}.audit-checkpoints.jsonl`, { force: true });
}

describe('TOTP secrets sealed with the hub key', () => {
  it('a sealed secret whose authentication tag was cut short does not open: the login fails', async () => {
    const t = await startTestHub();
    try {
      const { id, totpSecret } = await t.hub.admin.addTechnician({ login: 'tronque', displayName: 'Tom Tronqué', password: PASSWORD });
      const { totpNow } = await import('./test-support/sockets.js');
      const row = await t.hub.services.db.selectFrom('technicians').select('totp_sealed').where('id', '=', id).executeTakeFirstOrThrow();
      const [v, iv, ct, tag] = row.totp_sealed!.split('.');
      // GCM checks only as many tag bytes as it is given: 4 of them are a 1-in-2^32 guess for whoever can write the row.
      const cut = [v, iv, ct, Buffer.from(tag!, 'base64url').subarray(0, 4).toString('base64url')].join('.');
      await t.hub.services.db.updateTable('technicians').set({ totp_sealed: cut }).where('id', '=', id).execute();
      const res = await fetch(t.hub.url + HTTP.login, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'tronque', password: PASSWORD, totp: totpNow(totpSecret) }),
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as Result<unknown>).ok).toBe(false);
      expect(res.headers.getSetCookie().some((c) => c.startsWith('vigie_session='))).toBe(false);
    } finally {
      await t.close();
    }
  });
});
