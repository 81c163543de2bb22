/**
 * The update feed wired into the real hub (createHub): device reports over the /device socket,
 * version counts, the feed and admin API behind the hub's session cookie, the hub CLI publishing
 * into a running hub's data folder, and the header limit the updater's multi-range requests need.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpdateReport } from '@vigie/common';
import { createHub, type Hub } from '../app.js';
import { connectDevice, emitAck, enrollDevice, loginTechnician, type Socket } from '../test-support/sockets.js';
import { testStoreEnv, testStoreOptions } from '../test-support/store.js';
import { fakeInstaller, makeBuild } from './test-support/index.js';
import { runHubCli } from '../test-support/fixture.js';

const PASSWORD = 'correct horse battery staple';

let dir: string;
let hub: Hub;
let code: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-hub-updates-'));
  hub = await createHub({
    dataDir: join(dir, 'hub'),
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    env: {},
    ...(await testStoreOptions(join(dir, 'hub'))),
  });
  code = (await hub.admin.createPractice({ name: 'Cabinet des Tilleuls' })).enrollmentCode;
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

async function device(name: string, appVersion: string, os: 'windows' | 'macos' = 'windows') {
  const d = await enrollDevice(hub.url, code, { name, os, osVersion: '11', appVersion });
  const socket = await connectDevice(hub.url, d.token);
  sockets.push(socket);
  return { ...d, socket };
}

const report = (over: Partial<UpdateReport> = {}): UpdateReport => ({
  outcome: 'installed',
  currentVersion: '1.1.0',
  targetVersion: '1.1.0',
  channel: 'stable',
  at: new Date().toISOString(),
  ...over,
});

/** Runs the hub CLI against the running hub's data folder; returns exit code and output. */
const cli = async (args: string[]) => runHubCli(join(dir, 'hub'), args, { env: await testStoreEnv(join(dir, 'hub')), password: '' });

async function technicianCookie(login: string, role: 'technician' | 'admin') {
  const t = await hub.admin.addTechnician({ login, displayName: login, password: PASSWORD, role });
  return loginTechnician(hub.url, login, PASSWORD, t.totpSecret);
}

describe('update feed in the hub', () => {
  it('validates update:report, stores it, and counts devices per reported version', async () => {
    const a = await device('Accueil', '1.0.0');
    const b = await device('Cabinet 1', '1.0.0');
    const c = await device('Mac du secrétariat', '1.0.0', 'macos');

    // Outside the contract: refused with BAD_REQUEST, nothing stored.
    for (const bad of [
      {},
      { ...report(), outcome: 'exploded' },
      { ...report(), channel: 'beta' },
      { ...report(), extra: 1 },
      { ...report(), message: 'x'.repeat(501) },
    ]) {
      const r = await emitAck(a.socket, 'update:report', bad);
      expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect((await hub.updates.overview()).reports).toEqual([]);

    // device:report carries the version the app runs (sent by the app on every connection).
    expect(await emitAck(a.socket, 'device:report', { appVersion: '1.1.0' })).toEqual({ ok: true, data: {} });
    // An update report carries it too: the version the device runs now.
    const installed = report({ currentVersion: '1.1.0', targetVersion: '1.1.0' });
    expect(await emitAck(b.socket, 'update:report', installed)).toEqual({ ok: true, data: {} });
    const failed = report({
      outcome: 'rejected',
      currentVersion: '1.0.0',
      targetVersion: '1.1.0',
      reason: 'signature',
      attempt: 1,
      retryAt: new Date(Date.now() + 1_800_000).toISOString(),
    });
    expect(await emitAck(c.socket, 'update:report', failed)).toEqual({ ok: true, data: {} });

    const o = await hub.updates.overview();
    expect(o.reports).toHaveLength(2);
    expect(o.reports.find((r) => r.deviceId === b.deviceId)).toMatchObject({ ...installed, deviceId: b.deviceId });
    expect(o.reports.find((r) => r.deviceId === c.deviceId)).toMatchObject({ outcome: 'rejected', reason: 'signature', attempt: 1 });
    expect(o.versions).toEqual([
      { appVersion: '1.1.0', os: 'windows', devices: 2 },
      { appVersion: '1.0.0', os: 'macos', devices: 1 },
    ]);

    // A revoked device is no longer counted.
    await hub.admin.revokeDevice(a.deviceId);
    expect((await hub.updates.versionCounts()).find((v) => v.appVersion === '1.1.0')).toEqual({
      appVersion: '1.1.0',
      os: 'windows',
      devices: 1,
    });
  });

  it('publishes from the hub CLI into the running hub: the feed is served, the admin API is admin-only', async () => {
    const out = join(dir, 'build-2.0.0');
    await makeBuild(out, 'win', '2.0.0', [{ name: 'Vigie-Setup-2.0.0.exe', content: fakeInstaller(120_000) }]);
    const published = await cli(['updates', 'publish', '--platform', 'win', '--channel', 'pilot', '--percent', '20', '--dir', out]);
    expect(published).toMatchObject({ rc: 0, err: '' });
    expect(published.out).toContain('Publié : 2.0.0 (win) sur le canal pilot à 20 %');

    const feed = await fetch(`${hub.url}/updates/pilot/pilot.yml`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('cache-control')).toBe('no-cache');
    expect(load(await feed.text())).toMatchObject({ version: '2.0.0', path: 'Vigie-Setup-2.0.0.exe', stagingPercentage: 20 });
    expect((await fetch(`${hub.url}/updates/stable/latest.yml`)).status).toBe(404);

    // The console's admin API: no session → 401, a technician → 403, an admin → the overview.
    const anonymous = await fetch(`${hub.url}/api/updates/overview`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const techCookie = await technicianCookie('julie', 'technician');
    const forbidden = await fetch(`${hub.url}/api/updates/overview`, { headers: { cookie: techCookie } });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const techRollout = await fetch(`${hub.url}/api/updates/rollout`, {
      method: 'POST',
      headers: { cookie: techCookie, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'pilot', platform: 'win', stagingPercentage: 100 }),
    });
    expect(techRollout.status).toBe(403);

    const adminCookie = await technicianCookie('admin', 'admin');
    const overview = await fetch(`${hub.url}/api/updates/overview`, { headers: { cookie: adminCookie } });
    expect(overview.status).toBe(200);
    const body = (await overview.json()) as { ok: true; data: { channels: unknown[]; releases: unknown[] } };
    expect(body.data.channels).toEqual([
      expect.objectContaining({ channel: 'pilot', platform: 'win', version: '2.0.0', stagingPercentage: 20, halted: false }),
    ]);
    const raised = await fetch(`${hub.url}/api/updates/rollout`, {
      method: 'POST',
      headers: { cookie: adminCookie, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'pilot', platform: 'win', stagingPercentage: 50 }),
    });
    expect(raised.status).toBe(200);
    expect(load(await (await fetch(`${hub.url}/updates/pilot/pilot.yml`)).text())).toMatchObject({
      version: '2.0.0',
      stagingPercentage: 50,
    });

    // The CLI sees what the console did, and halts it.
    expect((await cli(['updates', 'list'])).out).toMatch(/pilot\s+win\s+2\.0\.0\s+50 %/);
    expect(await cli(['updates', 'halt', '--channel', 'pilot'])).toMatchObject({ rc: 0 });
    expect(load(await (await fetch(`${hub.url}/updates/pilot/pilot.yml`)).text())).toMatchObject({ stagingPercentage: 0 });

    // Every change is in the hub's audit chain, which still verifies.
    const audit = await hub.services.db
      .selectFrom('audit_log')
      .select(['action', 'actor_type'])
      .where('action', 'like', 'updates.%')
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { action: 'updates.publish', actor_type: 'cli' },
      { action: 'updates.rollout', actor_type: 'technician' },
      { action: 'updates.halt', actor_type: 'cli' },
    ]);
    expect(await hub.admin.verifyAudit()).toMatchObject({ ok: true });
  });

  it('accepts request headers beyond 16 KiB (many byte ranges of a differential download)', async () => {
    // 100 ranges: their part headers stay below the file's size (more would get the whole file instead).
    const ranges = Array.from({ length: 100 }, (_, i) => `${i * 1000}-${i * 1000 + 9}`);
    const range = `bytes=${ranges.join(',')}`;
    const pad = 'x'.repeat(20 * 1024 - range.length); // headers well over Node's 16 KiB default
    expect(range.length + pad.length).toBeGreaterThan(16 * 1024);
    const res = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = request(`${hub.url}/updates/pilot/Vigie-Setup-2.0.0.exe`, { headers: { range, 'x-padding': pad } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () =>
          resolve({ status: r.statusCode ?? 0, type: String(r.headers['content-type']), body: Buffer.concat(chunks).toString('latin1') }),
        );
        r.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(206);
    expect(res.type).toMatch(/^multipart\/byteranges; boundary=/);
    expect(res.body.match(/Content-Range: bytes \d+-\d+\/120000/g)).toHaveLength(100);
  });
});
