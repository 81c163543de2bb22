import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupRun } from '@vigie/common';
import { FileSecretStore } from '../../platform/node/secret-store.js';
import { decide, lastSlot, nextSlot } from './schedule.js';
import { BackupService } from './service.js';
import { buildDays, headline } from './status.js';
import { ManualClock } from '@vigie/common/test-support/clock';
import { makeFixture, RecordingNotifier, testLogger, type Fixture } from './test-support/index.js';

const local = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi);

describe('schedule', () => {
  const times = ['12:30', '20:00'];

  it('finds the next and the last scheduled time, across midnight', () => {
    expect(nextSlot(times, local(2026, 3, 2, 9, 0))).toEqual(local(2026, 3, 2, 12, 30));
    expect(nextSlot(times, local(2026, 3, 2, 12, 30))).toEqual(local(2026, 3, 2, 20, 0));
    expect(nextSlot(times, local(2026, 3, 2, 21, 0))).toEqual(local(2026, 3, 3, 12, 30));
    expect(lastSlot(times, local(2026, 3, 2, 9, 0))).toEqual(local(2026, 3, 1, 20, 0));
    expect(lastSlot(times, local(2026, 3, 2, 12, 30))).toEqual(local(2026, 3, 2, 12, 30));
    expect(nextSlot([], local(2026, 3, 2))).toBeNull();
  });

  it('runs a due time, catches up a late one within the window, skips an old one', () => {
    const handled = local(2026, 3, 2, 9, 0);
    expect(decide(times, local(2026, 3, 2, 12, 0), handled, 120)).toEqual({ action: 'none' });
    expect(decide(times, local(2026, 3, 2, 12, 30), handled, 120)).toEqual({
      action: 'run',
      slot: local(2026, 3, 2, 12, 30),
      catchUp: false,
    });
    expect(decide(times, local(2026, 3, 2, 13, 45), handled, 120)).toEqual({
      action: 'run',
      slot: local(2026, 3, 2, 12, 30),
      catchUp: true,
    });
    expect(decide(times, local(2026, 3, 2, 15, 0), handled, 120)).toEqual({ action: 'skip', slot: local(2026, 3, 2, 12, 30) });
    expect(decide(times, local(2026, 3, 2, 15, 0), local(2026, 3, 2, 12, 30), 120)).toEqual({ action: 'none' });
  });
});

describe('status', () => {
  const run = (startedAt: Date, outcome: BackupRun['outcome']): BackupRun => ({
    id: startedAt.toISOString(),
    kind: 'backup',
    trigger: 'schedule',
    startedAt: startedAt.toISOString(),
    endedAt: startedAt.toISOString(),
    outcome,
    snapshotId: null,
    filesNew: 0,
    filesChanged: 2,
    filesUnmodified: 0,
    bytesProcessed: 0,
    bytesAdded: 0,
    unreadable: [],
    unreadableCount: outcome === 'warning' ? 3 : 0,
    error: outcome === 'failed' ? { reason: 'repo-unreachable', message: 'x', nextStep: 'y' } : null,
  });

  it('builds the 30-day strip with the best outcome of each day', () => {
    const now = local(2026, 3, 30, 21);
    const days = buildDays(
      [
        run(local(2026, 3, 30, 12, 30), 'failed'),
        run(local(2026, 3, 30, 20, 0), 'ok'),
        run(local(2026, 3, 29, 12, 30), 'warning'),
        run(local(2026, 3, 28, 12, 30), 'failed'),
        run(local(2026, 3, 27, 12, 30), 'interrupted'),
        run(local(2026, 1, 1, 12, 30), 'ok'),
      ],
      now,
    );
    expect(days).toHaveLength(30);
    expect(days[0]!.date).toBe('2026-03-01');
    expect(days.slice(-4)).toEqual([
      { date: '2026-03-27', state: 'failed', runs: 1 },
      { date: '2026-03-28', state: 'failed', runs: 1 },
      { date: '2026-03-29', state: 'warning', runs: 1 },
      { date: '2026-03-30', state: 'ok', runs: 2 },
    ]);
    expect(days[10]).toEqual({ date: '2026-03-11', state: 'none', runs: 0 });
  });

  it('says one headline in plain words', () => {
    const now = local(2026, 3, 30, 9);
    const base = { configured: true, running: false, lastBackup: null, lastSuccessAt: null, checkFailed: false, staleAfterHours: 48, now };
    expect(headline({ ...base, configured: false })).toEqual({ headline: 'not-configured', message: 'La sauvegarde n’est pas configurée' });
    expect(headline({ ...base, running: true }).message).toBe('Sauvegarde en cours');
    expect(headline(base)).toEqual({ headline: 'stale', message: 'Attention : aucune sauvegarde pour l’instant' });
    const ok = run(local(2026, 3, 29, 20), 'ok');
    expect(headline({ ...base, lastBackup: ok, lastSuccessAt: ok.endedAt })).toEqual({ headline: 'ok', message: 'Tout est sauvegardé' });
    const old = run(local(2026, 3, 27, 8), 'ok');
    expect(headline({ ...base, lastBackup: old, lastSuccessAt: old.endedAt })).toEqual({
      headline: 'stale',
      message: 'Attention : dernière sauvegarde il y a 3 jours',
    });
    expect(headline({ ...base, lastBackup: run(local(2026, 3, 30, 8), 'failed'), lastSuccessAt: ok.endedAt })).toEqual({
      headline: 'failed',
      message: 'La sauvegarde a échoué',
    });
    const warn = run(local(2026, 3, 29, 20), 'warning');
    expect(headline({ ...base, lastBackup: warn, lastSuccessAt: warn.endedAt }).message).toBe('Sauvegardé, sauf 3 fichiers illisibles');
    expect(headline({ ...base, lastBackup: ok, lastSuccessAt: ok.endedAt, checkFailed: true }).headline).toBe('failed');
    expect(headline({ ...base, lastBackup: ok, lastSuccessAt: ok.endedAt, locale: 'en' }).message).toBe('Everything is backed up');
  });
});

describe('scheduled backups with a test clock', () => {
  let f: Fixture | null = null;
  afterEach(async () => {
    await f?.cleanup();
    f = null;
  });

  it('runs at the scheduled time, skips a slot missed long ago, catches up a recent one, keeps history', async () => {
    const today = new Date();
    const clock = new ManualClock(local(today.getFullYear(), today.getMonth() + 1, today.getDate(), 12, 29));
    f = await makeFixture({ 'a.txt': 'a' }, { clock, settings: { times: ['12:30', '20:00'] } });
    const { service } = f;
    expect(clock.pending).toBe(1);
    expect(service.status().nextRunAt).toBe(local(today.getFullYear(), today.getMonth() + 1, today.getDate(), 12, 30).toISOString());

    await service.tick();
    expect(service.status().lastRunAt).toBeNull();

    clock.set(clock.now() + 90_000); // 12:30:30 (the tick timer is left to the test)
    await service.tick();
    await service.idle();
    let s = service.status();
    expect(s.lastRun).toMatchObject({ trigger: 'schedule', outcome: 'ok' });
    expect(s.headline).toBe('ok');
    expect(s.nextRunAt).toBe(local(today.getFullYear(), today.getMonth() + 1, today.getDate(), 20, 0).toISOString());

    // Machine off at 20:00, back the next morning: 20:00 is too old to catch up (consultations).
    clock.set(local(today.getFullYear(), today.getMonth() + 1, today.getDate() + 1, 8, 0));
    await service.tick();
    await service.idle();
    expect(service.status().lastRun?.trigger).toBe('schedule');

    // Asleep at 12:30, awake at 12:50: caught up.
    clock.set(local(today.getFullYear(), today.getMonth() + 1, today.getDate() + 1, 12, 50));
    await service.tick();
    await service.idle();
    s = service.status();
    expect(s.lastRun).toMatchObject({ trigger: 'catch-up', outcome: 'ok' });
    expect(s.days.at(-1)).toMatchObject({ state: 'ok', runs: 1 });
    expect(s.days.at(-2)).toMatchObject({ state: 'ok', runs: 1 });

    // Nothing for three days: stale, in words.
    clock.set(clock.now() + 3 * 86_400_000 + 3_600_000);
    expect(service.status()).toMatchObject({ headline: 'stale', message: 'Attention : dernière sauvegarde il y a 3 jours' });

    // History survives a restart.
    await service.stop();
    const again = new BackupService({
      dataDir: join(f.root, 'app'),
      secrets: new FileSecretStore(join(f.root, 'secrets.json')),
      notifier: new RecordingNotifier(),
      logger: testLogger,
      clock,
      suggest: { home: join(f.root, 'home'), env: {} },
    });
    await again.start();
    expect(again.status().lastSuccessAt).toBe(s.lastSuccessAt);
    expect(again.status().days.filter((d) => d.state === 'ok')).toHaveLength(2);
    await again.stop();
  });

  it('"Sauvegarder maintenant" is single-flight, and retention and check run for real', async () => {
    f = await makeFixture({ 'a.txt': 'a' }, { settings: { retention: { daily: 1, weekly: 0, monthly: 0, everyDays: 1 } } });
    const { service } = f;
    const statuses: boolean[] = [];
    service.on('status', (s) => statuses.push(s.running));
    const first = service.runBackup('manual');
    expect(service.runBackup('manual')).toBe(first);
    expect((await service.runNow()).running).toBe(true);
    await first;
    await service.idle();
    expect(statuses).toContain(true);
    expect(statuses.at(-1)).toBe(false);
    await service.runBackup();
    await service.idle();
    expect(await service.listSnapshots()).toHaveLength(2);

    await service.runMaintenance({ force: true });
    const s = service.status();
    expect(await service.listSnapshots()).toHaveLength(1);
    expect(s.lastForgetAt).not.toBeNull();
    expect(s.lastCheckOk).toBe(true);
    expect(s.headline).toBe('ok');
  });
});
