import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { userPlaces } from './places.js';
import { backupNow, restoreAndWait, tempDir, removeDir } from './test-support/index.js';
import { fixtureScope } from './test-support/scope.js';

const { fixture, cleanups } = fixtureScope();

describe('places: where things are, in the practitioner’s words', () => {
  it('finds the user’s well-known folders: a French Linux desktop (user-dirs.dirs), Windows with OneDrive', async () => {
    const home = await tempDir('vigie-home-');
    cleanups.push(() => removeDir(home));
    await mkdir(join(home, 'Bureau'));
    await mkdir(join(home, 'Documents'));
    await mkdir(join(home, 'Images'));
    await mkdir(join(home, '.config'));
    await writeFile(
      join(home, '.config', 'user-dirs.dirs'),
      '# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR="$HOME/Bureau"\nXDG_DOWNLOAD_DIR="$HOME/Téléchargements"\n',
    );
    expect(await userPlaces({ platform: 'linux', home, env: {} })).toEqual([
      { kind: 'desktop', path: join(home, 'Bureau') },
      { kind: 'documents', path: join(home, 'Documents') },
      { kind: 'pictures', path: join(home, 'Images') },
      { kind: 'home', path: home },
    ]);

    const existing = new Set([
      'C:\\Users\\marie',
      'C:\\Users\\marie\\OneDrive\\Bureau',
      'C:\\Users\\marie\\Documents',
      'C:\\Users\\marie\\Downloads',
    ]);
    const win = await userPlaces({
      platform: 'win32',
      home: 'C:\\Users\\marie',
      env: { USERPROFILE: 'C:\\Users\\marie', OneDrive: 'C:\\Users\\marie\\OneDrive' },
      isDir: async (p) => existing.has(p),
    });
    expect(win).toEqual([
      { kind: 'desktop', path: 'C:\\Users\\marie\\OneDrive\\Bureau' },
      { kind: 'documents', path: 'C:\\Users\\marie\\Documents' },
      { kind: 'downloads', path: 'C:\\Users\\marie\\Downloads' },
      { kind: 'home', path: 'C:\\Users\\marie' },
    ]);
  });

  it('the default of a restore: « à sa place » for what was deleted, « à côté » when something has that name; it comes back under its own name', async () => {
    const f = await fixture({ 'Ordonnance.pdf': 'ordonnance', 'lettre.txt': 'lettre' });
    const snap = await backupNow(f);
    await rm(join(f.data, 'Ordonnance.pdf'));
    const deleted = await f.service.restorePlan({ snapshotId: snap.id, paths: [join(f.data, 'Ordonnance.pdf')] });
    expect(deleted).toEqual({ folder: f.data, existing: [], suggestedMode: 'in-place' });
    const both = await f.service.restorePlan({ snapshotId: snap.id, paths: [join(f.data, 'Ordonnance.pdf'), join(f.data, 'lettre.txt')] });
    expect(both).toEqual({ folder: f.data, existing: [join(f.data, 'lettre.txt')], suggestedMode: 'beside' });
    // The suggested mode does what it says: the deleted file is back, under its own name, at its place.
    const { job } = await restoreAndWait(f, { snapshotId: snap.id, paths: [join(f.data, 'Ordonnance.pdf')], mode: deleted.suggestedMode });
    expect(job.result?.items).toEqual([
      { from: join(f.data, 'Ordonnance.pdf'), to: join(f.data, 'Ordonnance.pdf'), previousVersion: null },
    ]);
    // A path outside the backed-up folders gets no plan (the same refusal as a restore).
    await expect(f.service.restorePlan({ snapshotId: snap.id, paths: ['/etc/passwd'] })).rejects.toMatchObject({
      details: { reason: 'not-allowed' },
    });
  });

  it('the folder picker offers exactly where a restore « ailleurs » may go: no hidden, reserved or linked folder', async () => {
    const f = await fixture({ 'a.txt': 'a' });
    // The fixture's home is its temp root: data (backed up), repo, app and cache (reserved) live there.
    await mkdir(join(f.root, 'Bureau', 'Dossier patients'), { recursive: true });
    await mkdir(join(f.root, '.ssh'));
    await symlink('/etc', join(f.root, 'Bureau', 'raccourci'));
    const top = await f.service.listFolders({});
    expect(top.path).toBeNull();
    expect(top.folders.map((x) => x.path)).toEqual([join(f.root, 'Bureau'), f.data, f.root]);
    const home = await f.service.listFolders({ path: f.root });
    expect(home.folders.map((x) => x.name)).toEqual(['Bureau', 'data']);
    const desk = await f.service.listFolders({ path: join(f.root, 'Bureau') });
    expect(desk.folders).toEqual([{ name: 'Dossier patients', path: join(f.root, 'Bureau', 'Dossier patients') }]);
    for (const refused of ['/etc', join(f.root, '.ssh'), f.repoPath, join(f.root, 'Bureau', 'raccourci')]) {
      expect((await f.service.listFolders({ path: refused })).folders, refused).toEqual([]);
    }
    const places = await f.service.places();
    expect(places.places).toContainEqual({ kind: 'desktop', path: join(f.root, 'Bureau') });
    expect(places.places).toContainEqual({ kind: 'backed-up', path: f.data });
  });
});
