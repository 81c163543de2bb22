/**
 * The tripwire on real files: a temp practice folder, the real watcher (inotify here), the real
 * sampler; then the whole chain in the browser host's composition — real restic backups, a real
 * hub on loopback, a real technician socket — from an encryption run to the urgent request with
 * its evidence, retention frozen while the alert stands, and back once the technician lifts it.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowseResponse, QueueSnapshot, Snapshot, TripwireAlert, TripwireAlertRecord, TripwireState } from '@vigie/common';
import type { Hub } from '../../../server/src/app.js';
import { connectDevice, emitAck, enrollDevice } from '../../../server/src/test-support/sockets.js';
import { startHost, type Host } from '../../host/server.js';
import { quietLogger, RecordingNotifier, startHub, technician, tempDir, waitFor } from '../test-support/fixture.js';
import { TripwireService } from './service.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function dir(prefix: string): Promise<string> {
  const d = await tempDir(prefix);
  cleanups.push(d.remove);
  return d.path;
}

const scanPdf = () =>
  Buffer.concat([
    Buffer.from('%PDF-1.7\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n'),
    deflateSync(randomBytes(12_000)),
    Buffer.from('\nendstream\nendobj\n%%EOF\n'),
  ]);
const docx = () => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(9_000)]);
const note = (i: number) => Buffer.from(`Compte rendu ${i}\nPatient suivi pour hypertension. Traitement poursuivi.\n`.repeat(20));

/** A practice folder: 3 subfolders of documents of the usual kinds. */
async function practice(root: string, perFolder = 15): Promise<string[]> {
  const files: string[] = [];
  for (const sub of ['Patients', 'Courriers', 'Comptabilite']) {
    await mkdir(join(root, sub), { recursive: true });
    for (let i = 0; i < perFolder; i++) {
      const [name, content] =
        i % 3 === 0 ? [`dossier-${i}.pdf`, scanPdf()] : i % 3 === 1 ? [`lettre-${i}.docx`, docx()] : [`compte-rendu-${i}.txt`, note(i)];
      const p = join(root, sub, name);
      await writeFile(p, content);
      files.push(p);
    }
  }
  return files;
}

/**
 * Ransomware as it goes: each file overwritten with random bytes and renamed with an extension,
 * one after the other, a note in each folder at the end; it stops early once `stop()` says so.
 * Returns how many files it had encrypted when it stopped.
 */
async function encrypt(files: string[], stop: () => boolean): Promise<number> {
  let done = 0;
  const folders = new Set<string>();
  for (const f of files) {
    if (stop()) break;
    const size = (await lstat(f)).size;
    await writeFile(f, randomBytes(size));
    await rename(f, `${f}.crpt`);
    folders.add(join(f, '..'));
    done++;
  }
  for (const d of folders)
    if (!stop()) await writeFile(join(d, 'HOW_TO_DECRYPT.txt'), 'Your files are encrypted. Pay 1 bitcoin to get the decryption key.');
  return done;
}

describe('tripwire service on a real folder', () => {
  it('places hidden control files, lets bulk benign work through, and raises the alert on an encryption run', async () => {
    const root = await dir('tw-practice');
    const data = await dir('tw-data');
    const files = await practice(root);
    const service = new TripwireService({
      dataDir: data,
      logger: quietLogger,
      folders: () => [root],
      watcher: { debounceMs: 30, maxDelayMs: 200 },
    });
    const raised: TripwireAlert[] = [];
    service.on('raise', (a) => raised.push(a));
    await service.start();
    cleanups.push(() => service.stop());

    // Hidden control files in the folder and its first subfolders, never over a file.
    const canaries = service.canaryPaths();
    expect(canaries).toContain(join(root, '.000 - Archives 2019.pdf'));
    expect(canaries).toContain(join(root, 'Comptabilite', '.000 - Inventaire 2018.csv'));
    expect(canaries).toHaveLength(8);
    expect((await readFile(join(root, '.000 - Archives 2019.pdf'))).subarray(0, 5).toString()).toBe('%PDF-');
    expect(service.state()).toMatchObject({ status: 'watching', folders: 1, canaries: 8, alert: null });
    expect(service.excludes()).toContain(join(root, '.000 - Archives 2019.pdf'));

    // Benign bulk: 300 scans imported, compte-rendus edited, files renamed and deleted.
    await mkdir(join(root, 'Scans', '2025-03'), { recursive: true });
    for (let i = 0; i < 300; i++) await writeFile(join(root, 'Scans', '2025-03', `scan_${i}.pdf`), scanPdf());
    for (const f of files.filter((p) => p.endsWith('.txt')).slice(0, 10)) await writeFile(f, note(99));
    await rename(files[0]!, join(root, 'Patients', 'dossier-renomme.pdf'));
    await writeFile(join(root, 'Courriers', '~$lettre-1.docx'), randomBytes(162));
    // One control file deleted by a tidy-up: put back, no alert.
    const tidied = join(root, 'Courriers', '.000 - Archives 2019.pdf');
    await rename(tidied, join(data, 'moved-away.pdf'));
    await service.rescan();
    expect(raised).toEqual([]);
    await waitFor(
      () =>
        lstat(tidied).then(
          () => true,
          () => false,
        ),
      'control file put back',
    );

    // The attack: files encrypted one after the other until the alert stands.
    const targets = [...files.slice(1)].sort();
    await encrypt(targets, () => raised.length > 0);
    await waitFor(() => raised.length > 0 || service.rescan().then(() => raised.length > 0), 'alert raised');
    const alert = raised[0]!;
    expect(raised).toHaveLength(1);
    expect(alert.reasons.length).toBeGreaterThan(0);
    expect(alert.fileCount).toBeGreaterThan(0);
    expect(alert.files.every((f) => f.path.startsWith(root))).toBe(true);
    expect(alert.folders).toEqual([root]);
    expect(service.holding()).toBe(true);
    expect(service.state()).toMatchObject({ status: 'alert', alert: { id: alert.id } });

    // The alert survives a restart (retention stays frozen from the first instant).
    await service.stop();
    const again = new TripwireService({ dataDir: data, logger: quietLogger, folders: () => [root] });
    expect(again.holding()).toBe(true);
    expect(again.alert()?.id).toBe(alert.id);
  });
});

describe('tripwire end to end (browser host, real restic, real hub)', () => {
  let hub: Hub | null = null;
  let host: Host | null = null;
  afterEach(async () => {
    await host?.close();
    await hub?.close();
    host = null;
    hub = null;
  });

  it('an encryption run opens an urgent request first in the queue with the evidence; retention is frozen until the technician lifts it', async () => {
    const hubDir = await dir('tw-hub');
    const appDir = await dir('tw-app');
    const docs = join(appDir, 'Documents');
    const files = await practice(docs, 12);
    hub = await startHub(hubDir);
    await hub.settings.updateSupport({ phone: '04 72 00 00 00' }, { type: 'cli', id: null });
    const practiceRec = await hub.admin.createPractice({ name: 'Cabinet des Lilas' });
    // Someone else is already waiting.
    const other = await enrollDevice(hub.url, practiceRec.enrollmentCode, { name: 'Accueil' });
    const otherSocket = await connectDevice(hub.url, other.token);
    cleanups.push(async () => void otherSocket.close());
    const earlier = await emitAck<{ request: { id: string } }>(otherSocket, 'help:create', {
      clientId: '6f1b8a2e-8c61-4a3e-9d3b-5f2a1c0d9e7f',
      context: { os: 'linux', osVersion: 'Debian 12', appVersion: '0.1.0' },
    });
    if (!earlier.ok) throw new Error(earlier.error.code);

    const renderer = join(appDir, 'renderer');
    await mkdir(renderer);
    await writeFile(join(renderer, 'index.html'), '<!doctype html><title>Vigie</title>');
    const notifier = new RecordingNotifier();
    host = await startHost({
      hubUrl: hub.url,
      dataDir: join(appDir, 'app'),
      rendererDir: renderer,
      logger: quietLogger,
      notifier,
      enrollCode: practiceRec.enrollmentCode,
      deviceName: 'Cabinet 2',
      health: false,
      screen: false,
      backup: { folders: [docs], service: { resticCacheDir: join(appDir, 'cache'), suggest: { home: join(appDir, 'home'), env: {} } } },
      tripwire: { reportEveryMs: 50, service: { watcher: { debounceMs: 30, maxDelayMs: 200 } } },
      hub: { ackTimeoutMs: 5000, connectTimeoutMs: 5000 },
    });
    const h = host;
    const backup = h.backup!.service;
    const tripwire = h.tripwire!.service;
    const state = async () => {
      const r = await h.app.call('tripwire:getState', {});
      if (!r.ok) throw new Error(r.error.code);
      return r.data;
    };
    await waitFor(async () => (await state()).status === 'watching' && h.app.state().support.connection === 'online', 'watching, online');
    expect((await state()).canaries).toBe(8);
    await waitFor(async () => (await state()).supportPhone === '04 72 00 00 00', 'phone from the hub');

    // Three good backups (one kept a day by the retention set below); the control files are in none of them.
    const view = await backup.getSettings();
    await backup.saveSettings({ settings: { ...view.settings, retention: { daily: 1, weekly: 0, monthly: 0, everyDays: 1 } } });
    for (let i = 0; i < 3; i++) {
      await writeFile(join(docs, 'Patients', `nouveau-${i}.txt`), note(i));
      const run = await backup.runBackup();
      expect(run.outcome).toBe('ok');
      // The backup's counts are the practice's files only.
      expect(run.filesNew! + run.filesChanged! + run.filesUnmodified!).toBe(files.length + i + 1);
    }
    await backup.idle();
    const before: Snapshot[] = await backup.listSnapshots();
    expect(before).toHaveLength(3);
    const listing: BrowseResponse = await backup.browse({ snapshotId: before[0]!.id, path: before[0]!.roots[0]!, offset: 0, limit: 200 });
    expect(listing.entries.map((e) => e.name).sort()).toEqual(['Comptabilite', 'Courriers', 'Patients']);
    const patients: BrowseResponse = await backup.browse({
      snapshotId: before[0]!.id,
      path: `${before[0]!.roots[0]!}/Patients`,
      offset: 0,
      limit: 200,
    });
    expect(patients.entries.some((e) => e.name.startsWith('.000 - '))).toBe(false);
    expect(patients.total).toBe(15);
    await waitFor(
      () => tripwire.state().status === 'watching' && before[0]!.id.startsWith(backup.status().lastRun?.snapshotId ?? '-'),
      'backups seen',
    );

    // The attack.
    const tech = await technician(hub);
    cleanups.push(async () => void tech.socket.close());
    await encrypt([...files].sort(), () => tripwire.holding());
    await waitFor(() => tripwire.holding() || tripwire.rescan().then(() => tripwire.holding()), 'alert on the device');

    // The practitioner: notified, the alert state (red tray, full-width alert) with the phone.
    expect(notifier.seen.find((n) => n.tag === 'tripwire')).toMatchObject({
      title: 'Vigie — alerte : fichiers en danger',
      body: 'Débranchez le câble réseau et appelez votre prestataire au 04 72 00 00 00.',
    });
    const onDevice: TripwireState = await waitFor(async () => {
      const s = await state();
      return s.reported ? s : null;
    }, 'alert reported to the hub');
    expect(onDevice).toMatchObject({ status: 'alert', supportPhone: '04 72 00 00 00' });

    // The hub: an urgent request first in the queue, ahead of the one that was waiting.
    const queue = await waitFor(async () => {
      const r = await emitAck<QueueSnapshot>(tech.socket, 'queue:list', {});
      return r.ok && r.data.requests[0]?.urgent ? r.data : null;
    }, 'urgent request first');
    expect(queue.requests.map((r) => r.deviceName)).toEqual(['Cabinet 2', 'Accueil']);
    const requestId = queue.requests[0]!.id;
    // The practitioner's app shows it as its request.
    await waitFor(() => h.app.state().support.current?.id === requestId, 'request on the device');

    // The technician sees which files and when, and the last snapshot before the first changed file.
    const record = await waitFor(async () => {
      const r = await emitAck<TripwireAlertRecord[]>(tech.socket, 'tripwire:get', { requestId });
      return r.ok && r.data[0]?.alert.lastGoodSnapshot ? r.data[0] : null;
    }, 'evidence with the last good snapshot');
    expect(record.status).toBe('open');
    expect(record.alert.lastGoodSnapshot!.id).toBe(before[0]!.id);
    expect(Date.parse(record.alert.lastGoodSnapshot!.time)).toBeLessThan(Date.parse(record.alert.firstChangeAt));
    expect(record.alert.files.length).toBeGreaterThan(0);
    expect(record.alert.files.every((f) => f.path.startsWith(docs))).toBe(true);

    // Backups keep running; retention forgets nothing while the alert stands, even forced.
    expect((await backup.runBackup()).outcome).toBe('ok');
    await backup.runMaintenance({ force: true });
    expect(await backup.listSnapshots()).toHaveLength(4);

    // The technician takes it and lifts it: the device is back to watching, retention resumes.
    expect((await emitAck(tech.socket, 'help:accept', { requestId })).ok).toBe(true);
    const lifted = await emitAck<TripwireAlertRecord>(tech.socket, 'tripwire:lift', { requestId, alertId: record.alert.id });
    expect(lifted.ok).toBe(true);
    await waitFor(async () => (await state()).status === 'watching', 'alert lifted on the device');
    expect(tripwire.holding()).toBe(false);
    await backup.runMaintenance({ force: true });
    expect(await backup.listSnapshots()).toHaveLength(1);
    // Fresh control files where the names are free again.
    expect((await readdir(join(docs, 'Patients'))).filter((n) => n.startsWith('.000 - '))).toHaveLength(2);
  });
});
