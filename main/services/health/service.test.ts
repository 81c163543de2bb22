import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHECK_IDS,
  CHECK_WEIGHTS,
  HEALTH_HISTORY_MAX,
  HealthReport,
  toHistoryEntry,
  type BackupSummary,
  type HealthReport as Report,
} from '@vigie/common';
import { createDispatch } from '../ipc.js';
import { silentLogger } from '../lib/logger.js';
import * as L from './parsers/linux.js';
import { NodeCommandRunner } from './runner-node.js';
import { judgeBackup } from './scan.js';
import { HealthService, SCAN_INTERVAL_MS, type HealthServiceOptions } from './service.js';
import { JsonHealthStore } from './store.js';
import { ManualClock } from '@vigie/common/test-support/clock';
import { CountingRunner, RecordingNotifier } from './test-support/index.js';
import type { Probe } from './types.js';

/**
 * The service with real commands on this machine: the firewall check reads a real ufw.conf-style
 * file through `cat`, so the test can turn it on and off; the rest of the machinery (runner,
 * store, schedule, notifications, IPC) is the production code.
 */
let dir: string;
let ufwConf: string;
const START = '2026-11-28T08:00:00Z';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-health-'));
  ufwConf = join(dir, 'ufw.conf');
  await writeFile(ufwConf, 'ENABLED=yes\nLOGLEVEL=low\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function firewallProbe(): Probe {
  return {
    check: 'firewall',
    os: 'linux',
    commands: [
      { parserId: 'linux.ufw-conf', textFile: true, spec: { file: 'cat', args: [ufwConf], env: { LC_ALL: 'C' } }, parse: L.parseUfwConf },
    ],
  };
}

function makeService(over: Partial<HealthServiceOptions> = {}) {
  const clock = new ManualClock(Date.parse(START));
  const runner = new CountingRunner(new NodeCommandRunner());
  const notifier = new RecordingNotifier();
  const service = new HealthService({
    runner,
    platform: { os: 'linux', name: 'Linux de test', version: '6.1' },
    clock,
    store: new JsonHealthStore(dir, silentLogger),
    notifier,
    probes: [firewallProbe()],
    logger: silentLogger,
    ...over,
  });
  return { service, clock, runner, notifier };
}

const nextReport = (s: HealthService) => new Promise<Report>((resolve) => s.on('report', resolve));

describe.runIf(process.platform === 'linux')('HealthService', () => {
  it('a scan gives a complete report that matches the contract', async () => {
    const { service } = makeService();
    const report = await service.scan();
    expect(HealthReport.safeParse(report).success).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(report.checks.find((c) => c.id === 'firewall')).toMatchObject({ status: 'ok', title: 'Le pare-feu est actif' });
    expect(report.checks.find((c) => c.id === 'backup-recency')).toMatchObject({
      status: 'unknown',
      reason: { code: 'no-backup-provider' },
    });
    expect(report.summary).toMatchObject({ score: report.score, worst: report.worst, at: report.finishedAt });
    expect(report.trigger).toBe('manual');
  });

  it('concurrent callers share one scan (single flight)', async () => {
    const { service, runner } = makeService();
    const [a, b, c] = await Promise.all([service.scan(), service.scan(), service.scan()]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(runner.calls).toHaveLength(1);
    await service.scan();
    expect(runner.calls).toHaveLength(2);
  });

  it('scans at start, then every 4 hours of the controllable clock, and not before', async () => {
    const { service, clock } = makeService();
    const first = nextReport(service);
    await service.start();
    clock.advance(0);
    expect((await first).trigger).toBe('start');
    await service.whenIdle();

    clock.advance(SCAN_INTERVAL_MS / 2);
    expect(service.scanning).toBe(false);
    clock.advance(SCAN_INTERVAL_MS / 4);
    expect(service.scanning).toBe(false);

    const second = nextReport(service);
    clock.advance(SCAN_INTERVAL_MS / 4);
    expect(service.scanning).toBe(true);
    const r2 = await second;
    expect(r2.trigger).toBe('schedule');
    await service.whenIdle();
    expect(Date.parse(r2.startedAt) - Date.parse(START)).toBeGreaterThanOrEqual(SCAN_INTERVAL_MS);

    // A machine asleep for a day scans once at wake-up, not once per missed slot.
    const third = nextReport(service);
    clock.advance(24 * 3_600_000);
    expect((await third).trigger).toBe('schedule');
    await service.whenIdle();
    expect(service.scanning).toBe(false);
    expect(await service.history()).toHaveLength(3);

    await service.stop();
    expect(clock.pending).toBe(0);
    clock.advance(SCAN_INTERVAL_MS * 2);
    expect(service.scanning).toBe(false);
  });

  it('a check turning critical raises one French notification, not again while it stays critical', async () => {
    const { service, notifier } = makeService();
    await service.scan();
    expect(notifier.seen).toEqual([]);

    await writeFile(ufwConf, 'ENABLED=no\n');
    const r = await service.scan();
    expect(r.checks.find((c) => c.id === 'firewall')?.status).toBe('critical');
    expect(notifier.seen).toEqual([
      { title: 'Vigie : un point de sécurité est à corriger', body: 'Le pare-feu est désactivé', tag: 'health' },
    ]);

    await service.scan();
    expect(notifier.seen).toHaveLength(1);

    await writeFile(ufwConf, 'ENABLED=yes\n');
    await service.scan();
    await writeFile(ufwConf, 'ENABLED=no\n');
    await service.scan();
    expect(notifier.seen).toHaveLength(2);
  });

  it('the latest report and its history survive a restart (new service instance, same data dir)', async () => {
    const a = makeService();
    const r1 = await a.service.scan();
    await writeFile(ufwConf, 'ENABLED=no\n');
    const r2 = await a.service.scan();
    await a.service.stop();

    const b = makeService();
    expect(await b.service.latest()).toEqual(r2);
    expect(await b.service.summary()).toEqual(r2.summary);
    const history = await b.service.history();
    expect(history.map((h) => h.at)).toEqual([r2.finishedAt, r1.finishedAt]);
    expect(history[0]?.statuses.firewall).toBe('critical');
    // Still critical after the restart: no second notification for the same problem.
    await b.service.scan();
    expect(b.notifier.seen).toEqual([]);
    expect(await b.service.history()).toHaveLength(3);
    const onDisk = JSON.parse(await readFile(join(dir, 'health.json'), 'utf8')) as { latest: Report; history: unknown[] };
    expect(onDisk.history).toHaveLength(3);
  });

  it('keeps at most 90 history entries, newest first', async () => {
    const a = makeService();
    const r = await a.service.scan();
    const old = Array.from({ length: HEALTH_HISTORY_MAX }, (_, i) =>
      toHistoryEntry({ ...r, finishedAt: new Date(Date.parse(START) - (i + 1) * 3_600_000).toISOString() }),
    );
    await new JsonHealthStore(dir).save({ version: 1, latest: r, history: old });
    const b = makeService();
    const r2 = await b.service.scan();
    const history = await b.service.history();
    expect(history).toHaveLength(HEALTH_HISTORY_MAX);
    expect(history[0]?.at).toBe(r2.finishedAt);
    expect(history[1]?.at).toBe(old[0]?.at);
    expect(await b.service.history(5)).toHaveLength(5);
  });

  it('an unreadable state file is set aside, not overwritten', async () => {
    await writeFile(join(dir, 'health.json'), '{ this is not json');
    const { service } = makeService();
    expect(await service.latest()).toBeNull();
    await service.scan();
    const names = await readdir(dir);
    expect(names.some((n) => n.startsWith('health.json.corrupt-'))).toBe(true);
    expect(names).toContain('health.json');
  });

  it('answers the health:* IPC calls through the contract', async () => {
    const { service } = makeService();
    const dispatch = createDispatch(service.ipcHandlers(), silentLogger);
    expect(await dispatch('health:getReport', {})).toEqual({ ok: true, data: null });
    const scanned = await dispatch('health:scan', {});
    expect(scanned.ok).toBe(true);
    const got = await dispatch('health:getReport', {});
    expect(got).toEqual(scanned);
    const hist = await dispatch('health:history', { limit: 1 });
    expect(hist.ok && Array.isArray(hist.data) && hist.data.length).toBe(1);
    const bad = await dispatch('health:history', { limit: 0 });
    expect(bad.ok ? null : bad.error.code).toBe('BAD_REQUEST');
  });

  it('judges backup recency from the backup provider', async () => {
    const { service, clock } = makeService({
      backup: {
        getSummary: () => ({
          headline: 'ok',
          lastSuccessAt: new Date(clock.now() - 5 * 3_600_000).toISOString(),
          lastRunAt: null,
          nextRunAt: null,
          sizeBytes: null,
          filesChangedLastRun: null,
        }),
      },
    });
    const r = await service.scan();
    expect(r.checks.find((c) => c.id === 'backup-recency')).toMatchObject({
      status: 'ok',
      message: { key: 'backup-recency.ok', params: { hours: 5 } },
    });
  });

  it('the backup check follows the backup status: a backup that ends makes a new report at once (no scan), with its score; a kept report is judged again at start', async () => {
    const listeners = new Set<() => void>();
    let summary: BackupSummary = {
      headline: 'stale',
      lastSuccessAt: null,
      lastRunAt: null,
      nextRunAt: null,
      sizeBytes: null,
      filesChangedLastRun: null,
    };
    const backup = {
      getSummary: () => summary,
      onChange: (l: () => void) => {
        listeners.add(l);
        return () => void listeners.delete(l);
      },
    };
    const change = (next: BackupSummary) => {
      summary = next;
      for (const l of listeners) l();
    };
    const { service, clock, runner } = makeService({ backup });
    await service.start();
    const first = await service.scan();
    expect(first.checks.find((c) => c.id === 'backup-recency')).toMatchObject({
      status: 'critical',
      message: { key: 'backup-recency.never' },
    });
    const scans = runner.calls.length;

    // « Sauvegarder maintenant »: running, then done — each verdict pushed without running the probes again.
    clock.advance(60_000);
    let pushed = nextReport(service);
    change({ ...summary, headline: 'running' });
    const running = await pushed;
    expect(running.checks.find((c) => c.id === 'backup-recency')).toMatchObject({
      status: 'warning',
      message: { key: 'backup-recency.never' },
    });
    clock.advance(60_000);
    pushed = nextReport(service);
    change({ ...summary, headline: 'ok', lastSuccessAt: new Date(clock.now()).toISOString() });
    const done = await pushed;
    expect(done.checks.find((c) => c.id === 'backup-recency')).toMatchObject({
      status: 'ok',
      message: { key: 'backup-recency.ok', params: { hours: 0 } },
    });
    expect(done.score).toBe(first.score + CHECK_WEIGHTS['backup-recency']);
    expect(done.summary).toMatchObject({ score: done.score, at: done.finishedAt });
    expect(Date.parse(done.finishedAt)).toBeGreaterThan(Date.parse(first.finishedAt));
    expect(done.checks.filter((c) => c.id !== 'backup-recency')).toEqual(first.checks.filter((c) => c.id !== 'backup-recency'));
    expect(runner.calls.length).toBe(scans);
    expect(await service.latest()).toEqual(done);
    // A status change that does not change the verdict makes no new report.
    expect(await service.refreshBackup()).toEqual(done);
    expect((await service.history()).map((h) => h.statuses['backup-recency'])).toEqual(['ok', 'warning', 'critical']);
    await service.stop();

    // The next start (same data folder) finds a report whose backup verdict is out of date: judged again at once.
    summary = { ...summary, headline: 'failed' };
    const again = makeService({ backup });
    const rejudged = nextReport(again.service);
    await again.service.start();
    expect((await rejudged).checks.find((c) => c.id === 'backup-recency')).toMatchObject({
      status: 'warning',
      message: { key: 'backup-recency.failed' },
    });
    await again.service.stop();
  });

  it('agrees with the « Sauvegardes » tab: what the backup service calls up to date is never a warning here', () => {
    const now = new Date(START);
    const at = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
    const base = { lastRunAt: null, nextRunAt: null, sizeBytes: null, filesChangedLastRun: null };
    expect(judgeBackup({ ...base, headline: 'ok', lastSuccessAt: at(40) }, now)).toMatchObject({ status: 'ok', key: 'backup-recency.ok' });
    expect(judgeBackup({ ...base, headline: 'stale', lastSuccessAt: at(50) }, now)).toMatchObject({
      status: 'warning',
      key: 'backup-recency.stale',
    });
    expect(judgeBackup({ ...base, headline: 'stale', lastSuccessAt: null }, now)).toMatchObject({
      status: 'critical',
      key: 'backup-recency.never',
    });
  });
});
