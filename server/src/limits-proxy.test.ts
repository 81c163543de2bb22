// Proxy trust: which X-Forwarded-For the hub believes for its counters and its audit, and how it counts an IPv6 client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { clientKey } from './limits.js';
import { startTestHub } from './test-support/fixture.js';
import { auditRows, enroll, login } from './test-support/limits.js';

describe('proxy trust', () => {
  it('trustProxy takes the proxies’ addresses or a hop count, never “trust everyone”', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-proxy-cfg-'));
    try {
      const cfg = (overrides: Record<string, unknown>) => loadConfig({ dataDir: join(dir, 'data'), env: {}, overrides });
      expect(cfg({}).trustProxy).toBe(false);
      expect(() => cfg({ trustProxy: true })).toThrow(ConfigError);
      expect(() => cfg({ trustProxy: true })).toThrow(/trustProxy/);
      expect(() => cfg({ trustProxy: 'yes' })).toThrow(ConfigError);
      expect(() => cfg({ trustProxy: [] })).toThrow(ConfigError);
      expect(() => cfg({ trustProxy: ['not an address'] })).toThrow(ConfigError);
      expect(() => cfg({ trustProxy: 0 })).toThrow(ConfigError);
      expect(cfg({ trustProxy: ['10.0.0.2', '192.168.0.0/16', '::1', 'fd00::/8', 'loopback'] }).trustProxy).toHaveLength(5);
      expect(cfg({ trustProxy: 1 }).trustProxy).toBe(1);
      expect(cfg({ trustProxy: '10.0.0.2, 10.0.0.3' }).trustProxy).toEqual(['10.0.0.2', '10.0.0.3']);
      expect(loadConfig({ dataDir: join(dir, 'data'), env: { VIGIE_TRUST_PROXY: '2' } }).trustProxy).toBe(2);
      expect(loadConfig({ dataDir: join(dir, 'data'), env: { VIGIE_TRUST_PROXY: '192.168.1.10' } }).trustProxy).toEqual(['192.168.1.10']);
      expect(() => loadConfig({ dataDir: join(dir, 'data'), env: { VIGIE_TRUST_PROXY: 'true' } })).toThrow(ConfigError);
      // A hop count trusts whoever is nearest: only when nothing but the proxy can reach the hub.
      expect(() => cfg({ trustProxy: 1, host: '0.0.0.0' })).toThrow(/loopback/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const proxies: Array<[string, string[] | number]> = [
    ['the proxy’s address', ['127.0.0.1']],
    ['a hop count', 1],
  ];
  for (const [label, trustProxy] of proxies) {
    it(`behind a proxy given by ${label}, a rotating X-Forwarded-For neither resets the client’s counters nor forges the audited IP`, async () => {
      const t = await startTestHub({
        trustProxy,
        login: { freeAttemptsPerLogin: 100, freeAttemptsPerIp: 2, baseDelayMs: 60_000 },
        enroll: { failuresPerMinutePerIp: 2 },
      });
      try {
        // The proxy (this test, on loopback) appends the real client address to what the client sent.
        const via = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}, 10.${i}.0.1, 203.0.113.7` });
        const logins: string[] = [];
        for (let i = 0; i < 4; i++) logins.push((await login(t, { login: `u${i}`, password: 'x', totp: '000000' }, via(i))).code);
        expect(logins).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOCKED_OUT']);
        const failed = await auditRows(t, 'auth.login_failed');
        expect(failed.map((r) => r.data.ip)).toEqual(['203.0.113.7', '203.0.113.7', '203.0.113.7']);

        const enrolls: string[] = [];
        for (let i = 0; i < 4; i++) enrolls.push((await enroll(t, 'ZZZZ-ZZZZ', via(i))).code);
        expect(enrolls).toEqual(['INVALID_CODE', 'INVALID_CODE', 'RATE_LIMITED', 'RATE_LIMITED']);
        expect((await auditRows(t, 'device.enroll_failed')).map((r) => r.data.ip)).toEqual(['203.0.113.7', '203.0.113.7']);

        // Another client behind the same proxy has its own counters.
        expect((await login(t, { login: 'u9', password: 'x', totp: '000000' }, { 'x-forwarded-for': '203.0.113.8' })).code).toBe(
          'INVALID_CREDENTIALS',
        );
      } finally {
        await t.close();
      }
    });
  }

  it('a proxy that writes the client’s port too: a new port is not a new client (counters), nor is a hex IPv4-mapped address', async () => {
    expect(clientKey('203.0.113.7:51234')).toBe(clientKey('203.0.113.7'));
    expect(clientKey('[2001:db8:1:2::1]:51234')).toBe(clientKey('2001:db8:1:2::9'));
    expect(clientKey('[::ffff:192.0.2.1]:443')).toBe(clientKey('192.0.2.1'));
    expect(clientKey('::ffff:c000:201')).toBe(clientKey('192.0.2.1'));
    expect(clientKey('::ffff:c000:202')).not.toBe(clientKey('192.0.2.1'));
    const t = await startTestHub({
      trustProxy: ['127.0.0.1'],
      login: { freeAttemptsPerLogin: 100, freeAttemptsPerIp: 2, baseDelayMs: 60_000 },
      enroll: { failuresPerMinutePerIp: 2 },
    });
    try {
      const via = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7:${40_000 + i}` });
      const logins: string[] = [];
      for (let i = 0; i < 4; i++) logins.push((await login(t, { login: `p${i}`, password: 'x', totp: '000000' }, via(i))).code);
      expect(logins).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOCKED_OUT']);
      const enrolls: string[] = [];
      for (let i = 0; i < 4; i++) enrolls.push((await enroll(t, 'ZZZZ-ZZZZ', via(i))).code);
      expect(enrolls).toEqual(['INVALID_CODE', 'INVALID_CODE', 'RATE_LIMITED', 'RATE_LIMITED']);
    } finally {
      await t.close();
    }
  });

  it('without trustProxy, X-Forwarded-For is ignored: counters and audit use the peer address', async () => {
    const t = await startTestHub({ login: { freeAttemptsPerLogin: 100, freeAttemptsPerIp: 2, baseDelayMs: 60_000 } });
    try {
      const logins: string[] = [];
      for (let i = 0; i < 4; i++)
        logins.push((await login(t, { login: `v${i}`, password: 'x', totp: '000000' }, { 'x-forwarded-for': `198.51.100.${i}` })).code);
      expect(logins).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOCKED_OUT']);
      expect((await auditRows(t, 'auth.login_failed')).map((r) => r.data.ip)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    } finally {
      await t.close();
    }
  });

  it('counts an IPv6 client by its /64: rotating the low bits buys no fresh counter', async () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:bbbb:cccc:dddd:2'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::ffff:192.0.2.1')).toBe(clientKey('192.0.2.1'));
    expect(clientKey('192.0.2.1')).not.toBe(clientKey('192.0.2.2'));
    const t = await startTestHub({
      trustProxy: ['loopback'],
      login: { freeAttemptsPerLogin: 100, freeAttemptsPerIp: 2, baseDelayMs: 60_000 },
    });
    try {
      const logins: string[] = [];
      for (let i = 0; i < 4; i++)
        logins.push(
          (await login(t, { login: `w${i}`, password: 'x', totp: '000000' }, { 'x-forwarded-for': `2001:db8:5:6:${i + 1}::${i + 7}` }))
            .code,
        );
      expect(logins).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOCKED_OUT']);
    } finally {
      await t.close();
    }
  });
});
