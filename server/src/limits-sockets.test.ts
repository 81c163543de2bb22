// Socket rate limits per device and per technician session, the cap on sockets per device token, and bounded in-memory stores.
import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from './limits.js';
import { code, newDevice, newTech, startTestHub, type TestHub } from './test-support/fixture.js';
import { count } from './test-support/limits.js';
import { connectDevice, connectTech, emitAck, type Socket } from './test-support/sockets.js';

/** Resolves once the hub has processed the disconnect of this client socket (its own listeners ran first). */
function serverDisconnected(t: TestHub, client: Socket): Promise<void> {
  const server = t.hub.realtime.devNs.sockets.get(client.id!);
  if (!server) throw new Error('no such socket on the hub');
  return new Promise((resolve) => server.once('disconnect', () => resolve()));
}

describe('socket rate limits per device and per technician session', () => {
  it('every socket of one device draws from the same bucket; another device has its own', async () => {
    const t = await startTestHub({ socket: { ratePerSecond: 0.001, burst: 10, floodDisconnectAfter: 1000 } });
    try {
      const d = await newDevice(t);
      const more = [await connectDevice(t.hub.url, d.token), await connectDevice(t.hub.url, d.token)];
      const results = await Promise.all([d.socket, ...more].flatMap((s) => Array.from({ length: 10 }, () => emitAck(s, 'device:hello'))));
      expect(count(results.map(code))).toEqual({ OK: 10, RATE_LIMITED: 20 });
      const other = await newDevice(t);
      expect(code(await emitAck(other.socket, 'device:hello'))).toBe('OK');
      for (const s of [d.socket, ...more, other.socket]) s.close();
    } finally {
      await t.close();
    }
  });

  it('every socket of one technician session draws from the same bucket', async () => {
    const t = await startTestHub({ socket: { ratePerSecond: 0.001, burst: 10, floodDisconnectAfter: 1000 } });
    try {
      const tech = await newTech(t);
      const second = await connectTech(t.hub.url, tech.cookie);
      const results = await Promise.all([tech.socket, second].flatMap((s) => Array.from({ length: 10 }, () => emitAck(s, 'queue:list'))));
      expect(count(results.map(code))).toEqual({ OK: 10, RATE_LIMITED: 10 });
      tech.socket.close();
      second.close();
    } finally {
      await t.close();
    }
  });

  it('defaults: a console resyncing 40 conversations at once (120 events) is served; a flood of thousands is cut', async () => {
    const t = await startTestHub();
    try {
      const tech = await newTech(t);
      const events = ['queue:list', 'help:mine', 'devices:list'];
      const burst = await Promise.all(Array.from({ length: 40 }, () => events.map((e) => emitAck(tech.socket, e))).flat());
      expect(count(burst.map(code))).toEqual({ OK: 120 });
      expect(tech.socket.connected).toBe(true);

      const d = await newDevice(t);
      const closed = new Promise((r) => d.socket.once('disconnect', r));
      for (let i = 0; i < 3000; i++) d.socket.emit('inonder', i, () => undefined);
      await closed;
      // The flooding device alone: the console is still served.
      expect(code(await emitAck(tech.socket, 'queue:list'))).toBe('OK');
      tech.socket.close();
    } finally {
      await t.close();
    }
  });

  it('caps the sockets open with one device token; a slot frees when a socket goes', async () => {
    const t = await startTestHub({ socket: { maxSocketsPerDevice: 2 } });
    try {
      const d = await newDevice(t);
      const second = await connectDevice(t.hub.url, d.token);
      await expect(connectDevice(t.hub.url, d.token)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
      // Another device is not affected.
      const other = await newDevice(t);
      const gone = serverDisconnected(t, second);
      second.close();
      await gone;
      const third = await connectDevice(t.hub.url, d.token);
      expect(code(await emitAck(third, 'device:hello'))).toBe('OK');
      for (const s of [d.socket, third, other.socket]) s.close();
    } finally {
      await t.close();
    }
  });

  it('a connection that closes while its token is checked gives its slot back (no lock-out of the device)', async () => {
    const t = await startTestHub({ socket: { maxSocketsPerDevice: 2 } });
    try {
      const d = await newDevice(t);
      const gone = serverDisconnected(t, d.socket);
      d.socket.close();
      await gone;
      // One HTTP long-polling request carrying the namespace CONNECT (with the device token) and
      // the close of the connection: engine.io handles both before the token check answers.
      const base = `${t.hub.url}/socket.io/?EIO=4&transport=polling`;
      for (let i = 0; i < 4; i++) {
        const open = await (await fetch(base)).text();
        const { sid } = JSON.parse(open.slice(1)) as { sid: string };
        const res = await fetch(`${base}&sid=${sid}`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
          body: `40/device,${JSON.stringify({ token: d.token })}\x1e1`,
        });
        expect(res.status).toBe(200);
      }
      // Both slots are still free for the device itself.
      const a = await connectDevice(t.hub.url, d.token);
      const b = await connectDevice(t.hub.url, d.token);
      expect(count(await Promise.all([a, b].map(async (s) => code(await emitAck(s, 'device:hello')))))).toEqual({ OK: 2 });
      a.close();
      b.close();
    } finally {
      await t.close();
    }
  });
});

describe('in-memory stores stay bounded', () => {
  it('a rate limiter forgets full buckets first and never holds more than its key budget', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(() => now, 4);
    const rule = { ratePerSecond: 1, burst: 2 };
    expect(await limiter.take('drained', rule, 2)).toBe(0);
    expect(await limiter.take('drained', rule)).toBe(1000);
    for (const k of ['a', 'b', 'c']) expect(await limiter.take(k, rule)).toBe(0);
    now = 1500; // a, b, c are full again (one token back after 1 s); 'drained' is not
    expect(await limiter.take('fresh', rule)).toBe(0);
    // 'drained' kept its state: still short of two tokens.
    expect(await limiter.take('drained', rule, 2)).toBe(500);
    for (let i = 0; i < 50; i++) await limiter.take(`rotating-${i}`, rule, 2);
    expect(limiter.size).toBeLessThanOrEqual(4);
  });
});
