import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestoreRequest } from '@vigie/common';
import { FileSecretStore } from '../../platform/node/secret-store.js';
import { nameStamp } from './naming.js';
import { SECRET_KEYS } from './repository.js';
import { BackupService } from './service.js';
import { hasCommand, RecordingNotifier, RecordingSpawner, removeDir, tempDir, testLogger, writeTree } from './test-support/index.js';

/** `rclone serve restic` on loopback, random port, basic auth. */
async function serveRest(dir: string, user: string, pass: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn('rclone', ['serve', 'restic', '--addr', '127.0.0.1:0', '--user', user, '--pass', pass, dir], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', RCLONE_CONFIG: join(dir, '..', 'rclone.conf') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`rclone did not start: ${text}`)), 20_000);
    child.stderr!.on('data', (b: Buffer) => {
      text += b.toString();
      const m = /Serving restic REST API on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', () => reject(new Error(`rclone exited: ${text}`)));
  });
  child.stderr!.resume();
  return { url, child };
}

describe.runIf(hasCommand('rclone'))('REST repository (rclone serve restic on loopback)', () => {
  let root: string;
  let server: { url: string; child: ChildProcess };
  let service: BackupService;
  let secrets: FileSecretStore;
  const spawner = new RecordingSpawner();
  const restPassword = randomBytes(12).toString('hex');

  beforeAll(async () => {
    root = await tempDir('vigie-rest-');
    await mkdir(join(root, 'store'));
    await writeTree(join(root, 'data'), { 'Compte rendu [2024].txt': 'compte rendu', 'Radios/thorax.dcm': 'image' });
    server = await serveRest(join(root, 'store'), 'cabinet', restPassword);
    secrets = new FileSecretStore(join(root, 'secrets.json'));
    service = new BackupService({
      dataDir: join(root, 'app'),
      secrets,
      notifier: new RecordingNotifier(),
      logger: testLogger,
      spawner,
      resticCacheDir: join(root, 'cache'),
      suggest: { home: join(root, 'home'), env: {} },
      tickMs: 3_600_000,
    });
    await service.start();
  });

  afterAll(async () => {
    await service?.stop();
    server?.child.kill();
    if (root) await removeDir(root);
  });

  it('refuses wrong credentials and keeps the previous settings', async () => {
    const settings = {
      repository: { kind: 'rest' as const, url: `${server.url}cabinet-dupont/`, username: 'cabinet' },
      folders: [join(root, 'data')],
    };
    await expect(service.saveSettings({ settings, secrets: { restPassword: 'pas-le-bon' } })).rejects.toMatchObject({
      details: { reason: 'wrong-password' },
    });
    expect((await service.getSettings()).settings.repository).toBeNull();
    expect(await secrets.get(SECRET_KEYS.restPassword)).toBeNull();
    expect(await secrets.get(SECRET_KEYS.repositoryPassword)).toBeNull();
  });

  it('creates the repository, backs up, lists, browses, searches and restores like a local one', async () => {
    const data = join(root, 'data');
    const view = await service.saveSettings({
      settings: { repository: { kind: 'rest', url: `${server.url}cabinet-dupont/`, username: 'cabinet' }, folders: [data] },
      secrets: { restPassword },
    });
    expect(view.secrets).toEqual({ repositoryPassword: true, restPassword: true, s3SecretAccessKey: false });
    expect(service.status().repository).toEqual({ kind: 'rest', label: `${server.url}cabinet-dupont/` });

    const run = await service.runBackup();
    expect(run.outcome).toBe('ok');
    expect(run.filesNew).toBe(2);
    await service.idle();
    const [snap] = await service.listSnapshots();
    expect(snap!.paths).toEqual([data]);
    const tree = await service.browse({ snapshotId: snap!.id, path: data });
    expect(tree.entries.map((e) => e.name)).toEqual(['Radios', 'Compte rendu [2024].txt']);
    const found = await service.search({ query: '[2024]' });
    expect(found.hits.map((h) => h.path)).toEqual([join(data, 'Compte rendu [2024].txt')]);

    await writeFile(join(data, 'Compte rendu [2024].txt'), 'modifié');
    const t0 = new Date();
    const job = service.restore(RestoreRequest.parse({ snapshotId: snap!.id, paths: [join(data, 'Compte rendu [2024].txt')] }));
    const done = await service.restores.settled(job.id);
    expect(done.state).toBe('done');
    // The name is taken by today's version: the copy is dated with the time of the restore.
    const restored = done.result!.items[0]!.to;
    const prefix = join(data, 'Compte rendu [2024] (restauré le ');
    expect(restored.startsWith(prefix) && restored.endsWith(').txt')).toBe(true);
    expect([nameStamp(t0), nameStamp(new Date())]).toContain(restored.slice(prefix.length, -').txt'.length));
    expect(await readFile(restored, 'utf8')).toBe('compte rendu');
    expect(service.status().headline).toBe('ok');

    // Secrets travel in the environment, never on a command line.
    const repoPassword = (await secrets.get(SECRET_KEYS.repositoryPassword))!;
    for (const s of spawner.spawned) {
      expect(s.args.join(' ')).not.toContain(restPassword);
      expect(s.args.join(' ')).not.toContain(repoPassword);
    }
  });

  it('a server that stops answering: repository unreachable', async () => {
    server.child.kill();
    await new Promise((r) => server.child.once('exit', r));
    await rm(join(root, 'cache'), { recursive: true, force: true });
    const run = await service.runBackup();
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatchObject({ reason: 'repo-unreachable', nextStep: expect.stringContaining('connexion') });
    expect(service.status().headline).toBe('failed');
  });
});
