/**
 * The hub's connections to Redis (VIGIE_REDIS_URL): one for commands (counters, presence scripts,
 * the socket.io adapter's publishes) and subscribers (adapter, presence). None of them ever throws
 * into the hub: errors are logged (at most one line per connection and kind every 30 s),
 * ioredis reconnects with a capped back-off, and a command sent while Redis is away fails at once
 * (no offline queue) so that callers fall back instead of waiting.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';

export interface RedisLink {
  /** Commands: fails fast while disconnected (enableOfflineQueue false) and after commandTimeoutMs. */
  cmd: Redis;
  /** A new subscriber connection (re-subscribes by itself after a reconnect). */
  subscriber(name: string): Redis;
  /** Closes every connection (the hub is stopping). */
  close(): Promise<void>;
}

/** Reconnect delays: 50 ms, 100 ms, … capped at 2 s (a restarted Redis is found again within 2 s). */
export const reconnectDelayMs = (attempt: number): number => Math.min(2000, 50 * 2 ** Math.min(6, attempt - 1));

/** Logs a connection's errors without flooding: the first, then at most one every 30 s (with how many were left out). */
export function watchConnection(client: Redis, name: string, log: Logger): void {
  let lastLogged = 0;
  let skipped = 0;
  let down = false;
  client.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastLogged < 30_000) {
      skipped++;
      return;
    }
    log.error({ err, connection: name, skipped }, 'redis connection error (reconnecting)');
    lastLogged = now;
    skipped = 0;
  });
  client.on('close', () => {
    if (!down && client.status !== 'end') log.warn({ connection: name }, 'redis connection lost');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({ connection: name }, 'redis connection back');
    down = false;
  });
}

export function connectRedis(url: string, opts: { commandTimeoutMs: number; log: Logger }): RedisLink {
  const base: RedisOptions = {
    retryStrategy: reconnectDelayMs,
    // Commands never wait for a Redis that is away: they fail and the caller falls back.
    maxRetriesPerRequest: 0,
    connectionName: 'vigie-hub',
  };
  const all: Redis[] = [];
  const open = (name: string, extra: RedisOptions): Redis => {
    const c = new Redis(url, { ...base, ...extra });
    watchConnection(c, name, opts.log);
    all.push(c);
    return c;
  };
  const cmd = open('commands', { enableOfflineQueue: false, commandTimeout: opts.commandTimeoutMs });
  return {
    cmd,
    // A subscriber queues its SUBSCRIBE until connected, and ioredis subscribes again after each reconnect.
    subscriber: (name) => open(name, { enableOfflineQueue: true, maxRetriesPerRequest: null }),
    close: async () => {
      for (const c of all) c.disconnect();
      await Promise.resolve();
    },
  };
}
