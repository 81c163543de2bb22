import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type HealthReport, type HelpRequest, type QueueSnapshot } from '@vigie/common';
import type { Hub } from '../../../server/src/app.js';
import { emitAck, nextEvent } from '../../../server/src/test-support/sockets.js';
import { type VigieApp } from '../app.js';
import { makeApp, enrollApp, quietLogger, startHub, technician, tempDir, waitFor } from '../test-support/fixture.js';
import { HealthCapability } from './capability.js';
import * as L from './parsers/linux.js';
import { NodeCommandRunner } from './runner-node.js';
import { HealthService } from './service.js';
import { JsonHealthStore } from './store.js';
import { RecordingNotifier } from './test-support/index.js';
import type { Probe } from './types.js';

/**
 * The health capability inside the real app composition, against a real hub: real commands (the
 * firewall check reads a ufw.conf-style file through `cat`, so the test turns the firewall on and
 * off), the real runner, store, schedule, IPC dispatch and hub connection.
 */
interface World {
  hub: Hub;
  app: VigieApp;
  health: HealthCapability;
  notifier: RecordingNotifier;
  ufwConf: string;
  pushes: HealthReport[];
  dirs: Array<{ remove: () => Promise<void> }>;
  hubDir: string;
}
let w: World | null = null;

afterEach(async () => {
  if (!w) return;
  await w.app.stop();
  await w.hub.close().catch(() => undefined);
  for (const d of w.dirs) await d.remove();
  w = null;
});

async function setUp(): Promise<World> {
  const hubDir = await tempDir('health-hub');
  const appDir = await tempDir('health-app');
  const hub = await startHub(hubDir.path);
  const ufwConf = join(appDir.path, 'ufw.conf');
  await writeFile(ufwConf, 'ENABLED=yes\n');
  const probe: Probe = {
    check: 'firewall',
    os: 'linux',
    commands: [
      { parserId: 'linux.ufw-conf', textFile: true, spec: { file: 'cat', args: [ufwConf], env: { LC_ALL: 'C' } }, parse: L.parseUfwConf },
    ],
  };
  const notifier = new RecordingNotifier();
  const service = new HealthService({
    runner: new NodeCommandRunner(),
    platform: { os: 'linux', name: 'Linux de test', version: '6.1' },
    clock: systemClock,
    store: new JsonHealthStore(appDir.path, quietLogger),
    notifier,
    probes: [probe],
    logger: quietLogger,
  });
  const health = new HealthCapability({ service, retryMs: 200 });
  const app = makeApp(appDir.path, hub.url, notifier, { healthSummary: () => health.summary(), capabilities: [health] });
  const pushes: HealthReport[] = [];
  app.onPush((name, payload) => {
    if (name === 'health:report') pushes.push(payload as HealthReport);
  });
  await app.start();
  return { hub, app, health, notifier, ufwConf, pushes, dirs: [hubDir, appDir], hubDir: hubDir.path };
}

/** The full report the hub holds for the device, read as a technician would. */
async function onHub(deviceId: string, techSocket: Awaited<ReturnType<typeof technician>>['socket']): Promise<HealthReport | null> {
  const r = await emitAck<{ report: HealthReport | null }>(techSocket, 'device:health', { deviceId });
  if (!r.ok) throw new Error(r.error.code);
  return r.data.report;
}

describe.runIf(process.platform === 'linux')('health capability in the app', () => {
  it('the start scan reaches the renderer and the hub (summary and details); a new scan replaces it and notifies a new critical point', async () => {
    w = await setUp();
    const world = w;
    const tech = await technician(world.hub);
    const { deviceId } = await enrollApp(world.app, world.hub);

    const first = await waitFor(() => world.health.latest(), 'first report');
    expect(world.pushes.map((p) => p.finishedAt)).toContain(first.finishedAt);
    expect(await world.app.call('health:getReport', {})).toEqual({ ok: true, data: first });
    const firewall = (r: HealthReport) => r.checks.find((c) => c.id === 'firewall')!.status;
    expect(firewall(first)).toBe('ok');
    const stored = await waitFor(async () => {
      const r = await onHub(deviceId, tech.socket);
      return r?.finishedAt === first.finishedAt ? r : null;
    }, 'report on the hub');
    expect(stored).toEqual(first);

    // "Vérifier maintenant" with the firewall turned off: the hub gets the new report, technicians the new summary.
    await writeFile(world.ufwConf, 'ENABLED=no\n');
    const pushed = nextEvent<{ deviceId: string; health: HealthReport['summary'] | null }>(
      tech.socket,
      'device:report',
      (p) => p.deviceId === deviceId && p.health?.at !== first.finishedAt,
    );
    const scanned = await world.app.call('health:scan', {});
    if (!scanned.ok) throw new Error(scanned.error.code);
    const second = scanned.data;
    expect(firewall(second)).toBe('critical');
    expect((await pushed).health).toEqual(second.summary);
    expect(await onHub(deviceId, tech.socket)).toEqual(second);
    const devices = await emitAck<Array<{ id: string; health: unknown }>>(tech.socket, 'devices:list', {});
    expect(devices.ok && devices.data.find((d) => d.id === deviceId)?.health).toEqual(second.summary);
    // The firewall turned critical: one native notification, through the app's Notifier port.
    expect(world.notifier.seen.filter((n) => n.tag === 'health').map((n) => n.body)).toEqual(['Le pare-feu est désactivé']);
  });

  it('the help request carries the health summary in its context snapshot', async () => {
    w = await setUp();
    const world = w;
    const tech = await technician(world.hub);
    await enrollApp(world.app, world.hub);
    const report = await waitFor(() => world.health.latest(), 'first report');
    const queued = nextEvent<QueueSnapshot>(tech.socket, 'queue:updated', (q) => q.requests.length > 0);
    const r = await world.app.call('support:requestHelp', {});
    expect(r.ok).toBe(true);
    const request: HelpRequest = (await queued).requests[0]!;
    expect(request.context?.health).toEqual(report.summary);
  });

  it('a report made while the hub is away is sent when the connection comes back', async () => {
    w = await setUp();
    const world = w;
    const { deviceId } = await enrollApp(world.app, world.hub);
    const first = await waitFor(() => world.health.latest(), 'first report');
    const port = world.hub.port;
    await world.hub.close();
    await waitFor(() => world.app.state().support.connection !== 'online', 'app offline');

    await writeFile(world.ufwConf, 'ENABLED=no\n');
    const offlineScan = await world.app.call('health:scan', {});
    if (!offlineScan.ok) throw new Error(offlineScan.error.code);
    expect(offlineScan.data.finishedAt).not.toBe(first.finishedAt);

    world.hub = await startHub(world.hubDir, port);
    const tech = await technician(world.hub);
    const stored = await waitFor(async () => {
      const r = await onHub(deviceId, tech.socket);
      return r?.finishedAt === offlineScan.data.finishedAt ? r : null;
    }, 'report sent after reconnection');
    expect(stored).toEqual(offlineScan.data);
  });
});
