/**
 * A restore that cannot finish cleans up after itself and says what happened; deep paths restore;
 * a restore runs beside a backup. Real restic, real files; full disks, append-only and immutable
 * folders where the machine allows them (root with mount / chattr).
 */
import { readdirSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RestoreRequest } from '@vigie/common';
import { FileSecretStore } from '../../platform/node/secret-store.js';
import { STAGING_PREFIX } from './staging.js';
import { treeSegments } from './restic/paths.js';
import { BackupService, type BackupServiceOptions } from './service.js';
import {
  backupNow,
  canChattr,
  canMount,
  locksOf,
  RecordingSpawner,
  restoreAndWait,
  sh,
  stagingsIn,
  stepUntil,
  testLogger,
  writeTree,
  type Fixture,
} from './test-support/index.js';
import { fixtureScope } from './test-support/scope.js';

const { fixture, cleanups } = fixtureScope();

/** Another service on the fixture's repository (a restart, or the app's data on another disk). */
async function serviceOn(f: Fixture, dataDir: string, extra: Partial<BackupServiceOptions> = {}): Promise<BackupService> {
  const s = new BackupService({
    dataDir,
    secrets: new FileSecretStore(join(f.root, 'secrets.json')),
    notifier: f.notifier,
    logger: testLogger,
    resticCacheDir: join(f.root, 'cache'),
    suggest: { home: join(f.root, 'home'), env: {} },
    home: f.root,
    tickMs: 3_600_000,
    ...extra,
  });
  cleanups.push(() => s.stop());
  await s.start();
  return s;
}

const stagingsJournaled = async (dataDir: string) =>
  (JSON.parse(await readFile(join(dataDir, 'backup', 'state.json'), 'utf8')) as { stagings: string[] }).stagings;

/** Nested folders (names of up to 200 characters) under `base`, about `length` characters in all. */
function deepFolder(base: string, length: number): string {
  let p = base;
  for (let i = 0; p.length < length; i++)
    p = join(p, String(i).padStart(3, '0') + 'd'.repeat(Math.max(0, Math.min(200, length - p.length - 1) - 3)));
  return p;
}

describe('a restore that fails cleans up after itself', () => {
  it.runIf(canMount())('a journal that cannot be written (full disk, one disk for everything) leaves no staging folder', async () => {
    const f = await fixture({});
    const disk = join(f.root, 'disque');
    await mkdir(disk);
    sh('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk]);
    cleanups.push(async () => sh('umount', ['-l', disk]));
    const data = join(disk, 'data');
    await writeTree(data, { 'ordonnance.txt': 'sauvegardée' });
    const app = join(disk, 'app');
    const service = await serviceOn(f, app);
    await service.saveSettings({ settings: { repository: { kind: 'local', path: f.repoPath }, folders: [data] } });
    const snap = await backupNow({ service });
    // The disk fills up: a folder can still be made there, a file cannot be written.
    await writeFile(join(disk, 'remplissage.bin'), Buffer.alloc(2 << 20)).catch(() => undefined);
    const { job } = await restoreAndWait({ service }, { snapshotId: snap.id, paths: [join(data, 'ordonnance.txt')] });
    expect(job.error).toMatchObject({ reason: 'disk-full', message: 'Il n’y a plus assez de place sur le disque.' });
    expect(await readdir(data)).toEqual(['ordonnance.txt']);
  });

  it.runIf(canChattr())('a hard link made by a move that then fails is undone', async () => {
    const spawner = new RecordingSpawner();
    const f = await fixture({ 'ordonnance.txt': 'sauvegardée' }, { spawner });
    const snap = await backupNow(f);
    let locked: string | null = null;
    cleanups.push(async () => {
      if (locked) sh('chattr', ['-a', locked]);
    });
    const next = spawner.next('restore');
    const started = f.service.restore(RestoreRequest.parse({ snapshotId: snap.id, paths: [join(f.data, 'ordonnance.txt')] }));
    const rec = await next;
    rec.child.on('exit', () => {
      // restic is done: the staged file's folder now refuses removals, so link(2) succeeds and unlink(2) fails.
      const [s] = readdirSync(f.data).filter((n) => n.startsWith(STAGING_PREFIX));
      locked = join(f.data, s!, ...treeSegments(f.data));
      sh('chattr', ['+a', locked]);
    });
    const job = await f.service.restores.settled(started.id);
    sh('chattr', ['-a', locked!]);
    locked = null;
    // No second name left behind (neither a restored copy nor a retry under another name).
    expect((await readdir(f.data)).filter((n) => !n.startsWith(STAGING_PREFIX))).toEqual(['ordonnance.txt']);
    expect(job.error?.reason).toBe('read-only');
    expect(await readFile(join(f.data, 'ordonnance.txt'), 'utf8')).toBe('sauvegardée');
  });

  it.runIf(canChattr())(
    'a staging folder left by a crash that cannot be removed yet stays journaled, and goes at a later start',
    async () => {
      const f = await fixture({ 'Dossier/a.txt': 'a' });
      await f.service.stop();
      const app = join(f.root, 'app');
      const parent = join(f.data, 'Dossier');
      const leftover = join(parent, `${STAGING_PREFIX}abc123`);
      await writeTree(leftover, { 'partiel/x.bin': 'moitié' });
      const statePath = join(app, 'backup', 'state.json');
      await writeFile(statePath, JSON.stringify({ ...JSON.parse(await readFile(statePath, 'utf8')), stagings: [leftover] }));
      sh('chattr', ['+i', parent]);
      let immutable = true;
      cleanups.push(async () => {
        if (immutable) sh('chattr', ['-i', parent]);
      });
      await (await serviceOn(f, app)).stop();
      sh('chattr', ['-i', parent]);
      immutable = false;
      expect(await stagingsIn(parent)).toEqual([`${STAGING_PREFIX}abc123`]);
      expect(await stagingsJournaled(app)).toEqual([leftover]);
      await (await serviceOn(f, app)).stop();
      expect(await readdir(parent)).toEqual(['a.txt']);
      expect(await stagingsJournaled(app)).toEqual([]);
    },
  );
});

describe('deep paths', () => {
  it('restore: the staging folder sits at the backed-up folder, not in the file’s own folder', async () => {
    const f = await fixture({});
    const deep = deepFolder(f.data, 2600);
    await writeTree(deep, { 'bilan.txt': 'bilan sauvegardé' });
    const snap = await backupNow(f);
    const { job } = await restoreAndWait(f, { snapshotId: snap.id, paths: [join(deep, 'bilan.txt')] });
    expect(job.state).toBe('done');
    expect(await readFile(job.result!.items[0]!.to, 'utf8')).toBe('bilan sauvegardé');
    expect(await stagingsIn(f.data)).toEqual([]);
  });

  it('too long for the system: its own message, nothing left behind', async () => {
    const f = await fixture({});
    // The file itself fits (it is backed up), but not once more below a staging folder.
    const deep = deepFolder(f.data, 4070);
    await writeTree(deep, { 'bilan.txt': 'bilan sauvegardé' });
    const snap = await backupNow(f);
    const { job } = await restoreAndWait(f, { snapshotId: snap.id, paths: [join(deep, 'bilan.txt')] });
    expect(job.error).toMatchObject({
      reason: 'path-too-long',
      message: 'Le chemin est trop long pour le système (trop de dossiers imbriqués ou des noms trop longs).',
    });
    expect(await readdir(deep)).toEqual(['bilan.txt']);
    expect(await stagingsIn(f.data)).toEqual([]);
  });
});

describe('a restore beside a backup', () => {
  it('does not wait behind a whole backup: both hold restic’s shared lock at once', async () => {
    const spawner = new RecordingSpawner();
    const f = await fixture({ 'lettre.txt': 'sauvegardée' }, { spawner });
    const snap = await backupNow(f);
    await writeFile(join(f.data, 'lettre.txt'), 'modifiée');
    const next = spawner.next('backup');
    const running = f.service.runBackup();
    const rec = await next;
    cleanups.push(async () => {
      try {
        process.kill(rec.child.pid!, 'SIGCONT');
      } catch {
        /* already over */
      }
    });
    // The backup holds its lock and is stopped there, as long as the test says.
    await stepUntil(rec.child.pid!, async () => (await locksOf(f.repoPath)).length > 0);
    const { job } = await restoreAndWait(f, { snapshotId: snap.id, paths: [join(f.data, 'lettre.txt')], mode: 'in-place' });
    expect(job.state).toBe('done');
    expect(f.service.activity().backupRunning).toBe(true);
    expect(await readFile(join(f.data, 'lettre.txt'), 'utf8')).toBe('sauvegardée');
    process.kill(rec.child.pid!, 'SIGCONT');
    expect((await running).outcome).toBe('ok');
  });
});
