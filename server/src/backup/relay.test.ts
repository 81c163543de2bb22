/**
 * The hub's backup relay with real sockets on a real hub: the "device" here is a socket.io client
 * that answers the hub's 'backup:relay' calls itself (the app's side is tested end to end in
 * main/services/backup/capability.test.ts and e2e/backup).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackupRelayCall,
  err,
  ok,
  type BackupStatus,
  type ChatMessage,
  type HelpRequest,
  type RestoreJob,
  type Result,
  type Snapshot,
} from '@vigie/common';
import { backupStatus } from '@vigie/common/test-support/samples';
import { createLogger } from '../logger.js';
import {
  acceptedHelp,
  code,
  createHelp,
  data,
  newDevice,
  newScene,
  startTestHub,
  type TestDevice,
  type TestHub,
  type TestTech,
} from '../test-support/fixture.js';
import { emitAck, nextEvent } from '../test-support/sockets.js';
import { BACKUP_SYSTEM_TEXT, createBackupRelay } from './relay.js';
import { TEST_NOW, answer, restoreJob } from './test-support/index.js';

const NOW = TEST_NOW;
const SNAP = 'a'.repeat(64);

const status = backupStatus({
  lastSuccessAt: NOW,
  lastRunAt: NOW,
  nextRunAt: '2025-03-12T19:00:00.000Z',
  sizeBytes: 1234,
  filesChangedLastRun: 2,
  message: 'Tout est sauvegardé',
  repository: { kind: 'local', label: '/srv/sauvegardes' },
  resticVersion: '0.14.0',
  snapshotCount: 1,
});

const snapshot: Snapshot = {
  id: SNAP,
  shortId: SNAP.slice(0, 8),
  time: NOW,
  hostname: 'accueil',
  paths: ['/home/cabinet/Documents'],
  roots: ['/home/cabinet/Documents'],
  tags: ['vigie'],
  sizeBytes: null,
  filesCount: null,
};

const job = restoreJob;

const restoreInput = { snapshotId: SNAP, paths: ['/home/cabinet/Documents/Compte rendu [A].odt'], mode: 'in-place' as const };

let t: TestHub;
let tech: TestTech;
let other: TestTech;
let supervisor: TestTech;
let devA: TestDevice;
let devB: TestDevice;
let reqA: HelpRequest;
let reqB: HelpRequest;

beforeAll(async () => {
  t = await startTestHub({ socket: { ratePerSecond: 1000, burst: 1000 } });
  ({ julie: tech, bruno: other, sophie: supervisor, devA, devB, reqA, reqB } = await newScene(t));
});
afterAll(() => t.close());

describe('backup relay: reading the device', () => {
  it('the assigned technician reads the status and snapshots live from the device, named as the hub knows them', async () => {
    const calls = answer(devA, (c) =>
      c.method === 'backup:getStatus' ? ok(status) : c.method === 'backup:listSnapshots' ? ok([snapshot]) : null,
    );
    expect(data(await emitAck<BackupStatus>(tech.socket, 'backup:status', { requestId: reqA.id }))).toEqual(status);
    expect(data(await emitAck<Snapshot[]>(tech.socket, 'backup:snapshots', { requestId: reqA.id }))).toEqual([snapshot]);
    expect(calls.map((c) => c.method)).toEqual(['backup:getStatus', 'backup:listSnapshots']);
    expect(calls[0]).toMatchObject({ requestId: reqA.id, technician: { id: tech.id, name: 'Julie Martin' }, input: {} });
  });

  it('browse and search reach the device parsed (defaults filled) and the device’s errors come back as they are', async () => {
    const calls = answer(devA, (c) =>
      c.method === 'backup:browse'
        ? err('NOT_FOUND', 'Ce dossier n’existe pas dans cette sauvegarde.', {
            reason: 'not-found',
            nextStep: 'Choisissez une autre date.',
          })
        : c.method === 'backup:search'
          ? ok({ hits: [], truncated: false })
          : null,
    );
    const browse = await emitAck(tech.socket, 'backup:browse', {
      requestId: reqA.id,
      input: { snapshotId: SNAP.slice(0, 8), path: '/home/cabinet/Documents' },
    });
    expect(browse).toEqual({
      ok: false,
      error: {
        code: 'NOT_FOUND',
        message: 'Ce dossier n’existe pas dans cette sauvegarde.',
        details: { reason: 'not-found', nextStep: 'Choisissez une autre date.' },
      },
    });
    expect(data(await emitAck(tech.socket, 'backup:search', { requestId: reqA.id, input: { query: 'compte [A]' } }))).toEqual({
      hits: [],
      truncated: false,
    });
    expect(calls[0]!.input).toEqual({ snapshotId: SNAP.slice(0, 8), path: '/home/cabinet/Documents', offset: 0, limit: 200 });
    expect(calls[1]!.input).toEqual({ query: 'compte [A]', limit: 100 });
  });

  it('a device answer outside the contract is not passed on', async () => {
    answer(devA, () => ok({ headline: 'great' }) as Result<unknown>);
    const r = await emitAck(tech.socket, 'backup:status', { requestId: reqA.id });
    expect(code(r)).toBe('INTERNAL');
  });
});

describe('backup relay: who may', () => {
  it('another technician, a waiting request, a closed one: refused before the device hears anything', async () => {
    const calls = answer(devA, () => ok(status));
    expect(code(await emitAck(other.socket, 'backup:status', { requestId: reqA.id }))).toBe('FORBIDDEN');
    expect(code(await emitAck(other.socket, 'backup:restore', { requestId: reqA.id, input: restoreInput }))).toBe('FORBIDDEN');
    // The technician assigned to A cannot reach device B through B's request.
    expect(code(await emitAck(tech.socket, 'backup:snapshots', { requestId: reqB.id }))).toBe('FORBIDDEN');
    expect(code(await emitAck(tech.socket, 'backup:status', { requestId: 'nope' }))).toBe('NOT_FOUND');

    const devC = await newDevice(t, 'Salle d’attente');
    const waiting = (await createHelp(devC)).request;
    answer(devC, () => ok(status));
    expect(code(await emitAck(tech.socket, 'backup:status', { requestId: waiting.id }))).toBe('FORBIDDEN');
    // A supervisor may, on any open request.
    expect(code(await emitAck(supervisor.socket, 'backup:status', { requestId: waiting.id }))).toBe('OK');
    expect(code(await emitAck(supervisor.socket, 'backup:status', { requestId: reqA.id }))).toBe('OK');

    data(await emitAck(devC.socket, 'help:cancel', { requestId: waiting.id }));
    expect(code(await emitAck(supervisor.socket, 'backup:status', { requestId: waiting.id }))).toBe('CONFLICT');
    expect(calls).toHaveLength(1); // only the supervisor's call on A
  });

  it('bad payloads are refused by the contract and never reach the device', async () => {
    const calls = answer(devA, () => ok(status));
    const bad = [
      ['backup:browse', { requestId: reqA.id, input: { snapshotId: SNAP, path: '/home/../etc' } }],
      ['backup:browse', { requestId: reqA.id, input: { snapshotId: 'xyz', path: '/' } }],
      ['backup:search', { requestId: reqA.id, input: { query: '../secret' } }],
      ['backup:restore', { requestId: reqA.id, input: { snapshotId: SNAP, paths: ['/a/x', '/b/y'] } }],
      ['backup:restore', { requestId: reqA.id, input: { snapshotId: SNAP, paths: ['/a/x'], mode: 'folder' } }],
      ['backup:restore', { requestId: reqA.id, input: { snapshotId: SNAP, paths: ['/'] } }],
      ['backup:status', { requestId: reqA.id, deviceId: devB.deviceId }],
      ['backup:cancel-restore', { requestId: reqA.id }],
      ['backup:status', 'nonsense'],
    ] as const;
    for (const [event, payload] of bad)
      expect(code(await emitAck(tech.socket, event, payload)), `${event} ${JSON.stringify(payload)}`).toBe('BAD_REQUEST');
    expect(calls).toHaveLength(0);
  });

  it('an offline device answers OFFLINE at once; a device that does not answer gives TIMEOUT', async () => {
    const devD = await newDevice(t, 'Portable');
    const reqD = await acceptedHelp(devD, tech);
    answer(devD, () => null); // never acknowledges
    const relay = createBackupRelay({
      services: t.hub.services,
      realtime: t.hub.realtime,
      log: createLogger('silent'),
      timeouts: { defaultMs: 300 },
    });
    const actor = { kind: 'technician' as const, id: tech.id, name: 'Julie Martin', role: 'technician' as const };
    await expect(relay.techHandlers['backup:status']({ requestId: reqD.id }, { actor })).rejects.toMatchObject({ code: 'TIMEOUT' });

    devD.socket.close();
    await nextEvent(
      tech.socket,
      'device:presence',
      (p: { deviceId: string; online: boolean }) => p.deviceId === devD.deviceId && !p.online,
    );
    expect(code(await emitAck(tech.socket, 'backup:status', { requestId: reqD.id }))).toBe('OFFLINE');
    const restore = await emitAck(tech.socket, 'backup:restore', { requestId: reqD.id, input: restoreInput });
    expect(restore.ok ? null : restore.error).toMatchObject({ code: 'OFFLINE', message: expect.stringContaining('hors ligne') });
    const audit = await t.hub.services.audit.list();
    expect(audit.find((a) => a.action === 'backup.restore_refused' && a.subject === devD.deviceId)?.data).toMatchObject({
      requestId: reqD.id,
      code: 'OFFLINE',
    });
  });
});

describe('backup relay: a technician’s restore', () => {
  it('is started as the technician’s (whatever origin was sent), audited, told in the chat, and its progress reaches the technician', async () => {
    const calls = answer(devA, (c) =>
      c.method === 'backup:restore' ? ok(job(c as BackupRelayCall & { method: 'backup:restore' })) : null,
    );
    const chatLine = nextEvent<ChatMessage>(devA.socket, 'chat:message', (m) => m.author === 'system' && m.text.includes('restaure'));
    const started = data(
      await emitAck<RestoreJob>(tech.socket, 'backup:restore', { requestId: reqA.id, input: { ...restoreInput, origin: 'practitioner' } }),
    );
    expect(calls[0]).toMatchObject({
      method: 'backup:restore',
      input: { ...restoreInput, origin: 'technician' },
      technician: { name: 'Julie Martin' },
    });
    expect((await chatLine).text).toBe(BACKUP_SYSTEM_TEXT.started('Julie Martin', restoreInput.paths.length).text);

    const running = { ...started, request: { ...started.request, origin: 'technician' as const }, state: 'restoring' as const };
    const pushed = nextEvent<{ requestId: string; deviceId: string; job: RestoreJob }>(
      tech.socket,
      'backup:restore-progress',
      (p) => p.job.state === 'restoring',
    );
    data(await emitAck(devA.socket, 'backup:restore-progress', { requestId: reqA.id, job: running }));
    expect(await pushed).toMatchObject({ requestId: reqA.id, deviceId: devA.deviceId, job: { id: started.id, state: 'restoring' } });

    const done = {
      ...running,
      state: 'done' as const,
      endedAt: NOW,
      result: {
        items: [{ from: restoreInput.paths[0]!, to: '/home/cabinet/Documents/Compte rendu [A].odt', previousVersion: null }],
        folder: '/home/cabinet/Documents',
      },
    };
    const endLine = nextEvent<ChatMessage>(
      tech.socket,
      'chat:message',
      (m) => m.author === 'system' && m.text.startsWith('Restauration terminée'),
    );
    data(await emitAck(devA.socket, 'backup:restore-progress', { requestId: reqA.id, job: done }));
    await endLine;

    const audit = (await t.hub.services.audit.list()).filter((a) => a.action.startsWith('backup.restore_') && a.subject === devA.deviceId);
    expect(audit.map((a) => [a.action, a.actorType, a.actorId])).toEqual([
      ['backup.restore_requested', 'technician', tech.id],
      ['backup.restore_finished', 'device', devA.deviceId],
    ]);
    expect(audit[0]!.data).toMatchObject({
      requestId: reqA.id,
      jobId: started.id,
      snapshotId: SNAP,
      paths: restoreInput.paths,
      mode: 'in-place',
    });
    expect(audit[1]!.data).toMatchObject({ jobId: started.id, state: 'done', items: 1 });
    expect((await t.hub.admin.verifyAudit()).ok).toBe(true);
  });

  it('a device cannot report on another device’s request, nor on the practitioner’s own restores', async () => {
    const c = {
      requestId: reqA.id,
      technician: { id: tech.id, name: 'Julie Martin' },
      method: 'backup:restore' as const,
      input: { ...restoreInput, origin: 'technician' as const },
    };
    const techJob = job(c, { request: { ...restoreInput, origin: 'technician' } });
    expect(code(await emitAck(devB.socket, 'backup:restore-progress', { requestId: reqA.id, job: techJob }))).toBe('FORBIDDEN');
    const own = job(c, { request: { ...restoreInput, origin: 'practitioner' } });
    expect(code(await emitAck(devA.socket, 'backup:restore-progress', { requestId: reqA.id, job: own }))).toBe('BAD_REQUEST');
    expect(code(await emitAck(devA.socket, 'backup:restore-progress', { requestId: reqA.id, job: { id: 'x' } }))).toBe('BAD_REQUEST');
  });

  it('cancelling goes to the device (its refusal comes back) and a cancel it accepted is audited', async () => {
    const unknown = randomUUID();
    const c = {
      requestId: reqA.id,
      technician: { id: tech.id, name: 'Julie Martin' },
      method: 'backup:restore' as const,
      input: { ...restoreInput, origin: 'technician' as const },
    };
    const cancelled = job(c, { state: 'cancelled', request: { ...restoreInput, origin: 'technician' } });
    const calls = answer(devA, (x) =>
      x.method !== 'backup:cancelRestore'
        ? null
        : x.input.jobId === cancelled.id
          ? ok(cancelled)
          : err('NOT_FOUND', 'Cette restauration est introuvable.'),
    );
    expect(code(await emitAck(tech.socket, 'backup:cancel-restore', { requestId: reqA.id, jobId: unknown }))).toBe('NOT_FOUND');
    expect(data(await emitAck<RestoreJob>(tech.socket, 'backup:cancel-restore', { requestId: reqA.id, jobId: cancelled.id })).state).toBe(
      'cancelled',
    );
    expect(calls.map((x) => x.input)).toEqual([{ jobId: unknown }, { jobId: cancelled.id }]);
    const audit = (await t.hub.services.audit.list()).filter((a) => a.action === 'backup.restore_cancel');
    expect(audit.map((a) => a.data)).toEqual([{ requestId: reqA.id, jobId: cancelled.id, state: 'cancelled' }]);
  });
});

describe('device reports: the backup summary is kept beside the others', () => {
  it('reports sent at the same time (backup, health, app version) are all stored, none lost, and served by devices:list', async () => {
    const dev = await newDevice(t, 'Secrétariat');
    const health = { score: 80, worst: 'warning' as const, counts: { ok: 10, warning: 2, critical: 0, unknown: 0 }, at: NOW };
    const backup = {
      headline: 'ok' as const,
      lastSuccessAt: NOW,
      lastRunAt: NOW,
      nextRunAt: null,
      sizeBytes: 2048,
      filesChangedLastRun: 3,
    };
    const answers = await Promise.all([
      emitAck(dev.socket, 'device:report', { backup }),
      emitAck(dev.socket, 'device:report', { health }),
      emitAck(dev.socket, 'device:report', { appVersion: '1.2.3' }),
    ]);
    expect(answers.map(code)).toEqual(['OK', 'OK', 'OK']);
    const listed = data(
      await emitAck<Array<{ id: string; backup: unknown; health: unknown; appVersion: string }>>(tech.socket, 'devices:list', {}),
    ).find((d) => d.id === dev.deviceId);
    expect(listed).toMatchObject({ backup, health, appVersion: '1.2.3' });
  });
});

describe('help:get', () => {
  it('serves the device’s latest reported backup summary with the request', async () => {
    const backup = {
      headline: 'stale' as const,
      lastSuccessAt: NOW,
      lastRunAt: NOW,
      nextRunAt: null,
      sizeBytes: 10,
      filesChangedLastRun: 0,
      message: 'Attention : dernière sauvegarde il y a 3 jours',
    };
    data(await emitAck(devA.socket, 'device:report', { backup }));
    const detail = data(
      await emitAck<{ deviceReport: { backup: unknown; reportedAt: string } | null }>(tech.socket, 'help:get', { requestId: reqA.id }),
    );
    expect(detail.deviceReport?.backup).toEqual(backup);
  });
});
