/**
 * Several hub nodes behaving as one (project hub-postgres: one Postgres database and one Redis key
 * prefix shared by real hubs on different ports). A device on node A and a technician on node B:
 * requests, queue pushes, chat and receipts reach across; presence is the hub's (and a killed
 * node's sockets disappear); login lock-outs and socket limits are counted once for the hub; a
 * Redis that crashes and comes back is found again. Skipped on the project unit (SQLite is one node).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP, type ChatMessage, type ChatReceipts, type HelpRequest, type QueueSnapshot } from '@vigie/common';
import { createHub, type CreateHubOptions, type Hub } from '../app.js';
import { PASSWORD, chatPayload, code, context, data } from '../test-support/fixture.js';
import { testDatabaseUrl, testRedisUrl, testStoreKind } from '../test-support/store.js';
import { connectDevice, connectTech, emitAck, enrollDevice, loginTechnician, nextEvent, type Socket } from '../test-support/sockets.js';
import { startRedisServer, type RedisServer } from '../store/redis-server.js';

const clustered = testStoreKind() === 'postgres' && !!testRedisUrl();

let root: string;
const hubs: Hub[] = [];
const sockets: Socket[] = [];
const keep = (s: Socket) => (sockets.push(s), s);

/** Two (or more) nodes of one hub: same database, key, checkpoints, Redis and prefix; fast presence expiry. */
async function cluster(
  name: string,
  redisUrl: string,
  extra: Partial<CreateHubOptions> = {},
): Promise<{ node: () => Promise<Hub>; shared: CreateHubOptions }> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const shared: CreateHubOptions = {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    env: {},
    keyFile: join(dir, 'hub.key'),
    auditCheckpointFile: join(dir, 'audit.jsonl'),
    databaseUrl: (await testDatabaseUrl(join(dir, 'a')))!,
    redisUrl,
    redis: { prefix: `${name}-${randomUUID().slice(0, 8)}:`, presenceTtlMs: 1500, heartbeatMs: 300 },
    ...extra,
  };
  let n = 0;
  return {
    shared,
    node: async () => {
      const dataDir = join(dir, String.fromCharCode(97 + n++));
      const hub = await createHub({ ...shared, dataDir, consoleDir: join(dataDir, 'no-console') });
      hubs.push(hub);
      return hub;
    },
  };
}

/** Polls a condition the hub reaches on its own (a heartbeat, a reconnect): never a fixed sleep. */
async function until<T>(probe: () => T | false | null | undefined | Promise<T | false | null | undefined>, what: string): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await probe();
    if (v) return v;
    if (i > 6000) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function technician(admin: Hub, on: Hub, displayName = 'Camille Leroy'): Promise<{ id: string; socket: Socket; login: string }> {
  const login = `tech-${randomUUID().slice(0, 8)}`;
  const t = await admin.admin.addTechnician({ login, displayName, password: PASSWORD });
  return { id: t.id, login, socket: keep(await connectTech(on.url, await loginTechnician(on.url, login, PASSWORD, t.totpSecret))) };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vigie-cluster-'));
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(hubs.map((h) => h.close()));
  rmSync(root, { recursive: true, force: true });
});

describe.runIf(clustered)('hub nodes sharing Postgres and Redis', () => {
  it('a device on node A, a technician on node B: request, queue, chat, receipts, screen signaling and presence reach across', async () => {
    const { node } = await cluster('relay', testRedisUrl()!);
    const [a, b] = [await node(), await node()];
    const tech = await technician(a, b);
    const code8 = (await a.admin.createPractice({ name: 'Cabinet des Tilleuls' })).enrollmentCode;
    const { deviceId, token } = await enrollDevice(a.url, code8, { name: 'Accueil' });
    const online = nextEvent<{ deviceId: string; online: boolean }>(
      tech.socket,
      'device:presence',
      (p) => p.deviceId === deviceId && p.online,
    );
    const dev = keep(await connectDevice(a.url, token));
    await online;
    expect(b.realtime.isDeviceOnline(deviceId)).toBe(true);

    const queued = nextEvent<QueueSnapshot>(tech.socket, 'queue:updated', (q) =>
      q.requests.some((r) => r.deviceId === deviceId && r.deviceOnline),
    );
    const { request } = data(await emitAck<{ request: HelpRequest }>(dev, 'help:create', { clientId: randomUUID(), context }));
    await queued;
    const accepted = nextEvent<ChatMessage>(dev, 'chat:message', (m) => m.requestId === request.id && m.author === 'system');
    data(await emitAck(tech.socket, 'help:accept', { requestId: request.id }));
    await accepted;

    const toDevice = nextEvent<ChatMessage>(dev, 'chat:message', (m) => m.text === 'Je regarde votre imprimante.');
    data(await emitAck(tech.socket, 'chat:send', chatPayload(request.id, 'Je regarde votre imprimante.')));
    const got = await toDevice;
    const toTech = nextEvent<ChatMessage>(tech.socket, 'chat:message', (m) => m.text === 'Merci !');
    data(await emitAck(dev, 'chat:send', chatPayload(request.id, 'Merci !')));
    await toTech;
    const receipt = nextEvent<ChatReceipts>(tech.socket, 'chat:receipt', (r) => r.requestId === request.id && r.device.read >= got.seq);
    data(await emitAck(dev, 'chat:receipt', { requestId: request.id, kind: 'read', upToSeq: got.seq }));
    await receipt;

    // Remote screen: asked on B, consented on A, signaling relayed both ways between the bound sockets.
    const consentAsked = nextEvent<{ sessionId: string }>(dev, 'screen:consent-request');
    const session = data(await emitAck<{ id: string }>(tech.socket, 'screen:request', { requestId: request.id }));
    expect((await consentAsked).sessionId).toBe(session.id);
    const viewing = nextEvent<{ state: string }>(tech.socket, 'screen:updated', (x) => x.state === 'viewing');
    data(await emitAck(dev, 'screen:consent', { sessionId: session.id, phase: 'view', decision: 'granted' }));
    await viewing;
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
    const toTechSignal = nextEvent<{ sessionId: string; data: unknown }>(tech.socket, 'screen:signal');
    data(await emitAck(dev, 'screen:signal', { sessionId: session.id, data: offer }));
    expect(await toTechSignal).toEqual({ sessionId: session.id, data: offer });
    const answer = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };
    const toDeviceSignal = nextEvent<{ sessionId: string; data: unknown }>(dev, 'screen:signal');
    data(await emitAck(tech.socket, 'screen:signal', { sessionId: session.id, data: answer }));
    expect(await toDeviceSignal).toEqual({ sessionId: session.id, data: answer });

    // The device also connects to B, then leaves A: still online (B has it); then leaves B: offline, told once.
    const probe = new Redis(testRedisUrl()!);
    try {
      const nodesWith = async () => Number((await probe.hget(`${a.config.redis.prefix}presence:device`, deviceId)) ?? 0);
      const devB = keep(await connectDevice(b.url, token));
      await until(async () => (await nodesWith()) === 2, 'device on both nodes');
      const presence: boolean[] = [];
      tech.socket.on('device:presence', (p: { deviceId: string; online: boolean }) => p.deviceId === deviceId && presence.push(p.online));
      dev.close();
      await until(async () => (await nodesWith()) === 1, 'device left A');
      expect([a.realtime.isDeviceOnline(deviceId), b.realtime.isDeviceOnline(deviceId)]).toEqual([true, true]);
      const offline = nextEvent(
        tech.socket,
        'device:presence',
        (p: { deviceId: string; online: boolean }) => p.deviceId === deviceId && !p.online,
      );
      devB.close();
      await offline;
      expect(presence).toEqual([false]);
      await until(() => !a.realtime.isDeviceOnline(deviceId) && !b.realtime.isDeviceOnline(deviceId), 'offline on both nodes');
    } finally {
      probe.disconnect();
    }
  });

  it('a killed node (SIGKILL, no goodbye): its devices disappear from the other nodes within seconds', async () => {
    const { node, shared } = await cluster('killed', testRedisUrl()!);
    const a = await node();
    const tech = await technician(a, a);
    const code8 = (await a.admin.createPractice({ name: 'Maison de santé' })).enrollmentCode;
    const { deviceId, token } = await enrollDevice(a.url, code8, { name: 'Secrétariat' });
    const child = await spawnNode(shared, join(root, 'killed', 'child'));
    try {
      const online = nextEvent<{ deviceId: string; online: boolean }>(
        tech.socket,
        'device:presence',
        (p) => p.deviceId === deviceId && p.online,
      );
      keep(await connectDevice(child.url, token, { reconnection: false }));
      await online;
      const offline = nextEvent<{ deviceId: string; online: boolean }>(
        tech.socket,
        'device:presence',
        (p) => p.deviceId === deviceId && !p.online,
      );
      child.process.kill('SIGKILL');
      await offline;
      expect(a.realtime.isDeviceOnline(deviceId)).toBe(false);
    } finally {
      child.process.kill('SIGKILL');
    }
  });

  it('a burst of wrong logins split over both nodes is counted once for the hub: 4 checks in all, then locked on both', async () => {
    const { node } = await cluster('logins', testRedisUrl()!);
    const [a, b] = [await node(), await node()];
    const login = `lea-${randomUUID().slice(0, 6)}`;
    const t = await a.admin.addTechnician({ login, displayName: 'Léa Roux', password: PASSWORD });
    const attempt = (hub: Hub, password = 'wrong password') =>
      fetch(hub.url + HTTP.login, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login, password, totp: '000000' }),
      }).then(async (r) => ((await r.json()) as { error?: { code: string } }).error?.code ?? 'OK');
    const burst = await Promise.all(Array.from({ length: 24 }, (_, i) => attempt(i % 2 ? a : b)));
    const checked = burst.filter((c) => c === 'INVALID_CREDENTIALS').length;
    expect(checked + burst.filter((c) => c === 'LOCKED_OUT').length).toBe(24);
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(4); // free + 1 for the whole hub (each node alone would have allowed 4)
    // One at a time, alternating nodes: the hub checks exactly free + 1 = 4 wrong passwords in all.
    const after: string[] = [];
    for (let i = 0; after.at(-1) !== 'LOCKED_OUT' || after.filter((c) => c === 'LOCKED_OUT').length < 2; i++)
      after.push(await attempt(i % 2 ? b : a));
    expect(checked + after.filter((c) => c === 'INVALID_CREDENTIALS').length).toBe(4);
    const failed = await a.services.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'auth.login_failed')
      .where('subject', '=', login)
      .execute();
    expect(failed).toHaveLength(4);
    // The right password on either node: locked too.
    expect(await attempt(b, PASSWORD)).toBe('LOCKED_OUT');
    expect(t.id).toBeTruthy();
  });

  it('socket events of one device are counted once for the hub, whichever node its sockets are on', async () => {
    const { node } = await cluster('events', testRedisUrl()!, { socket: { ratePerSecond: 0.01, burst: 30, floodDisconnectAfter: 1000 } });
    const [a, b] = [await node(), await node()];
    const code8 = (await a.admin.createPractice({ name: 'Cabinet du Port' })).enrollmentCode;
    const { token } = await enrollDevice(a.url, code8, { name: 'Poste 1' });
    const [onA, onB] = [keep(await connectDevice(a.url, token)), keep(await connectDevice(b.url, token))];
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => emitAck(i % 2 ? onA : onB, 'device:hello', {})));
    expect(answers.filter((r) => r.ok)).toHaveLength(30);
    expect(answers.filter((r) => !r.ok).map(code)).toEqual(Array(20).fill('RATE_LIMITED'));
  });

  it('Redis crashes and comes back: each node keeps serving its own sockets meanwhile, then the nodes are one hub again', async () => {
    const redis: RedisServer = await startRedisServer();
    try {
      const { node } = await cluster('restart', redis.url);
      const [a, b] = [await node(), await node()];
      const tech = await technician(a, b);
      const code8 = (await a.admin.createPractice({ name: 'Cabinet Bellevue' })).enrollmentCode;
      const { deviceId, token } = await enrollDevice(a.url, code8, { name: 'Salle 1' });
      const dev = keep(await connectDevice(a.url, token));
      await until(() => b.realtime.isDeviceOnline(deviceId), 'device seen by B');
      const { request } = data(await emitAck<{ request: HelpRequest }>(dev, 'help:create', { clientId: randomUUID(), context }));
      data(await emitAck(tech.socket, 'help:accept', { requestId: request.id }));

      const { resume } = await redis.crash();
      // Redis away: node A still takes the device's messages (stored, acknowledged), nothing throws.
      const sent = data(await emitAck<{ message: ChatMessage }>(dev, 'chat:send', chatPayload(request.id, 'Toujours là ?')));
      expect(sent.message.seq).toBeGreaterThan(0);
      expect((await fetch(a.url + HTTP.healthz)).status).toBe(200);

      await resume();
      // Redis forgot everything: the nodes write their presence again and find each other.
      const probe = new Redis(redis.url);
      try {
        const p = a.config.redis.prefix;
        await until(
          async () =>
            (await probe.hexists(`${p}presence:device`, deviceId)) === 1 && (await probe.hexists(`${p}presence:tech`, tech.id)) === 1,
          'presence written again',
        );
        expect(await probe.zcard(`${p}presence:nodes`)).toBe(2);
        // …and the slot of the device's socket (else it could open its whole allowance again beside it).
        await until(async () => (await probe.zcard(`${p}slot:${deviceId}`)) === 1, 'socket slot written again');
      } finally {
        probe.disconnect();
      }
      expect([b.realtime.isDeviceOnline(deviceId), a.realtime.isTechOnline(tech.id)]).toEqual([true, true]);
      const toTech = nextEvent<ChatMessage>(tech.socket, 'chat:message', (m) => m.text === 'Ça remarche.');
      await until(async () => (await emitAck(dev, 'chat:send', chatPayload(request.id, 'Ça remarche.'))).ok, 'message stored');
      await toTech;
    } finally {
      await redis.stop();
    }
  });
});

/** A hub node in a process of its own (`npm run hub`), to be killed without a word. */
async function spawnNode(shared: CreateHubOptions, dataDir: string): Promise<{ url: string; process: ChildProcess }> {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'hub.json'), JSON.stringify({ redis: shared.redis }));
  const repo = resolve(import.meta.dirname, '../../..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'server/src/main.ts')], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      VIGIE_DATA_DIR: dataDir,
      VIGIE_PORT: '0',
      VIGIE_LOG_LEVEL: 'info',
      VIGIE_CONSOLE_DIR: join(dataDir, 'no-console'),
      VIGIE_DATABASE_URL: shared.databaseUrl,
      VIGIE_REDIS_URL: shared.redisUrl,
      VIGIE_KEY_FILE: shared.keyFile,
      VIGIE_AUDIT_CHECKPOINTS: shared.auditCheckpointFile,
    },
  });
  const url = await new Promise<string>((res, rej) => {
    child.once('exit', (c) => rej(new Error(`hub node exited (${c})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const j = JSON.parse(line) as { msg?: string; url?: string };
        if (j.msg === 'hub listening' && j.url) res(j.url);
      } catch {
        /* not a log line */
      }
    });
  });
  return { url, process: child };
}
