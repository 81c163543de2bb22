/**
 * The hub as a cluster behind a load balancer (issue 9): Postgres, Redis, HAProxy and two hub node
 * processes on loopback; 200 devices through the balancer (20 practices chatting live with 3
 * technicians, 175 idle, 5 waiting in the queue). Proves, with real processes and real clients:
 * - an update published once is served by every node (the shared artifacts folder);
 * - two technicians on different nodes accepting the same request at the same instant: one wins;
 * - a remote-screen consent and signaling exchange between a device on one node and its
 *   technician on the other;
 * - a node killed (SIGKILL) mid-conversation: every device and console is back on the other node
 *   (jittered reconnect), no chat message lost or doubled, every console shows the same queue as
 *   before;
 * - a node drained (SIGTERM): /healthz says 503, the balancer takes it out, its clients move with
 *   nothing lost;
 * - `audit verify` still holds over everything the nodes wrote.
 * `npm run bench:cluster` runs the same world with 2,000 devices and prints the timings.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP, type HelpRequest } from '@vigie/common';
import { runCli } from '../../server/src/cli.js';
import { connectDevice, connectTech, emitAck, nextEvent } from '../../server/src/test-support/sockets.js';
import { fakeInstaller, makeBuild, sha512Of } from '../../server/src/updates/test-support/index.js';
import { expectNothingLost } from '../chat-restart/expect';
import { percentile, until, type ScenarioReport } from '../chat-restart/world';
import { ClusterWorld } from './world';

const SIZE = { conversations: 20, technicians: 3, idle: 175, waiting: 5 };
const DEADLINE_MS = 120_000;

describe('two hub nodes behind HAProxy, 200 devices', () => {
  let world: ClusterWorld;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-cluster-spec-'));
    world = await ClusterWorld.create(SIZE);
    await world.askForHelp();
  });

  afterAll(async () => {
    await world?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Live chat both ways around `during` (`before` messages first, `after` more once it returned), then every screen is checked. */
  const underTraffic = async (scenario: string, during: () => Promise<void>): Promise<ScenarioReport> => {
    const { chat } = world;
    chat.resetCounts();
    const traffic = chat.traffic(60);
    try {
      const start = chat.sentCount;
      await until(() => chat.sentCount >= start + 80, 'traffic before', DEADLINE_MS);
      await during();
      const back = chat.sentCount;
      await until(() => chat.sentCount >= back + 120, 'traffic after', DEADLINE_MS);
    } finally {
      await traffic.stop();
    }
    return chat.settle(scenario, DEADLINE_MS);
  };

  it('serves an update published once from every node (shared artifacts folder)', async () => {
    const out = join(dir, 'build');
    const content = fakeInstaller(64_000);
    await makeBuild(out, 'win', '3.1.0', [{ name: 'Vigie-Setup-3.1.0.exe', content }]);
    const env = {
      VIGIE_DATA_DIR: join(dir, 'cli'),
      VIGIE_DATABASE_URL: world.cluster.databaseUrl,
      VIGIE_KEY_FILE: world.cluster.keyFile,
      VIGIE_ARTIFACTS_DIR: world.cluster.artifactsDir,
    };
    const err: string[] = [];
    const code = await runCli(
      ['updates', 'publish', '--platform', 'win', '--channel', 'stable', '--percent', '100', '--dir', out],
      {
        out: () => undefined,
        err: (l) => err.push(l),
        readPassword: () => Promise.reject(new Error('no prompt here')),
        readStdin: () => Promise.resolve(''),
      },
      env,
    );
    expect({ code, err }).toEqual({ code: 0, err: [] });
    for (const node of world.cluster.nodes) {
      const feed = await fetch(`${node.url}/updates/stable/latest.yml`);
      expect(feed.status).toBe(200);
      expect(await feed.text()).toContain('Vigie-Setup-3.1.0.exe');
      const file = await fetch(`${node.url}/updates/stable/Vigie-Setup-3.1.0.exe`);
      expect(file.status).toBe(200);
      expect(sha512Of(Buffer.from(await file.arrayBuffer()))).toBe(sha512Of(content));
    }
    expect(await readFile(join(world.cluster.artifactsDir, 'Vigie-Setup-3.1.0.exe'))).toEqual(content);
  });

  it('two technicians on different nodes accept the same request at the same instant: exactly one wins', async () => {
    // Every console sees the queue: 20 taken, 5 waiting, whichever node it is on.
    await until(() => world.queuesAgree(SIZE.conversations + SIZE.waiting), 'every console shows the whole queue', DEADLINE_MS);
    const waiting = world.chat.technicians[0]!.controller.queue.getState().requests.find((r) => r.status === 'waiting')!;
    const [a, b] = world.chat.technicians;
    const [n1, n2] = world.cluster.nodes;
    const sockA = await connectTech(n1!.url, a!.cookie);
    const sockB = await connectTech(n2!.url, b!.cookie);
    try {
      const results = await Promise.all([
        emitAck<HelpRequest>(sockA, 'help:accept', { requestId: waiting.id }),
        emitAck<HelpRequest>(sockB, 'help:accept', { requestId: waiting.id }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    } finally {
      sockA.disconnect();
      sockB.disconnect();
    }
    await until(
      () => world.queuesAgree(SIZE.conversations + SIZE.waiting) && world.queues()[0]!.some((q) => q.startsWith(`${waiting.id}:assigned:`)),
      'every console shows the winner',
      DEADLINE_MS,
    );
  });

  it('a remote-screen signaling exchange between a device on one node and its technician on the other', async () => {
    const practice = await world.admin.admin.createPractice({ name: 'Cabinet du Phare' });
    const { token } = await world.admin.services.devices.enroll(
      practice.enrollmentCode,
      { name: 'Poste écran', os: 'linux', osVersion: 'Debian 12', model: 'Test', appVersion: '0.1.0-test' },
      '127.0.0.1',
    );
    const [n1, n2] = world.cluster.nodes;
    const device = await connectDevice(n1!.url, token);
    const tech = await connectTech(n2!.url, world.chat.technicians[2]!.cookie);
    try {
      const created = await emitAck<{ request: HelpRequest }>(device, 'help:create', {
        clientId: randomUUID(),
        context: { os: 'linux', osVersion: 'Debian 12', appVersion: '0.1.0-test' },
      });
      if (!created.ok) throw new Error(`help:create ${created.error.code}`);
      const requestId = created.data.request.id;
      expect((await emitAck(tech, 'help:accept', { requestId })).ok).toBe(true);
      const asked = nextEvent<{ sessionId: string }>(device, 'screen:consent-request');
      const session = await emitAck<{ id: string }>(tech, 'screen:request', { requestId });
      if (!session.ok) throw new Error(`screen:request ${session.error.code}`);
      expect((await asked).sessionId).toBe(session.data.id);
      const viewing = nextEvent<{ state: string }>(tech, 'screen:updated', (x) => x.state === 'viewing');
      expect((await emitAck(device, 'screen:consent', { sessionId: session.data.id, phase: 'view', decision: 'granted' })).ok).toBe(true);
      await viewing;
      // Offer from the device (node1) to the technician (node2), answer back.
      const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
      const toTech = nextEvent(tech, 'screen:signal');
      expect(await emitAck(device, 'screen:signal', { sessionId: session.data.id, data: offer })).toEqual({ ok: true, data: {} });
      expect(await toTech).toEqual({ sessionId: session.data.id, data: offer });
      const answer = { type: 'answer', sdp: 'v=0\r\n' };
      const toDevice = nextEvent(device, 'screen:signal');
      expect(await emitAck(tech, 'screen:signal', { sessionId: session.data.id, data: answer })).toEqual({ ok: true, data: {} });
      expect(await toDevice).toEqual({ sessionId: session.data.id, data: answer });
      expect((await emitAck(tech, 'screen:end', { sessionId: session.data.id })).ok).toBe(true);
    } finally {
      device.disconnect();
      tech.disconnect();
    }
  });

  it('a node killed (SIGKILL) mid-conversation: everyone is back on the other node, nothing lost or doubled, the same queue', async () => {
    const queueBefore = world.queues()[0]!;
    let moved: number[] = [];
    const report = await underTraffic('kill', async () => {
      moved = await world.failover(0, 'SIGKILL', DEADLINE_MS);
    });
    expectNothingLost(report);
    // Clients were on both nodes: some had to move, and every one of them did.
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.length).toBeLessThan(world.devices + SIZE.technicians);
    await until(() => world.queuesAgree(queueBefore.length), 'every console shows the queue again', DEADLINE_MS);
    expect(world.queues()[0]).toEqual(queueBefore);
    process.stdout.write(
      `[cluster] kill: ${moved.length} clients moved, p50 ${percentile(moved, 50)} s, max ${percentile(moved, 100)} s; ${report.messages} messages\n`,
    );
  });

  it('a node drained (SIGTERM) while its clients chat: /healthz says draining, they move, nothing lost', async () => {
    await world.restart(0);
    const node = world.cluster.nodes[1]!;
    let health = 0;
    let moved: number[] = [];
    const report = await underTraffic('drain', async () => {
      const drained = world.failover(1, 'SIGTERM', DEADLINE_MS);
      // The node flips to draining when the signal arrives: its health check says so until it closes.
      do
        health = await fetch(node.url + HTTP.healthz).then(
          (r) => r.status,
          () => 0,
        );
      while (health === 200);
      moved = await drained;
    });
    expect(health).toBe(503);
    expectNothingLost(report);
    expect(moved.length).toBe(world.devices + SIZE.technicians);
  });

  it('audit verify still holds over what both nodes wrote', async () => {
    const r = await world.admin.admin.verifyAudit();
    expect(r).toMatchObject({ ok: true });
    expect(r.count).toBeGreaterThan(0);
  });
});
