import { lstat, mkdir, readdir, readFile, readlink, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RestoreJob } from '@vigie/common';
import { RestoreRequest } from '@vigie/common';
import { nameStamp } from './naming.js';
import { SECRET_KEYS } from './repository.js';
import { STAGING_PREFIX } from './staging.js';
import {
  backupNow,
  canChattr,
  canMount,
  locksOf,
  randomContent,
  RecordingSpawner,
  restoreAndWait,
  sh,
  stagingsIn,
  stepUntil,
  testLogger,
  waitFor,
  type Fixture,
} from './test-support/index.js';
import { fixtureScope } from './test-support/scope.js';
import { BackupService } from './service.js';
import { FileSecretStore } from '../../platform/node/secret-store.js';

const { fixture, cleanups } = fixtureScope();

const restore = restoreAndWait;
const backup = backupNow;

/** `to` is `<stem> (restauré le <stamp>)<ext>` with the stamp of a minute between t0 and t1 (the restore's own time). */
function stampOf(to: string, stem: string, ext: string, t0: Date, t1: Date): boolean {
  if (!to.startsWith(`${stem} (restauré le `) || !to.endsWith(`)${ext}`)) return false;
  const stamp = to.slice(stem.length + ' (restauré le '.length, to.length - ext.length - 1);
  return /^\d{4}-\d{2}-\d{2} \d{2}h\d{2}$/.test(stamp) && stamp >= nameStamp(t0) && stamp <= nameStamp(t1);
}

describe('restore: copy beside, folders, names', () => {
  it('restores a single file beside the original, never overwriting, with its states', async () => {
    const spawner = new RecordingSpawner();
    const f = await fixture({ 'Ordonnance Dupont.pdf': 'version sauvegardée' }, { spawner });
    const snap = await backup(f);
    const original = join(f.data, 'Ordonnance Dupont.pdf');
    await writeFile(original, 'version du jour');

    const t0 = new Date();
    const { job, events } = await restore(f, { snapshotId: snap.id, paths: [original] });
    expect(job.state).toBe('done');
    // The name is taken: the copy's name carries the time of the restore, not the backup's date.
    const expected = job.result!.items[0]!.to;
    expect(stampOf(expected, join(f.data, 'Ordonnance Dupont'), '.pdf', t0, new Date())).toBe(true);
    expect(job.result).toEqual({ items: [{ from: original, to: expected, previousVersion: null }], folder: f.data });
    expect(await readFile(expected, 'utf8')).toBe('version sauvegardée');
    expect(await readFile(original, 'utf8')).toBe('version du jour');
    expect(await stagingsIn(f.data)).toEqual([]);
    const states = [...new Set(events.map((e) => e.state))];
    expect(states).toEqual(['queued', 'preparing', 'restoring', 'verifying', 'moving', 'done']);
    const size = Buffer.byteLength('version sauvegardée');
    expect(job.progress).toMatchObject({ fraction: 1, bytesDone: size, totalBytes: size, totalFiles: 1 });

    // Again, after the folder was listed in the panel (no second listing): the dated name is taken, a counter is added.
    await f.service.browse({ snapshotId: snap.id, path: f.data });
    const before = spawner.spawned.length;
    const again = await restore(f, { snapshotId: snap.id, paths: [original] });
    expect(spawner.spawned.slice(before).map((r) => r.args[0])).toEqual(['restore']);
    const second = again.job.result!.items[0]!.to;
    expect(
      second === expected.replace(/\.pdf$/, ' (2).pdf') || stampOf(second, join(f.data, 'Ordonnance Dupont'), '.pdf', t0, new Date()),
    ).toBe(true);
    expect(second).not.toBe(expected);
    expect(await readFile(expected, 'utf8')).toBe('version sauvegardée');
  });

  it('a deleted folder restored « à côté » comes back under its own name, with everything in it', async () => {
    const f = await fixture({ 'Patients/a.txt': 'a', 'Patients/sous/b.txt': 'bb', 'Patients/vide/.keep': '' });
    const snap = await backup(f);
    await rm(join(f.data, 'Patients'), { recursive: true });
    const { job } = await restore(f, { snapshotId: snap.id, paths: [join(f.data, 'Patients')] });
    expect(job.state).toBe('done');
    const dest = join(f.data, 'Patients');
    expect(job.result?.items[0]?.to).toBe(dest);
    expect(await readFile(join(dest, 'a.txt'), 'utf8')).toBe('a');
    expect(await readFile(join(dest, 'sous', 'b.txt'), 'utf8')).toBe('bb');
    expect((await lstat(join(dest, 'vide', '.keep'))).isFile()).toBe(true);
    expect(await stagingsIn(f.data)).toEqual([]);
  });

  it('names with [ ] * ? é ü and spaces are restored (pattern characters escaped)', async () => {
    const names = ['Patient [A]/bilan*?.txt', 'Über é [1] ü *.odt', 'a\\b?.txt'];
    const f = await fixture(Object.fromEntries(names.map((n, i) => [n, `contenu ${i}`])));
    const snap = await backup(f);
    for (const n of names) await rm(join(f.data, n));
    for (const [i, n] of names.entries()) {
      const { job } = await restore(f, { snapshotId: snap.id, paths: [join(f.data, n)], mode: 'in-place' });
      expect(job.state, n).toBe('done');
      expect(await readFile(join(f.data, n), 'utf8')).toBe(`contenu ${i}`);
    }
    // A folder whose name is a pattern: restored with everything in it.
    await rm(join(f.data, 'Patient [A]'), { recursive: true });
    const { job } = await restore(f, { snapshotId: snap.id, paths: [join(f.data, 'Patient [A]')], mode: 'in-place' });
    expect(job.state).toBe('done');
    expect(await readFile(join(f.data, 'Patient [A]', 'bilan*?.txt'), 'utf8')).toBe('contenu 0');
  });

  it('"restored nothing" is an error: an unescaped `Patient [A]` makes restic restore nothing and exit 0', async () => {
    // Make restic receive the raw name, as a naive caller would pass it.
    const inner = new RecordingSpawner();
    const unescaping: typeof inner = Object.assign(Object.create(inner), {
      spawn: (cmd: string, args: readonly string[], o: Parameters<typeof inner.spawn>[2]) =>
        inner.spawn(
          cmd,
          args.map((a) => a.replace(/\\([\\*?[\]])/g, '$1')),
          o,
        ),
    });
    const f = await fixture({ 'Patient [A].txt': 'dossier' }, { spawner: unescaping });
    const snap = await backup(f);
    await writeFile(join(f.data, 'Patient [A].txt'), 'actuel');
    const { job } = await restore(f, { snapshotId: snap.id, paths: [join(f.data, 'Patient [A].txt')], mode: 'in-place' });
    const restoreRun = inner.spawned.find((s) => s.args[0] === 'restore')!;
    expect(restoreRun.args).toContain(join(f.data, 'Patient [A].txt'));
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ reason: 'restored-nothing' });
    expect(await readFile(join(f.data, 'Patient [A].txt'), 'utf8')).toBe('actuel');
    expect((await readdir(f.data)).sort()).toEqual(['Patient [A].txt']);
  });

  it('another folder: plain name when free, dated when taken; a path absent from the snapshot is refused', async () => {
    const f = await fixture({ 'lettre.txt': 'L' });
    const snap = await backup(f);
    const target = join(f.root, 'ailleurs', 'neuf');
    const first = await restore(f, { snapshotId: snap.id, paths: [join(f.data, 'lettre.txt')], mode: 'folder', targetDir: target });
    expect(first.job.result?.items[0]?.to).toBe(join(target, 'lettre.txt'));
    const t0 = new Date();
    const second = await restore(f, { snapshotId: snap.id, paths: [join(f.data, 'lettre.txt')], mode: 'folder', targetDir: target });
    expect(stampOf(second.job.result!.items[0]!.to, join(target, 'lettre'), '.txt', t0, new Date())).toBe(true);
    expect(second.job.result?.folder).toBe(target);

    const missing = await restore(f, { snapshotId: snap.id, paths: [join(f.data, 'jamais.txt')], mode: 'in-place' });
    expect(missing.job.error?.reason).toBe('not-found');
    expect(await readdir(f.data)).toEqual(['lettre.txt']);
  });
});

describe('restore in place: the current version is kept, links are not followed', () => {
  it('renames the current version to a dated copy first', async () => {
    const f = await fixture({ 'compta.ods': 'sauvegardé' });
    const snap = await backup(f);
    const file = join(f.data, 'compta.ods');
    await writeFile(file, 'modifié aujourd’hui');
    const before = new Date();
    const { job } = await restore(f, { snapshotId: snap.id, paths: [file], mode: 'in-place' });
    expect(job.state).toBe('done');
    const prev = job.result!.items[0]!.previousVersion!;
    expect([nameStamp(before), nameStamp(new Date())].map((s) => join(f.data, `compta (avant restauration ${s}).ods`))).toContain(prev);
    expect(await readFile(file, 'utf8')).toBe('sauvegardé');
    expect(await readFile(prev, 'utf8')).toBe('modifié aujourd’hui');

    // A deleted file comes back under its own name, nothing to keep aside.
    await unlink(file);
    const again = await restore(f, { snapshotId: snap.id, paths: [file], mode: 'in-place' });
    expect(again.job.result?.items[0]).toEqual({ from: file, to: file, previousVersion: null });
  });

  it('a symlink at the target path is not followed: the file it points to is untouched', async () => {
    const f = await fixture({ 'note.txt': 'note sauvegardée' });
    const snap = await backup(f);
    const victim = join(f.root, 'hors-sauvegarde.txt');
    await writeFile(victim, 'ne pas toucher');
    const file = join(f.data, 'note.txt');
    await unlink(file);
    await symlink(victim, file);

    const { job } = await restore(f, { snapshotId: snap.id, paths: [file], mode: 'in-place' });
    expect(job.state).toBe('done');
    expect(await readFile(victim, 'utf8')).toBe('ne pas toucher');
    expect((await lstat(file)).isFile()).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('note sauvegardée');
    const prev = job.result!.items[0]!.previousVersion!;
    expect((await lstat(prev)).isSymbolicLink()).toBe(true);
    expect(await readlink(prev)).toBe(victim);
  });

  it.runIf(canChattr())('rolls back the earlier moves when a later one fails', async () => {
    const f = await fixture({ 'a.txt': 'a sauvegardé', 'b.txt': 'b sauvegardé' });
    const snap = await backup(f);
    await writeFile(join(f.data, 'a.txt'), 'a actuel');
    await writeFile(join(f.data, 'b.txt'), 'b actuel');
    // b.txt cannot be renamed (immutable): a.txt's moves must be undone.
    sh('chattr', ['+i', join(f.data, 'b.txt')]);
    try {
      const { job } = await restore(f, { snapshotId: snap.id, paths: [join(f.data, 'a.txt'), join(f.data, 'b.txt')], mode: 'in-place' });
      expect(job.state).toBe('failed');
      expect(job.error?.reason).toBe('read-only');
    } finally {
      sh('chattr', ['-i', join(f.data, 'b.txt')]);
    }
    expect((await readdir(f.data)).sort()).toEqual(['a.txt', 'b.txt']);
    expect(await readFile(join(f.data, 'a.txt'), 'utf8')).toBe('a actuel');
    expect(await readFile(join(f.data, 'b.txt'), 'utf8')).toBe('b actuel');
  });
});

describe('restore interrupted or impossible: the original stays intact', () => {
  async function bigFixture(spawner: RecordingSpawner) {
    const f = await fixture({ 'imagerie/scan1.dcm': randomContent(8 << 20), 'imagerie/scan2.dcm': randomContent(8 << 20) }, { spawner });
    const snap = await backup(f);
    const dir = join(f.data, 'imagerie');
    await writeFile(join(dir, 'scan1.dcm'), 'version actuelle');
    return { f, snap, dir };
  }

  /** Starts an in-place restore and freezes restic once it has written into its staging folder. */
  async function startAndFreeze(f: Fixture, spawner: RecordingSpawner, snapId: string, dir: string) {
    const next = spawner.next('restore');
    const job = f.service.restore(RestoreRequest.parse({ snapshotId: snapId, paths: [dir], mode: 'in-place' }));
    const rec = await next;
    await stepUntil(rec.child.pid!, async () => {
      const [s] = await stagingsIn(f.data);
      if (!s) return false;
      return (await readdir(join(f.data, s), { recursive: true })).some((p) => p.endsWith('.dcm'));
    });
    return { job, rec };
  }

  it('killing restic midway: the job fails, nothing partial is left, the original is untouched', async () => {
    const spawner = new RecordingSpawner();
    const { f, snap, dir } = await bigFixture(spawner);
    const { job, rec } = await startAndFreeze(f, spawner, snap.id, dir);
    process.kill(rec.child.pid!, 'SIGKILL');
    const done = await f.service.restores.settled(job.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatchObject({
      reason: 'interrupted',
      messageKey: 'restoreInterrupted',
      message: 'La restauration a été interrompue ; vos fichiers actuels n’ont pas été touchés.',
      nextStep: 'Vous pouvez relancer la restauration quand vous voulez.',
    });
    expect(await readFile(join(dir, 'scan1.dcm'), 'utf8')).toBe('version actuelle');
    expect((await readdir(f.data)).sort()).toEqual(['imagerie']);
    expect((await readdir(dir)).sort()).toEqual(['scan1.dcm', 'scan2.dcm']);
    expect(await locksOf(f.repoPath)).toEqual([]);
  });

  it('cancel midway: restic is stopped, the staging folder removed, the original untouched', async () => {
    const spawner = new RecordingSpawner();
    const { f, snap, dir } = await bigFixture(spawner);
    const { job, rec } = await startAndFreeze(f, spawner, snap.id, dir);
    const cancelled = f.service.cancelRestore(job.id);
    expect(cancelled.state).toBe('restoring');
    process.kill(rec.child.pid!, 'SIGCONT');
    const done = await f.service.restores.settled(job.id);
    expect(done.state).toBe('cancelled');
    expect(done.error).toMatchObject({
      reason: 'cancelled',
      messageKey: 'restoreInterrupted',
      message: 'La restauration a été interrompue ; vos fichiers actuels n’ont pas été touchés.',
    });
    expect(await readFile(join(dir, 'scan1.dcm'), 'utf8')).toBe('version actuelle');
    expect((await readdir(f.data)).sort()).toEqual(['imagerie']);
    expect(await locksOf(f.repoPath)).toEqual([]);
  });

  it.runIf(canMount())('a full destination fails cleanly (2 MB tmpfs)', async () => {
    const f = await fixture({});
    await f.service.stop();
    sh('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', f.data]);
    try {
      await f.service.start();
      await writeFile(join(f.data, 'dossier.bin'), randomContent(1536 << 10));
      const snap = await backup(f);
      await writeFile(join(f.data, 'dossier.bin'), 'petite version actuelle');
      await writeFile(join(f.data, 'remplissage.bin'), randomContent(1024 << 10));
      const { job } = await restore(f, { snapshotId: snap.id, paths: [join(f.data, 'dossier.bin')], mode: 'in-place' });
      expect(job.state).toBe('failed');
      expect(job.error).toMatchObject({ reason: 'disk-full', message: 'Il n’y a plus assez de place sur le disque.' });
      expect(await readFile(join(f.data, 'dossier.bin'), 'utf8')).toBe('petite version actuelle');
      expect((await readdir(f.data)).sort()).toEqual(['dossier.bin', 'remplissage.bin']);
    } finally {
      await f.service.stop();
      sh('umount', ['-l', f.data]);
    }
  });

  it.runIf(canMount())('a read-only destination fails cleanly (read-only bind mount)', async () => {
    const f = await fixture({ 'registre.txt': 'sauvegardé' });
    const snap = await backup(f);
    await writeFile(join(f.data, 'registre.txt'), 'actuel');
    sh('mount', ['--bind', f.data, f.data]);
    try {
      sh('mount', ['-o', 'remount,ro,bind', f.data]);
      const { job } = await restore(f, { snapshotId: snap.id, paths: [join(f.data, 'registre.txt')], mode: 'in-place' });
      expect(job.state).toBe('failed');
      expect(job.error?.reason).toBe('read-only');
      expect(await readFile(join(f.data, 'registre.txt'), 'utf8')).toBe('actuel');
      expect(await readdir(f.data)).toEqual(['registre.txt']);
    } finally {
      sh('umount', ['-l', f.data]);
    }
  });
});

describe('restore progress and bookkeeping', () => {
  it('restic 0.14: progress measured from the staging folder, with the total from the snapshot', async () => {
    const spawner = new RecordingSpawner();
    const files = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`lot/f${String(i).padStart(2, '0')}.bin`, randomContent(256 << 10)]),
    );
    const f = await fixture(files, { spawner });
    const snap = await backup(f);
    expect(f.service.restic.features?.restoreJson).toBe(false);
    const target = join(f.root, 'copie');
    const events: RestoreJob[] = [];
    f.service.on('restore', (j) => events.push(j));
    const next = spawner.next('restore');
    const job = f.service.restore(
      RestoreRequest.parse({ snapshotId: snap.id, paths: [join(f.data, 'lot')], mode: 'folder', targetDir: target }),
    );
    const rec = await next;
    // Let restic run in small steps until it has written part of the files, then watch a measurement come in.
    // The staging folder is as high as the allowed folder goes on that disk: the home folder, here the temp root.
    await stepUntil(rec.child.pid!, async () => {
      const [s] = await stagingsIn(f.root).catch(() => []);
      return s ? (await readdir(join(f.root, s), { recursive: true })).some((p) => p.endsWith('.bin')) : false;
    });
    const mid = await waitFor(async () =>
      events.find((e) => e.progress?.source === 'staging' && e.progress.totalBytes === 40 * (256 << 10) && e.progress.bytesDone > 0),
    );
    process.kill(rec.child.pid!, 'SIGCONT');
    expect(mid.progress!.fraction).toBeGreaterThan(0);
    expect(mid.progress!.fraction).toBeLessThan(1);
    const done = await f.service.restores.settled(job.id);
    expect(done.state).toBe('done');
    expect(done.progress).toMatchObject({ fraction: 1, bytesDone: 40 * (256 << 10), source: 'staging', totalFiles: 40 });
    expect((await readdir(join(target, 'lot'))).length).toBe(40);
  });

  it('staging folders left by a crash are removed at start', async () => {
    const f = await fixture({ 'a.txt': 'a' });
    await f.service.stop();
    const leftover = join(f.data, `${STAGING_PREFIX}abc123`);
    await mkdir(join(leftover, 'partiel'), { recursive: true });
    await writeFile(join(leftover, 'partiel', 'x.bin'), 'moitié');
    const statePath = join(f.root, 'app', 'backup', 'state.json');
    const state = JSON.parse(await readFile(statePath, 'utf8')) as { stagings: string[] };
    state.stagings = [leftover];
    await writeFile(statePath, JSON.stringify(state));
    const again = new BackupService({
      dataDir: join(f.root, 'app'),
      secrets: new FileSecretStore(join(f.root, 'secrets.json')),
      notifier: f.notifier,
      logger: testLogger,
      suggest: { home: join(f.root, 'home'), env: {} },
    });
    await again.start();
    cleanups.push(() => again.stop());
    expect(await readdir(f.data)).toEqual(['a.txt']);
    expect(await f.secrets.get(SECRET_KEYS.repositoryPassword)).toBeTruthy();
  });
});
