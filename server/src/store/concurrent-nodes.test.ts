/**
 * Writes that must stay atomic when several hub nodes share one store. On Postgres (project
 * hub-postgres) two real hubs run on the same database — same hub key, separate processes' worth
 * of pools, sockets and memory — and every race below goes through both; on SQLite (one process per
 * file) the same races run on one hub. Either way: exactly one technician wins a request, chat
 * sequence numbers have no hole and no double, a resend is stored once, and the audit chain never forks.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, HelpRequest, Result } from '@vigie/common';
import { createHub, type Hub } from '../app.js';
import { runHubCli, PASSWORD, chatPayload, code, context, data } from '../test-support/fixture.js';
import { testStoreEnv, testStoreKind, testStoreOptions } from '../test-support/store.js';
import { connectDevice, connectTech, emitAck, enrollDevice, loginTechnician, type Socket } from '../test-support/sockets.js';
import { readBuildOutput } from '../updates/build-output.js';
import type { UpdatesTables } from '../updates/schema.js';
import { fakeInstaller, makeBuild } from '../updates/test-support/index.js';

type SendResult = { message: ChatMessage; duplicate: boolean };

let root: string;
let dataA: string;
/** Node A and node B: two hubs on one Postgres database, or the same hub twice on SQLite. */
let a: Hub;
let b: Hub;
let enrollmentCode: string;
const sockets: Socket[] = [];
const keep = (s: Socket) => (sockets.push(s), s);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'vigie-nodes-'));
  dataA = join(root, 'node-a');
  // What a cluster's nodes share: the database, the hub key, the audit checkpoints (each node has its own data folder).
  // On the project hub-postgres they share Redis too (one key prefix), as a real cluster does.
  const shared = {
    keyFile: join(root, 'hub.key'),
    auditCheckpointFile: join(root, 'audit-checkpoints.jsonl'),
    ...(await testStoreOptions(dataA)),
  };
  const node = (dataDir: string) =>
    createHub({
      dataDir,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      env: {},
      consoleDir: join(dataDir, 'no-console'),
      socket: { ratePerSecond: 1000, burst: 1000 },
      ...shared,
    });
  if (testStoreKind() === 'postgres') {
    // Both start at once on an empty database: migrations and the audit anchor are written once.
    [a, b] = await Promise.all([node(dataA), node(join(root, 'node-b'))]);
  } else {
    a = await node(dataA);
    b = a;
  }
  enrollmentCode = (await a.admin.createPractice({ name: 'Maison de santé des Deux Rives' })).enrollmentCode;
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all([a?.close(), b?.close()]);
  rmSync(root, { recursive: true, force: true });
});

async function technicianOn(hub: Hub, displayName: string): Promise<{ id: string; socket: Socket }> {
  const login = `tech-${randomUUID().slice(0, 8)}`;
  const t = await a.admin.addTechnician({ login, displayName, password: PASSWORD });
  const cookie = await loginTechnician(hub.url, login, PASSWORD, t.totpSecret);
  return { id: t.id, socket: keep(await connectTech(hub.url, cookie)) };
}

/** One enrolled device with a socket on each node. */
async function deviceOnBoth(name: string): Promise<{ deviceId: string; onA: Socket; onB: Socket }> {
  const { deviceId, token } = await enrollDevice(a.url, enrollmentCode, { name });
  return { deviceId, onA: keep(await connectDevice(a.url, token)), onB: keep(await connectDevice(b.url, token)) };
}

const createOn = (s: Socket, clientId = randomUUID()) => emitAck<{ request: HelpRequest }>(s, 'help:create', { clientId, context });

describe(`one store, ${testStoreKind() === 'postgres' ? 'two hub nodes (Postgres)' : 'one hub (SQLite)'}`, () => {
  it('two technicians accept the same request at the same instant: exactly one wins, every time', async () => {
    const camille = await technicianOn(a, 'Camille Leroy');
    const hugo = await technicianOn(b, 'Hugo Martin');
    for (let round = 0; round < 12; round++) {
      const dev = await deviceOnBoth(`Accueil ${round}`);
      const { request } = data(await createOn(dev.onA));
      const answers = await Promise.all(
        [camille, hugo].map((t) => emitAck<{ request: HelpRequest }>(t.socket, 'help:accept', { requestId: request.id })),
      );
      expect(answers.map(code).sort()).toEqual(['CONFLICT', 'OK']);
      const winner = answers[0]!.ok ? camille : hugo;
      const stored = await b.services.help.getById(request.id);
      expect(stored).toMatchObject({ status: 'assigned', technician: { id: winner.id } });
      // One pickup recorded, one « accepted » line in the chat, one audit entry.
      const lines = await a.services.db
        .selectFrom('chat_messages')
        .select(['seq', 'system_key'])
        .where('request_id', '=', request.id)
        .execute();
      expect(lines).toEqual([{ seq: 1, system_key: 'help.accepted' }]);
      const accepts = await a.services.db
        .selectFrom('audit_log')
        .select('actor_id')
        .where('action', '=', 'help.accept')
        .where('subject', '=', request.id)
        .execute();
      expect(accepts).toEqual([{ actor_id: winner.id }]);
      data(await emitAck(winner.socket, 'help:resolve', { requestId: request.id, note: 'fait' }));
    }
    expect(await b.admin.verifyAudit()).toMatchObject({ ok: true });
  });

  it('the same help request sent to both nodes at once (an outbox resend) is created once', async () => {
    const dev = await deviceOnBoth('Secrétariat');
    const clientId = randomUUID();
    const [viaA, viaB] = await Promise.all([createOn(dev.onA, clientId), createOn(dev.onB, clientId)]);
    const requests = [data(viaA), data(viaB)];
    expect(requests[0]!.request.id).toBe(requests[1]!.request.id);
    const rows = await a.services.db.selectFrom('help_requests').select('id').where('device_id', '=', dev.deviceId).execute();
    expect(rows).toHaveLength(1);
    const created = await b.services.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'help.create')
      .where('subject', '=', rows[0]!.id)
      .execute();
    expect(created).toHaveLength(1);
    // A second request of the same device at the same instant is the open one, not another.
    const [x, y] = await Promise.all([createOn(dev.onA), createOn(dev.onB)]);
    expect([data(x).request.id, data(y).request.id]).toEqual([requests[0]!.request.id, requests[0]!.request.id]);
  });

  it('50 messages sent at once on one request through both nodes, each sent twice: seqs 1..50, none lost, none doubled', async () => {
    const dev = await deviceOnBoth('Cabinet 2');
    const { request } = data(await createOn(dev.onA));
    const payloads = Array.from({ length: 50 }, (_, i) => chatPayload(request.id, `message ${i + 1}`));
    // Every message through node A and, at the same instant, again through node B (a resend after a lost acknowledgement).
    const sends = payloads.flatMap((p) => [dev.onA, dev.onB].map((s) => emitAck<SendResult>(s, 'chat:send', p)));
    const answers = (await Promise.all(sends)).map((r: Result<SendResult>) => data(r));
    for (const [i, p] of payloads.entries()) {
      const [first, second] = [answers[2 * i]!, answers[2 * i + 1]!];
      expect(first.message.id).toBe(p.id);
      expect(second.message).toEqual(first.message);
      expect([first.duplicate, second.duplicate].sort()).toEqual([false, true]);
    }
    const seqs = answers
      .filter((r) => !r.duplicate)
      .map((r) => r.message.seq)
      .sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const stored = await b.services.db
      .selectFrom('chat_messages')
      .select(['id', 'seq'])
      .where('request_id', '=', request.id)
      .orderBy('seq')
      .execute();
    expect(stored.map((m) => m.seq)).toEqual(seqs);
    expect(new Set(stored.map((m) => m.id))).toEqual(new Set(payloads.map((p) => p.id)));
    const last = await a.services.db.selectFrom('help_requests').select('last_seq').where('id', '=', request.id).executeTakeFirstOrThrow();
    expect(last.last_seq).toBe(50);
  });

  it('releases published at once on one channel through both nodes: the channel ends on the newest, never back; one release stored once', async () => {
    const cli = { type: 'cli', id: 'test' } as const;
    const build = async (version: string) => {
      const out = join(root, `win-${version}`);
      await makeBuild(out, 'win', version, [{ name: `Vigie-Setup-${version}.exe`, content: fakeInstaller(40_000) }]);
      return readBuildOutput([out], 'win');
    };
    const publish = (hub: Hub, b: Awaited<ReturnType<typeof build>>) =>
      hub.updates.publish({ platform: 'win', channel: 'stable', stagingPercentage: 100, ...b }, cli);
    for (let round = 0; round < 4; round++) {
      const [older, newer] = await Promise.all([build(`1.${2 * round}.0`), build(`1.${2 * round + 1}.0`)]);
      const [o, n] = await Promise.allSettled([publish(a, older), publish(b, newer)]);
      // The newer always lands; the older lands only when it came first, else it is refused as older.
      expect(n.status).toBe('fulfilled');
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'CONFLICT' });
      expect(await b.updates.channelState('stable', 'win')).toMatchObject({ version: newer.version });
    }
    // The same release through both nodes at once (a retried publish): stored once, both answered.
    const same = await build('2.0.0');
    const both = await Promise.all([publish(a, same), publish(b, same)]);
    expect(both[0].release).toEqual(both[1].release);
    const rows = await (a.services.db as unknown as Kysely<UpdatesTables>)
      .selectFrom('update_releases')
      .select('id')
      .where('version', '=', '2.0.0')
      .execute();
    expect(rows).toHaveLength(1);
    expect(await a.updates.channelState('stable', 'win')).toMatchObject({ version: '2.0.0' });
  });

  it('audit entries appended at once on both nodes chain one after the other: `audit verify` holds', async () => {
    const before = (await a.admin.verifyAudit()).count;
    const appends = Array.from({ length: 60 }, (_, i) =>
      (i % 2 ? a : b).services.audit.append({ actorType: 'system', action: 'test.concurrent', data: { i } }),
    );
    // Verifying while the others append sees one consistent chain (a snapshot), never a false break.
    const meanwhile = Array.from({ length: 6 }, (_, i) => (i % 2 ? b : a).admin.verifyAudit());
    await Promise.all(appends);
    for (const r of await Promise.all(meanwhile)) expect(r).toMatchObject({ ok: true });
    const v = await a.admin.verifyAudit();
    expect(v).toMatchObject({ ok: true, count: before + 60 });
    const seqs = (await b.services.audit.list(before, 100)).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => before + i + 1));
    // The CLI (another process) agrees, on the same store.
    const verified = await runHubCli(dataA, ['audit', 'verify'], {
      env: {
        ...(await testStoreEnv(dataA)),
        VIGIE_KEY_FILE: join(root, 'hub.key'),
        VIGIE_AUDIT_CHECKPOINTS: join(root, 'audit-checkpoints.jsonl'),
      },
    });
    expect({ rc: verified.rc, err: verified.err }).toEqual({ rc: 0, err: '' });
    expect(verified.out).toMatch(/intact/);
  });
});
