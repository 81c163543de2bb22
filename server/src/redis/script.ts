import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type LuaScript = (client: Redis, keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/** A Lua script run by its SHA (EVALSHA), loaded again after a Redis restart forgot it (NOSCRIPT). */
export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (client, keys, args) => {
    try {
      return await client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return client.eval(source, keys.length, ...keys, ...args);
    }
  };
}

/** Lua: the server's clock in milliseconds (one clock for every node). */
export const LUA_NOW = "local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";
