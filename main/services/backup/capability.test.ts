/**
 * The backup capability in the real app composition: real restic, a real hub on loopback, a real
 * technician socket. Covers the summary's ways out (help-request context, device:report, health
 * provider) and the technician relay down to the file being back on disk.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupStatus, BrowseResponse, RestoreJob, SearchResponse, Snapshot } from '@vigie/common';
import type { Hub } from '../../../server/src/app.js';
import { emitAck, nextEvent, type Socket } from '../../../server/src/test-support/sockets.js';
import { FileSecretStore } from '../../platform/node/secret-store.js';
import { type VigieApp } from '../app.js';
import {
  makeApp,
  RecordingShell,
  enrollApp,
  quietLogger,
  RecordingNotifier,
  startHub,
  technician,
  tempDir,
  waitFor,
} from '../test-support/fixture.js';
import { createBackupCapability, type BackupCapability } from './capability.js';
import { localToTree } from './restic/paths.js';

const ORIGINAL = 'Compte rendu de consultation — Mme Durand\n';

let hubDir: { path: string; remove: () => Promise<void> };
let appDir: { path: string; remove: () => Promise<void> };
let hub: Hub;
let app: VigieApp;
let backup: BackupCapability;
let docs: string;
let deviceId: string;
let tech: { id: string; socket: Socket; displayName: string };
let requestId: string;
const notifier = new RecordingNotifier();
const shell = new RecordingShell();
const pushes: Array<{ name: string; payload: unknown }> = [];

const ok = <T>(r: { ok: boolean; data?: unknown; error?: { code: string } }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error?.code}`);
  return r.data as T;
};

beforeAll(async () => {
  hubDir = await tempDir('backup-cap-hub');
  appDir = await tempDir('backup-cap-app');
  hub = await startHub(hubDir.path);
  docs = join(appDir.path, 'Documents');
  await mkdir(join(docs, 'Ordonnances'), { recursive: true });
  await writeFile(join(docs, 'Compte rendu [A].odt'), ORIGINAL);
  await writeFile(join(docs, 'Ordonnances', 'Dupont 2025.txt'), 'Paracétamol 1 g\n');
  const dataDir = join(appDir.path, 'app');
  const secrets = new FileSecretStore(join(dataDir, 'secrets.json'), quietLogger);
  backup = createBackupCapability({
    dataDir,
    secrets,
    notifier,
    logger: quietLogger,
    shell,
    folders: [docs],
    locale: () => app.state().locale,
    service: { resticCacheDir: join(appDir.path, 'cache'), suggest: { home: join(appDir.path, 'home'), env: {} }, restorePollMs: 50 },
  });
  app = makeApp(dataDir, hub.url, notifier, { ports: { secrets }, backupSummary: () => backup.summary(), capabilities: [backup] });
  app.onPush((name, payload) => pushes.push({ name, payload }));
  await app.start();
  ({ deviceId } = await enrollApp(app, hub));
});

afterAll(async () => {
  await app?.stop();
  await hub?.close();
  await appDir?.remove();
  await hubDir?.remove();
});

describe('backup capability in the app', () => {
  it('backs up the folders given at first start into the local repository of the data dir', async () => {
    const settings = ok<{ settings: { folders: string[]; repository: { kind: string; path: string } } }>(
      await app.call('backup:getSettings', {}),
    );
    expect(settings.settings.folders).toEqual([docs]);
    expect(settings.settings.repository).toEqual({ kind: 'local', path: join(appDir.path, 'app', 'sauvegardes') });
    ok(await app.call('backup:runNow', {}));
    const status = await waitFor(
      async () => {
        const s = ok<BackupStatus>(await app.call('backup:getStatus', {}));
        return !s.running && s.lastSuccessAt ? s : null;
      },
      'first backup',
      60_000,
    );
    expect(status.headline).toBe('ok');
    expect(backup.provider.getSummary()).toMatchObject({ headline: 'ok', lastSuccessAt: status.lastSuccessAt });
    // What the updater reads: nothing running now.
    expect(app.activity.snapshot()).toMatchObject({ backupRunning: false, restoreRunning: false });
  });

  it('reports its summary to the hub (device:report) and puts it in help requests', async () => {
    await waitFor(
      async () => (await hub.services.devices.list(() => true)).find((d) => d.id === deviceId && d.backup?.headline === 'ok'),
      'backup summary on the hub',
    );
    const req = ok<{ id: string; context: { backup: { headline: string } | null } }>(await app.call('support:requestHelp', {}));
    expect(req.context.backup).toMatchObject({ headline: 'ok' });
    requestId = req.id;
    tech = await technician(hub, 'Julie Martin');
    ok(await emitAck(tech.socket, 'help:accept', { requestId }));
  });

  it('answers the technician through the hub: status, snapshots, one folder, a search', async () => {
    const status = ok<BackupStatus>(await emitAck(tech.socket, 'backup:status', { requestId }));
    expect(status).toMatchObject({ headline: 'ok', configured: true });
    const snaps = ok<Snapshot[]>(await emitAck(tech.socket, 'backup:snapshots', { requestId }));
    expect(snaps).toHaveLength(1);
    const root = localToTree(docs);
    expect(snaps[0]!.roots).toEqual([root]);
    const listing = ok<BrowseResponse>(
      await emitAck(tech.socket, 'backup:browse', { requestId, input: { snapshotId: snaps[0]!.id, path: root } }),
    );
    expect(listing.entries.map((e) => [e.name, e.type])).toEqual([
      ['Ordonnances', 'dir'],
      ['Compte rendu [A].odt', 'file'],
    ]);
    const found = ok<SearchResponse>(await emitAck(tech.socket, 'backup:search', { requestId, input: { query: 'dupont' } }));
    expect(found.hits.map((h) => h.name)).toEqual(['Dupont 2025.txt']);
  });

  it('a technician’s restore runs on the practice machine, named and notified, with progress back to the console', async () => {
    const file = join(docs, 'Compte rendu [A].odt');
    await rm(file);
    const snaps = ok<Snapshot[]>(await emitAck(tech.socket, 'backup:snapshots', { requestId }));
    const done = nextEvent<{ requestId: string; job: RestoreJob }>(
      tech.socket,
      'backup:restore-progress',
      (p) => p.job.state === 'done',
      60_000,
    );
    const busy: boolean[] = [];
    const offBusy = app.onPush((name) => {
      if (name === 'backup:restoreProgress') busy.push(app.activity.snapshot().restoreRunning);
    });
    const job = ok<RestoreJob>(
      await emitAck(tech.socket, 'backup:restore', {
        requestId,
        input: { snapshotId: snaps[0]!.id, paths: [localToTree(file)], mode: 'in-place' },
      }),
    );
    expect(job.request.origin).toBe('technician');
    expect(job.requestedBy).toEqual({ name: 'Julie Martin' });
    const end = await done;
    expect(end.requestId).toBe(requestId);
    expect(end.job.result?.items[0]).toMatchObject({ to: file, previousVersion: null });
    expect(await readFile(file, 'utf8')).toBe(ORIGINAL);
    offBusy();
    // The updater saw the restore running, and sees it over.
    expect(busy[0]).toBe(true);
    expect(app.activity.snapshot().restoreRunning).toBe(false);

    // The practitioner saw it: native notifications with the technician's name, and the UI push.
    const titles = notifier.seen.filter((n) => n.tag === `restore-${job.id}`).map((n) => n.title);
    expect(titles).toEqual([
      'Julie Martin restaure « Compte rendu [A].odt » pour vous',
      'Julie Martin a restauré « Compte rendu [A].odt » pour vous',
    ]);
    // What came back, by name: never a system path in what the practitioner reads.
    const bodies = notifier.seen.filter((n) => n.tag === `restore-${job.id}`).map((n) => n.body);
    expect(bodies.at(-1)).toBe(`Il est dans le dossier « ${basename(dirname(file))} ».`);
    for (const b of bodies) expect(b).not.toContain(dirname(file));
    const uiJobs = pushes
      .filter((p) => p.name === 'backup:restoreProgress')
      .map((p) => p.payload as RestoreJob)
      .filter((j) => j.id === job.id);
    expect(uiJobs.at(-1)).toMatchObject({ state: 'done', requestedBy: { name: 'Julie Martin' } });
    const listed = ok<RestoreJob[]>(await app.call('backup:listRestores', {}));
    expect(listed.find((j) => j.id === job.id)?.requestedBy).toEqual({ name: 'Julie Martin' });

    // "Ouvrir le dossier" opens the folder of the restored file.
    ok(await app.call('backup:openFolder', { jobId: job.id }));
    expect(shell.opened).toEqual([dirname(file)]);
    // Audited on the hub.
    const audit = (await hub.services.audit.list()).filter((a) => a.subject === deviceId && a.action.startsWith('backup.restore'));
    expect(audit.map((a) => a.action)).toEqual(['backup.restore_requested', 'backup.restore_finished']);
  });

  it('a technician’s restore gets the same containment: nothing above the backed-up folder, nothing outside it', async () => {
    const snaps = ok<Snapshot[]>(await emitAck(tech.socket, 'backup:snapshots', { requestId }));
    const before = await readdir(appDir.path);
    for (const [input, messageKey] of [
      [{ paths: [localToTree(appDir.path)], mode: 'in-place' }, 'outsideBackedUpFolders'],
      [
        { paths: [localToTree(join(docs, 'Compte rendu [A].odt'))], mode: 'folder', targetDir: join(appDir.path, 'home') },
        'technicianBackedUpOnly',
      ],
    ] as const) {
      const end = nextEvent<{ requestId: string; job: RestoreJob }>(
        tech.socket,
        'backup:restore-progress',
        (p) => p.job.state === 'failed',
        60_000,
      );
      const job = ok<RestoreJob>(
        await emitAck(tech.socket, 'backup:restore', { requestId, input: { snapshotId: snaps[0]!.id, ...input } }),
      );
      expect(job.request.origin).toBe('technician');
      const failed = await end;
      expect(failed.job.id).toBe(job.id);
      expect(failed.job.error).toMatchObject({ reason: 'not-allowed', messageKey });
    }
    expect(await readdir(appDir.path)).toEqual(before);
  });

  it('the practitioner’s own restores stay theirs: not forwarded, not cancellable by the technician, origin not spoofable', async () => {
    const snaps = ok<Snapshot[]>(await app.call('backup:listSnapshots', {}));
    const path = localToTree(join(docs, 'Ordonnances', 'Dupont 2025.txt'));
    const own = ok<RestoreJob>(await app.call('backup:restore', { snapshotId: snaps[0]!.id, paths: [path], origin: 'technician' }));
    expect(own.request.origin).toBe('practitioner');
    const r = await emitAck(tech.socket, 'backup:cancel-restore', { requestId, jobId: own.id });
    expect(r.ok ? 'OK' : r.error.code).toBe('NOT_FOUND');
    await backup.service.restores.settled(own.id);
    expect(notifier.seen.some((n) => n.tag === `restore-${own.id}`)).toBe(false);
  });
});
