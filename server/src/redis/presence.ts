/**
 * Presence shared by the hub's nodes through Redis (socket/presence.ts is the port).
 *
 * Each node writes the devices and technicians that have a socket on it into its own sets and
 * renews its registration (`presence:nodes`, score = expiry on the Redis clock) every heartbeat.
 * Hashes count, per id, the nodes that have it; a Lua script changes a node's set and the count
 * together and publishes each 0↔1 flip with a sequence number. A heartbeat also removes the nodes
 * whose registration ran out (a killed node): their ids are withdrawn the same way, by whichever
 * node's script ran first (once). Every node keeps a mirror of the hub-wide answer, fed by the
 * published flips in sequence order; a gap (a message lost while Redis was away) or a Redis that
 * forgot everything (restart) makes the node write its own sockets again and reload the mirror.
 * While Redis is away a node answers from its mirror and its own sockets.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { PresenceBase, SocketCounts, type PresenceChange } from '../socket/presence.js';
import { LUA_NOW, luaScript } from './script.js';

/** Lua shared by the scripts; ARGV[1] is the key prefix, ARGV[2] the node running the script. */
const LIB = `${LUA_NOW}
local P, self = ARGV[1], ARGV[2]
local function publish(kind, id, on)
  local seq = redis.call('INCR', P .. 'presence:seq')
  redis.call('PUBLISH', P .. 'presence', cjson.encode({seq, kind, id, on, self}))
  return seq
end
local function set_on(node, kind, id, on)
  local mine, counts, seq = P .. 'presence:node:' .. node .. ':' .. kind, P .. 'presence:' .. kind, 0
  if on then
    if redis.call('SADD', mine, id) == 1 and redis.call('HINCRBY', counts, id, 1) == 1 then seq = publish(kind, id, 1) end
  elseif redis.call('SREM', mine, id) == 1 and redis.call('HINCRBY', counts, id, -1) <= 0 then
    redis.call('HDEL', counts, id)
    seq = publish(kind, id, 0)
    if kind == 'tech' and redis.call('SREM', P .. 'presence:break', id) == 1 then seq = publish('break', id, 0) end
  end
  return seq
end
local function reap()
  local reaped = 0
  for _, node in ipairs(redis.call('ZRANGEBYSCORE', P .. 'presence:nodes', '-inf', now)) do
    if node ~= self then
      for _, kind in ipairs({'device', 'tech'}) do
        for _, id in ipairs(redis.call('SMEMBERS', P .. 'presence:node:' .. node .. ':' .. kind)) do set_on(node, kind, id, false) end
        redis.call('DEL', P .. 'presence:node:' .. node .. ':' .. kind)
      end
      redis.call('ZREM', P .. 'presence:nodes', node)
      reaped = reaped + 1
    end
  end
  return reaped
end
`;

/** ARGV: P, node, kind, id, on (1/0). Returns the flip's sequence number, or 0. */
const SET = luaScript(`${LIB}
return set_on(self, ARGV[3], ARGV[4], ARGV[5] == '1')`);

/** ARGV: P, node, id, on break (1/0): only a technician online somewhere can be on a break. */
const BREAK = luaScript(`${LIB}
local id = ARGV[3]
if ARGV[4] == '1' then
  if redis.call('HEXISTS', P .. 'presence:tech', id) == 1 and redis.call('SADD', P .. 'presence:break', id) == 1 then return publish('break', id, 1) end
elseif redis.call('SREM', P .. 'presence:break', id) == 1 then return publish('break', id, 0) end
return 0`);

/** ARGV: P, node, ttl ms. Renews the node, removes expired ones; returns {was registered, sequence, reaped}. */
const BEAT = luaScript(`${LIB}
local had = redis.call('ZSCORE', P .. 'presence:nodes', self)
redis.call('ZADD', P .. 'presence:nodes', now + tonumber(ARGV[3]), self)
local reaped = reap()
return {had and 1 or 0, tonumber(redis.call('GET', P .. 'presence:seq')) or 0, reaped}`);

/** ARGV: P, node, ttl ms, devices JSON, techs JSON: the node's sets become exactly these (flips published). */
const SYNC = luaScript(`${LIB}
redis.call('ZADD', P .. 'presence:nodes', now + tonumber(ARGV[3]), self)
for k, kind in ipairs({'device', 'tech'}) do
  local want = {}
  for _, id in ipairs(cjson.decode(ARGV[3 + k])) do want[id] = true end
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'presence:node:' .. self .. ':' .. kind)) do
    if want[id] then want[id] = nil else set_on(self, kind, id, false) end
  end
  for id in pairs(want) do set_on(self, kind, id, true) end
end
return 0`);

/** ARGV: P, node. The node leaves (hub closing): its ids withdrawn at once. */
const LEAVE = luaScript(`${LIB}
for _, kind in ipairs({'device', 'tech'}) do
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'presence:node:' .. self .. ':' .. kind)) do set_on(self, kind, id, false) end
end
redis.call('ZREM', P .. 'presence:nodes', self)
return 0`);

/** ARGV: P. {sequence, devices, techs, breaks} at one instant. */
const SNAPSHOT = luaScript(`local P = ARGV[1]
return {tonumber(redis.call('GET', P .. 'presence:seq')) or 0, redis.call('HKEYS', P .. 'presence:device'), redis.call('HKEYS', P .. 'presence:tech'), redis.call('SMEMBERS', P .. 'presence:break')}`);

const Flip = z.tuple([
  z.number().int().positive(),
  z.enum(['device', 'tech', 'break']),
  z.string().min(1).max(200),
  z.union([z.literal(0), z.literal(1)]),
  z.string().min(1).max(100),
]);
type Flip = z.infer<typeof Flip>;
const Snapshot = z.tuple([z.number().int().nonnegative(), z.array(z.string()), z.array(z.string()), z.array(z.string())]);

export interface RedisPresenceOptions {
  cmd: Redis;
  /** A subscriber connection of its own. */
  sub: Redis;
  prefix: string;
  ttlMs: number;
  heartbeatMs: number;
  log: Logger;
}

export class RedisPresence extends PresenceBase {
  readonly nodeId = randomUUID();
  private readonly local = { device: new SocketCounts(), tech: new SocketCounts() };
  /** The hub-wide answer as of the last flip applied. */
  private readonly mirror = { device: new Set<string>(), tech: new Set<string>(), break: new Set<string>() };
  private appliedSeq = 0;
  /** Flips received while the mirror is being reloaded. */
  private buffered: Flip[] | null = null;
  /** This node's sets in Redis may be wrong (a write failed, or Redis forgot them): written again at the next heartbeat. */
  private dirty = true;
  private reload = true;
  /** The sequence seen at the last heartbeat: still not applied at the next one means a flip was lost. */
  private seenSeq = 0;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private beating: Promise<void> | null = null;
  private stopped = false;
  private failing = false;
  private readonly channel: string;
  /** Told when this node wrote itself into Redis again: after Redis was away (it may have restarted) or forgot it. */
  private readonly rejoined: Array<() => Promise<void>> = [];

  constructor(private readonly o: RedisPresenceOptions) {
    super();
    this.channel = `${o.prefix}presence`;
    o.sub.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    // After a reconnect, flips published meanwhile were lost: reload at once.
    o.sub.on('ready', () => {
      this.reload = true;
      void this.beat();
    });
  }

  /** `fn` runs each time this node writes itself into Redis again (after Redis was away or forgot it): what else the node holds there (socket slots). */
  onRejoined(fn: () => Promise<void>): void {
    this.rejoined.push(fn);
  }

  /** Subscribes, writes this node's (empty) presence, loads the mirror, then beats every heartbeatMs. */
  async start(): Promise<void> {
    await this.o.sub.subscribe(this.channel).catch((e: unknown) => this.failed(e));
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.o.heartbeatMs);
    this.timer.unref();
  }

  private args(...rest: (string | number)[]): (string | number)[] {
    return [this.o.prefix, this.nodeId, ...rest];
  }

  private failed(e: unknown): void {
    if (!this.failing) this.o.log.error({ err: e }, 'redis unavailable: presence answers from this node until it is back');
    this.failing = true;
  }

  // ---------- this node's sockets ----------
  private up(kind: 'device' | 'tech', id: string, d: 1 | -1): void {
    let n = 0;
    this.mutate(kind, id, () => (n = this.local[kind].add(id, d)), true);
    if (n > (d === 1 ? 1 : 0)) return; // not this node's first socket / not its last
    SET(this.o.cmd, [], this.args(kind, id, d === 1 ? 1 : 0)).catch((e: unknown) => {
      this.failed(e);
      this.dirty = true;
      // Redis cannot tell whether another node has it: offline as far as this node knows, until Redis answers.
      if (d === -1) this.mutate(kind, id, () => this.mirror[kind].delete(id), true);
    });
  }
  deviceUp(id: string): void {
    this.up('device', id, 1);
  }
  deviceDown(id: string): void {
    this.up('device', id, -1);
  }
  techUp(id: string): void {
    this.up('tech', id, 1);
  }
  techDown(id: string): void {
    this.up('tech', id, -1);
  }

  async setBreak(id: string, onBreak: boolean): Promise<void> {
    try {
      const seq = Number(await BREAK(this.o.cmd, [], this.args(id, onBreak ? 1 : 0)));
      if (seq > 0 && seq > this.appliedSeq) await new Promise<void>((resolve) => this.waiters.push({ seq, resolve }));
    } catch (e) {
      this.failed(e);
      if (this.isTechOnline(id)) this.mutate('break', id, () => (onBreak ? this.mirror.break.add(id) : this.mirror.break.delete(id)), true);
    }
  }

  // ---------- answers ----------
  isDeviceOnline(id: string): boolean {
    return this.local.device.has(id) || this.mirror.device.has(id);
  }
  isTechOnline(id: string): boolean {
    return this.local.tech.has(id) || this.mirror.tech.has(id);
  }
  isTechOnBreak(id: string): boolean {
    return this.mirror.break.has(id) && this.isTechOnline(id);
  }
  private count(kind: 'device' | 'tech'): number {
    let n = this.mirror[kind].size;
    for (const id of this.local[kind].ids()) if (!this.mirror[kind].has(id)) n++;
    return n;
  }
  onlineDeviceCount(): number {
    return this.count('device');
  }
  onlineTechCount(): number {
    return this.count('tech');
  }
  availableTechCount(): number {
    return this.count('tech') - [...this.mirror.break].filter((id) => this.isTechOnline(id)).length;
  }

  // ---------- the mirror ----------
  private receive(message: string): void {
    let flip: Flip;
    try {
      flip = Flip.parse(JSON.parse(message));
    } catch (e) {
      this.o.log.warn({ err: e }, 'presence message ignored (not understood)');
      return;
    }
    if (this.stopped) return;
    if (this.buffered) this.buffered.push(flip);
    else this.apply(flip);
  }

  private apply([seq, kind, id, on, by]: Flip): void {
    if (seq <= this.appliedSeq) return;
    if (seq > this.appliedSeq + 1) {
      // A flip was lost: reload, keeping this one for after.
      this.reload = true;
      this.buffered = [[seq, kind, id, on, by]];
      void this.beat();
      return;
    }
    this.appliedSeq = seq;
    this.mutate(kind, id, () => (on ? this.mirror[kind].add(id) : this.mirror[kind].delete(id)), by === this.nodeId);
    this.wake();
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.seq <= this.appliedSeq);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.seq > this.appliedSeq);
    for (const w of ready) w.resolve();
  }

  private async loadMirror(): Promise<void> {
    this.buffered ??= [];
    try {
      const [seq, devices, techs, breaks] = Snapshot.parse(await SNAPSHOT(this.o.cmd, [], [this.o.prefix]));
      const next = { device: new Set(devices), tech: new Set(techs), break: new Set(breaks) };
      for (const kind of ['device', 'tech', 'break'] as const) {
        const ids = new Set([...this.mirror[kind], ...next[kind]]);
        for (const id of ids)
          this.mutate(kind, id, () => (next[kind].has(id) ? this.mirror[kind].add(id) : this.mirror[kind].delete(id)), true);
      }
      this.appliedSeq = seq;
      this.reload = false;
      const pending = this.buffered.sort((a, b) => a[0] - b[0]);
      this.buffered = null;
      for (const f of pending) this.apply(f);
      this.wake();
      for (const w of this.waiters.splice(0)) if (this.appliedSeq < w.seq) this.waiters.push(w);
    } finally {
      if (this.reload) this.buffered = null;
    }
  }

  // ---------- heartbeat ----------
  /** One heartbeat at a time; a call during one waits for it. */
  private beat(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return (this.beating ??= this.beatOnce().finally(() => (this.beating = null)));
  }

  private async beatOnce(): Promise<void> {
    try {
      // Written again after a failed write (Redis away: it may have restarted meanwhile) or when forgotten.
      let rewritten = this.dirty;
      if (this.dirty) await this.sync();
      const [had, seq] = (await BEAT(this.o.cmd, [], this.args(this.o.ttlMs))) as [number, number, number];
      if (!had) {
        // Forgotten (Redis restarted, or this node was taken for dead): write everything again.
        await this.sync();
        this.reload = true;
        rewritten = true;
      }
      if (rewritten) for (const fn of this.rejoined) await fn();
      if (seq < this.appliedSeq || (this.seenSeq > this.appliedSeq && !this.buffered)) this.reload = true;
      if (this.reload) await this.loadMirror();
      this.seenSeq = seq;
      if (this.failing) this.o.log.info('redis answers again: presence is the whole hub’s');
      this.failing = false;
    } catch (e) {
      this.failed(e);
      this.dirty = true;
      this.reload = true;
      // A break waiting for its flip is answered from what this node knows rather than held until Redis is back.
      for (const w of this.waiters.splice(0)) w.resolve();
    }
  }

  private async sync(): Promise<void> {
    this.dirty = false;
    try {
      await SYNC(
        this.o.cmd,
        [],
        this.args(this.o.ttlMs, JSON.stringify([...this.local.device.ids()]), JSON.stringify([...this.local.tech.ids()])),
      );
    } catch (e) {
      this.dirty = true;
      throw e;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    this.stopped = true;
    for (const w of this.waiters.splice(0)) w.resolve();
    await LEAVE(this.o.cmd, [], this.args()).catch((e: unknown) => this.failed(e));
  }
}

export type { PresenceChange };
