/**
 * The updater wired into the app (AppUpdater): the real app composition enrolled with a real hub,
 * electron-updater's real Windows updater on the hub's feed, update reports over the app's hub
 * connection, channel and consultation hours from the app's settings, activity from the app.
 * Only the OS boundaries are stand-ins (Authenticode check, NSIS run: see ./test-support/nsis-updater.ts).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsultationHours, type UpdateReport } from '@vigie/common';
import type { Hub } from '../../../server/src/app.js';
import { fakeInstaller, makeBuild } from '../../../server/src/updates/test-support/index.js';
import { readBuildOutput } from '../../../server/src/updates/index.js';
import { FileSecretStore } from '../../platform/node/secret-store.js';
import { NodeSystemInfo } from '../../platform/node/system-info.js';
import { createApp, type VigieApp } from '../app.js';
import { Backoff } from '../hub/backoff.js';
import { enrollApp, quietLogger, RecordingNotifier, startHub, tempDir, waitFor } from '../test-support/fixture.js';
import { ActivityTracker } from './activity.js';
import { AppUpdater, hubUpdateReporter } from './app-updater.js';
import { ManualClock } from '@vigie/common/test-support/clock';
import { createElectronUpdaterEngine } from './electron-updater-engine.js';
import { fileUpdateStateStore } from './state.js';
import { createNodeNsisUpdater } from './test-support/nsis-updater.js';

const MIN = 60_000;
/** Consultation every day, all day: a silent install is never allowed. */
const ALWAYS = ConsultationHours.parse({
  week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '23:59' }]])),
});

let dir: { path: string; remove: () => Promise<void> };
let hub: Hub;
const apps: VigieApp[] = [];
const updaters: AppUpdater[] = [];

beforeAll(async () => {
  dir = await tempDir('app-updater');
  hub = await startHub(join(dir.path, 'hub'));
});

afterAll(async () => {
  for (const u of updaters) u.stop();
  for (const a of apps) await a.stop();
  await hub?.close();
  await dir?.remove();
});

function app(dataDir: string, appVersion: string): VigieApp {
  const a = createApp({
    dataDir,
    appVersion,
    defaultHubUrl: hub.url,
    logger: quietLogger,
    ports: {
      secrets: new FileSecretStore(join(dataDir, 'secrets.json'), quietLogger),
      notifier: new RecordingNotifier(),
      system: new NodeSystemInfo(),
    },
    hub: { backoff: new Backoff(50, 400), ackTimeoutMs: 5000, connectTimeoutMs: 5000 },
  });
  apps.push(a);
  return a;
}

async function updater(a: VigieApp, version: string, clock: ManualClock, machine: { idleSeconds: number }) {
  const nsis = await createNodeNsisUpdater({ dir: join(dir.path, `nsis-${version}`), version });
  const feeds: Array<{ feedUrl: string; channel: string }> = [];
  const u = new AppUpdater({
    app: a,
    createEngine: (feed) => {
      feeds.push(feed);
      return createElectronUpdaterEngine(nsis.updater, feed);
    },
    currentVersion: version,
    idle: { systemIdleSeconds: () => machine.idleSeconds },
    store: fileUpdateStateStore(join(dir.path, 'device', 'updates.json'), quietLogger),
    logger: quietLogger,
    clock,
    random: () => 1,
  });
  updaters.push(u);
  /** Moves the updater's time forward, letting the work each due timer starts (network, disk) finish. */
  const run = async (ms: number) => {
    const target = clock.now() + ms;
    for (;;) {
      await u.running?.whenIdle();
      const next = clock.nextAt();
      if (next === null || next > target) break;
      await clock.settleTo(next);
    }
    await clock.settleTo(target);
    await u.running?.whenIdle();
  };
  return { u, nsis, feeds, run };
}

/** Outcomes the hub stored for a device, oldest first. */
async function hubOutcomes(deviceId: string): Promise<string[]> {
  const reports = await hub.updates.recentReports(100);
  return reports
    .filter((r) => r.deviceId === deviceId)
    .reverse()
    .map((r) => r.outcome);
}

describe('the app updater', () => {
  it('follows the enrolled hub and the settings, waits for the app’s activity, installs at quit, reports over the hub connection and after the restart', async () => {
    const build = join(dir.path, 'build-1.1.0');
    await makeBuild(build, 'win', '1.1.0', [{ name: 'Vigie-Setup-1.1.0.exe', content: fakeInstaller(100_000) }]);
    await hub.updates.publish(
      { platform: 'win', channel: 'pilot', stagingPercentage: 100, ...(await readBuildOutput([build], 'win')) },
      { type: 'cli', id: 'test' },
    );

    const dataDir = join(dir.path, 'device');
    const before = app(dataDir, '1.0.0');
    const machine = { idleSeconds: 3600 };
    const clock = new ManualClock(Date.now());
    const d = await updater(before, '1.0.0', clock, machine);
    await before.start();
    await d.u.start();
    expect(d.u.running).toBeNull(); // not enrolled: nothing to update from yet

    await before.settings.update({ updateChannel: 'pilot', consultationHours: ALWAYS });
    const { deviceId } = await enrollApp(before, hub);
    await waitFor(() => d.u.running, 'updater started after enrollment');
    expect(d.feeds).toEqual([{ feedUrl: `${hub.url}/updates/pilot`, channel: 'pilot' }]);

    // A backup is running (a capability's probe): downloaded, verified, not installed.
    let backupRunning = true;
    const offBackup = before.activity.register(() => ({ backupRunning }));
    await d.run(0);
    expect(d.u.status()).toMatchObject({ pendingVersion: '1.1.0', waitingFor: 'backup' });
    await waitFor(async () => (await hubOutcomes(deviceId)).join() === 'available,downloaded', 'reports on the hub');

    // Consultation hours from the settings.
    backupRunning = false;
    await d.run(5 * MIN);
    expect(d.u.status()?.waitingFor).toBe('consultation-hours');
    // None set: the practitioner just used Vigie (a call through the app's dispatch).
    await before.settings.update({ consultationHours: null });
    await before.call('app:getState', {});
    expect(before.activity.snapshot().lastAppUseAt).not.toBeNull();
    await d.run(5 * MIN);
    expect(d.u.status()?.waitingFor).toBe('app-in-use');

    // Quitting during a backup: no install; afterwards: installed on the way out, without relaunch.
    backupRunning = true;
    expect(await d.u.quitting()).toBe(false);
    expect(d.nsis.installs).toEqual([]);
    offBackup();
    expect(await d.u.quitting()).toBe(true);
    expect(d.nsis.installs).toEqual([{ isSilent: true, isForceRunAfter: false }]);
    await waitFor(async () => (await hubOutcomes(deviceId)).join() === 'available,downloaded,installing', 'installing reported');
    d.u.stop();
    await before.stop();

    // The new version starts on the same data: it reports "installed" (held until the hub
    // connection is up) and its version, which the hub counts.
    const after = app(dataDir, '1.1.0');
    const next = await updater(after, '1.1.0', new ManualClock(Date.now()), machine);
    await next.u.start();
    await after.start();
    await waitFor(() => next.u.running, 'updater started');
    await next.run(0);
    await waitFor(async () => (await hubOutcomes(deviceId)).join() === 'available,downloaded,installing,installed', 'installed reported');
    const [installed] = await hub.updates.recentReports(1);
    expect(installed).toMatchObject({ deviceId, outcome: 'installed', currentVersion: '1.1.0', targetVersion: '1.1.0', channel: 'pilot' });
    await waitFor(async () => (await hub.updates.versionCounts()).find((v) => v.appVersion === '1.1.0'), 'version counted');
    expect(await hub.updates.versionCounts()).toEqual([{ appVersion: '1.1.0', os: (await new NodeSystemInfo().read()).os, devices: 1 }]);
    expect(next.nsis.installs).toEqual([]);
  });

  it('reports the app version to the hub on every connection', async () => {
    const dataDir = join(dir.path, 'device-version');
    const first = app(dataDir, '2.0.0');
    await first.start();
    const { deviceId } = await enrollApp(first, hub, 'Cabinet Pasteur');
    await first.stop();
    const again = app(dataDir, '2.1.0');
    await again.start();
    await waitFor(async () => (await hub.services.devices.get(deviceId, true))?.appVersion === '2.1.0', 'new version on the hub');
  });

  it('keeps a report while the hub cannot be reached, drops one the hub refuses for good', async () => {
    const dataDir = join(dir.path, 'device-reporter');
    const a = app(dataDir, '3.0.0');
    await a.start();
    const report: UpdateReport = {
      outcome: 'available',
      currentVersion: '3.0.0',
      targetVersion: '3.1.0',
      channel: 'stable',
      at: new Date().toISOString(),
    };
    const reporter = hubUpdateReporter(a.hub, quietLogger);
    await expect(reporter.report(report)).rejects.toMatchObject({ code: 'OFFLINE' });
    const { deviceId } = await enrollApp(a, hub, 'Cabinet Curie');
    await reporter.report(report);
    await reporter.report({ ...report, channel: 'beta' } as unknown as UpdateReport); // refused by the hub: not retried
    expect(await hubOutcomes(deviceId)).toEqual(['available']);
  });
});

describe('activity tracker', () => {
  it('combines the capabilities’ probes, counts a failing probe as busy, keeps the latest use', () => {
    let t = 1_000;
    const a = new ActivityTracker(() => t);
    expect(a.snapshot()).toEqual({ remoteSession: false, restoreRunning: false, backupRunning: false, lastAppUseAt: null });
    const screen = { live: true };
    const offScreen = a.register(() => ({ remoteSession: screen.live }));
    a.register(() => ({ backupRunning: false, restoreRunning: true }));
    a.noteUse();
    t = 500;
    a.noteUse();
    expect(a.snapshot()).toEqual({ remoteSession: true, restoreRunning: true, backupRunning: false, lastAppUseAt: 1_000 });
    offScreen();
    expect(a.snapshot().remoteSession).toBe(false);
    a.register(() => {
      throw new Error('service not ready');
    });
    expect(a.snapshot()).toMatchObject({ remoteSession: true, restoreRunning: true, backupRunning: true });
  });
});
