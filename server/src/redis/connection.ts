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
    subscriber: (name) => guardShardedSubscriptions(open(name, { enableOfflineQueue: true, maxRetriesPerRequest: null }), opts.log),
    close: async () => {
      for (const c of all) c.disconnect();
      await Promise.resolve();
    },
  };
}

/**
 * The socket.io adapter subscribes to a room's channel when the room is created and unsubscribes
 * when it is deleted, without looking at the result: while Redis is away (or the connection is
 * closing) those calls reject and nobody handles it — an unhandled rejection in the hub. Here a
 * failed SSUBSCRIBE is logged and issued again once the connection is ready (ioredis only
 * re-subscribes the channels Redis had confirmed), unless the room went away meanwhile; a failed
 * SUNSUBSCRIBE is only logged (the next reconnect drops what was not confirmed).
 */
export function guardShardedSubscriptions(client: Redis, log: Logger): Redis {
  const retry = new Set<string>();
  const ssubscribe = client.ssubscribe.bind(client) as (...channels: string[]) => Promise<unknown>;
  const sunsubscribe = client.sunsubscribe.bind(client) as (...channels: string[]) => Promise<unknown>;
  const subscribe = (channels: string[]): Promise<unknown> => {
    for (const ch of channels) retry.delete(ch);
    const p = ssubscribe(...channels);
    p.catch((err: unknown) => {
      for (const ch of channels) retry.add(ch);
      log.debug({ err, channels }, 'redis channel subscription not done yet (again when Redis is back)');
    });
    return p;
  };
  client.on('ready', () => {
    if (retry.size > 0) void subscribe([...retry]);
  });
  Object.assign(client, {
    ssubscribe: (...channels: string[]) => subscribe(channels.flat()),
    sunsubscribe: (...channels: string[]) => {
      const flat = channels.flat();
      for (const ch of flat) retry.delete(ch);
      const p = sunsubscribe(...flat);
      p.catch((err: unknown) => log.debug({ err, channels: flat }, 'redis channel unsubscription not done'));
      return p;
    },
  });
  return client;
}
