/**
 * The updater end to end, minus Electron: Vigie's UpdateService (policy, controllable clock) drives
 * electron-updater's real Windows updater (NsisUpdater: generic provider, sha512-verified
 * download, signature step) against the hub's real update feed on loopback (SQLite, artifacts on
 * disk, HTTP routes). Only the OS tools are stand-ins: Authenticode verification and the NSIS
 * installer run (recorded).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsultationHours, type ConsultationHours as Hours, type UpdateReport } from '@vigie/common';
import { openDb, type Db } from '../../server/src/store/db.js';
import {
  createUpdatesService,
  migrateUpdates,
  readBuildOutput,
  registerUpdateRoutes,
  type UpdatesService,
} from '../../server/src/updates/index.js';
import { fakeInstaller, makeBuild } from '../../server/src/updates/test-support/index.js';
import { ManualClock } from '@vigie/common/test-support/clock';
import { createElectronUpdaterEngine, feedUrlFor } from '../../main/services/updates/electron-updater-engine.js';
import type { ActivitySnapshot } from '../../main/services/updates/policy.js';
import { UpdateService } from '../../main/services/updates/service.js';
import { memoryUpdateStateStore } from '../../main/services/updates/state.js';
import { createLogger } from '../../main/services/lib/logger.js';
import { createNodeNsisUpdater, type InstallCall } from '../../main/services/updates/test-support/nsis-updater.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Tuesday 3 March 2026, 21:00 in Paris: after hours. */
const TUESDAY_EVENING = Date.parse('2026-03-03T20:00:00Z');
/** Tuesday 3 March 2026, 10:00 in Paris: consultation. */
const TUESDAY_MORNING = Date.parse('2026-03-03T09:00:00Z');
const HOURS = ConsultationHours.parse({
  week: {
    mon: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '19:00' },
    ],
    tue: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '19:00' },
    ],
    wed: [{ start: '08:30', end: '12:00' }],
    thu: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '19:00' },
    ],
    fri: [
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '19:00' },
    ],
  },
});

let dir: string;
let db: Db;
let feed: UpdatesService;
let app: FastifyInstance;
let hubUrl: string;
let feedRequests: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-e2e-updates-'));
  db = await openDb(join(dir, 'hub', 'hub.db'));
  await migrateUpdates(db);
  feed = createUpdatesService({ db, dataDir: join(dir, 'hub') });
  app = Fastify();
  feedRequests = [];
  app.addHook('onRequest', async (req) => {
    if (req.url.includes('.yml')) feedRequests.push(req.url.split('?')[0]!);
  });
  registerUpdateRoutes(app, { updates: feed });
  hubUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterEach(async () => {
  await app.close();
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

const CLI = { type: 'cli', id: 'e2e' } as const;

async function publishWin(version: string, channel: 'stable' | 'pilot' = 'stable', stagingPercentage = 100) {
  const out = join(dir, `build-${version}`);
  await makeBuild(out, 'win', version, [{ name: `Vigie-Setup-${version}.exe`, content: fakeInstaller(150_000) }]);
  await feed.publish({ platform: 'win', channel, stagingPercentage, ...(await readBuildOutput([out], 'win')) }, CLI);
  return join(dir, 'hub', 'updates', 'artifacts', `Vigie-Setup-${version}.exe`);
}

interface Device {
  service: UpdateService;
  clock: ManualClock;
  installs: InstallCall[];
  reports: UpdateReport[];
  activity: ActivitySnapshot;
  machine: { idleSeconds: number };
  practice: { hours: Hours | null };
  reporter: { online: boolean };
  store: ReturnType<typeof memoryUpdateStateStore>;
  /** Moves time forward, letting every timer that falls due run its (real, networked) work. */
  run(ms: number): Promise<void>;
}

async function device(opts: {
  version: string;
  at: number;
  channel?: 'stable' | 'pilot';
  verifySignature?: (publishers: string[], file: string) => Promise<string | null>;
  store?: ReturnType<typeof memoryUpdateStateStore>;
  name?: string;
}): Promise<Device> {
  const channel = opts.channel ?? 'stable';
  const nsis = await createNodeNsisUpdater({
    dir: join(dir, opts.name ?? `device-${opts.version}`),
    version: opts.version,
    ...(opts.verifySignature ? { verifySignature: opts.verifySignature } : {}),
  });
  const engine = createElectronUpdaterEngine(nsis.updater, { feedUrl: feedUrlFor(hubUrl, channel), channel });
  const clock = new ManualClock(opts.at);
  const reports: UpdateReport[] = [];
  const activity: ActivitySnapshot = { remoteSession: false, restoreRunning: false, backupRunning: false, lastAppUseAt: null };
  const machine = { idleSeconds: 3600 };
  const practice = { hours: HOURS as Hours | null };
  const reporter = { online: true };
  const store = opts.store ?? memoryUpdateStateStore();
  const service = new UpdateService({
    engine,
    currentVersion: opts.version,
    channel,
    clock,
    idle: { systemIdleSeconds: () => machine.idleSeconds },
    activity: { snapshot: () => ({ ...activity }) },
    consultationHours: { get: () => practice.hours },
    reporter: {
      report: async (r) => {
        if (!reporter.online) throw new Error('hub unreachable');
        await feed.recordReport('device-1', r); // the hub parses and stores it (real SQLite)
        reports.push(r);
      },
    },
    store,
    random: () => 1,
    ...(process.env.VIGIE_DEBUG ? { logger: createLogger({ level: 'debug' }) } : {}),
  });
  const run = async (ms: number) => {
    const target = clock.now() + ms;
    for (;;) {
      await service.whenIdle();
      const next = clock.nextAt();
      if (next === null || next > target) break;
      await clock.settleTo(next);
    }
    await clock.settleTo(target);
    await service.whenIdle();
  };
  return { service, clock, installs: nsis.installs, reports, activity, machine, practice, reporter, store, run };
}

const outcomes = (d: Device) => d.reports.map((r) => (r.reason ? `${r.outcome}:${r.reason}` : r.outcome));

describe('silent update', () => {
  it('checks at start, downloads, installs silently in a quiet evening, and reports "installed" after the restart', async () => {
    await publishWin('1.3.0');
    const d = await device({ version: '1.2.0', at: TUESDAY_EVENING });
    await d.service.start();
    await d.run(0);

    expect(d.installs).toEqual([{ isSilent: true, isForceRunAfter: true }]);
    expect(outcomes(d)).toEqual(['available', 'downloaded', 'installing']);
    expect(d.store.current?.installing).toMatchObject({ from: '1.2.0', to: '1.3.0' });
    d.service.stop();

    // The installer replaced the app; the new version starts with the same state.
    const after = await device({ version: '1.3.0', at: TUESDAY_EVENING + 2 * MIN, store: d.store, name: 'device-restarted' });
    await after.service.start();
    await after.run(0);
    expect(outcomes(after)).toEqual(['installed']);
    expect(after.installs).toEqual([]);
    const [last] = await feed.recentReports(1);
    expect(last).toMatchObject({
      deviceId: 'device-1',
      outcome: 'installed',
      currentVersion: '1.3.0',
      targetVersion: '1.3.0',
      channel: 'stable',
    });
    after.service.stop();
  });

  it('checks again every 4 hours', async () => {
    await publishWin('1.2.0');
    const d = await device({ version: '1.2.0', at: TUESDAY_EVENING });
    await d.service.start();
    await d.run(0);
    expect(feedRequests).toEqual(['/updates/stable/latest.yml']);
    await d.run(4 * HOUR - 1);
    expect(feedRequests).toHaveLength(1);
    await d.run(1);
    expect(feedRequests).toHaveLength(2);
    expect(d.service.status().nextCheckAt).toBe(d.clock.now() + 4 * HOUR);

    await publishWin('1.3.0');
    await d.run(4 * HOUR);
    expect(d.installs).toHaveLength(1);
    d.service.stop();
  });

  it('never downgrades, even when the feed offers an older version', async () => {
    await publishWin('1.3.0');
    const d = await device({ version: '1.4.0', at: TUESDAY_EVENING });
    await d.service.start();
    await d.run(8 * HOUR);
    expect(d.installs).toEqual([]);
    expect(d.reports).toEqual([]);
    expect(d.service.status().pendingVersion).toBeNull();
    d.service.stop();
  });
});

describe('waits for the right moment', () => {
  it('not during consultation hours, a remote session, a restore, a backup or while the practitioner works', async () => {
    await publishWin('1.3.0');
    const d = await device({ version: '1.2.0', at: TUESDAY_MORNING });
    d.activity.remoteSession = true;
    await d.service.start();
    await d.run(0);
    expect(d.service.status()).toMatchObject({ pendingVersion: '1.3.0', waitingFor: 'remote-session' });

    d.activity.remoteSession = false;
    d.activity.restoreRunning = true;
    await d.run(5 * MIN);
    expect(d.service.status().waitingFor).toBe('restore');
    d.activity.restoreRunning = false;
    d.activity.backupRunning = true;
    await d.run(5 * MIN);
    expect(d.service.status().waitingFor).toBe('backup');
    d.activity.backupRunning = false;
    await d.run(5 * MIN);
    expect(d.service.status().waitingFor).toBe('consultation-hours');

    // Lunch (12:00–14:00 minus the 15-minute margin): but the practitioner is at the keyboard.
    d.machine.idleSeconds = 20;
    await d.run(Date.parse('2026-03-03T11:30:00Z') - d.clock.now()); // → 12:30 in Paris
    expect(d.service.status().waitingFor).toBe('machine-in-use');
    d.machine.idleSeconds = 3600;
    d.activity.lastAppUseAt = d.clock.now() - 2 * MIN;
    await d.run(5 * MIN);
    expect(d.service.status().waitingFor).toBe('app-in-use');
    expect(d.installs).toEqual([]);

    await d.run(30 * MIN);
    expect(d.installs).toEqual([{ isSilent: true, isForceRunAfter: true }]);
    expect(outcomes(d)).toEqual(['available', 'downloaded', 'installing']);
    d.service.stop();
  });

  it('installs at quit when the practitioner quits after hours, without relaunching', async () => {
    await publishWin('1.3.0');
    const d = await device({ version: '1.2.0', at: TUESDAY_EVENING });
    d.machine.idleSeconds = 0; // working late: no silent install
    await d.service.start();
    await d.run(0);
    expect(d.service.status().waitingFor).toBe('machine-in-use');
    expect(await d.service.quitting()).toBe(true);
    expect(d.installs).toEqual([{ isSilent: true, isForceRunAfter: false }]);
    d.service.stop();
  });

  it('does not install at quit during consultation hours', async () => {
    await publishWin('1.3.0');
    const d = await device({ version: '1.2.0', at: TUESDAY_MORNING });
    await d.service.start();
    await d.run(0);
    expect(await d.service.quitting()).toBe(false);
    expect(d.installs).toEqual([]);
    d.service.stop();
  });
});

describe('halted rollout', () => {
  it('a halt on the hub stops a device that downloaded but had not installed yet, now and at quit', async () => {
    await publishWin('1.3.0', 'stable', 100);
    const d = await device({ version: '1.2.0', at: TUESDAY_MORNING });
    await d.service.start();
    await d.run(0);
    expect(d.service.status()).toMatchObject({ pendingVersion: '1.3.0', waitingFor: 'consultation-hours' });

    await feed.halt('stable', 'win', CLI);
    d.practice.hours = null; // even with nothing else in the way
    expect(await d.service.quitting()).toBe(false);
    expect(d.service.status().pendingVersion).toBeNull();
    await d.run(12 * HOUR);
    expect(d.installs).toEqual([]);
    d.service.stop();
  });

  it('a device outside a partial rollout does not take the release', async () => {
    await publishWin('1.3.0', 'stable', 0);
    const d = await device({ version: '1.2.0', at: TUESDAY_EVENING });
    await d.service.start();
    await d.run(4 * HOUR);
    expect(d.reports).toEqual([]);
    expect(d.installs).toEqual([]);
    d.service.stop();
  });
});

describe('rejected updates are reported, retried later, never installed', () => {
  it('checksum failure: the served file does not match the feed', async () => {
    const stored = await publishWin('1.3.0');
    const good = await readFile(stored);
    const bad = Buffer.from(good);
    bad[1000] = bad[1000]! ^ 0xff; // same size, different bytes: only the sha512 can tell
    await writeFile(stored, bad);

    const d = await device({ version: '1.2.0', at: TUESDAY_EVENING });
    await d.service.start();
    await d.run(0);
    expect(outcomes(d)).toEqual(['available', 'rejected:checksum']);
    expect(d.reports[1]).toMatchObject({ attempt: 1, retryAt: new Date(TUESDAY_EVENING + 30 * MIN).toISOString() });
    expect(d.service.status()).toMatchObject({ pendingVersion: null, lastFailure: { reason: 'checksum', attempt: 1 } });

    await d.run(30 * MIN); // retried at the back-off time, fails again, waits longer
    expect(outcomes(d)).toEqual(['available', 'rejected:checksum', 'available', 'rejected:checksum']);
    expect(d.reports[3]).toMatchObject({ attempt: 2, retryAt: new Date(TUESDAY_EVENING + 90 * MIN).toISOString() });
    expect(d.installs).toEqual([]);

    await writeFile(stored, good); // the hub's file is repaired
    await d.run(60 * MIN);
    expect(outcomes(d).slice(-3)).toEqual(['available', 'downloaded', 'installing']);
    expect(d.installs).toHaveLength(1);
    d.service.stop();
  });

  it('signature failure: the installer is not signed by the publisher', async () => {
    await publishWin('1.3.0');
    const seen: string[][] = [];
    const d = await device({
      version: '1.2.0',
      at: TUESDAY_EVENING,
      verifySignature: async (publishers) => {
        seen.push(publishers);
        return 'publisherNames: Vigie SAS, raw info: {"SignerCertificate": {"Subject": "CN=Someone Else"}}';
      },
    });
    await d.service.start();
    await d.run(0);
    expect(seen).toEqual([['Vigie SAS']]); // the publisher from app-update.yml is what is checked
    expect(outcomes(d)).toEqual(['available', 'rejected:signature']);
    expect(d.reports[1]!.message).toMatch(/not signed by the application owner/);
    expect(await d.service.quitting()).toBe(false);
    await d.run(8 * HOUR);
    expect(d.installs).toEqual([]);
    expect(d.service.status().lastFailure).toMatchObject({ reason: 'signature' });
    d.service.stop();
  });
});

describe('reports', () => {
  it('are kept while the hub is unreachable and delivered in order later', async () => {
    await publishWin('1.3.0');
    const d = await device({ version: '1.2.0', at: TUESDAY_MORNING });
    d.reporter.online = false;
    await d.service.start();
    await d.run(0);
    expect(d.reports).toEqual([]);
    expect(d.store.current?.outbox.map((r) => r.outcome)).toEqual(['available', 'downloaded']);
    d.reporter.online = true;
    d.practice.hours = null;
    await d.run(5 * MIN);
    expect(outcomes(d)).toEqual(['available', 'downloaded', 'installing']);
    expect(d.store.current?.outbox).toEqual([]);
    d.service.stop();
  });
});

describe('pilot channel', () => {
  it('a pilot device takes the pilot pre-release that stable devices do not see', async () => {
    await publishWin('1.2.0', 'stable');
    await publishWin('1.3.0-pilot.1', 'pilot');
    const pilot = await device({ version: '1.2.0', at: TUESDAY_EVENING, channel: 'pilot', name: 'pilot' });
    const stable = await device({ version: '1.2.0', at: TUESDAY_EVENING, name: 'stable' });
    await pilot.service.start();
    await stable.service.start();
    await pilot.run(0);
    await stable.run(0);
    expect(pilot.installs).toHaveLength(1);
    expect(pilot.reports.at(-1)).toMatchObject({ outcome: 'installing', targetVersion: '1.3.0-pilot.1', channel: 'pilot' });
    expect(stable.installs).toEqual([]);
    expect(feedRequests).toEqual(expect.arrayContaining(['/updates/pilot/pilot.yml', '/updates/stable/latest.yml']));
    pilot.service.stop();
    stable.service.stop();
  });
});
