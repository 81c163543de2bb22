import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BackupSettings,
  IPC_METHODS,
  parseOrThrow,
  RestoreRequest,
  SAFETY_METHODS,
  SaveBackupSettingsInput,
  SearchRequest,
} from '@vigie/common';
import { makeApp } from '../test-support/fixture.js';
import { createDispatch } from '../ipc.js';
import { FileSecretStore } from '../../platform/node/secret-store.js';
import { suggestFolders } from './defaults.js';
import { backupCapability, backupHandlers } from './handlers.js';
import { repoTarget, SECRET_KEYS } from './repository.js';
import { BackupService } from './service.js';
import { datedName, nameStamp, splitExtension } from './naming.js';
import { RepoQueue } from './queue.js';
import { escapePattern, includePatternFor, localToTree, treeParent, treeToLocal } from './restic/paths.js';
import { isoTime, parseBackupLine, parseLsLine, parseRestoreLine } from './restic/parse.js';
import { makeFixture, RecordingNotifier, removeDir, tempDir, testLogger, waitFor, type Fixture } from './test-support/index.js';

describe('restic patterns and paths', () => {
  it('escapes \\ * ? [ ] literally (POSIX: backslash; Windows: one-character classes)', () => {
    expect(escapePattern('Patient [A] *?\\.txt', 'linux')).toBe('Patient \\[A\\] \\*\\?\\\\.txt');
    expect(escapePattern('Patient [A] *?.txt', 'win32')).toBe('Patient [[]A] [*][?].txt');
    expect(includePatternFor('/home/u/Patient [A]/b*.txt', 'linux')).toBe('/home/u/Patient \\[A\\]/b\\*.txt');
    expect(includePatternFor('/C/Users/u/Dossier [1]', 'win32')).toBe('/C/Users/u/Dossier [[]1]');
  });

  it('maps Windows paths to snapshot paths and back', () => {
    expect(localToTree('C:\\Users\\Dr Martin\\Documents', 'win32')).toBe('/C/Users/Dr Martin/Documents');
    expect(localToTree('d:\\', 'win32')).toBe('/D');
    expect(treeToLocal('/C/Users/Dr Martin/Documents', 'win32')).toBe('C:\\Users\\Dr Martin\\Documents');
    expect(localToTree('/Users/martin/Documents/', 'darwin')).toBe('/Users/martin/Documents');
    expect(treeParent('/a')).toBe('/');
    expect(treeParent('/')).toBeNull();
  });

  it('parses restic JSON lines leniently (0.14 and 0.17 forms)', () => {
    expect(parseLsLine('{"name":"a","type":"file","path":"/a","size":3,"struct_type":"node"}')).toMatchObject({ path: '/a', size: 3 });
    expect(parseLsLine('{"name":"a","type":"file","path":"/a","size":3,"message_type":"node"}')).toMatchObject({ path: '/a' });
    expect(parseLsLine('{"time":"x","paths":["/a"],"struct_type":"snapshot"}')).toBeNull();
    expect(parseLsLine('garbage')).toBeNull();
    expect(
      parseBackupLine('{"message_type":"error","error":{"Op":"open","Path":"/x","Err":13},"during":"archival","item":"/x"}'),
    ).toMatchObject({ kind: 'error', v: { item: '/x' } });
    expect(
      parseBackupLine('{"message_type":"error","error":{"message":"permission denied"},"during":"archival","item":"/y"}'),
    ).toMatchObject({ kind: 'error', v: { item: '/y' } });
    // restore --json from restic 0.16 (status, summary); 0.14 prints no JSON for restore.
    expect(
      parseRestoreLine(
        '{"message_type":"status","seconds_elapsed":1,"percent_done":0.25,"total_files":4,"files_restored":1,"total_bytes":4096,"bytes_restored":1024}',
      ),
    ).toMatchObject({
      message_type: 'status',
      percent_done: 0.25,
      bytes_restored: 1024,
      total_bytes: 4096,
    });
    expect(
      parseRestoreLine('{"message_type":"summary","total_files":4,"files_restored":4,"total_bytes":4096,"bytes_restored":4096}')
        ?.message_type,
    ).toBe('summary');
    expect(parseRestoreLine('restoring <Snapshot 211bc3e5 of [/tmp/rt/data]> to st')).toBeNull();
    expect(isoTime('2026-11-28T15:33:30.103295042Z')).toBe('2026-11-28T15:33:30.103Z');
    expect(isoTime('2026-11-28T16:33:30.103295042+01:00')).toBe('2026-11-28T15:33:30.103Z');
  });
});

describe('dated names', () => {
  const at = new Date(2026, 4, 3, 9, 5);
  it('keeps the extension at the end and never uses ":"', () => {
    expect(nameStamp(at)).toBe('2026-05-03 09h05');
    expect(datedName('Ordonnance.pdf', 'restauré', at, false)).toBe('Ordonnance (restauré 2026-05-03 09h05).pdf');
    expect(datedName('archive.tar.gz', 'restauré', at, false, 2)).toBe('archive.tar (restauré 2026-05-03 09h05) (2).gz');
    expect(datedName('Dossier.2024', 'avant restauration', at, true)).toBe('Dossier.2024 (avant restauration 2026-05-03 09h05)');
    expect(datedName('.profil', 'restauré', at, false)).toBe('.profil (restauré 2026-05-03 09h05)');
    expect(splitExtension('Compte rendu. Patient', false)).toEqual(['Compte rendu. Patient', '']);
    const long = datedName(`${'é'.repeat(200)}.txt`, 'restauré', at, false);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
    expect(long.endsWith(' (restauré 2026-05-03 09h05).txt')).toBe(true);
  });
});

describe('contract: settings and requests are validated with clear messages', () => {
  it('defaults avoid consultations', () => {
    const s = BackupSettings.parse({});
    expect(s.times).toEqual(['12:30', '20:00']);
    expect(s.retention).toEqual({ daily: 7, weekly: 5, monthly: 12, everyDays: 1 });
    expect(s.check).toEqual({ everyDays: 7, readDataSubset: '2%' });
    expect(s.repository).toBeNull();
  });

  it('refuses bad settings in plain French', () => {
    const bad = (settings: unknown) => {
      try {
        parseOrThrow(SaveBackupSettingsInput, { settings });
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(bad({ times: ['25:00'] })).toContain('heure au format HH:MM attendue');
    expect(bad({ folders: ['Documents'] })).toContain('chemin complet attendu');
    expect(bad({ repository: { kind: 'rest', url: 'https://user:pw@backup.example/' } })).toContain('ne mettez pas l’identifiant');
    expect(bad({ repository: { kind: 'rest', url: 'ftp://backup.example/' } })).toContain('adresse http(s):// attendue');
    expect(bad({ repository: { kind: 's3', endpoint: 'https://s3.fr', bucket: 'UPPER', accessKeyId: 'k' } })).toContain(
      'nom de compartiment invalide',
    );
    expect(bad({ retention: { daily: 0, weekly: 0, monthly: 0 } })).toContain('gardez au moins une sauvegarde');
    expect(bad({ times: ['12:30', '12:30'] })).toContain('heures en double');
    expect(bad({ repository: { kind: 's3', endpoint: 'https://s3.fr-par.example', bucket: 'cabinet-dupont', accessKeyId: 'AK' } })).toBe(
      'accepted',
    );
  });

  it('refuses restore requests that could escape or mix folders', () => {
    const ok = (x: unknown) => RestoreRequest.safeParse(x).success;
    expect(ok({ snapshotId: 'abcdef12', paths: ['/d/a.txt', '/d/b.txt'] })).toBe(true);
    expect(ok({ snapshotId: 'abcdef12', paths: ['/d/a.txt', '/e/b.txt'] })).toBe(false);
    expect(ok({ snapshotId: 'abcdef12', paths: ['/d/../etc/passwd'] })).toBe(false);
    expect(ok({ snapshotId: 'abcdef12', paths: ['/'] })).toBe(false);
    expect(ok({ snapshotId: 'abcdef12', paths: ['/d/a.txt'], mode: 'folder' })).toBe(false);
    expect(ok({ snapshotId: 'abcdef12', paths: ['/d/a.txt'], mode: 'folder', targetDir: '/home/u/Bureau' })).toBe(true);
    expect(ok({ snapshotId: 'abcdef12', paths: ['/d/a.txt'], mode: 'folder', targetDir: '/home/u/../../etc' })).toBe(false);
    expect(ok({ snapshotId: 'abcdef12', paths: ['/d/a.txt'], mode: 'folder', targetDir: 'C:\\Users\\dr\\..\\..\\Windows' })).toBe(false);
    expect(ok({ snapshotId: 'xyz', paths: ['/d/a.txt'] })).toBe(false);
    expect(SearchRequest.safeParse({ query: 'a/b' }).success).toBe(false);
  });
});

describe('suggested folders', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await removeDir(dir);
  });

  it('suggests Documents and practice-software folders that exist, nothing else', async () => {
    dir = await tempDir();
    await mkdir(join(dir, 'Documents'));
    expect(await suggestFolders({ platform: 'linux', home: dir, env: {} })).toEqual([
      { path: join(dir, 'Documents'), kind: 'documents', label: 'Documents' },
    ]);
    const existing = new Set(['C:\\Users\\dr\\Documents', 'C:\\Julie']);
    const win = await suggestFolders({
      platform: 'win32',
      home: 'C:\\Users\\dr',
      env: { USERPROFILE: 'C:\\Users\\dr' },
      isDir: async (p) => existing.has(p),
    });
    expect(win).toEqual([
      { path: 'C:\\Users\\dr\\Documents', kind: 'documents', label: 'Documents' },
      { path: 'C:\\Julie', kind: 'software', label: 'Julie' },
    ]);
  });
});

describe('repository queue', () => {
  it('backups and restores share the repository (as restic allows), maintenance has it alone, restores go ahead of queued maintenance', async () => {
    const q = new RepoQueue();
    const order: string[] = [];
    let releaseBackup!: () => void;
    let releaseRestore!: () => void;
    const backup = q.run('r', 'backup', () => new Promise<void>((r) => (releaseBackup = r)).then(() => void order.push('backup')));
    const forget = q.run('r', 'forget', async () => void order.push('forget'));
    // Not behind the backup, and ahead of the queued prune.
    const restore = q.run(
      'r',
      'restore',
      () => new Promise<void>((r) => (releaseRestore = r)).then(() => void order.push('restore')),
      'high',
    );
    const other = q.run('other', 'check', async () => void order.push('other repo'));
    await other;
    expect(q.running('r')).toBe('backup');
    expect(q.queued('r')).toBe(1);
    releaseRestore();
    await restore;
    expect(order).toEqual(['other repo', 'restore']);
    // The prune waits for the backup still running, and a backup asked meanwhile waits for the prune.
    const second = q.run('r', 'backup', async () => void order.push('second backup'));
    expect(q.queued('r')).toBe(2);
    releaseBackup();
    await Promise.all([backup, forget, second]);
    expect(order).toEqual(['other repo', 'restore', 'backup', 'forget', 'second backup']);
  });
});

describe('IPC handlers', () => {
  let f: Fixture | null = null;
  afterEach(async () => {
    await f?.cleanup();
    f = null;
  });

  it('answer the contract through the app dispatch, with reasons on errors', async () => {
    const opened: string[] = [];
    f = await makeFixture({ 'a.txt': 'a' }, { shell: { openPath: async (p) => (opened.push(p), '') } });
    const dispatch = createDispatch(backupHandlers(f.service), testLogger);
    // The safety backup's methods are the capability's (SafetyService, capability.ts).
    expect(Object.keys(backupHandlers(f.service)).sort()).toEqual(
      Object.keys(IPC_METHODS)
        .filter((k) => k.startsWith('backup:') && !(k in SAFETY_METHODS))
        .sort(),
    );

    const status = await dispatch('backup:getStatus', {});
    expect(status).toMatchObject({ ok: true, data: { configured: true, headline: 'stale' } });
    expect(await dispatch('backup:browse', { snapshotId: 'nothex!', path: '/' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await dispatch('backup:restore', { snapshotId: 'abcdef12', paths: ['/x'], mode: 'folder' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });

    await f.service.runBackup();
    await f.service.idle();
    const snaps = await dispatch('backup:listSnapshots', {});
    expect(snaps.ok).toBe(true);
    const snapshotId = (snaps as { data: Array<{ id: string }> }).data[0]!.id;
    const started = await dispatch('backup:restore', { snapshotId, paths: [join(f.data, 'a.txt')] });
    expect(started).toMatchObject({ ok: true, data: { state: 'queued' } });
    const jobId = (started as { data: { id: string } }).data.id;
    await f.service.restores.settled(jobId);
    expect(await dispatch('backup:listRestores', {})).toMatchObject({ ok: true, data: [{ id: jobId, state: 'done' }] });
    expect(await dispatch('backup:openFolder', { jobId })).toEqual({ ok: true, data: {} });
    expect(opened).toEqual([f.data]);
    expect(await dispatch('backup:cancelRestore', { jobId })).toMatchObject({ ok: true, data: { state: 'done' } });
    expect(await dispatch('backup:openFolder', { jobId: 'unknown' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', details: { reason: 'not-found' } },
    });

    const settings = await dispatch('backup:getSettings', {});
    expect(settings).toMatchObject({ ok: true, data: { secrets: { repositoryPassword: true } } });
    const saved = await dispatch('backup:saveSettings', {
      settings: { ...(settings as { data: { settings: object } }).data.settings, times: ['13:00'] },
    });
    expect(saved).toMatchObject({ ok: true, data: { settings: { times: ['13:00'] } } });
    const wrong = await dispatch('backup:saveSettings', {
      settings: { repository: { kind: 'local', path: f.repoPath }, folders: [f.data] },
      secrets: { repositoryPassword: 'mauvais mot de passe' },
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS', details: { reason: 'wrong-password' } } });
    expect((await f.service.getSettings()).settings.times).toEqual(['13:00']);
    expect((await f.service.runBackup()).outcome).toBe('ok');
  });
});

describe('app composition', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await removeDir(dir);
  });

  it('plugs in as a capability; the demo default repository is created with a generated password', async () => {
    dir = await tempDir();
    await mkdir(join(dir, 'home', 'Documents'), { recursive: true });
    const secrets = new FileSecretStore(join(dir, 'secrets.json'));
    const service = new BackupService({
      dataDir: join(dir, 'app'),
      secrets,
      notifier: new RecordingNotifier(),
      logger: testLogger,
      defaultRepository: { kind: 'local', path: join(dir, 'sauvegardes') },
      suggest: { home: join(dir, 'home'), env: {} },
      resticCacheDir: join(dir, 'cache'),
    });
    const app = makeApp(join(dir, 'app'), 'http://127.0.0.1:9', new RecordingNotifier(), {
      logger: testLogger,
      ports: { secrets },
      capabilities: [backupCapability(service)],
      backupSummary: async () => service.summary(),
    });
    const pushes: string[] = [];
    app.onPush((name) => pushes.push(name));
    try {
      await app.start();
      expect(await secrets.get(SECRET_KEYS.repositoryPassword)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const status = await app.dispatch('backup:getStatus', {});
      expect(status).toMatchObject({ ok: true, data: { configured: true, repository: { kind: 'local' }, headline: 'stale' } });
      const settings = await app.dispatch('backup:getSettings', {});
      expect(settings).toMatchObject({ ok: true, data: { settings: { folders: [join(dir, 'home', 'Documents')] } } });
      await app.dispatch('backup:runNow', {});
      await waitFor(async () => service.status().lastRun?.outcome === 'ok');
      expect(pushes).toContain('backup:status');
      expect(service.summary().headline).toBe('ok');
    } finally {
      await app.stop();
    }
    expect(service.activity()).toEqual({ backupRunning: false, restoreRunning: false });
  });
});

describe('repository environment', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await removeDir(dir);
  });

  it('puts the location and every secret in the environment, none in the key', async () => {
    dir = await tempDir();
    const secrets = new FileSecretStore(join(dir, 's.json'));
    await expect(repoTarget({ kind: 'local', path: '/mnt/sauvegarde' }, secrets)).rejects.toMatchObject({
      details: { reason: 'wrong-password' },
    });
    await secrets.set(SECRET_KEYS.repositoryPassword, 'mot-de-passe-depot');
    await secrets.set(SECRET_KEYS.restPassword, 'p@ss/word');
    await secrets.set(SECRET_KEYS.s3SecretAccessKey, 'cle-secrete');
    const rest = await repoTarget({ kind: 'rest', url: 'https://sauvegarde.example:8000/cabinet/', username: 'dupont' }, secrets);
    expect(rest.env).toEqual({
      RESTIC_PASSWORD: 'mot-de-passe-depot',
      RESTIC_REPOSITORY: 'rest:https://dupont:p%40ss%2Fword@sauvegarde.example:8000/cabinet/',
    });
    expect(rest.key).toBe('rest:https://sauvegarde.example:8000/cabinet/');
    const s3 = await repoTarget(
      {
        kind: 's3',
        endpoint: 'https://s3.fr-par.example/',
        bucket: 'cabinet-dupont',
        prefix: 'poste-1',
        region: 'fr-par',
        accessKeyId: 'AKID',
      },
      secrets,
    );
    expect(s3.env).toEqual({
      RESTIC_PASSWORD: 'mot-de-passe-depot',
      RESTIC_REPOSITORY: 's3:https://s3.fr-par.example/cabinet-dupont/poste-1',
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'cle-secrete',
      AWS_DEFAULT_REGION: 'fr-par',
    });
    expect(s3.key).not.toContain('cle-secrete');
  });
});

describe('without restic', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await removeDir(dir);
  });

  it('says so in plain words instead of crashing', async () => {
    dir = await tempDir();
    await mkdir(join(dir, 'Documents'));
    const service = new BackupService({
      dataDir: join(dir, 'app'),
      secrets: new FileSecretStore(join(dir, 's.json')),
      notifier: new RecordingNotifier(),
      logger: testLogger,
      resticPath: join(dir, 'pas-de-restic'),
      defaultRepository: { kind: 'local', path: join(dir, 'depot') },
      suggest: { home: dir, env: {} },
    });
    await service.start();
    const s = service.status();
    expect(s).toMatchObject({
      configured: true,
      headline: 'failed',
      resticVersion: null,
      lastError: { reason: 'restic-missing', nextStep: 'Réinstallez Vigie ou contactez votre prestataire.' },
    });
    expect(await service.runBackup()).toMatchObject({ outcome: 'failed', error: { reason: 'restic-missing' } });
    await expect(service.listSnapshots()).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { reason: 'restic-missing' } });
    await expect(
      service.saveSettings({ settings: { repository: { kind: 'local', path: join(dir, 'depot') }, folders: [dir] } }),
    ).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      details: { reason: 'restic-missing' },
    });
    await service.stop();
  });
});
