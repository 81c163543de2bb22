/**
 * The adapter's room subscriptions while Redis is away: never an unhandled rejection in the hub, and a
 * room subscribed meanwhile is subscribed once Redis is back. A real throwaway redis-server.
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { startRedisServer, type RedisServer } from '../store/redis-server.js';
import { guardShardedSubscriptions } from './connection.js';

const log = createLogger('silent');

describe('room subscriptions of the socket.io adapter', () => {
  let server: RedisServer;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  beforeAll(async () => {
    server = await startRedisServer();
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await server.stop();
  });

  it('a closed connection rejects SSUBSCRIBE / SUNSUBSCRIBE without an unhandled rejection; the room is subscribed when the connection is back', async () => {
    const sub = guardShardedSubscriptions(new Redis(server.url, { maxRetriesPerRequest: null, lazyConnect: true }), log);
    await sub.connect();
    sub.disconnect();
    await once(sub, 'end');
    // As the adapter calls them: the result is never looked at.
    void sub.ssubscribe('room-a#');
    void sub.ssubscribe('room-b#');
    void sub.sunsubscribe('room-b#');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);

    const got = new Promise<string>((resolve) => sub.on('smessage', (_ch: string, msg: string) => resolve(msg)));
    const subscribed = once(sub, 'ready').then(async () => {
      // The retried SSUBSCRIBE is confirmed when Redis lists the channel.
      const pub = new Redis(server.url);
      for (;;) {
        const channels = (await pub.call('PUBSUB', 'SHARDCHANNELS')) as string[];
        if (channels.includes('room-a#')) {
          await pub.spublish('room-a#', 'hello');
          pub.disconnect();
          return;
        }
        await new Promise((r) => setImmediate(r));
      }
    });
    await sub.connect();
    await subscribed;
    expect(await got).toBe('hello');
    sub.disconnect();
    expect(unhandled).toEqual([]);
  });
});
