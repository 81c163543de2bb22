/**
 * The hub's counters (limits.ts) shared by every node through Redis: each operation is one Lua
 * script, so it is atomic across nodes (a burst of logins split over several nodes is counted
 * before any password is checked, exactly as on one node). Times come from the Redis server's
 * clock. While Redis cannot answer, each counter falls back to this node's memory (logged): limits
 * then hold per node instead of for the whole hub, never not at all.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  MemoryAttemptCounter,
  MemoryRateLimiter,
  MemorySlotCounter,
  type Admission,
  type Attempt,
  type AttemptCounter,
  type AttemptKey,
  type AttemptOutcome,
  type RateLimiter,
  type RateRule,
  type SlotCounter,
} from '../limits.js';
import type { Logger } from '../logger.js';
import { LUA_NOW, luaScript } from './script.js';

/** An attempt still marked in flight after this long is forgotten (its node died while checking it). */
export const ATTEMPT_LEASE_MS = 120_000;

const TAKE = luaScript(`${LUA_NOW}
local rate, burst, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local wait = 0
if tokens >= n then tokens = tokens - n
elseif rate <= 0 then wait = -1
else wait = math.max(1, math.ceil((n - tokens) / rate * 1000)) end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'a', now)
-- A bucket full again is the same as no bucket.
local ttl = 86400000
if rate > 0 then ttl = math.ceil((burst - tokens) / rate * 1000) + 1000 end
redis.call('PEXPIRE', KEYS[1], ttl)
return wait`);

/** Shared Lua of the attempt scripts: the back-off of a failure count, the live state of a key (KEYS[2i-1] state, KEYS[2i] in flight). */
const ATTEMPT_LIB = `${LUA_NOW}
local function backoff(free, base, max, failures)
  if failures <= free then return 0 end
  return math.min(max, base * 2 ^ math.min(40, failures - free - 1))
end
local function state(i, forget)
  local sk, fk = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('ZREMRANGEBYSCORE', fk, '-inf', now)
  local s = redis.call('HMGET', sk, 'f', 'l', 'lf')
  local f, l, lf = tonumber(s[1]) or 0, tonumber(s[2]) or 0, tonumber(s[3]) or now
  local inflight = redis.call('ZCARD', fk)
  if inflight == 0 and now >= l and now - lf > forget then
    redis.call('DEL', sk)
    f, l = 0, 0
  end
  return f, l, inflight
end
`;

/** ARGV: attempt id, lease ms, then per key: free, base, max, forget, maxInFlight. Returns {0} or {1, reason, retryAfterMs}. */
const BEGIN = luaScript(`${ATTEMPT_LIB}
local n = #KEYS / 2
for i = 1, n do
  local o = 2 + (i - 1) * 5
  local free, base, max, forget, maxIf = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3]), tonumber(ARGV[o + 4]), tonumber(ARGV[o + 5])
  local f, l, inflight = state(i, forget)
  if now < l then return {1, 'backoff', l - now} end
  local budget = math.max(1, free + 1 - f)
  if inflight >= math.min(budget, maxIf) then
    if inflight >= budget then return {1, 'backoff', math.max(1000, backoff(free, base, max, f + 1))} end
    return {1, 'busy', 1000}
  end
end
for i = 1, n do
  redis.call('ZADD', KEYS[2 * i], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[2 * i], tonumber(ARGV[2]))
end
return {0}`);

/** ARGV: attempt id, outcome, then per key: free, base, max, forget, resetOnSuccess (1/0). */
const END = luaScript(`${ATTEMPT_LIB}
local n = #KEYS / 2
local outcome = ARGV[2]
for i = 1, n do
  local o = 2 + (i - 1) * 5
  local free, base, max, forget, reset = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3]), tonumber(ARGV[o + 4]), ARGV[o + 5]
  local sk, fk = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('ZREM', fk, ARGV[1])
  local f, l, inflight = state(i, forget)
  if outcome == 'failure' then
    f = f + 1
    local delay = backoff(free, base, max, f)
    if delay > 0 then l = math.max(l, now + delay) end
    redis.call('HSET', sk, 'f', f, 'l', l, 'lf', now)
  elseif outcome == 'success' and reset == '1' then
    f, l = 0, 0
    redis.call('DEL', sk)
  end
  if f > 0 then redis.call('PEXPIRE', sk, math.max(l - now, 0) + forget + 1000) end
end
return 0`);

/** KEYS: state, applied-clears cursor; ARGV: clear id (0: apply now). Each clear id is applied once for all nodes. */
const CLEAR = luaScript(`local id = tonumber(ARGV[1])
if id > 0 then
  if (tonumber(redis.call('GET', KEYS[2])) or 0) >= id then return 0 end
  redis.call('SET', KEYS[2], id)
end
redis.call('DEL', KEYS[1])
return 1`);

/** KEYS: slot set, node registry; ARGV: member (`node id|slot id`), max. Slots of nodes no longer registered are dropped first. */
const ACQUIRE = luaScript(`${LUA_NOW}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local node = string.match(m, '^([^|]+)|')
  local until_ = node and tonumber(redis.call('ZSCORE', KEYS[2], node))
  if not until_ or until_ < now then redis.call('ZREM', KEYS[1], m) end
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[1])
return 1`);

const ruleArgs = (k: AttemptKey): number[] => [k.rule.free, k.rule.baseDelayMs, k.rule.maxDelayMs, k.rule.forgetAfterMs];

/** Tells once per outage that a counter fell back to memory (and when Redis answers again). */
class FallbackNotice {
  private falling = false;
  constructor(
    private readonly log: Logger,
    private readonly what: string,
  ) {}
  failed(err: unknown): void {
    if (!this.falling) this.log.error({ err, counter: this.what }, 'redis unavailable: counting on this node only until it answers');
    this.falling = true;
  }
  ok(): void {
    if (this.falling) this.log.info({ counter: this.what }, 'redis answers again: counting for the whole hub');
    this.falling = false;
  }
}

export class RedisRateLimiter implements RateLimiter {
  private readonly notice: FallbackNotice;
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    log: Logger,
    private readonly fallback: RateLimiter = new MemoryRateLimiter(),
  ) {
    this.notice = new FallbackNotice(log, 'rate');
  }

  async take(key: string, rule: RateRule, n = 1): Promise<number> {
    try {
      const wait = Number(await TAKE(this.redis, [`${this.prefix}rl:${key}`], [rule.ratePerSecond, rule.burst, n]));
      this.notice.ok();
      return wait < 0 ? Number.MAX_SAFE_INTEGER : wait;
    } catch (e) {
      this.notice.failed(e);
      return this.fallback.take(key, rule, n);
    }
  }

  async reset(key: string): Promise<void> {
    await this.fallback.reset(key);
    await this.redis.del(`${this.prefix}rl:${key}`).catch((e: unknown) => this.notice.failed(e));
  }
}

interface RedisAttempt extends Attempt {
  readonly id: string;
  /** The node-local counter that admitted it while Redis was away. */
  readonly local?: Attempt;
}

export class RedisAttemptCounter implements AttemptCounter {
  private readonly notice: FallbackNotice;
  private readonly ended = new WeakSet<Attempt>();
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    log: Logger,
    private readonly fallback: AttemptCounter = new MemoryAttemptCounter(),
    private readonly leaseMs = ATTEMPT_LEASE_MS,
  ) {
    this.notice = new FallbackNotice(log, 'attempts');
  }

  private keysOf(keys: readonly AttemptKey[]): string[] {
    return keys.flatMap((k) => [`${this.prefix}att:${k.key}`, `${this.prefix}att-if:${k.key}`]);
  }

  async begin(keys: AttemptKey[]): Promise<Admission> {
    const id = randomUUID();
    try {
      const r = (await BEGIN(this.redis, this.keysOf(keys), [
        id,
        this.leaseMs,
        ...keys.flatMap((k) => [...ruleArgs(k), k.rule.maxInFlight]),
      ])) as [number, string?, number?];
      this.notice.ok();
      const attempt: RedisAttempt = { keys, id };
      if (r[0] === 0) return { ok: true, attempt };
      return { ok: false, reason: r[1] === 'busy' ? 'busy' : 'backoff', retryAfterMs: Number(r[2]) };
    } catch (e) {
      this.notice.failed(e);
      const local = await this.fallback.begin(keys);
      if (!local.ok) return local;
      const attempt: RedisAttempt = { keys, id, local: local.attempt };
      return { ok: true, attempt };
    }
  }

  async end(attempt: Attempt, outcome: AttemptOutcome): Promise<void> {
    if (this.ended.has(attempt)) return;
    this.ended.add(attempt);
    const a = attempt as RedisAttempt;
    if (a.local) return this.fallback.end(a.local, outcome);
    try {
      await END(this.redis, this.keysOf(a.keys), [a.id, outcome, ...a.keys.flatMap((k) => [...ruleArgs(k), k.resetOnSuccess ? 1 : 0])]);
      this.notice.ok();
    } catch (e) {
      // The failure is not lost: this node counts it, and the in-flight mark runs out with its lease.
      this.notice.failed(e);
      const local = await this.fallback.begin(a.keys as AttemptKey[]);
      if (local.ok) await this.fallback.end(local.attempt, outcome);
    }
  }

  readonly shared = true;

  async clear(key: string, clearId?: number): Promise<void> {
    await this.fallback.clear(key);
    try {
      await CLEAR(this.redis, [`${this.prefix}att:${key}`, `${this.prefix}att-clears`], [clearId ?? 0]);
      this.notice.ok();
    } catch (e) {
      this.notice.failed(e);
    }
  }
}

/** Connection slots held by this node's sockets; a node that stops renewing its registration loses its slots. */
export class RedisSlotCounter implements SlotCounter {
  private readonly notice: FallbackNotice;
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** This node's id in the presence registry (redis/presence.ts). */
    private readonly nodeId: string,
    private readonly registryKey: string,
    log: Logger,
    private readonly fallback: SlotCounter = new MemorySlotCounter(),
  ) {
    this.notice = new FallbackNotice(log, 'slots');
  }

  /** Releases Redis could not take (it was away): sent again before the next acquire. */
  private unreleased: Array<[string, string]> = [];
  /** The slots this node's sockets hold (member → its key), to write again into a Redis that forgot them. */
  private readonly held = new Map<string, string>();
  /** A restore Redis refused: tried again before the next acquire. */
  private restoring = false;

  /**
   * Writes this node's slots again (Redis restarted, or took the node for dead and dropped them):
   * else a device could open its whole allowance again beside the sockets it still has. Slots taken
   * on the node's memory while Redis was away are written too.
   */
  async restore(): Promise<void> {
    this.restoring = true;
    if (this.held.size > 0) {
      const batch = this.redis.pipeline();
      for (const [member, k] of this.held) batch.zadd(k, Date.now(), member);
      const failed = ((await batch.exec()) ?? []).find(([e]) => e);
      if (failed) throw failed[0];
    }
    this.restoring = false;
  }

  async acquire(key: string, max: number): Promise<(() => void) | null> {
    const member = `${this.nodeId}|${randomUUID()}`;
    const k = `${this.prefix}slot:${key}`;
    const hold = (release: () => void) => {
      this.held.set(member, k);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.held.delete(member);
        release();
      };
    };
    try {
      if (this.restoring) await this.restore();
      if (this.unreleased.length > 0) {
        const batch = this.unreleased.splice(0);
        await Promise.all(
          batch.map(([bk, m]) => this.redis.zrem(bk, m).catch((e: unknown) => (this.unreleased.push([bk, m]), Promise.reject(e)))),
        );
      }
      const got = Number(await ACQUIRE(this.redis, [k, this.registryKey], [member, max]));
      this.notice.ok();
      if (got !== 1) return null;
    } catch (e) {
      this.notice.failed(e);
      const local = await this.fallback.acquire(key, max);
      // Counted on this node while Redis is away; written into Redis when the node rejoins it (restore), removed from it when let go.
      return local && hold(() => (local(), this.release(k, member)));
    }
    return hold(() => this.release(k, member));
  }

  private release(k: string, member: string): void {
    // Not taken while Redis is away: sent again later, and the slot goes with this node's registration if it stops.
    this.redis.zrem(k, member).catch((e: unknown) => {
      this.notice.failed(e);
      this.unreleased.push([k, member]);
    });
  }
}
