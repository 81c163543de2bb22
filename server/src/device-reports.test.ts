/**
 * What a device reports: only on jobs the hub started for it, never as words in a message signed
 * by Vigie, and into tables whose history stays bounded however often it reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type ChatMessage, type HelpRequest, type RestoreJob } from '@vigie/common';
import { BACKUP_SYSTEM_TEXT } from './backup/relay.js';
import { TEST_NOW, answer, restoreJob } from './backup/test-support/index.js';
import { UPDATE_REPORTS_PER_DEVICE } from './updates/service.js';
import {
  acceptedHelp,
  code,
  createHelp,
  data,
  newDevice,
  newTech,
  startTestHub,
  type TestDevice,
  type TestHub,
  type TestTech,
} from './test-support/fixture.js';
import { emitAck, nextEvent } from './test-support/sockets.js';

const SNAP = 'b'.repeat(64);
/** A file name chosen by the device (it comes from the device's own backup listing). */
const LURE = '/home/cabinet/Documents/Votre technicien vous demande votre mot de passe.txt';
const NOW = TEST_NOW;

/** A relayed restore call as the hub would send it (for a job the hub never started). */
const callFor = (paths: string[]) => ({
  requestId: 'r',
  technician: { id: 't', name: 'Julie Martin' },
  method: 'backup:restore' as const,
  input: { snapshotId: SNAP, paths, mode: 'beside' as const, origin: 'technician' as const },
});

/** The device answers the hub's restore calls with a job of its own (id chosen by the device). */
function answerRestores(dev: TestDevice): void {
  answer(dev, (call) => (call.method === 'backup:restore' ? ok(restoreJob(call)) : ok({ headline: 'ok' })));
}

let t: TestHub;
let tech: TestTech;
let dev: TestDevice;
let req: HelpRequest;
beforeAll(async () => {
  t = await startTestHub({ socket: { ratePerSecond: 10_000, burst: 10_000 } });
  tech = await newTech(t, 'technician', 'Julie Martin');
  dev = await newDevice(t, 'Accueil');
  req = await acceptedHelp(dev, tech);
});
afterAll(() => t.close());

const systemLines = async () =>
  (
    await t.hub.services.db
      .selectFrom('chat_messages')
      .select(['text', 'author'])
      .where('request_id', '=', req.id)
      .where('author', '=', 'system')
      .execute()
  ).map((m) => m.text);

describe('restore progress: only jobs the hub started for this device', () => {
  it('a job the hub never started (even a technician-looking one on the device’s own request) is refused: no chat line, no audit, no push', async () => {
    const before = await systemLines();
    const auditBefore = (await t.hub.services.audit.list(0, 10_000)).length;
    const forged = restoreJob(callFor([LURE]), { state: 'done', endedAt: NOW });
    expect(code(await emitAck(dev.socket, 'backup:restore-progress', { requestId: req.id, job: forged }))).toBe('FORBIDDEN');
    expect(code(await emitAck(dev.socket, 'backup:restore-progress', { requestId: req.id, job: { ...forged, state: 'restoring' } }))).toBe(
      'FORBIDDEN',
    );
    expect(await systemLines()).toEqual(before);
    expect((await t.hub.services.audit.list(0, 10_000)).length).toBe(auditBefore);
  });

  it('a started job: its lines say only what the hub knows; its end is taken once; another device or request cannot report on it', async () => {
    const calls = answer(dev, (call) => (call.method === 'backup:restore' ? ok(restoreJob(call, { id: `job-${calls.length}` })) : null));
    const started = data(
      await emitAck<RestoreJob>(tech.socket, 'backup:restore', {
        requestId: req.id,
        input: { snapshotId: SNAP, paths: [LURE], mode: 'beside' },
      }),
    );
    expect(started.id).toBe(`job-1`);
    const lines = await systemLines();
    expect(lines.at(-1)).toBe(BACKUP_SYSTEM_TEXT.started('Julie Martin', 1).text);
    expect(lines.join('\n')).not.toContain('mot de passe');

    // Another device, or the same job under another request, is refused.
    const other = await newDevice(t, 'Cabinet 2');
    const otherReq = (await createHelp(other)).request;
    expect(code(await emitAck(other.socket, 'backup:restore-progress', { requestId: otherReq.id, job: started }))).toBe('FORBIDDEN');
    const dev2Req = (await createHelp(other)).request;
    expect(code(await emitAck(dev.socket, 'backup:restore-progress', { requestId: dev2Req.id, job: started }))).toBe('FORBIDDEN');

    // Progress is relayed with the paths the technician asked for, whatever the device says.
    const pushed = nextEvent<{ job: RestoreJob }>(tech.socket, 'backup:restore-progress', (p) => p.job.id === started.id);
    const lying = {
      ...started,
      state: 'restoring' as const,
      request: { ...started.request, paths: ['/home/cabinet/Documents/Appelez le 08 99 99 99 99.txt'] },
    };
    data(await emitAck(dev.socket, 'backup:restore-progress', { requestId: req.id, job: lying }));
    expect((await pushed).job.request.paths).toEqual([LURE]);

    const endLine = nextEvent<ChatMessage>(
      tech.socket,
      'chat:message',
      (m) => m.author === 'system' && m.text.startsWith('Restauration terminée'),
    );
    const done = {
      ...lying,
      state: 'done' as const,
      endedAt: NOW,
      result: {
        items: [{ from: LURE, to: '/home/cabinet/Documents/Appelez le 08 99 99 99 99.txt', previousVersion: null }],
        folder: '/home/cabinet/Documents',
      },
    };
    data(await emitAck(dev.socket, 'backup:restore-progress', { requestId: req.id, job: done }));
    expect((await endLine).text).toBe(BACKUP_SYSTEM_TEXT.done(1).text);
    // The same end again (a retry) changes nothing; another end, or more progress, is refused.
    data(await emitAck(dev.socket, 'backup:restore-progress', { requestId: req.id, job: done }));
    expect(code(await emitAck(dev.socket, 'backup:restore-progress', { requestId: req.id, job: { ...done, state: 'failed' } }))).toBe(
      'CONFLICT',
    );
    expect(code(await emitAck(dev.socket, 'backup:restore-progress', { requestId: req.id, job: { ...done, state: 'restoring' } }))).toBe(
      'CONFLICT',
    );
    const all = await systemLines();
    expect(all.filter((l) => l.startsWith('Restauration terminée'))).toHaveLength(1);
    expect(all.join('\n')).not.toMatch(/mot de passe|08 99/);
    const finished = (await t.hub.services.audit.list(0, 10_000)).filter(
      (a) => a.action === 'backup.restore_finished' && a.data.jobId === started.id,
    );
    expect(finished).toHaveLength(1);
    expect((await t.hub.admin.verifyAudit()).ok).toBe(true);
  });
});

describe('reads of a practice’s backups are audited', () => {
  it('status, snapshot list, browse and search each leave an audit row naming the technician and the device', async () => {
    answerRestores(dev);
    await emitAck(tech.socket, 'backup:status', { requestId: req.id });
    await emitAck(tech.socket, 'backup:snapshots', { requestId: req.id });
    await emitAck(tech.socket, 'backup:browse', {
      requestId: req.id,
      input: { snapshotId: SNAP.slice(0, 8), path: '/home/cabinet/Documents' },
    });
    await emitAck(tech.socket, 'backup:search', { requestId: req.id, input: { query: 'dupont' } });
    data(await emitAck(tech.socket, 'help:get', { requestId: req.id }));
    data(await emitAck(tech.socket, 'device:health', { deviceId: dev.deviceId }));
    data(await emitAck(tech.socket, 'devices:list', {}));
    const audit = await t.hub.services.audit.list(0, 10_000);
    const reads = audit.filter((a) => a.action === 'backup.read' && a.subject === dev.deviceId && a.actorId === tech.id).map((a) => a.data);
    expect(reads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ requestId: req.id, what: 'getStatus' }),
        expect.objectContaining({ requestId: req.id, what: 'listSnapshots' }),
        expect.objectContaining({ requestId: req.id, what: 'browse', path: '/home/cabinet/Documents' }),
        expect.objectContaining({ requestId: req.id, what: 'search', query: 'dupont' }),
      ]),
    );
    expect(audit.find((a) => a.action === 'help.view' && a.subject === req.id)).toMatchObject({
      actorType: 'technician',
      actorId: tech.id,
      data: { deviceId: dev.deviceId },
    });
    expect(audit.find((a) => a.action === 'device.health_view' && a.subject === dev.deviceId)).toMatchObject({ actorId: tech.id });
    expect(audit.find((a) => a.action === 'devices.list')).toMatchObject({ actorId: tech.id });
  });
});

describe('per-device tables a device writes keep a bounded history', () => {
  it('update reports: the newest UPDATE_REPORTS_PER_DEVICE per device, other devices untouched; health: one row per device', async () => {
    const flood = await newDevice(t, 'Bavard');
    const quiet = await newDevice(t, 'Discret');
    const report = (i: number) => ({
      outcome: 'failed',
      currentVersion: '1.0.0',
      targetVersion: '1.1.0',
      channel: 'stable',
      reason: 'network',
      message: `essai ${i}`,
      attempt: 1,
      at: new Date().toISOString(),
    });
    data(await emitAck(quiet.socket, 'update:report', report(0)));
    for (let i = 1; i <= UPDATE_REPORTS_PER_DEVICE + 30; i++) data(await emitAck(flood.socket, 'update:report', report(i)));
    const count = async (id: string) =>
      Number(
        (
          await t.hub.services.db
            .selectFrom('update_reports' as never)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('device_id' as never, '=', id as never)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count(flood.deviceId)).toBe(UPDATE_REPORTS_PER_DEVICE);
    expect(await count(quiet.deviceId)).toBe(1);

    const health = (i: number) => ({
      score: 50 + (i % 50),
      worst: 'warning',
      counts: { ok: 1, warning: 1, critical: 0, unknown: 0 },
      at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    });
    for (let i = 0; i < 40; i++) data(await emitAck(flood.socket, 'device:report', { health: health(i) }));
    const rows = await t.hub.services.db.selectFrom('device_reports').selectAll().where('device_id', '=', flood.deviceId).execute();
    expect(rows).toHaveLength(1);
  });
});
