/**
 * What several hub nodes share through Redis (VIGIE_REDIS_URL; see server/README.md « Redis »):
 * the socket.io adapter (rooms, emits, fetchSockets… reach every node's sockets), presence, and
 * the counters (logins, socket events, socket slots, enrollment). Without Redis the hub uses the
 * memory implementations: one node, exactly as before.
 */
import { once } from 'node:events';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Namespace } from 'socket.io';
import { Adapter, MessageType, type BroadcastOptions, type Room } from 'socket.io-adapter';
import type { HubConfig } from '../config.js';
import type { AttemptCounter, RateLimiter, SlotCounter } from '../limits.js';
import type { Logger } from '../logger.js';
import { connectRedis, type RedisLink } from './connection.js';
import { RedisAttemptCounter, RedisRateLimiter, RedisSlotCounter } from './limits.js';
import { RedisPresence } from './presence.js';
import type { QueueFlushPort } from '../socket/queue-push.js';
import { redisQueueFlush } from '../socket/queue-flush-redis.js';

/** How long the hub waits for Redis at start before starting without it (it keeps trying meanwhile). */
const START_WAIT_MS = 10_000;

/** What the hub calls on the cluster adapter beyond the Adapter API. */
type ClusterParts = Adapter & { serverCount(): Promise<number>; publish(message: { type: MessageType; data: unknown }): void };

const encode = (opts: BroadcastOptions) => ({ rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags });

/**
 * The socket.io adapter: `@socket.io/redis-adapter`'s sharded adapter (SPUBLISH/SSUBSCRIBE, Redis
 * 7 or newer; one channel per room, so a node only hears the rooms it has sockets in), built on
 * socket.io's ClusterAdapter (a node ignores its own messages). Two changes for the hub:
 * - this node's sockets are served first and at once, in the order the hub emits, and the other
 *   nodes are told without waiting (ClusterAdapter waits for Redis before serving its own sockets:
 *   a push would overtake an acknowledgement, and a slow Redis would slow every push);
 * - while Redis cannot count the nodes, cluster-wide queries (fetchSockets…) answer for this node
 *   alone instead of failing. A publish Redis cannot take is dropped without throwing.
 */
function hubAdapter(pub: Redis, sub: Redis, channelPrefix: string): (nsp: Namespace) => Adapter {
  const make = createShardedAdapter(pub, sub, { channelPrefix, subscriptionMode: 'dynamic' }) as unknown as (
    nsp: Namespace,
  ) => ClusterParts;
  const local = Adapter.prototype;
  // socket.io calls it with `new`: a function, not an arrow.
  return function adapter(nsp: Namespace): Adapter {
    const a = make(nsp);
    const count = a.serverCount.bind(a);
    a.serverCount = () => count().catch(() => 1);
    const others = (opts: BroadcastOptions) => !opts.flags?.local;
    a.broadcast = (packet: unknown, opts: BroadcastOptions) => {
      // Published first: the message is encoded before this node's sockets get (and may alter) the packet.
      if (others(opts)) a.publish({ type: MessageType.BROADCAST, data: { packet, opts: encode(opts) } });
      local.broadcast.call(a, packet, opts);
    };
    a.addSockets = (opts: BroadcastOptions, rooms: Room[]) => {
      local.addSockets.call(a, opts, rooms);
      if (others(opts)) a.publish({ type: MessageType.SOCKETS_JOIN, data: { opts: encode(opts), rooms } });
    };
    a.delSockets = (opts: BroadcastOptions, rooms: Room[]) => {
      local.delSockets.call(a, opts, rooms);
      if (others(opts)) a.publish({ type: MessageType.SOCKETS_LEAVE, data: { opts: encode(opts), rooms } });
    };
    a.disconnectSockets = (opts: BroadcastOptions, close: boolean) => {
      local.disconnectSockets.call(a, opts, close);
      if (others(opts)) a.publish({ type: MessageType.DISCONNECT_SOCKETS, data: { opts: encode(opts), close } });
    };
    return a;
  };
}

export interface RedisParts {
  link: RedisLink;
  presence: RedisPresence;
  adapter: (nsp: Namespace) => Adapter;
  counters: { attempts: AttemptCounter; enroll: RateLimiter; socketEvents: RateLimiter; socketSlots: SlotCounter };
  /** Who pushes the queue: one node of the cluster per burst of changes (socket/queue-flush-redis.ts). */
  queueFlush: QueueFlushPort;
  close(): Promise<void>;
}

/** True once the connection is ready, false when it is not within `ms`. */
export async function ready(client: Redis, ms: number): Promise<boolean> {
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
  const presence = new RedisPresence({
    cmd: link.cmd,
    sub: presenceSub,
    prefix,
    ttlMs: presenceTtlMs,
    heartbeatMs,
    log: log.child({ part: 'presence' }),
  });
  await presence.start();
  const registry = `${prefix}presence:nodes`;
  const socketSlots = new RedisSlotCounter(link.cmd, prefix, presence.nodeId, registry, log);
  // A Redis that forgot this node (restarted) gets its sockets' slots back with its presence.
  presence.onRejoined(() =>
    socketSlots
      .restore()
      .catch((e: unknown) => log.error({ err: e }, 'socket slots not written again (tried again at the next connection)')),
  );
  return {
    link,
    presence,
    adapter: hubAdapter(link.cmd, adapterSub, `${prefix}io`),
    queueFlush: redisQueueFlush({ redis: link.cmd, prefix: `${prefix}queue:` }),
    counters: {
      attempts: new RedisAttemptCounter(link.cmd, prefix, log),
      enroll: new RedisRateLimiter(link.cmd, `${prefix}enroll:`, log),
      socketEvents: new RedisRateLimiter(link.cmd, `${prefix}socket:`, log),
      socketSlots,
    },
    close: async () => {
      await presence.stop();
      await link.close();
    },
  };
}
