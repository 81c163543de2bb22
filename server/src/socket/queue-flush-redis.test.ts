/**
 * The queue pushed once per cluster (queue-flush-redis.ts), against a real throwaway redis-server:
 * two hub nodes' queue pushes (QueuePush, each on its own socket.io server with a technician
 * connected, each with its own Redis connection) over one real hub's store. Without the socket.io
 * Redis adapter here, each node's push reaches its own technician only, so who pushed is seen.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NS, type QueueChange, type QueueSnapshot } from '@vigie/common';
import { createHelp, newDevice, startTestHub, type TestHub } from '../test-support/fixture.js';
import { startRedisServer, type RedisServer } from '../store/redis-server.js';
import { QueuePush, type FlushClaim, type QueueFlushPort } from './queue-push.js';
import { redisQueueFlush } from './queue-flush-redis.js';

let redis: RedisServer;
let t: TestHub;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  [redis, t] = await Promise.all([startRedisServer(), startTestHub()]);
});
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await Promise.all([t?.close(), redis?.stop()]);
});

/** A condition some event makes true: resolves when it holds (checked after every event). */
class Watch {
  private waiters: Array<{ ok: () => boolean; resolve: () => void }> = [];
  until(ok: () => boolean): Promise<void> {
    if (ok()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ ok, resolve }));
  }
  poke(): void {
    this.waiters = this.waiters.filter((w) => (w.ok() ? (w.resolve(), false) : true));
  }
}

/** The port as a node uses it, recording each claim's outcome; `gate` holds the next releases until opened. */
function tracked(port: QueueFlushPort, watch: Watch) {
  const log: Array<'refused' | 'released'> = [];
  const state = { gate: null as Promise<void> | null, held: 0 };
  const wrapped: QueueFlushPort = {
    ...port,
    markDirty: () => port.markDirty(),
    claim: async () => {
      const c = await port.claim();
      if (!c) {
        log.push('refused');
        watch.poke();
        return null;
      }
      state.held++;
      watch.poke();
      return {
        dirty: c.dirty,
        continues: c.continues,
        unchanged: (snap) => c.unchanged(snap),
        release: async (pushed) => {
          if (state.gate) await state.gate;
          const again = await c.release(pushed);
          log.push('released');
          watch.poke();
          return again;
        },
      } satisfies FlushClaim;
    },
  };
  return { port: wrapped, log, state };
}

/** A hub node: its own socket.io server, queue push and Redis connection; its technician applies queue changes when `changes`. */
async function node(name: string, prefix: string, watch: Watch, changes = false) {
  const conn = new Redis(redis.url, { lazyConnect: false });
  const http = createServer();
  const io = new Server(http);
  io.of(NS.tech).on('connection', (s) => {
    void s.join('techs');
    if (changes) void s.join('techs:queue-changes');
    s.on('sync', (ack: () => void) => ack());
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const addr = http.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const port = tracked(redisQueueFlush({ redis: conn, prefix, leaseMs: 300 }), watch);
  const push = new QueuePush({
    techNs: io.of(NS.tech),
    devNs: io.of(NS.device),
    allTechsRoom: 'techs',
    queueChangesRoom: 'techs:queue-changes',
    deviceRoom: (id) => `device:${id}`,
    help: t.hub.services.help,
    settings: t.hub.settings,
    presence: t.hub.realtime,
    log: t.hub.log,
    now: Date.now,
    recheckMs: 60_000,
    flush: port.port,
  });
  const tech: Socket = connect(url + NS.tech, { transports: ['websocket'], reconnection: false, forceNew: true });
  const pushes: QueueSnapshot[] = [];
  /** Each push as its technician got it: the whole queue, or what changed. */
  const got: Array<{ whole: QueueSnapshot } | { change: QueueChange }> = [];
  tech.on('queue:updated', (s: QueueSnapshot) => {
    pushes.push(s);
    got.push({ whole: s });
    watch.poke();
  });
  tech.on('queue:changed', (c: QueueChange) => {
    got.push({ change: c });
    watch.poke();
  });
  await new Promise<void>((r) => tech.once('connect', () => r()));
  closers.push(async () => {
    push.stop();
    await push.idle();
    tech.close();
    await new Promise<void>((r) => void io.close(() => r()));
    conn.disconnect();
  });
  /** Everything this node pushed has reached its technician (one round trip after the pushes went idle). */
  const settled = async () => {
    await push.idle();
    await tech.timeout(30_000).emitWithAck('sync');
  };
  return { name, push, pushes, got, log: port.log, gate: port.state, settled };
}

const holds = (s: QueueSnapshot | undefined, requestId: string) => !!s?.requests.some((r) => r.id === requestId);

describe('queue push, several hub nodes on one Redis', () => {
  it('a burst of changes on both nodes is computed and pushed once, by one node', async () => {
    const prefix = `test:${randomUUID()}:`;
    const watch = new Watch();
    const [a, b] = [await node('A', prefix, watch), await node('B', prefix, watch)];
    const { request } = await createHelp(await newDevice(t));
    // A third party holds the lease while the burst happens: both nodes' changes are marked, both claims refused.
    const admin = new Redis(redis.url);
    closers.push(async () => admin.disconnect());
    await admin.set(`${prefix}lease`, 'someone', 'PX', 60_000);
    for (const n of [a, b, a, b, a]) n.push.changed();
    await watch.until(() => a.log.includes('refused') && b.log.includes('refused'));
    expect(a.pushes.length + b.pushes.length).toBe(0);
    // The holder lets go (or dies): each node tries again once, one of them finds the mark and pushes.
    await admin.del(`${prefix}lease`);
    await watch.until(() => a.log.length >= 2 && b.log.length >= 2);
    await Promise.all([a.settled(), b.settled()]);
    const all = [...a.pushes, ...b.pushes];
    expect(all).toHaveLength(1);
    expect(holds(all[0], request.id)).toBe(true);
  });

  it('a change on node B while node A holds the lease is pushed by A in its next round; B pushes nothing', async () => {
    const prefix = `test:${randomUUID()}:`;
    const watch = new Watch();
    const [a, b] = [await node('A', prefix, watch), await node('B', prefix, watch)];
    const first = (await createHelp(await newDevice(t))).request;
    let open!: () => void;
    a.gate.gate = new Promise<void>((r) => (open = r));
    a.push.changed();
    await watch.until(() => holds(a.pushes[0], first.id));
    // A is mid-flush (its lease not let go). A request arrives through node B.
    const second = (await createHelp(await newDevice(t))).request;
    b.push.changed();
    await watch.until(() => b.log.includes('refused'));
    a.gate.gate = null;
    open();
    await watch.until(() => a.pushes.some((s) => holds(s, second.id)));
    // B tries again after the lease's time, finds nothing left to push.
    await watch.until(() => b.log.length >= 2);
    await Promise.all([a.settled(), b.settled()]);
    expect(a.pushes).toHaveLength(2);
    expect(holds(a.pushes[1], first.id) && holds(a.pushes[1], second.id)).toBe(true);
    expect(b.pushes).toHaveLength(0);
  });

  it('with several nodes no claim continues: every push tells every waiting device (another node may have answered a position)', async () => {
    const prefix = `test:${randomUUID()}:`;
    const conns = [new Redis(redis.url), new Redis(redis.url)];
    closers.push(async () => conns.forEach((c) => c.disconnect()));
    const [a, b] = conns.map((c) => redisQueueFlush({ redis: c, prefix }));
    const snap = await t.hub.realtime.snapshot();
    const round = async (port: QueueFlushPort, pushed: QueueSnapshot | null) => {
      const claim = (await port.claim())!;
      await claim.release(pushed);
      return claim.continues;
    };
    for (const [port, pushed] of [
      [a!, snap],
      [a!, snap],
      [a!, null],
      [b!, snap],
      [a!, snap],
    ] as const)
      expect(await round(port, pushed)).toBe(false);
  });

  it('a node tells the consoles that apply changes only what changed while the last push was its own; after another node pushed, the whole queue', async () => {
    const prefix = `test:${randomUUID()}:`;
    const watch = new Watch();
    const [a, b] = [await node('A', prefix, watch, true), await node('B', prefix, watch, true)];
    const pushOn = async (n: typeof a) => {
      const { request } = await createHelp(await newDevice(t));
      const before = n.got.length;
      n.push.changed();
      await watch.until(() => n.got.length > before);
      return { request, got: n.got.at(-1)! };
    };
    const first = await pushOn(a);
    expect('whole' in first.got).toBe(true); // A's first push: it cannot know what consoles hold
    const second = await pushOn(a);
    expect('change' in second.got && second.got.change.changed.map((r) => r.id)).toEqual([second.request.id]);
    expect('whole' in (await pushOn(b)).got).toBe(true);
    // B pushed something else since A's last push: A's consoles may hold B's, so A sends the whole queue…
    const fourth = await pushOn(a);
    expect('whole' in fourth.got && fourth.got.whole.requests.some((r) => r.id === fourth.request.id)).toBe(true);
    // …and changes again once its own push is the last.
    const fifth = await pushOn(a);
    expect('change' in fifth.got && fifth.got.change.changed.map((r) => r.id)).toEqual([fifth.request.id]);
    await Promise.all([a.settled(), b.settled()]);
  });
});
