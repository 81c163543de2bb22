/**
 * The hub's counters: token buckets (socket events per device / per technician session, enrollment
 * attempts per client), attempt counters with back-off (logins) and connection slots (sockets per
 * device token). Each is a small port with an in-memory implementation: a hub of several nodes
 * swaps them for shared ones (Redis) without touching the callers, which is why every method is
 * async and every rule travels with the call (the store keeps no configuration).
 */
import type { Clock } from '@vigie/common';
import { isIPv6 } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Token buckets

export interface RateRule {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: how many may be taken at once after a quiet period. */
  burst: number;
}

export interface RateLimiter {
  /** Takes `n` tokens from `key`'s bucket: 0 when taken, else the milliseconds until they could be (nothing is taken then). */
  take(key: string, rule: RateRule, n?: number): Promise<number>;
  /** Forgets a bucket (it is full again). */
  reset(key: string): Promise<void>;
}

interface Bucket {
  tokens: number;
  at: number;
  /** When the bucket will be full again (then it is the same as no bucket). */
  fullAt: number;
}

/** One process's buckets. A bucket that would be full again is the same as no bucket: those are pruned. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    private readonly now: Clock['now'] = Date.now,
    private readonly maxKeys = 200_000,
  ) {}

  take(key: string, rule: RateRule, n = 1): Promise<number> {
    return Promise.resolve(this.takeNow(key, rule, n));
  }

  reset(key: string): Promise<void> {
    this.buckets.delete(key);
    return Promise.resolve();
  }

  /** Buckets held (diagnostics, tests). */
  get size(): number {
    return this.buckets.size;
  }

  private takeNow(key: string, rule: RateRule, n: number): number {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: rule.burst, at: now, fullAt: now };
    b.tokens = Math.min(rule.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * rule.ratePerSecond);
    b.at = now;
    if (!this.buckets.has(key)) {
      if (this.buckets.size >= this.maxKeys) this.prune(now);
      this.buckets.set(key, b);
    }
    const taken = b.tokens >= n;
    if (taken) b.tokens -= n;
    b.fullAt = rule.ratePerSecond > 0 ? now + ((rule.burst - b.tokens) / rule.ratePerSecond) * 1000 : Infinity;
    if (taken) return 0;
    if (rule.ratePerSecond <= 0) return Number.MAX_SAFE_INTEGER;
    return Math.max(1, Math.ceil(((n - b.tokens) / rule.ratePerSecond) * 1000));
  }

  /** Drops the buckets that are full again. */
  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (now >= b.fullAt) this.buckets.delete(k);
    // Still full of live buckets: forget the oldest half rather than grow without bound.
    if (this.buckets.size >= this.maxKeys) {
      let drop = Math.floor(this.buckets.size / 2);
      for (const k of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(k);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Attempts with back-off (logins)

export interface AttemptRule {
  /** Failures allowed before the back-off starts. */
  free: number;
  /** First lock-out once the free failures are used; each further failure doubles it, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures are forgotten after this much quiet (and no lock-out running). */
  forgetAfterMs: number;
  /** Attempts of this key being checked at the same time, at most. */
  maxInFlight: number;
}

export interface AttemptKey {
  key: string;
  rule: AttemptRule;
  /** A success forgets this key's failures (the login's own key); otherwise a success only ends the attempt (a shared IP). */
  resetOnSuccess: boolean;
}

/** An admitted attempt: hand it back to `end` exactly once. */
export interface Attempt {
  readonly keys: readonly AttemptKey[];
}

export type Admission = { ok: true; attempt: Attempt } | { ok: false; reason: 'backoff' | 'busy'; retryAfterMs: number };
export type AttemptOutcome = 'success' | 'failure' | 'void';

/**
 * Counts attempts BEFORE they are checked. `begin` atomically refuses or reserves one attempt on
 * every key: a key in back-off refuses; otherwise a key admits at most `free + 1 - failures`
 * attempts in flight (at least one, at most `maxInFlight`), so a burst of simultaneous attempts
 * gets no more checks than the same attempts made one after the other.
 */
export interface AttemptCounter {
  begin(keys: AttemptKey[]): Promise<Admission>;
  /** `failure` counts a failure on every key; `success` forgets the failures of keys with resetOnSuccess; `void` (nothing was checked) only ends the attempt. */
  end(attempt: Attempt, outcome: AttemptOutcome): Promise<void>;
  /**
   * Forgets a key's failures and lock-out (an administrator cleared it). `clearId` (the clear's
   * row id, ids only grow): a shared counter applies each clear once for all nodes, so a node
   * applying it late never wipes failures counted since.
   */
  clear(key: string, clearId?: number): Promise<void>;
  /** The counts outlive this process and are shared by every node (clears written before it started still apply). */
  readonly shared?: boolean;
}

interface AttemptState {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
  inFlight: number;
}

/** Retry hint while other attempts of the key are still being checked. */
const BUSY_RETRY_MS = 1000;

export function backoffDelayMs(rule: AttemptRule, failures: number): number {
  if (failures <= rule.free) return 0;
  return Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** Math.min(40, failures - rule.free - 1));
}

export class MemoryAttemptCounter implements AttemptCounter {
  private readonly states = new Map<string, AttemptState>();
  private readonly ended = new WeakSet<Attempt>();
  constructor(
    private readonly now: Clock['now'] = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  begin(keys: AttemptKey[]): Promise<Admission> {
    const now = this.now();
    for (const { key, rule } of keys) {
      const s = this.live(key, rule, now);
      if (!s) continue;
      if (now < s.lockedUntil) return Promise.resolve({ ok: false, reason: 'backoff', retryAfterMs: s.lockedUntil - now });
      const budget = Math.max(1, rule.free + 1 - s.failures);
      if (s.inFlight >= Math.min(budget, rule.maxInFlight)) {
        const reason = s.inFlight >= budget ? 'backoff' : 'busy';
        return Promise.resolve({
          ok: false,
          reason,
          retryAfterMs: Math.max(BUSY_RETRY_MS, reason === 'backoff' ? backoffDelayMs(rule, s.failures + 1) : 0),
        });
      }
    }
    for (const { key } of keys) {
      let s = this.states.get(key);
      if (!s) {
        if (this.states.size >= this.maxKeys) this.prune(now, keys[0]!.rule);
        s = { failures: 0, lockedUntil: 0, lastFailure: now, inFlight: 0 };
        this.states.set(key, s);
      }
      s.inFlight++;
    }
    return Promise.resolve({ ok: true, attempt: { keys } });
  }

  end(attempt: Attempt, outcome: AttemptOutcome): Promise<void> {
    if (this.ended.has(attempt)) return Promise.resolve();
    this.ended.add(attempt);
    const now = this.now();
    for (const { key, rule, resetOnSuccess } of attempt.keys) {
      const s = this.states.get(key) ?? { failures: 0, lockedUntil: 0, lastFailure: now, inFlight: 1 };
      s.inFlight = Math.max(0, s.inFlight - 1);
      if (outcome === 'failure') {
        s.failures++;
        s.lastFailure = now;
        const delay = backoffDelayMs(rule, s.failures);
        if (delay > 0) s.lockedUntil = Math.max(s.lockedUntil, now + delay);
      } else if (outcome === 'success' && resetOnSuccess) {
        s.failures = 0;
        s.lockedUntil = 0;
      }
      if (s.inFlight === 0 && s.failures === 0) this.states.delete(key);
      else this.states.set(key, s);
    }
    return Promise.resolve();
  }

  clear(key: string): Promise<void> {
    const s = this.states.get(key);
    if (s && s.inFlight > 0) Object.assign(s, { failures: 0, lockedUntil: 0 });
    else this.states.delete(key);
    return Promise.resolve();
  }

  /** The key's state, or undefined once its failures are forgotten. */
  private live(key: string, rule: AttemptRule, now: number): AttemptState | undefined {
    const s = this.states.get(key);
    if (s && s.inFlight === 0 && now >= s.lockedUntil && now - s.lastFailure > rule.forgetAfterMs) {
      this.states.delete(key);
      return undefined;
    }
    return s;
  }

  private prune(now: number, rule: AttemptRule): void {
    for (const k of [...this.states.keys()]) this.live(k, rule, now);
  }
}

// ---------------------------------------------------------------------------------------------
// Connection slots (sockets per device token)

export interface SlotCounter {
  /** Reserves one of `max` slots of `key`: a release function (idempotent), or null when all are taken. */
  acquire(key: string, max: number): Promise<(() => void) | null>;
}

export class MemorySlotCounter implements SlotCounter {
  private readonly used = new Map<string, number>();
  acquire(key: string, max: number): Promise<(() => void) | null> {
    const n = this.used.get(key) ?? 0;
    if (n >= max) return Promise.resolve(null);
    this.used.set(key, n + 1);
    let released = false;
    return Promise.resolve(() => {
      if (released) return;
      released = true;
      const left = (this.used.get(key) ?? 1) - 1;
      if (left > 0) this.used.set(key, left);
      else this.used.delete(key);
    });
  }
  /** Slots in use for `key` (tests, diagnostics). */
  inUse(key: string): number {
    return this.used.get(key) ?? 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Client keys

/**
 * The key a client IP is counted under: an IPv4 address as is (IPv4-mapped IPv6 included, dotted
 * or hex), an IPv6 address by its /64 (one subscriber gets a whole /64: counting single addresses
 * would give it 2^64 fresh counters). A port some proxies write after the address
 * (`203.0.113.7:51234`, `[2001:db8::1]:51234`) is not part of the client: a new connection's port
 * must not be a fresh counter.
 */
export function clientKey(ip: string | null | undefined): string {
  if (!ip) return 'ip:unknown';
  let a = ip.trim().toLowerCase();
  const bracketed = /^\[([^\]]*)\](?::\d{1,5})?$/.exec(a);
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (v4WithPort) a = v4WithPort[1]!;
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return `ip:${mapped[1]}`;
  if (!isIPv6(a)) return `ip:${a}`;
  const groups = expandIPv6(a);
  const n = groups.map((g) => parseInt(g, 16));
  if (n.slice(0, 5).every((g) => g === 0) && n[5] === 0xffff) return `ip:${n[6]! >> 8}.${n[6]! & 255}.${n[7]! >> 8}.${n[7]! & 255}`;
  return `ip6:${groups.slice(0, 4).join(':')}::/64`;
}

function expandIPv6(a: string): string[] {
  const [head = '', tail] = a.split('::') as [string, string | undefined];
  const part = (s: string): string[] => {
    if (!s) return [];
    const out: string[] = [];
    for (const g of s.split(':')) {
      if (g.includes('.')) {
        const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = g.split('.').map(Number);
        out.push(((b0 << 8) | b1).toString(16), ((b2 << 8) | b3).toString(16));
      } else out.push(g);
    }
    return out;
  };
  const h = part(head);
  const t = tail === undefined ? [] : part(tail);
  const fill = tail === undefined ? [] : Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0');
  return [...h, ...fill, ...t].map((g) => (parseInt(g, 16) || 0).toString(16));
}
