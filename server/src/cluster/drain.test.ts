/**
 * Draining a hub node behind a real HAProxy (server/src/cluster/haproxy.ts): /healthz answers 503
 * "draining", the balancer takes the node out, the node refuses new sockets, then closes its
 * clients' transports — a lost connection, not a socket.io disconnect — so they reconnect by
 * themselves, through the balancer, to another node. On Postgres (project hub-postgres) two real
 * hubs share the database and Redis and the device lands on the other one; on SQLite (one hub per file) the
 * node drains alone and the balancer has nowhere to send it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP, NS } from '@vigie/common';
import { createHub, type Hub } from '../app.js';
import { testStoreKind, testStoreOptions } from '../test-support/store.js';
import { connectDevice, enrollDevice, type Socket } from '../test-support/sockets.js';
import { startHaproxy, type Haproxy } from './haproxy.js';

let root: string;
let nodes: Hub[];
let lb: Haproxy;
const sockets: Socket[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'vigie-drain-'));
  const shared = {
    keyFile: join(root, 'hub.key'),
    ...(await testStoreOptions(join(root, 'node1'))),
    logLevel: 'silent' as const,
    env: {},
    host: '127.0.0.1',
    port: 0,
  };
  nodes = [await createHub({ dataDir: join(root, 'node1'), ...shared })];
  if (testStoreKind() === 'postgres') nodes.push(await createHub({ dataDir: join(root, 'node2'), ...shared }));
  lb = await startHaproxy({ backends: nodes.map((n, i) => ({ name: `node${i + 1}`, port: n.port })), checkIntervalMs: 100 });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await lb?.stop();
  for (const n of nodes ?? []) await n.close();
  rmSync(root, { recursive: true, force: true });
});

/** Resolves when HAProxy reports `name` in `state` (its checks run every 100 ms). */
async function balancerSees(name: string, state: 'UP' | 'DOWN'): Promise<void> {
  while (!((await lb.serverStates())[name] ?? '').startsWith(state)) await new Promise((r) => setTimeout(r, 50));
}

describe('draining a node behind HAProxy', () => {
  it('answers 503 on /healthz, is taken out, refuses new sockets, then closes its clients so they reconnect elsewhere', async () => {
    const [node1] = nodes as [Hub];
    await balancerSees('node1', 'UP');
    const code = (await node1.admin.createPractice({ name: 'Cabinet des Tilleuls' })).enrollmentCode;
    const { token } = await enrollDevice(lb.url, code);
    // One socket straight to node1; four through the balancer (leastconn shares them out), with
    // socket.io's own jittered reconnection.
    const direct = await connectDevice(node1.url, token);
    sockets.push(direct);
    const viaLb = Array.from({ length: 4 }, () =>
      io(lb.url + NS.device, {
        auth: { token },
        transports: ['websocket'],
        reconnectionDelay: 100,
        reconnectionDelayMax: 500,
        forceNew: true,
      }),
    );
    sockets.push(...viaLb);
    await Promise.all(viaLb.map((s) => new Promise<void>((r) => s.once('connect', () => r()))));
    const onNode1 = new Set((await node1.realtime.devNs.local.fetchSockets()).map((s) => s.id));
    const moving = viaLb.filter((s) => onNode1.has(s.id!));
    expect(moving.length).toBeGreaterThan(0);
    const dropped = moving.map((s) => new Promise<string>((r) => s.once('disconnect', (reason) => r(reason))));

    const drained = node1.drain(0.5);
    const health = await fetch(node1.url + HTTP.healthz);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'draining' });
    // A new connection to the draining node is refused (the balancer would send it elsewhere).
    await expect(connectDevice(node1.url, token)).rejects.toThrow(/socket refused/);
    await balancerSees('node1', 'DOWN');
    await drained;
    // A lost transport (the client retries), never "io server disconnect" (which it would not retry).
    expect(
      await Promise.all([
        new Promise<string>((r) => (direct.disconnected ? r('transport close') : direct.once('disconnect', r))),
        ...dropped,
      ]),
    ).toEqual(Array(moving.length + 1).fill('transport close'));

    if (nodes.length === 2) {
      // Every client of the balancer is back, on node2 (node1 is out).
      await Promise.all(viaLb.map((s) => new Promise<void>((r) => (s.connected ? r() : s.once('connect', () => r())))));
      const onNode2 = new Set((await nodes[1]!.realtime.devNs.local.fetchSockets()).map((s) => s.id));
      expect(viaLb.every((s) => onNode2.has(s.id!))).toBe(true);
    } else {
      // Nowhere else to go: their attempts get the balancer's 503 until a node is back.
      await new Promise<void>((r) => viaLb[0]!.io.once('reconnect_error', () => r()));
      expect(viaLb.some((s) => s.connected)).toBe(false);
    }
  });
});
