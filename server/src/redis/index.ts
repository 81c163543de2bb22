/**
 * What several hub nodes share through Redis (VIGIE_REDIS_URL; see server/README.md « Redis »):
 * the socket.io adapter (rooms, emits, fetchSockets… reach every node's sockets), presence, and
 * the counters (logins, socket events, socket slots, enrollment). Without Redis the hub uses the
 * memory implementations: one node, exactly as before.
 */
import { once } from 'node:events';
import { RedisAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Namespace } from 'socket.io';
import type { HubConfig } from '../config.js';
import type { AttemptCounter, RateLimiter, SlotCounter } from '../limits.js';
import type { Logger } from '../logger.js';
import { connectRedis, type RedisLink } from './connection.js';
import { RedisAttemptCounter, RedisRateLimiter, RedisSlotCounter } from './limits.js';
import { RedisPresence } from './presence.js';

/** How long the hub waits for Redis at start before starting without it (it keeps trying meanwhile). */
const START_WAIT_MS = 10_000;

/**
 * The pub/sub adapter, made to never throw into the hub: a publish Redis cannot take is dropped
 * (logged; this node's own sockets still get the packet), and while Redis cannot count the nodes,
 * cluster-wide queries (fetchSockets…) answer for this node alone instead of failing.
 */
class HubRedisAdapter extends RedisAdapter {
  override serverCount(): Promise<number> {
    return super.serverCount().catch(() => 1);
  }
}

function dropFailedPublishes(client: Redis, log: Logger): Redis {
  let lastLogged = 0;
  const publish = (channel: string, message: string | Buffer) =>
    client.publish(channel, message).catch((err: unknown) => {
      if (Date.now() - lastLogged > 30_000) log.error({ err }, 'redis unavailable: socket.io packet not sent to the other nodes');
      lastLogged = Date.now();
      return 0;
    });
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'publish') return publish;
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

export interface RedisParts {
  link: RedisLink;
  presence: RedisPresence;
  adapter: (nsp: Namespace) => RedisAdapter;
  counters: { attempts: AttemptCounter; enroll: RateLimiter; socketEvents: RateLimiter; socketSlots: SlotCounter };
  close(): Promise<void>;
}

async function ready(client: Redis, ms: number): Promise<boolean> {
  if (client.status === 'ready') return true;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  try {
    await once(client, 'ready', { signal: ac.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function openRedisParts(cfg: Pick<HubConfig, 'redis'> & { redisUrl: string }, log: Logger): Promise<RedisParts> {
  const { prefix, presenceTtlMs, heartbeatMs, commandTimeoutMs } = cfg.redis;
  const link = connectRedis(cfg.redisUrl, { commandTimeoutMs, log });
  const adapterSub = link.subscriber('socket.io');
  const presenceSub = link.subscriber('presence');
  const up = await Promise.all([link.cmd, adapterSub, presenceSub].map((c) => ready(c, START_WAIT_MS)));
  if (up.includes(false)) log.error('redis not reachable at start: this node starts alone and joins the others when Redis answers');
  const presence = new RedisPresence({ cmd: link.cmd, sub: presenceSub, prefix, ttlMs: presenceTtlMs, heartbeatMs, log: log.child({ part: 'presence' }) });
  await presence.start();
  const pub = dropFailedPublishes(link.cmd, log);
  const registry = `${prefix}presence:nodes`;
  return {
    link,
    presence,
    adapter: (nsp) => new HubRedisAdapter(nsp, pub, adapterSub, { key: `${prefix}io`, requestsTimeout: 5000 }),
    counters: {
      attempts: new RedisAttemptCounter(link.cmd, prefix, log),
      enroll: new RedisRateLimiter(link.cmd, `${prefix}enroll:`, log),
      socketEvents: new RedisRateLimiter(link.cmd, `${prefix}socket:`, log),
      socketSlots: new RedisSlotCounter(link.cmd, prefix, presence.nodeId, registry, log),
    },
    close: async () => {
      await presence.stop();
      await link.close();
    },
  };
}
