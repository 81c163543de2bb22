/**
 * Who pushes the queue when several hub nodes share one Redis: one node per burst of changes, for
 * the whole cluster (the socket.io Redis adapter carries its `queue:updated` and `help:position` to
 * every node's sockets). Three keys under a prefix:
 * - `lease`: `SET NX PX` — the node holding it computes and pushes; the others skip;
 * - `dirty`: set by every change on any node before it tries the lease; the holder clears it when it
 *   takes the lease (what it reads next covers every change marked before) and, once it let go of the
 *   lease, flushes again if it was set meanwhile;
 * - `last`: the digest of the last snapshot pushed, so a timed look on any node pushes only what changed.
 * No claim here `continues` (FlushClaim): another node may have told a device its position in an
 * answer (device:hello, help:create) that the pushing node cannot know of, so every push tells every
 * waiting device, as on one node before a change.
 * A holder that dies lets its lease expire: a node whose claim was refused tries again after the
 * lease's time and finds the dirty mark still there.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { QueueSnapshot } from '@vigie/common';
import { pushKey } from './queue-compose.js';
import type { FlushClaim, QueueFlushPort } from './queue-flush.js';

/** Takes the lease; when taken, clears the dirty mark and returns whether it was set, and the last pushed digest. */
const CLAIM = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
local dirty = redis.call('DEL', KEYS[2])
return {1, dirty, redis.call('GET', KEYS[3]) or ''}`;

/** Lets the lease go if still ours, records what was pushed, says whether a change was marked meanwhile. */
const RELEASE = `
if ARGV[2] ~= '' then redis.call('SET', KEYS[3], ARGV[2]) end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return redis.call('EXISTS', KEYS[2])`;

export interface RedisQueueFlushOptions {
  /** A connection of its own or shared (commands only, never a subscriber connection). */
  redis: Redis;
  /** Key prefix (default `vigie:queue:`): one per cluster sharing the Redis. */
  prefix?: string;
  /** How long a lease lasts if its holder never lets go (default 2 s); also when a refused claim is tried again. */
  leaseMs?: number;
}

const digest = (snap: QueueSnapshot) => createHash('sha256').update(pushKey(snap)).digest('base64');

export function redisQueueFlush(o: RedisQueueFlushOptions): QueueFlushPort {
  const prefix = o.prefix ?? 'vigie:queue:';
  const keys = [`${prefix}lease`, `${prefix}dirty`, `${prefix}last`] as const;
  const leaseMs = o.leaseMs ?? 2000;
  return {
    retryMs: leaseMs,
    markDirty: async () => {
      await o.redis.set(keys[1], '1');
    },
    claim: async (): Promise<FlushClaim | null> => {
      const token = randomUUID();
      let r: [number, number?, string?];
      try {
        r = (await o.redis.eval(CLAIM, 3, ...keys, token, leaseMs)) as [number, number?, string?];
      } catch {
        // Redis away: every node pushes to whom it can reach (the adapter is down too) rather than nobody.
        return { dirty: true, continues: false, unchanged: () => false, release: async () => false };
      }
      if (r[0] !== 1) return null;
      const last = r[2] ?? '';
      return {
        dirty: r[1] === 1,
        continues: false,
        unchanged: (snap) => last !== '' && digest(snap) === last,
        release: async (pushed) => (await o.redis.eval(RELEASE, 3, ...keys, token, pushed ? digest(pushed) : '')) === 1,
      };
    },
    close: async () => undefined,
  };
}
