import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VigieError } from '@vigie/common';
import { classify } from './restic/classify.js';
import type { RunResult } from './restic/runner.js';
import { featuresOf, parseResticVersion } from './restic/version.js';
import { judgeLock } from './locks.js';
import { reasonOf } from './errors.js';
import { SECRET_KEYS } from './repository.js';
import {
  canDropReadCaps,
  isRoot,
  makeFixture,
  randomContent,
  RecordingSpawner,
  stepUntil,
  waitFor,
  locksOf,
  unprivilegedSpawner,
  type Fixture,
} from './test-support/index.js';

const fixtures: Fixture[] = [];
async function fixture(...args: Parameters<typeof makeFixture>): Promise<Fixture> {
  const f = await makeFixture(...args);
  fixtures.push(f);
  return f;
}
afterEach(async () => {
  while (fixtures.length) await fixtures.pop()!.cleanup();
});

/** A live restic holding an exclusive lock: `key passwd` waits for the new password on stdin. */
async function exclusiveLockHolder(f: Fixture): Promise<ChildProcess> {
  const password = (await f.secrets.get(SECRET_KEYS.repositoryPassword))!;
  const child = spawn('restic', ['key', 'passwd'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      RESTIC_REPOSITORY: f.repoPath,
      RESTIC_PASSWORD: password,
      RESTIC_CACHE_DIR: join(f.root, 'cache'),
    },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  await waitFor(async () => (await locksOf(f.repoPath)).length > 0);
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

describe('restic versions', () => {
  it('detects the installed restic and switches features by version', async () => {
    const f = await fixture({ 'a.txt': 'a' });
    const v = await f.service.restic.detect();
    expect(v.major).toBe(0);
    expect(f.service.status().resticVersion).toBe(v.text);
    const flags = (text: string) => featuresOf(parseResticVersion(text)!);
    expect(flags('restic 0.14.0 compiled with go1.19.8 on linux/amd64')).toEqual({
      restoreJson: false,
      snapshotSummary: false,
      exitCodes: false,
      structuredErrors: false,
    });
    expect(flags('restic 0.16.4 compiled with go1.21.6 on darwin/arm64')).toMatchObject({
      restoreJson: true,
      snapshotSummary: false,
      exitCodes: false,
    });
    expect(flags('restic 0.17.3 compiled with go1.23.3 on windows/amd64')).toMatchObject({
      restoreJson: true,
      snapshotSummary: true,
      exitCodes: true,
    });
    expect(flags('restic 0.19.0 compiled with go1.25 on linux/amd64')).toMatchObject({
      restoreJson: true,
      snapshotSummary: true,
      exitCodes: true,
    });
    expect(parseResticVersion('not restic')).toBeNull();
  });
});

describe('backup, snapshots, ls, find, stats', () => {
  it('backs up and parses what restic reports', async () => {
    const f = await fixture({
      'Ordonnance Dupont.pdf': 'v1',
      'Patients/Patient [A]/bilan*?.txt': 'bilan',
      'Patients/Élodie Müller.odt': 'é',
      'Patients/z.txt': 'z',
      'Courriers/2024/lettre.txt': 'l',
    });
    const run = await f.service.runBackup();
    expect(run.outcome).toBe('ok');
    expect(run.filesNew).toBe(5);
    expect(run.snapshotId).toMatch(/^[0-9a-f]{8}/);
    await f.service.idle();

    const snaps = await f.service.listSnapshots();
    expect(snaps).toHaveLength(1);
    expect(snaps[0]!.paths).toEqual([f.data]);
    expect(snaps[0]!.roots).toEqual([f.data]);
    expect(snaps[0]!.tags).toEqual(['vigie']);

    const top = await f.service.browse({ snapshotId: snaps[0]!.shortId, path: f.data });
    expect(top.entries.map((e) => [e.name, e.type])).toEqual([
      ['Courriers', 'dir'],
      ['Patients', 'dir'],
      ['Ordonnance Dupont.pdf', 'file'],
    ]);
    expect(top.parent).toBe(join(f.data, '..'));
    const page = await f.service.browse({ snapshotId: snaps[0]!.id, path: join(f.data, 'Patients'), offset: 1, limit: 1 });
    expect(page.total).toBe(3);
    expect(page.entries.map((e) => e.name)).toEqual(['Élodie Müller.odt']);
    expect(page.entries[0]!.size).toBe(Buffer.byteLength('é'));
    await expect(f.service.browse({ snapshotId: snaps[0]!.id, path: join(f.data, 'nope') })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Pattern characters are searched literally, case-insensitively.
    const brackets = await f.service.search({ query: 'patient [a]' });
    expect(brackets.hits.map((h) => h.name)).toEqual(['Patient [A]']);
    const star = await f.service.search({ query: '*?' });
    expect(star.hits.map((h) => h.name)).toEqual(['bilan*?.txt']);
    expect((await f.service.search({ query: 'müller' })).hits).toHaveLength(1);

    // A second backup after a change: files changed, a second version found by search.
    await writeFile(join(f.data, 'Ordonnance Dupont.pdf'), 'version 2, longer');
    const run2 = await f.service.runBackup();
    expect(run2.outcome).toBe('ok');
    expect(run2.filesChanged).toBe(1);
    expect(run2.filesUnmodified).toBe(4);
    await f.service.idle();
    const versions = await f.service.search({ query: 'ordonnance' });
    expect(versions.hits).toHaveLength(1);
    expect(versions.hits[0]!.versions.map((v) => v.size)).toEqual([17, 2]);

    const status = f.service.status();
    expect(status.headline).toBe('ok');
    expect(status.message).toBe('Tout est sauvegardé');
    expect(status.filesChangedLastRun).toBe(1);
    expect(status.sizeBytes).toBeGreaterThan(0);
    expect(status.snapshotCount).toBe(2);
    expect(status.days).toHaveLength(30);
    expect(status.days.at(-1)).toMatchObject({ state: 'ok', runs: 2 });
    expect(f.service.summary()).toMatchObject({ headline: 'ok', sizeBytes: status.sizeBytes });
  });
});

describe('failures, produced for real', () => {
  it('wrong password: failed run, plain-French message, notification', async () => {
    const f = await fixture({ 'a.txt': 'a' });
    await f.secrets.set(SECRET_KEYS.repositoryPassword, 'not-the-password');
    const run = await f.service.runBackup();
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatchObject({ reason: 'wrong-password', message: 'Le mot de passe de la sauvegarde est incorrect.' });
    expect(f.service.status()).toMatchObject({ headline: 'failed', message: 'La sauvegarde a échoué' });
    expect(f.notifier.seen.at(-1)?.body).toContain('mot de passe');
    const e = await f.service.listSnapshots().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VigieError);
    expect(e).toMatchObject({ code: 'INVALID_CREDENTIALS', details: { reason: 'wrong-password' } });
  });

  it('missing repository: repo-missing with the next step', async () => {
    const f = await fixture({ 'a.txt': 'a' });
    await rename(f.repoPath, f.repoPath + '-unplugged');
    const run = await f.service.runBackup();
    expect(run.error).toMatchObject({ reason: 'repo-missing', nextStep: expect.stringContaining('branché') });
    await expect(f.service.listSnapshots()).rejects.toMatchObject({ code: 'NOT_FOUND', details: { reason: 'repo-missing' } });
  });

  it('locked by a live process: reported with its holder, the lock is never removed', async () => {
    const f = await fixture({ 'a.txt': 'a' });
    await f.service.runBackup();
    const holder = await exclusiveLockHolder(f);
    try {
      const run = await f.service.runBackup();
      expect(run.outcome).toBe('failed');
      expect(run.error?.reason).toBe('locked');
      expect(await locksOf(f.repoPath)).toHaveLength(1);
    } finally {
      holder.stdin?.end();
      await exited(holder);
    }
    expect((await f.service.runBackup()).outcome).toBe('ok');
  });

  it('stale lock of a dead process: removed safely, the backup goes through', async () => {
    const f = await fixture({ 'a.txt': 'a' });
    await f.service.runBackup();
    const holder = await exclusiveLockHolder(f);
    holder.kill('SIGKILL');
    await exited(holder);
    expect(await locksOf(f.repoPath)).toHaveLength(1);
    const run = await f.service.runBackup();
    expect(run.outcome).toBe('ok');
    expect(await locksOf(f.repoPath)).toHaveLength(0);
  });

  it('judges locks: old, dead local process, live, other machine', () => {
    const now = new Date('2026-03-02T10:00:00Z');
    const lock = (minutesAgo: number, hostname: string, pid: number) => ({
      time: new Date(now.getTime() - minutesAgo * 60_000).toISOString(),
      exclusive: true,
      hostname,
      pid,
    });
    const p = {
      staleMinutes: 30,
      now,
      hostname: 'cabinet',
      processState: (pid: number) => (pid === 1 ? ('alive' as const) : ('dead' as const)),
    };
    expect(judgeLock('a', lock(45, 'other', 1), p)).toMatchObject({ stale: true, why: 'old' });
    expect(judgeLock('b', lock(2, 'cabinet', 999), p)).toMatchObject({ stale: true, why: 'dead-process' });
    expect(judgeLock('c', lock(2, 'cabinet', 1), p)).toMatchObject({ stale: false, why: 'live' });
    expect(judgeLock('d', lock(2, 'other', 999), p)).toMatchObject({ stale: false, why: 'live' });
    expect(judgeLock('e', null, p)).toMatchObject({ stale: false, why: 'vanished' });
  });

  it.runIf(!isRoot || canDropReadCaps())('some files unreadable: exit 3, snapshot still made, warning with the paths', async () => {
    // Tests run as root, who reads any file: restic then runs without CAP_DAC_OVERRIDE and
    // CAP_DAC_READ_SEARCH (setpriv), so a chmod 000 file is really unreadable to it.
    const f = await fixture({ 'lisible.txt': 'ok', 'verrouillé.txt': 'secret' }, isRoot ? { spawner: unprivilegedSpawner() } : {});
    await chmod(join(f.data, 'verrouillé.txt'), 0o000);
    const run = await f.service.runBackup();
    expect(run.outcome).toBe('warning');
    expect(run.snapshotId).not.toBeNull();
    expect(run.unreadable).toEqual([join(f.data, 'verrouillé.txt')]);
    expect(run.unreadableCount).toBe(1);
    expect(run.error).toMatchObject({ reason: 'unreadable-files', message: 'Sauvegarde faite, mais des fichiers n’ont pas pu être lus.' });
    const status = f.service.status();
    expect(status).toMatchObject({ headline: 'ok', message: 'Sauvegardé, sauf 1 fichier illisible' });
    expect(status.days.at(-1)?.state).toBe('warning');
    const listing = await f.service.browse({ snapshotId: run.snapshotId!, path: f.data });
    expect(listing.entries.map((e) => e.name)).toContain('lisible.txt');
  });

  it('SIGINT mid-backup: interrupted, and no stale lock left behind', async () => {
    const spawner = new RecordingSpawner();
    const f = await fixture({ 'gros.bin': randomContent(24 * 1024 * 1024) }, { spawner });
    const started = spawner.next('backup');
    const run = f.service.runBackup();
    const rec = await started;
    // Step restic until it holds its lock, interrupt, let it handle the signal.
    await stepUntil(rec.child.pid!, async () => (await locksOf(f.repoPath)).length > 0);
    expect(f.service.cancelBackup()).toBe(true);
    process.kill(rec.child.pid!, 'SIGCONT');
    const r = await run;
    expect(r.outcome).toBe('interrupted');
    expect(r.error?.reason).toBe('interrupted');
    expect(await locksOf(f.repoPath)).toHaveLength(0);
    expect(f.service.status().headline).toBe('stale');
    expect(f.notifier.seen).toHaveLength(0);
  });
});

describe('classification of restic failures', () => {
  const result = (p: Partial<RunResult>): RunResult => ({
    code: 1,
    signal: null,
    stdout: '',
    stderr: '',
    timedOut: false,
    aborted: false,
    spawnError: null,
    durationMs: 1,
    pid: 1,
    ...p,
  });
  const v14 = featuresOf(parseResticVersion('restic 0.14.0')!);
  const v17 = featuresOf(parseResticVersion('restic 0.17.3')!);

  it('reads restic 0.14 stderr texts (recorded from real runs here)', () => {
    expect(classify(result({ stderr: 'Fatal: wrong password or no key found\n' }), v14).reason).toBe('wrong-password');
    expect(
      classify(
        result({
          stderr:
            'Fatal: unable to open config file: stat /x/config: no such file or directory\nIs there a repository at the following location?\n/x\n',
        }),
        v14,
      ).reason,
    ).toBe('repo-missing');
    expect(
      classify(
        result({
          stderr:
            'Fatal: unable to open config file: client.Head: Head "http://127.0.0.1:1/config": dial tcp 127.0.0.1:1: connect: connection refused\nIs there a repository at the following location?\n',
        }),
        v14,
      ).reason,
    ).toBe('repo-unreachable');
    const locked = classify(
      result({
        stderr:
          'unable to create lock in backend: repository is already locked exclusively by PID 10263 on vm by root (UID 0, GID 0)\nlock was created at 2026-11-28 15:35:23 (1.653607316s ago)\nstorage ID e7d40357\n',
      }),
      v14,
    );
    expect(locked).toEqual({
      reason: 'locked',
      lock: { exclusive: true, pid: 10263, host: 'vm', user: 'root', age: '1.653607316s', storageId: 'e7d40357' },
    });
    expect(
      classify(result({ stderr: 'ignoring error for /a: write /t/a: no space left on device\nFatal: There were 1 errors\n' }), v14).reason,
    ).toBe('disk-full');
    expect(classify(result({ code: 130, stderr: 'signal interrupt received, cleaning up\n' }), v14).reason).toBe('interrupted');
    expect(classify(result({ code: 3, stderr: 'Warning: at least one source file could not be read\n' }), v14).reason).toBe(
      'unreadable-files',
    );
    expect(
      classify(result({ code: null, spawnError: Object.assign(new Error('spawn restic ENOENT'), { code: 'ENOENT' }) }), null).reason,
    ).toBe('restic-missing');
  });

  it('uses exit codes 10/11/12 from restic 0.17', () => {
    expect(classify(result({ code: 10, stderr: 'Fatal: repository does not exist' }), v17).reason).toBe('repo-missing');
    expect(classify(result({ code: 11, stderr: 'Fatal: unable to create lock' }), v17).reason).toBe('locked');
    expect(classify(result({ code: 12, stderr: 'Fatal: wrong password' }), v17).reason).toBe('wrong-password');
    expect(classify(result({ code: 10 }), v14).reason).toBe('unknown');
  });

  it('maps reasons onto the shared error codes', () => {
    const e = new VigieError('CONFLICT', 'x', { reason: 'locked', nextStep: 'y' });
    expect(reasonOf(e)).toBe('locked');
    expect(reasonOf(new Error('x'))).toBeNull();
  });
});
