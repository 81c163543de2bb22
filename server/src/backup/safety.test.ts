/**
 * The hub's part of the safety backup (issue 12) with real sockets on a real hub: the "device" is
 * a socket.io client sending the reports the app sends (the app's side is tested with real restic
 * in main/services/backup/safety-app.test.ts and e2e/backup/safety.spec.ts).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelpRequest, SafetyIntervention } from '@vigie/common';
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

const SNAP = 'b'.repeat(64);
const AFTER = 'c'.repeat(64);

let t: TestHub;
let tech: TestTech;
let other: TestTech;
let supervisor: TestTech;
let devA: TestDevice;
let devB: TestDevice;
let reqA: HelpRequest;
let reqB: HelpRequest;

function report(requestId: string, patch: Partial<SafetyIntervention> = {}, at = new Date()): SafetyIntervention {
  const iso = at.toISOString();
  return {
    requestId,
    technicianName: 'Julie Martin',
    startedAt: iso,
    updatedAt: iso,
    snapshots: [],
    baseline: null,
    changes: null,
    undo: null,
    ...patch,
  };
}

const snapshot = (id: string, state: 'running' | 'done' | 'failed') => ({
  id,
  before: 'control' as const,
  state,
  snapshotId: state === 'done' ? SNAP : null,
  startedAt: new Date().toISOString(),
  endedAt: state === 'running' ? null : new Date().toISOString(),
  durationMs: state === 'running' ? null : 812,
  error:
    state === 'failed'
      ? {
          reason: 'repo-missing' as const,
          message: 'Aucune sauvegarde n’a été trouvée à l’emplacement prévu.',
          nextStep: 'Vérifiez le disque.',
        }
      : null,
});

beforeAll(async () => {
  t = await startTestHub({ socket: { ratePerSecond: 1000, burst: 1000 } });
  ({ julie: tech, bruno: other, sophie: supervisor, devA, devB, reqA, reqB } = await newScene(t));
});
afterAll(() => t.close());

const safetyRows = async (requestId: string) =>
  (await t.hub.services.audit.list(0, 5000)).filter((a) => a.subject === requestId && a.action.startsWith('safety.'));

describe('safety reports on the hub', () => {
  it('a report goes to the technician following the request, is kept for a reload, and each finished event is audited once', async () => {
    const snapId = randomUUID();
    const running = report(reqA.id, { snapshots: [snapshot(snapId, 'running')] });
    const pushed = nextEvent<{ requestId: string; deviceId: string; intervention: SafetyIntervention }>(tech.socket, 'backup:safety');
    data(await emitAck(devA.socket, 'backup:safety-report', { requestId: reqA.id, intervention: running }));
    expect(await pushed).toEqual({ requestId: reqA.id, deviceId: devA.deviceId, intervention: running });
    expect(await safetyRows(reqA.id)).toEqual([]);

    const done = report(
      reqA.id,
      { snapshots: [snapshot(snapId, 'done')], baseline: { snapshotId: SNAP, time: running.startedAt } },
      new Date(Date.now() + 1000),
    );
    data(await emitAck(devA.socket, 'backup:safety-report', { requestId: reqA.id, intervention: done }));
    // The same again (a retry after a lost acknowledgement, a reconnection): nothing more in the chain.
    data(await emitAck(devA.socket, 'backup:safety-report', { requestId: reqA.id, intervention: done }));
    const rows = await safetyRows(reqA.id);
    expect(rows.map((r) => [r.action, r.actorType, r.actorId])).toEqual([['safety.snapshot', 'device', devA.deviceId]]);
    expect(rows[0]!.data).toMatchObject({
      requestId: reqA.id,
      deviceId: devA.deviceId,
      eventId: snapId,
      before: 'control',
      state: 'done',
      snapshotId: SNAP,
      durationMs: 812,
    });

    // An older report arriving late does not replace the newer one.
    data(await emitAck(devA.socket, 'backup:safety-report', { requestId: reqA.id, intervention: running }));
    expect(data(await emitAck(tech.socket, 'backup:safety-get', { requestId: reqA.id }))).toEqual(done);
    expect(data(await emitAck(supervisor.socket, 'backup:safety-get', { requestId: reqA.id }))).toEqual(done);

    // The change list and the undo, audited once each, with their facts (never the file names).
    const at = new Date(Date.now() + 2000).toISOString();
    const undoId = randomUUID();
    const items = [
      {
        kind: 'changed' as const,
        path: '/home/cabinet/Documents/a.txt',
        localPath: '/home/cabinet/Documents/a.txt',
        type: 'file' as const,
        inside: 0,
      },
    ];
    const changes = {
      state: 'ready' as const,
      afterSnapshotId: AFTER,
      at,
      counts: { added: 0, changed: 1, deleted: 0 },
      items,
      truncated: false,
      error: null,
    };
    const undo = {
      id: undoId,
      state: 'done' as const,
      startedAt: at,
      endedAt: at,
      total: 1,
      restored: 1,
      keptCopies: 1,
      failed: 0,
      error: null,
    };
    const full = { ...done, updatedAt: at, changes, undo };
    data(await emitAck(devA.socket, 'backup:safety-report', { requestId: reqA.id, intervention: full }));
    data(await emitAck(devA.socket, 'backup:safety-report', { requestId: reqA.id, intervention: full }));
    const all = await safetyRows(reqA.id);
    expect(all.map((r) => r.action)).toEqual(['safety.snapshot', 'safety.changes', 'safety.undo']);
    expect(all[1]!.data).toMatchObject({ eventId: AFTER, state: 'ready', added: 0, changed: 1, deleted: 0, baselineSnapshotId: SNAP });
    expect(all[2]!.data).toMatchObject({ eventId: undoId, state: 'done', total: 1, restored: 1, keptCopies: 1, failed: 0 });
    expect(JSON.stringify(all.map((r) => r.data))).not.toContain('a.txt');
    expect((await t.hub.admin.verifyAudit()).ok).toBe(true);
  });

  it('a device reports only on its own requests, taken by a technician, under the request it names', async () => {
    expect(code(await emitAck(devB.socket, 'backup:safety-report', { requestId: reqA.id, intervention: report(reqA.id) }))).toBe(
      'FORBIDDEN',
    );
    expect(code(await emitAck(devA.socket, 'backup:safety-report', { requestId: 'nope', intervention: report('nope') }))).toBe('FORBIDDEN');
    expect(code(await emitAck(devA.socket, 'backup:safety-report', { requestId: reqA.id, intervention: report(reqB.id) }))).toBe(
      'BAD_REQUEST',
    );
    // Outside the contract: too many entries, a snapshot id that is not one.
    const tooMany = Array.from({ length: 201 }, (_, i) => ({
      kind: 'added' as const,
      path: `/d/${i}`,
      localPath: `/d/${i}`,
      type: 'file' as const,
      inside: 0,
    }));
    const at = new Date().toISOString();
    const big = report(reqA.id, {
      changes: {
        state: 'ready',
        afterSnapshotId: AFTER,
        at,
        counts: { added: 201, changed: 0, deleted: 0 },
        items: tooMany,
        truncated: false,
        error: null,
      },
    });
    expect(code(await emitAck(devA.socket, 'backup:safety-report', { requestId: reqA.id, intervention: big }))).toBe('BAD_REQUEST');
    const bad = report(reqA.id, { baseline: { snapshotId: 'not-hex', time: at } });
    expect(code(await emitAck(devA.socket, 'backup:safety-report', { requestId: reqA.id, intervention: bad }))).toBe('BAD_REQUEST');
  });

  it('a device inventing events does not fill the audit chain: at most 500 per intervention', async () => {
    const dev = await newDevice(t, 'Bavard');
    const req = await acceptedHelp(dev, tech);
    for (let r = 0; r < 27; r++) {
      const snapshots = Array.from({ length: 20 }, () => snapshot(randomUUID(), 'done'));
      data(
        await emitAck(dev.socket, 'backup:safety-report', {
          requestId: req.id,
          intervention: report(req.id, { snapshots }, new Date(Date.now() + r)),
        }),
      );
    }
    expect(await safetyRows(req.id)).toHaveLength(500);
  });

  it('a request no technician took gets no report', async () => {
    const dev = await newDevice(t, 'Secrétariat');
    const req = (await createHelp(dev)).request;
    expect(code(await emitAck(dev.socket, 'backup:safety-report', { requestId: req.id, intervention: report(req.id) }))).toBe('FORBIDDEN');
  });

  it('only the technician of the request (or a supervisor) reads it back, and the read is audited', async () => {
    expect(code(await emitAck(other.socket, 'backup:safety-get', { requestId: reqA.id }))).toBe('FORBIDDEN');
    expect(code(await emitAck(tech.socket, 'backup:safety-get', { requestId: 'nope' }))).toBe('NOT_FOUND');
    expect(data(await emitAck(other.socket, 'backup:safety-get', { requestId: reqB.id }))).toBeNull();
    const reads = (await t.hub.services.audit.list(0, 5000)).filter((a) => a.action === 'backup.read' && a.data.what === 'safety');
    expect(reads.map((r) => r.actorId)).toEqual(expect.arrayContaining([tech.id, supervisor.id, other.id]));
  });
});
