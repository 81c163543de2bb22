/**
 * The safety backup before a technician acts (issue 12) in the real app composition: the backup
 * and screen capabilities of one app, real restic, a real hub on loopback, a real technician
 * socket. The screen clock is the test's (the few seconds control waits for the snapshot pass when
 * the test says so); restic's `backup` can be held at the door (HeldBackups) for a slow snapshot.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupStatus, DisplayInfo, HelpRequest, SafetyIntervention, ScreenSession, ScreenState } from '@vigie/common';
import type { Hub } from '../../../server/src/app.js';
import { emitAck, nextEvent, type Socket } from '../../../server/src/test-support/sockets.js';
import { FileSecretStore } from '../../platform/node/secret-store.js';
import { type VigieApp } from '../app.js';
import { screenCapability } from '../screen/capability.js';
import { ManualClock } from '@vigie/common/test-support/clock';
import { makeApp, enrollApp, quietLogger, RecordingNotifier, startHub, technician, tempDir, waitFor } from '../test-support/fixture.js';
import { createBackupCapability, type BackupCapability } from './capability.js';
import { repoTarget } from './repository.js';
import { HeldBackups } from './test-support/index.js';
import { RecordingInjector } from '../screen/test-support/session.js';

const DISPLAY: DisplayInfo = {
  id: 'main',
  label: 'Écran 1',
  bounds: { x: 0, y: 0, width: 1280, height: 720 },
  scaleFactor: 1,
  primary: true,
};

let hubDir: { path: string; remove: () => Promise<void> };
let appDir: { path: string; remove: () => Promise<void> };
let hub: Hub;
let app: VigieApp;
let backup: BackupCapability;
let docs: string;
let repoPath: string;
let held: HeldBackups;
let clock: ManualClock;
let tech: { id: string; socket: Socket; displayName: string };
let requestId: string;
const pushes: Array<{ name: string; payload: unknown }> = [];

const ok = <T>(r: { ok: boolean; data?: unknown; error?: { code: string } }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error?.code}`);
  return r.data as T;
};
const state = async () => ok<ScreenState>(await app.call('screen:getState', {}));
const intervention = async () =>
  ok<SafetyIntervention[]>(await app.call('backup:interventions', {})).find((i) => i.requestId === requestId)!;

beforeAll(async () => {
  hubDir = await tempDir('safety-app-hub');
  appDir = await tempDir('safety-app');
  hub = await startHub(hubDir.path);
  docs = join(appDir.path, 'Documents');
  await mkdir(join(docs, 'Patients'), { recursive: true });
  await writeFile(join(docs, 'Patients', 'Dupont.txt'), 'tension 12/8\n');
  await writeFile(join(docs, 'Patients', 'Martin.txt'), 'allergie pénicilline\n');
  await writeFile(join(docs, 'Agenda.txt'), 'lundi 9h\n');
  const dataDir = join(appDir.path, 'app');
  repoPath = join(dataDir, 'sauvegardes');
  held = new HeldBackups(appDir.path);
  clock = new ManualClock();
  const secrets = new FileSecretStore(join(dataDir, 'secrets.json'), quietLogger);
  const notifier = new RecordingNotifier();
  backup = createBackupCapability({
    dataDir,
    secrets,
    notifier,
    logger: quietLogger,
    folders: [docs],
    locale: () => app.state().locale,
    service: {
      resticCacheDir: join(appDir.path, 'cache'),
      suggest: { home: join(appDir.path, 'home'), env: {} },
      restorePollMs: 50,
      spawner: held,
    },
  });
  const screen = screenCapability({
    injector: new RecordingInjector(),
    displays: { list: async () => [DISPLAY] },
    clock,
    safety: () => backup.safety,
  });
  app = makeApp(dataDir, hub.url, notifier, { ports: { secrets }, backupSummary: () => backup.summary(), capabilities: [backup, screen] });
  app.onPush((name, payload) => pushes.push({ name, payload }));
  await app.start();
  await enrollApp(app, hub);
  ok(await app.call('backup:runNow', {}));
  await waitFor(
    async () => {
      const s = ok<BackupStatus>(await app.call('backup:getStatus', {}));
      return !s.running && s.lastSuccessAt;
    },
    'first backup',
    60_000,
  );
  requestId = ok<HelpRequest>(await app.call('support:requestHelp', {})).id;
  tech = await technician(hub, 'Julie Martin');
  ok(await emitAck(tech.socket, 'help:accept', { requestId }));
});

afterAll(async () => {
  await app?.stop();
  await hub?.close();
  await appDir?.remove();
  await hubDir?.remove();
});

/** « Voir l'écran » granted, then « Prendre la main » asked: the control consent is on the practitioner's screen. */
async function askControl(): Promise<ScreenSession> {
  const s = ok<ScreenSession>(await emitAck(tech.socket, 'screen:request', { requestId }));
  await waitFor(async () => (await state()).consent?.sessionId === s.id, 'view consent');
  ok(await app.call('screen:grant', { sessionId: s.id }));
  ok(await emitAck(tech.socket, 'screen:control', { sessionId: s.id }));
  const st = await waitFor(async () => {
    const x = await state();
    return x.consent?.kind === 'control' ? x : null;
  }, 'control consent');
  // The consent window says a safety backup comes first.
  expect(st.consent!.safetyBackup).toBe(true);
  return s;
}

async function endSession(s: ScreenSession): Promise<void> {
  ok(await emitAck(tech.socket, 'screen:end', { sessionId: s.id }));
  await waitFor(async () => (await state()).phase === 'ended', 'session ended');
}

const safetyPush = (pred: (i: SafetyIntervention) => boolean, timeoutMs = 60_000) =>
  nextEvent<{ requestId: string; intervention: SafetyIntervention }>(
    tech.socket,
    'backup:safety',
    (p) => p.requestId === requestId && pred(p.intervention),
    timeoutMs,
  );

describe('safety backup when the practitioner grants control', () => {
  it('control starts once the safety snapshot is done; the technician is told; the session’s changes are listed on both sides; undo puts them back; all audited once', async () => {
    const s = await askControl();
    const told = safetyPush((i) => i.snapshots.length === 1 && i.snapshots[0]!.state === 'done');
    const from = pushes.length;
    // « Autoriser sans sauvegarde » before any failure changes nothing: the snapshot is taken anyway.
    const st = ok<ScreenState>(await app.call('screen:grant', { sessionId: s.id, withoutSafety: true }));
    expect(st.phase).toBe('controlling');
    expect(st.safety).toEqual({ state: 'done', reason: null });
    // The snapshot was done before control started.
    const order = pushes.slice(from).flatMap((p) => {
      if (p.name === 'backup:safety' && (p.payload as SafetyIntervention).snapshots[0]?.state === 'done') return ['snapshot done'];
      if (p.name === 'screen:state' && (p.payload as ScreenState).phase === 'controlling') return ['controlling'];
      return [];
    });
    expect(order.slice(0, 2)).toEqual(['snapshot done', 'controlling']);
    const reported = (await told).intervention;
    expect(reported).toMatchObject({ requestId, technicianName: 'Julie Martin', snapshots: [{ before: 'control', state: 'done' }] });
    const snapshotId = reported.snapshots[0]!.snapshotId!;
    const tags = (
      await backup.service.restic.snapshots(
        await repoTarget({ kind: 'local', path: repoPath }, new FileSecretStore(join(appDir.path, 'app', 'secrets.json'), quietLogger)),
      )
    ).find((x) => x.id === snapshotId)!.tags;
    expect(tags).toEqual(expect.arrayContaining(['vigie', 'vigie-safety', `before-intervention-${requestId}`]));

    // What the technician does while in control.
    await writeFile(join(docs, 'Patients', 'Dupont.txt'), 'tension 15/9\n');
    await rm(join(docs, 'Patients', 'Martin.txt'));
    await writeFile(join(docs, 'Script technicien.txt'), 'nettoyage\n');

    const listed = safetyPush((i) => i.changes?.state === 'ready');
    await endSession(s);
    const changes = (await listed).intervention.changes!;
    expect(changes.counts).toEqual({ added: 1, changed: 1, deleted: 1 });
    expect(changes.items.map((c) => [c.kind, c.localPath])).toEqual([
      ['deleted', join(docs, 'Patients', 'Martin.txt')],
      ['changed', join(docs, 'Patients', 'Dupont.txt')],
      ['added', join(docs, 'Script technicien.txt')],
    ]);
    // The practitioner and the technician see the same list (the console asks it again on reload).
    expect((await intervention()).changes).toEqual(changes);
    expect(ok<SafetyIntervention | null>(await emitAck(tech.socket, 'backup:safety-get', { requestId }))!.changes).toEqual(changes);

    const undone = safetyPush((i) => i.undo?.state === 'done');
    const started = ok<SafetyIntervention>(await app.call('backup:undoIntervention', { requestId }));
    expect(started.undo?.state).toBe('running');
    expect((await undone).intervention.undo).toMatchObject({ total: 2, restored: 2, keptCopies: 1, failed: 0 });
    expect(await readFile(join(docs, 'Patients', 'Dupont.txt'), 'utf8')).toBe('tension 12/8\n');
    expect(await readFile(join(docs, 'Patients', 'Martin.txt'), 'utf8')).toBe('allergie pénicilline\n');
    const copies = (await readdir(join(docs, 'Patients'))).filter((n) => n.startsWith('Dupont (avant restauration '));
    expect(copies).toHaveLength(1);
    expect(await readFile(join(docs, 'Patients', copies[0]!), 'utf8')).toBe('tension 15/9\n');
    expect(await readFile(join(docs, 'Script technicien.txt'), 'utf8')).toBe('nettoyage\n');

    const rows = (await hub.services.audit.list()).filter((a) => a.action.startsWith('safety.'));
    expect(rows.map((a) => [a.action, a.subject, a.actorType])).toEqual([
      ['safety.snapshot', requestId, 'device'],
      ['safety.changes', requestId, 'device'],
      ['safety.undo', requestId, 'device'],
    ]);
    expect(rows[0]!.data).toMatchObject({ requestId, before: 'control', state: 'done', snapshotId });
    expect(rows[2]!.data).toMatchObject({ state: 'done', restored: 2, keptCopies: 1, failed: 0 });
    expect((await hub.admin.verifyAudit()).ok).toBe(true);
  });

  it('a slow safety snapshot: control starts anyway after a few seconds and the banner says it runs, until it is done', async () => {
    const s = await askControl();
    held.arm();
    const granting = app.call('screen:grant', { sessionId: s.id });
    // While restic is held, the consent says the safety backup is running.
    await waitFor(async () => (await state()).safety?.state === 'running', 'safety snapshot running');
    expect((await state()).phase).toBe('control-pending');
    const techSees = safetyPush((i) => i.snapshots.at(-1)?.state === 'running');
    clock.advance(5_000);
    const st = ok<ScreenState>(await granting);
    expect(st).toMatchObject({ phase: 'controlling', banner: { mode: 'controlling' }, safety: { state: 'running', reason: null } });
    expect((await techSees).intervention.snapshots.at(-1)).toMatchObject({ before: 'control', state: 'running' });
    const done = safetyPush((i) => i.snapshots.length === 2 && i.snapshots[1]!.state === 'done');
    await held.release();
    await done;
    await waitFor(async () => (await state()).safety?.state === 'done', 'banner: safety snapshot done');
    expect((await state()).phase).toBe('controlling');
    await endSession(s);
    await waitFor(async () => (await intervention()).changes?.state === 'ready', 'changes listed');
  });

  it('a slow safety snapshot that then fails: control goes on, the banner and the technician say it failed', async () => {
    const s = await askControl();
    held.arm();
    const granting = app.call('screen:grant', { sessionId: s.id });
    await waitFor(async () => (await state()).safety?.state === 'running', 'safety snapshot running');
    clock.advance(5_000);
    expect(ok<ScreenState>(await granting)).toMatchObject({ phase: 'controlling', safety: { state: 'running' } });
    const techSees = safetyPush((i) => i.snapshots.at(-1)?.state === 'failed');
    await rename(repoPath, repoPath + '-away');
    try {
      await held.release();
      expect((await techSees).intervention.snapshots.at(-1)!.error).toMatchObject({ reason: 'repo-missing' });
      const st = await waitFor(async () => {
        const x = await state();
        return x.safety?.state === 'failed' ? x : null;
      }, 'banner: safety snapshot failed');
      expect(st).toMatchObject({
        phase: 'controlling',
        banner: { mode: 'controlling' },
        safety: { state: 'failed', reason: 'repo-missing' },
      });
    } finally {
      await rename(repoPath + '-away', repoPath);
    }
    await endSession(s);
    await waitFor(async () => (await intervention()).changes?.state === 'ready', 'changes listed');
  });

  it('a failed safety snapshot: the practitioner and the technician are told, and the practitioner decides', async () => {
    const s = await askControl();
    await rename(repoPath, repoPath + '-away');
    try {
      const techSees = safetyPush((i) => i.snapshots.at(-1)?.state === 'failed');
      const st = ok<ScreenState>(await app.call('screen:grant', { sessionId: s.id }));
      // No control yet: the consent is shown again, with why.
      expect(st).toMatchObject({
        phase: 'control-pending',
        consent: { kind: 'control', safetyBackup: true },
        safety: { state: 'failed', reason: 'repo-missing' },
      });
      expect((await techSees).intervention.snapshots.at(-1)!.error).toMatchObject({ reason: 'repo-missing' });
      const hubSession = ok<ScreenSession | null>(await emitAck(tech.socket, 'screen:get', { requestId }))!;
      expect(hubSession.state).toBe('control-pending');
      // The practitioner chooses to let control start without it.
      const after = ok<ScreenState>(await app.call('screen:grant', { sessionId: s.id, withoutSafety: true }));
      expect(after).toMatchObject({ phase: 'controlling', safety: { state: 'failed', reason: 'repo-missing' } });
    } finally {
      await rename(repoPath + '-away', repoPath);
    }
    // Control handed back and asked again: a new consent, its own safety backup (the failure was the earlier one's).
    ok(await emitAck(tech.socket, 'screen:release-control', { sessionId: s.id }));
    await waitFor(async () => (await state()).phase === 'viewing', 'control handed back');
    ok(await emitAck(tech.socket, 'screen:control', { sessionId: s.id }));
    const again = await waitFor(async () => {
      const x = await state();
      return x.consent?.kind === 'control' ? x : null;
    }, 'control consent again');
    expect(again.safety).toBeNull();
    const granted = ok<ScreenState>(await app.call('screen:grant', { sessionId: s.id, withoutSafety: true }));
    expect(granted).toMatchObject({ phase: 'controlling', safety: { state: 'done', reason: null } });
    await endSession(s);
    const rows = (await hub.services.audit.list()).filter((a) => a.action === 'safety.snapshot');
    expect(rows.map((r) => r.data.state).slice(-2)).toEqual(['failed', 'done']);
    expect(rows.at(-2)!.data).toMatchObject({ requestId, state: 'failed', reason: 'repo-missing' });
    // The intervention's baseline is still the first snapshot: undo would go back to before it all.
    expect((await intervention()).baseline?.snapshotId).toBe((await intervention()).snapshots[0]!.snapshotId);
  });
});
