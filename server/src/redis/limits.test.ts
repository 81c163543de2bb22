/**
 * The Redis counters (redis/limits.ts) against a real, throwaway redis-server: two instances with
 * their own connections stand for two hub nodes. Each operation is atomic across them (exact counts
 * under bursts), and while Redis is away every counter still answers from the node's memory.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptKey, AttemptRule } from '../limits.js';
import { createLogger, type Logger } from '../logger.js';
import { startRedisServer, type RedisServer } from '../store/redis-server.js';
import { connectRedis, type RedisLink } from './connection.js';
import { RedisAttemptCounter, RedisRateLimiter, RedisSlotCounter } from './limits.js';
import { ready } from './index.js';
import { RedisPresence } from './presence.js';

const log = createLogger('silent');
let server: RedisServer;
let links: RedisLink[] = [];
let a: Redis;
let b: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  links = [connectRedis(server.url, { commandTimeoutMs: 2000, log }), connectRedis(server.url, { commandTimeoutMs: 2000, log })];
  [a, b] = links.map((l) => l.cmd) as [Redis, Redis];
  await Promise.all([ready(a, 60_000), ready(b, 60_000)]);
});

afterAll(async () => {
  for (const l of links) await l.close();
  await server?.stop();
});

const prefix = () => `t-${randomUUID().slice(0, 8)}:`;

/** A Redis server of the test's own (it crashes it) and a connection to it, both gone afterwards. */
async function onOwnRedis(test: (own: RedisServer, link: RedisLink) => Promise<void>): Promise<void> {
  const own = await startRedisServer();
  const link = connectRedis(own.url, { commandTimeoutMs: 2000, log });
  try {
    expect(await ready(link.cmd, 60_000)).toBe(true);
    await test(own, link);
  } finally {
    await link.close();
    await own.stop();
  }
}
const rule: AttemptRule = { free: 3, baseDelayMs: 60_000, maxDelayMs: 600_000, forgetAfterMs: 600_000, maxInFlight: 2 };

describe('Redis counters shared by two nodes', () => {
  it('token bucket: a burst split over two nodes takes exactly `burst` tokens; the refused get the wait', async () => {
    const p = prefix();
    const nodes = [new RedisRateLimiter(a, p, log), new RedisRateLimiter(b, p, log)];
    const waits = await Promise.all(
      Array.from({ length: 60 }, (_, i) => nodes[i % 2]!.take('device:1', { ratePerSecond: 0.01, burst: 25 })),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(25);
    for (const w of waits.filter((x) => x !== 0)) expect(w).toBeGreaterThan(90_000); // 1 token at 0.01/s: about 100 s
    // Another key has its own bucket; a reset bucket is full again.
    expect(await nodes[1]!.take('device:2', { ratePerSecond: 0.01, burst: 1 })).toBe(0);
    await nodes[0]!.reset('device:1');
    expect(await nodes[1]!.take('device:1', { ratePerSecond: 0.01, burst: 25 }, 25)).toBe(0);
    // A rate of 0 never refills.
    expect(await nodes[0]!.take('none', { ratePerSecond: 0, burst: 1 }, 2)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('attempts: 40 simultaneous logins over two nodes are counted before any check; failures lock the key for both', async () => {
    const p = prefix();
    const nodes = [new RedisAttemptCounter(a, p, log), new RedisAttemptCounter(b, p, log)];
    const key: AttemptKey = { key: 'login:lea', rule, resetOnSuccess: true };
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => nodes[i % 2]!.begin([key])));
    const admitted = burst.filter((x) => x.ok);
    // At most maxInFlight at once, whichever node they came through.
    expect(admitted).toHaveLength(2);
    expect(burst.filter((x) => !x.ok).every((x) => !x.ok && x.reason === 'busy')).toBe(true);
    for (const [i, x] of admitted.entries()) if (x.ok) await nodes[i % 2]!.end(x.attempt, 'failure');
    // Free failures: 3, then the 4th failure starts the back-off (one at a time: budget free + 1 - failures).
    const third = await nodes[1]!.begin([key]);
    expect(third.ok).toBe(true);
    if (third.ok) await nodes[0]!.end(third.attempt, 'failure');
    const fourth = await nodes[0]!.begin([key]);
    expect(fourth.ok).toBe(true);
    expect(await nodes[1]!.begin([key])).toMatchObject({ ok: false, reason: 'backoff' });
    if (fourth.ok) {
      await nodes[1]!.end(fourth.attempt, 'failure');
      await nodes[1]!.end(fourth.attempt, 'failure'); // ended twice: counted once
    }
    const locked = await nodes[1]!.begin([key]);
    expect(locked).toMatchObject({ ok: false, reason: 'backoff' });
    expect(!locked.ok && locked.retryAfterMs).toBeGreaterThan(50_000);
    expect(await a.hget(`${p}att:login:lea`, 'f')).toBe('4');
    // An administrator's clear (row id 7) applies once for the hub: a node applying it late wipes nothing counted since.
    await nodes[0]!.clear('login:lea', 7);
    const again = await nodes[1]!.begin([key]);
    expect(again.ok).toBe(true);
    if (again.ok) await nodes[1]!.end(again.attempt, 'failure');
    await nodes[1]!.clear('login:lea', 7);
    expect(await a.hget(`${p}att:login:lea`, 'f')).toBe('1');
  });

  it('attempts: a success forgets the login’s failures but not the shared IP’s; an attempt left in flight runs out with its lease', async () => {
    const p = prefix();
    const node = new RedisAttemptCounter(a, p, log, undefined, 1);
    const login: AttemptKey = { key: 'login:x', rule, resetOnSuccess: true };
    const ip: AttemptKey = { key: 'login-ip:1', rule: { ...rule, free: 20, maxInFlight: 8 }, resetOnSuccess: false };
    const first = await node.begin([login, ip]);
    if (!first.ok) throw new Error('refused');
    await node.end(first.attempt, 'failure');
    const second = await node.begin([login, ip]);
    if (!second.ok) throw new Error('refused');
    await node.end(second.attempt, 'success');
    expect(await a.exists(`${p}att:login:x`)).toBe(0);
    expect(await a.hget(`${p}att:login-ip:1`, 'f')).toBe('1');
    // Lease of 1 ms: a node that died holding an attempt does not keep the key busy.
    const held = await Promise.all([node.begin([login]), node.begin([login])]);
    expect(held.every((h) => h.ok)).toBe(true);
    const t = await a.time();
    for (;;) {
      const now = await a.time();
      if (Number(now[0]) * 1000 + Number(now[1]) / 1000 > Number(t[0]) * 1000 + Number(t[1]) / 1000 + 2) break;
    }
    expect((await node.begin([login])).ok).toBe(true);
  });

  it('slots: `max` sockets of one device over two nodes; a released slot frees; a node no longer registered loses its slots', async () => {
    const p = prefix();
    const registry = `${p}presence:nodes`;
    const [na, nb] = ['node-a', 'node-b'];
    await a.zadd(registry, Date.now() + 600_000, na, Date.now() + 600_000, nb);
    const nodes = [new RedisSlotCounter(a, p, na, registry, log), new RedisSlotCounter(b, p, nb, registry, log)];
    const got = await Promise.all(Array.from({ length: 12 }, (_, i) => nodes[i % 2]!.acquire('device:1', 5)));
    const held = got.filter((r): r is () => void => r !== null);
    expect(held).toHaveLength(5);
    held[0]!();
    held[0]!(); // idempotent
    await Promise.all([a.ping(), b.ping()]); // the release went out on its connection before these answers
    expect(await a.zcard(`${p}slot:device:1`)).toBe(4);
    expect(await nodes[1]!.acquire('device:1', 5)).not.toBeNull();
    expect(await nodes[0]!.acquire('device:1', 5)).toBeNull();
    // Node B stops being registered (it died): its slots no longer count.
    await a.zrem(registry, nb);
    expect(await nodes[0]!.acquire('device:1', 5)).not.toBeNull();
    expect(await a.zcard(`${p}slot:device:1`)).toBeLessThanOrEqual(5);
  });

  it('slots: a Redis that forgot them (restarted) gets the live sockets’ slots back; a released one is not written again', async () => {
    const p = prefix();
    const registry = `${p}presence:nodes`;
    await a.zadd(registry, Date.now() + 600_000, 'node-r');
    const slots = new RedisSlotCounter(a, p, 'node-r', registry, log);
    const held = await Promise.all(Array.from({ length: 3 }, () => slots.acquire('device:r', 3)));
    expect(held.every((r) => r !== null)).toBe(true);
    expect(await slots.acquire('device:r', 3)).toBeNull();
    held[0]!();
    await a.ping();
    await a.del(`${p}slot:device:r`); // what a restart without persistence leaves
    await slots.restore();
    expect(await a.zcard(`${p}slot:device:r`)).toBe(2);
    // Still two sockets open: one more, not three.
    expect(await slots.acquire('device:r', 3)).not.toBeNull();
    expect(await slots.acquire('device:r', 3)).toBeNull();
  });

  it('slots: written again when the node writes itself back after Redis was away (it restarted, forgetting them)', async () => {
    await onOwnRedis(async (own, link) => {
      const p = prefix();
      let heartbeatFailed!: () => void;
      const away = new Promise<void>((r) => (heartbeatFailed = r));
      const told = { error: () => heartbeatFailed(), warn: () => undefined, info: () => undefined, debug: () => undefined };
      const presence = new RedisPresence({
        cmd: link.cmd,
        sub: link.subscriber('presence'),
        prefix: p,
        ttlMs: 60_000,
        heartbeatMs: 50,
        log: told as unknown as Logger,
      });
      await presence.start();
      const slots = new RedisSlotCounter(link.cmd, p, presence.nodeId, `${p}presence:nodes`, log);
      let rejoined: (() => void) | null = null;
      presence.onRejoined(async () => {
        await slots.restore();
        rejoined?.();
      });
      expect(await slots.acquire('device:s', 1)).not.toBeNull();
      const { resume } = await own.crash();
      await away; // a heartbeat failed: this node knows Redis was away
      const back = new Promise<void>((r) => (rejoined = r));
      await resume(); // empty: what it held is gone
      await back;
      expect(await link.cmd.zcard(`${p}slot:device:s`)).toBe(1);
      expect(await slots.acquire('device:s', 1)).toBeNull(); // the socket still open keeps its place
      await presence.stop();
    });
  });

  it('Redis away: every counter answers from the node’s memory, and from Redis again once it is back', async () => {
    await onOwnRedis(async (own, link) => {
      const p = prefix();
      const limiter = new RedisRateLimiter(link.cmd, p, log);
      const attempts = new RedisAttemptCounter(link.cmd, p, log);
      const slots = new RedisSlotCounter(link.cmd, p, 'n', `${p}presence:nodes`, log);
      const { resume } = await own.crash();
      // Still limited (per node), never thrown.
      const waits = await Promise.all(Array.from({ length: 5 }, () => limiter.take('k', { ratePerSecond: 0.01, burst: 3 })));
      expect(waits.filter((w) => w === 0)).toHaveLength(3);
      const key: AttemptKey = { key: 'login:y', rule, resetOnSuccess: true };
      const admitted = await attempts.begin([key]);
      expect(admitted.ok).toBe(true);
      if (admitted.ok) await attempts.end(admitted.attempt, 'failure');
      const release = await slots.acquire('device:z', 1);
      expect(release).not.toBeNull();
      expect(await slots.acquire('device:z', 1)).toBeNull();
      release!();
      await resume();
      expect(await ready(link.cmd, 60_000)).toBe(true);
      expect(await limiter.take('k', { ratePerSecond: 0.01, burst: 3 })).toBe(0);
      expect(await link.cmd.exists(`${p}rl:k`)).toBe(1);
    });
  });
});
