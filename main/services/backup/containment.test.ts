/**
 * Where a restore may write (containment.ts), on real restic and real files: refused before any
 * folder is created or restic starts, and checked again before the final moves. The Windows forms
 * of the path checks are tested on their own (pure functions).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RestoreRequest, type BackupMessageKey, type VigieError } from '@vigie/common';
import { isWithin, systemFolders, validLocalDir, validTreePath } from './containment.js';
import { backupNow, randomContent, RecordingSpawner, restoreAndWait, stagingsIn, stepUntil } from './test-support/index.js';
import { fixtureScope } from './test-support/scope.js';

const { fixture, cleanups } = fixtureScope();

const listTree = async (dir: string) => (await readdir(dir, { recursive: true })).sort();
/** restic runs that read or write file data (snapshots listing aside). */
const dataRuns = (s: RecordingSpawner, from: number) => s.spawned.slice(from).filter((r) => r.args[0] === 'restore' || r.args[0] === 'ls');

function thrown(fn: () => unknown): VigieError {
  try {
    fn();
  } catch (e) {
    return e as VigieError;
  }
  throw new Error('nothing was thrown');
}

const LINK_MESSAGE = 'Un dossier sur le chemin a été remplacé par un lien depuis la sauvegarde : par sécurité, rien n’a été restauré.';

describe('containment rules, Windows and POSIX forms', () => {
  it('compares paths case-insensitively on Windows and macOS, never by prefix alone', () => {
    expect(isWithin('C:\\Users\\dr\\documents\\a', 'c:\\users\\DR\\Documents', 'win32')).toBe(true);
    expect(isWithin('C:\\Users\\dr2', 'C:\\Users\\dr', 'win32')).toBe(false);
    expect(isWithin('D:\\', 'D:\\', 'win32')).toBe(true);
    expect(isWithin('/home/u/Documents2', '/home/u/Documents', 'linux')).toBe(false);
    expect(isWithin('/home/u/documents', '/home/u/Documents', 'linux')).toBe(false);
    expect(isWithin('/Users/u/documents/x', '/Users/u/Documents', 'darwin')).toBe(true);
  });

  it('refuses `..`, device paths, streams and separators hidden in names', () => {
    expect(validLocalDir('C:\\Users\\dr\\Bureau', 'win32')).toBe(true);
    expect(validLocalDir('\\\\serveur\\partage\\Cabinet', 'win32')).toBe(true);
    expect(validLocalDir('C:\\Users\\dr\\..\\..\\Windows', 'win32')).toBe(false);
    expect(validLocalDir('C:/Users/dr/../Public', 'win32')).toBe(false);
    expect(validLocalDir('\\\\?\\C:\\Windows', 'win32')).toBe(false);
    expect(validLocalDir('\\\\.\\PhysicalDrive0', 'win32')).toBe(false);
    expect(validLocalDir('\\Users\\dr', 'win32')).toBe(false);
    expect(validLocalDir('C:\\Users\\dr\\fichier.txt:flux', 'win32')).toBe(false);
    expect(validLocalDir('C:\\Users\\dr\\nom. ', 'win32')).toBe(false);
    expect(validLocalDir('/home/u/./Bureau', 'linux')).toBe(false);
    expect(validLocalDir('/home/u/a\\b', 'linux')).toBe(true);
    // A name holding a backslash becomes two names on Windows (treeToLocal): refused there.
    expect(validTreePath('/C/Users/dr/a\\..\\..\\Windows', 'win32')).toBe(false);
    expect(validTreePath('/home/u/a\\..\\b', 'linux')).toBe(true);
    expect(validTreePath('/home/u/../etc', 'linux')).toBe(false);
  });

  it('knows the system folders of each OS', () => {
    const win = systemFolders('win32', { SystemRoot: 'C:\\WINDOWS', ProgramFiles: 'C:\\Program Files', ProgramData: 'C:\\ProgramData' });
    expect(win).toEqual(
      expect.arrayContaining(['C:\\WINDOWS', 'C:\\Program Files', 'C:\\Program Files (x86)', 'C:\\ProgramData\\Microsoft']),
    );
    expect(win.some((z) => isWithin('c:\\windows\\system32', z, 'win32'))).toBe(true);
    expect(win.some((z) => isWithin('C:\\Julie', z, 'win32'))).toBe(false);
    expect(systemFolders('darwin')).toEqual(expect.arrayContaining(['/System', '/private/etc', '/etc']));
    expect(systemFolders('linux')).toEqual(expect.arrayContaining(['/etc', '/usr', '/var/lib']));
  });
});

describe('restore containment: refused before anything is written', () => {
  it('a path above the backed-up folder, or beside it, is refused before restic starts', async () => {
    const spawner = new RecordingSpawner();
    const f = await fixture({ 'Documents/lettre.txt': 'L', 'autre.txt': 'pas sauvegardé' }, { spawner });
    const docs = join(f.data, 'Documents');
    await f.service.saveSettings({ settings: { repository: { kind: 'local', path: f.repoPath }, folders: [docs] } });
    const snap = await backupNow(f);
    const before = { root: await readdir(f.root), data: await listTree(f.data), spawned: spawner.spawned.length };
    for (const input of [
      { paths: [f.data], mode: 'in-place' as const },
      { paths: [f.data], mode: 'beside' as const },
      { paths: [join(f.data, 'autre.txt')], mode: 'in-place' as const },
      { paths: [dirname(f.root)], mode: 'folder' as const, targetDir: join(f.root, 'copie') },
    ]) {
      const { job } = await restoreAndWait(f, { snapshotId: snap.id, ...input });
      expect(job.state, JSON.stringify(input)).toBe('failed');
      expect(job.error).toMatchObject({
        reason: 'not-allowed',
        messageKey: 'outsideBackedUpFolders',
        message: 'Cet élément n’est pas dans les dossiers sauvegardés : la restauration est refusée.',
      });
    }
    expect(dataRuns(spawner, before.spawned)).toEqual([]);
    expect(await readdir(f.root)).toEqual(before.root);
    expect(await listTree(f.data)).toEqual(before.data);
  });

  it('`..` in a destination, or in a path sent past the schema, is refused at once', async () => {
    const f = await fixture({ 'lettre.txt': 'L' });
    const snap = await backupNow(f);
    const escape = `vigie-evasion-${randomUUID()}`;
    const outside = join(dirname(f.root), escape);
    cleanups.push(() => rm(outside, { recursive: true, force: true }));
    // The contract refuses it at the IPC boundary; the service refuses it too, for a caller that skips the contract.
    const input = {
      snapshotId: snap.id,
      paths: [join(f.data, 'lettre.txt')],
      mode: 'folder',
      targetDir: `${f.root}/ailleurs/../../${escape}`,
    } as const;
    expect(RestoreRequest.safeParse(input).success).toBe(false);
    const req = { ...RestoreRequest.parse({ ...input, targetDir: f.root }), targetDir: input.targetDir };
    expect(thrown(() => f.service.restore(req)).details).toMatchObject({ reason: 'not-allowed', messageKey: 'invalidPath' });
    const crafted = { ...req, mode: 'beside' as const, paths: [`${f.data}/../../${escape}/lettre.txt`] };
    expect(thrown(() => f.service.restore(crafted)).details).toMatchObject({ reason: 'not-allowed', messageKey: 'invalidPath' });
    expect(f.service.listRestores()).toEqual([]);
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(join(f.root, 'ailleurs'))).toBe(false);
  });

  it('never into the repository, the app’s data, restic’s cache, hidden folders of home, or outside home', async () => {
    const spawner = new RecordingSpawner();
    const f = await fixture({ 'lettre.txt': 'L' }, { spawner });
    const snap = await backupNow(f);
    const repoBefore = await readdir(f.repoPath);
    const from = spawner.spawned.length;
    const cases: Array<[string, BackupMessageKey]> = [
      [join(f.repoPath, 'restaurés'), 'reservedFolder'],
      [join(f.root, 'app', 'restaurés'), 'reservedFolder'],
      [join(f.root, 'cache', 'restaurés'), 'reservedFolder'],
      [join(f.root, '.config', 'autostart'), 'reservedFolder'],
      [join(dirname(f.root), `hors-de-chez-moi-${randomUUID()}`), 'outsideUserFolders'],
    ];
    for (const [targetDir, messageKey] of cases) {
      const { job } = await restoreAndWait(f, { snapshotId: snap.id, paths: [join(f.data, 'lettre.txt')], mode: 'folder', targetDir });
      expect(job.error, targetDir).toMatchObject({ reason: 'not-allowed', messageKey });
      expect(existsSync(targetDir), targetDir).toBe(false);
    }
    expect(dataRuns(spawner, from)).toEqual([]);
    expect(await readdir(f.repoPath)).toEqual(repoBefore);

    // The backed-up folder may be a link, but where it resolves is checked: here, into the app's data folder.
    const appBefore = await listTree(join(f.root, 'app'));
    await rename(f.data, join(f.root, 'data-déplacé'));
    await symlink(join(f.root, 'app'), f.data);
    const { job } = await restoreAndWait(f, { snapshotId: snap.id, paths: [join(f.data, 'lettre.txt')], mode: 'in-place' });
    expect(job.error).toMatchObject({ reason: 'not-allowed', messageKey: 'reservedFolder' });
    expect(await listTree(join(f.root, 'app'))).toEqual(appBefore);
  });

  it('system folders are refused even when home would allow them', async () => {
    const f = await fixture({ 'lettre.txt': 'L' }, { home: '/' });
    const snap = await backupNow(f);
    for (const targetDir of [`/etc/vigie-${randomUUID()}`, `/usr/local/vigie-${randomUUID()}`, join(f.root, 'app')]) {
      const { job } = await restoreAndWait(f, { snapshotId: snap.id, paths: [join(f.data, 'lettre.txt')], mode: 'folder', targetDir });
      expect(job.error, targetDir).toMatchObject({ reason: 'not-allowed', messageKey: 'reservedFolder' });
      expect(existsSync(join(targetDir, 'lettre.txt'))).toBe(false);
    }
  });

  it('a technician restores only into the backed-up folders; the practitioner also into their own', async () => {
    const f = await fixture({ 'lettre.txt': 'L' });
    const snap = await backupNow(f);
    const desk = join(f.root, 'Bureau');
    await mkdir(desk);
    const file = join(f.data, 'lettre.txt');
    const tech = await restoreAndWait(f, { snapshotId: snap.id, paths: [file], mode: 'folder', targetDir: desk, origin: 'technician' });
    expect(tech.job.error).toMatchObject({
      reason: 'not-allowed',
      messageKey: 'technicianBackedUpOnly',
      message: 'Un technicien ne peut restaurer que dans les dossiers sauvegardés.',
    });
    expect(await readdir(desk)).toEqual([]);
    const inside = await restoreAndWait(f, {
      snapshotId: snap.id,
      paths: [file],
      mode: 'folder',
      targetDir: join(f.data, 'Restaurés'),
      origin: 'technician',
    });
    expect(inside.job.state).toBe('done');
    expect(await readFile(join(f.data, 'Restaurés', 'lettre.txt'), 'utf8')).toBe('L');
    // The backed-up folder as a whole would go into its parent: not a technician's to write.
    for (const mode of ['beside', 'in-place'] as const) {
      const whole = await restoreAndWait(f, { snapshotId: snap.id, paths: [f.data], mode, origin: 'technician' });
      expect(whole.job.error, mode).toMatchObject({ reason: 'not-allowed', messageKey: 'technicianBackedUpOnly' });
    }
    const own = await restoreAndWait(f, { snapshotId: snap.id, paths: [file], mode: 'folder', targetDir: desk });
    expect(own.job.state).toBe('done');
    expect(await readdir(desk)).toEqual(['lettre.txt']);
    const ownWhole = await restoreAndWait(f, { snapshotId: snap.id, paths: [f.data] });
    expect(ownWhole.job.result?.items[0]?.to).toMatch(/data \(restauré .+\)$/);
    // Not in a hidden folder of home either, even inside a backed-up folder.
    const hidden = await restoreAndWait(f, { snapshotId: snap.id, paths: [file], mode: 'folder', targetDir: join(f.data, '.cache') });
    expect(hidden.job.error).toMatchObject({ reason: 'not-allowed', messageKey: 'reservedFolder' });
  });

  it('a destination that is a file, not a folder, says so', async () => {
    const f = await fixture({ 'Dossier/a.txt': 'a' });
    const snap = await backupNow(f);
    const notDir = join(f.root, 'Bureau.txt');
    await writeFile(notDir, 'un fichier');
    for (const targetDir of [notDir, join(notDir, 'sous-dossier')]) {
      const { job } = await restoreAndWait(f, {
        snapshotId: snap.id,
        paths: [join(f.data, 'Dossier', 'a.txt')],
        mode: 'folder',
        targetDir,
      });
      expect(job.error, targetDir).toMatchObject({
        reason: 'not-a-folder',
        message: 'La destination choisie est un fichier, pas un dossier.',
      });
    }
    expect(await readFile(notDir, 'utf8')).toBe('un fichier');
    // Back in place, where its folder has become a file.
    await rm(join(f.data, 'Dossier'), { recursive: true });
    await writeFile(join(f.data, 'Dossier'), 'remplacé');
    const { job } = await restoreAndWait(f, { snapshotId: snap.id, paths: [join(f.data, 'Dossier', 'a.txt')], mode: 'in-place' });
    expect(job.error?.reason).toBe('not-a-folder');
    expect(await readdir(f.data)).toEqual(['Dossier']);
  });
});

describe('restore containment: links', () => {
  it('the backed-up folder may be a link; a folder below it replaced by a link is never followed', async () => {
    const f = await fixture({ 'Patients/Dupont/cr.txt': 'compte rendu' });
    const snap = await backupNow(f);
    const file = join(f.data, 'Patients', 'Dupont', 'cr.txt');
    // Documents moved to another disk after the backup: the backed-up folder is now a link.
    const moved = join(f.root, 'disque2', 'data');
    await mkdir(dirname(moved));
    await rename(f.data, moved);
    await symlink(moved, f.data);
    await rm(join(moved, 'Patients', 'Dupont', 'cr.txt'));
    const back = await restoreAndWait(f, { snapshotId: snap.id, paths: [file], mode: 'in-place' });
    expect(back.job.state).toBe('done');
    expect(await readFile(join(moved, 'Patients', 'Dupont', 'cr.txt'), 'utf8')).toBe('compte rendu');
    expect(await stagingsIn(moved)).toEqual([]);

    // Now a folder below it is replaced by a link to somewhere else.
    const outside = join(f.root, 'hors-sauvegarde');
    await mkdir(join(outside, 'Dupont'), { recursive: true });
    await writeFile(join(outside, 'Dupont', 'autre.txt'), 'autre');
    await rm(join(moved, 'Patients'), { recursive: true });
    await symlink(outside, join(moved, 'Patients'));
    await symlink(outside, join(f.root, 'raccourci'));
    const outsideBefore = await listTree(outside);
    for (const input of [
      { mode: 'in-place' as const },
      { mode: 'beside' as const },
      { mode: 'folder' as const, targetDir: join(f.data, 'Patients', 'Dupont') },
      { mode: 'folder' as const, targetDir: join(f.root, 'raccourci', 'sous-dossier') },
    ]) {
      const { job } = await restoreAndWait(f, { snapshotId: snap.id, paths: [file], ...input });
      expect(job.error, JSON.stringify(input)).toMatchObject({ reason: 'link-in-path', message: LINK_MESSAGE });
    }
    expect(await listTree(outside)).toEqual(outsideBefore);
    expect(await stagingsIn(moved)).toEqual([]);
  });

  it('« restaurer ailleurs » is judged on where the system puts it: a backed-up folder that resolves into a hidden folder of home takes nothing there', async () => {
    // The class of a Windows short name (APPDAT~1 for AppData): a spelling that hides where it lands.
    const f = await fixture({ 'lettre.txt': 'L' });
    const snap = await backupNow(f);
    const autostart = join(f.root, '.config', 'autostart');
    await mkdir(dirname(autostart), { recursive: true });
    await rename(f.data, autostart);
    await symlink(autostart, f.data);
    const file = join(f.data, 'lettre.txt');
    for (const origin of ['technician', 'practitioner'] as const) {
      for (const targetDir of [f.data, join(f.data, 'Restaurés')]) {
        const { job } = await restoreAndWait(f, { snapshotId: snap.id, paths: [file], mode: 'folder', targetDir, origin });
        expect(job.error, `${origin} ${targetDir}`).toMatchObject({ reason: 'not-allowed', messageKey: 'reservedFolder' });
      }
    }
    expect(await listTree(autostart)).toEqual(['lettre.txt']);
    // Put back where it was (its own backed-up folder) is still the practitioner's and the technician's right.
    await rm(join(autostart, 'lettre.txt'));
    const back = await restoreAndWait(f, { snapshotId: snap.id, paths: [file], mode: 'in-place', origin: 'technician' });
    expect(back.job.state).toBe('done');
    expect(await readFile(join(autostart, 'lettre.txt'), 'utf8')).toBe('L');
  });

  it('checked again just before the final moves: a folder swapped for a link while restic ran is not followed', async () => {
    const spawner = new RecordingSpawner();
    const f = await fixture({ 'Patients/Dupont/scan.dcm': randomContent(8 << 20) }, { spawner });
    const snap = await backupNow(f);
    const scan = join(f.data, 'Patients', 'Dupont', 'scan.dcm');
    await writeFile(scan, 'version actuelle');
    const outside = join(f.root, 'hors-sauvegarde');
    await mkdir(join(outside, 'Dupont'), { recursive: true });
    const next = spawner.next('restore');
    const started = f.service.restore(RestoreRequest.parse({ snapshotId: snap.id, paths: [scan], mode: 'in-place' }));
    const rec = await next;
    await stepUntil(rec.child.pid!, async () => {
      const [s] = await stagingsIn(f.data);
      return !!s && (await readdir(join(f.data, s), { recursive: true })).some((p) => p.endsWith('.dcm'));
    });
    // While restic writes, the patient's folder is moved away and a link put in its place.
    await rename(join(f.data, 'Patients'), join(f.data, 'Patients-déplacé'));
    await symlink(outside, join(f.data, 'Patients'));
    process.kill(rec.child.pid!, 'SIGCONT');
    const job = await f.service.restores.settled(started.id);
    expect(job.error).toMatchObject({ reason: 'link-in-path', message: LINK_MESSAGE });
    expect(await listTree(outside)).toEqual(['Dupont']);
    expect(await readFile(join(f.data, 'Patients-déplacé', 'Dupont', 'scan.dcm'), 'utf8')).toBe('version actuelle');
    expect(await stagingsIn(f.data)).toEqual([]);
  });
});
