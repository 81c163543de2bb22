import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelpRequest, QueuePosition, QueueSnapshot, TripwireAlert, TripwireAlertRecord } from '@vigie/common';
import {
  code,
  createHelp,
  data,
  newDevice,
  newTech,
  startTestHub,
  type TestDevice,
  type TestHub,
  type TestTech,
} from '../test-support/fixture.js';
import { emitAck, nextEvent } from '../test-support/sockets.js';

const ROOT = '/home/dr/Documents/Cabinet';

function alert(id: string, files = 5, extra: Partial<TripwireAlert> = {}): TripwireAlert {
  const t0 = Date.parse('2025-03-03T10:00:00Z');
  return {
    id,
    raisedAt: new Date(t0 + files * 1000).toISOString(),
    firstChangeAt: new Date(t0).toISOString(),
    reasons: ['burst'],
    files: Array.from({ length: Math.min(files, 200) }, (_, i) => ({
      path: `${ROOT}/Patients/p${i}.pdf`,
      at: new Date(t0 + i * 1000).toISOString(),
      kind: 'encrypted' as const,
      entropy: 7.95,
    })),
    fileCount: files,
    notes: [],
    extensions: [],
    lastGoodSnapshot: { id: 'a'.repeat(64), time: new Date(t0 - 3_600_000).toISOString() },
    backup: null,
    folders: [ROOT],
    ...extra,
  };
}

async function auditActions(t: TestHub, subject: string): Promise<string[]> {
  const rows = await t.hub.services.db.selectFrom('audit_log').select(['action']).where('subject', '=', subject).orderBy('seq').execute();
  return rows.map((r) => r.action);
}

describe('tripwire alerts on the hub', () => {
  let t: TestHub;
  let calm: TestDevice;
  let hit: TestDevice;
  let tech: TestTech;
  let other: TestTech;

  beforeAll(async () => {
    t = await startTestHub();
    calm = await newDevice(t, 'Accueil');
    hit = await newDevice(t, 'Cabinet 2');
    tech = await newTech(t, 'technician', 'Julie Martin');
    other = await newTech(t, 'technician', 'Paul Durand');
    await emitAck(tech.socket, 'tech:hello', {});
    await emitAck(other.socket, 'tech:hello', {});
  });
  afterAll(async () => {
    await t.close();
  });

  let requestId = '';

  it('opens an urgent request at the top of the queue, ahead of older waiting ones, and audits it', async () => {
    const older = await createHelp(calm);
    const queued = nextEvent<QueueSnapshot>(tech.socket, 'queue:updated', (s) => s.requests.length === 2);
    const position = nextEvent<QueuePosition>(hit.socket, 'help:position');
    const r = data(await emitAck<{ requestId: string; lifted: boolean }>(hit.socket, 'tripwire:alert', { alert: alert('dev-1') }));
    expect(r.lifted).toBe(false);
    requestId = r.requestId;
    const snap = await queued;
    expect(snap.requests.map((q) => q.id)).toEqual([requestId, older.request.id]);
    expect(snap.requests[0]).toMatchObject({ urgent: true, topic: 'security', deviceId: hit.deviceId, status: 'waiting' });
    expect(snap.requests[1]!.urgent).toBeUndefined();
    expect((await position).position).toBe(1);
    expect(await auditActions(t, requestId)).toEqual(['help.create', 'tripwire.alert']);
  });

  it('the same alert again is more evidence on the same request, never a second one', async () => {
    const pushed = nextEvent<TripwireAlertRecord>(tech.socket, 'tripwire:alert', (rec) => rec.alert.fileCount === 40);
    // The technician follows the request once it opened it.
    data(await emitAck(tech.socket, 'help:get', { requestId }));
    const r = data(await emitAck<{ requestId: string }>(hit.socket, 'tripwire:alert', { alert: alert('dev-1', 40) }));
    expect(r.requestId).toBe(requestId);
    expect((await pushed).status).toBe('open');
    const list = data(await emitAck<TripwireAlertRecord[]>(tech.socket, 'tripwire:get', { requestId }));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ deviceId: hit.deviceId, requestId, status: 'open', liftedBy: null });
    expect(list[0]!.alert.fileCount).toBe(40);
    expect(list[0]!.alert.files[0]!.path).toBe(`${ROOT}/Patients/p0.pdf`);
    const open = data(await emitAck<QueueSnapshot>(tech.socket, 'queue:list', {}));
    expect(open.requests.filter((q) => q.deviceId === hit.deviceId)).toHaveLength(1);
    expect(await auditActions(t, requestId)).toEqual(['help.create', 'tripwire.alert', 'help.view', 'tripwire.evidence', 'tripwire.view']);
    // Evidence arriving in a loop is stored each time but audited at most once a minute per alert.
    for (let n = 41; n <= 45; n++) data(await emitAck(hit.socket, 'tripwire:alert', { alert: alert('dev-1', n) }));
    expect((await auditActions(t, requestId)).filter((a) => a === 'tripwire.evidence')).toHaveLength(1);
    expect(data(await emitAck<TripwireAlertRecord[]>(tech.socket, 'tripwire:get', { requestId }))[0]!.alert.fileCount).toBe(45);
  });

  it('only the technician holding the request (or a supervisor) lifts it; the device hears it and its next report says so', async () => {
    expect(code(await emitAck(tech.socket, 'tripwire:lift', { requestId, alertId: 'dev-1' }))).toBe('FORBIDDEN');
    data(await emitAck<HelpRequest>(tech.socket, 'help:accept', { requestId }));
    expect(code(await emitAck(other.socket, 'tripwire:lift', { requestId, alertId: 'dev-1' }))).toBe('FORBIDDEN');
    expect(code(await emitAck(tech.socket, 'tripwire:lift', { requestId, alertId: 'nope' }))).toBe('NOT_FOUND');
    const heard = nextEvent<{ alertId: string }>(hit.socket, 'tripwire:lifted');
    const lifted = data(await emitAck<TripwireAlertRecord>(tech.socket, 'tripwire:lift', { requestId, alertId: 'dev-1' }));
    expect(lifted).toMatchObject({ status: 'lifted', liftedBy: 'Julie Martin' });
    expect(await heard).toEqual({ alertId: 'dev-1' });
    expect(code(await emitAck(tech.socket, 'tripwire:lift', { requestId, alertId: 'dev-1' }))).toBe('CONFLICT');
    // A device that was offline when it was lifted learns it from the answer.
    expect(data(await emitAck<{ lifted: boolean }>(hit.socket, 'tripwire:alert', { alert: alert('dev-1', 46) })).lifted).toBe(true);
    const req = data(await emitAck<{ request: HelpRequest }>(tech.socket, 'help:get', { requestId })).request;
    expect(req.urgent).toBeUndefined();
    expect((await auditActions(t, requestId)).filter((a) => a.startsWith('tripwire.'))).toEqual([
      'tripwire.alert',
      'tripwire.evidence',
      'tripwire.view',
      'tripwire.view',
      'tripwire.lift',
    ]);
  });

  it('a new alert on a device with an open request raises that request instead of opening another', async () => {
    const r = data(
      await emitAck<{ requestId: string }>(hit.socket, 'tripwire:alert', {
        alert: alert('dev-2', 7, { reasons: ['canary', 'note'], notes: [`${ROOT}/HOW_TO_DECRYPT.txt`] }),
      }),
    );
    expect(r.requestId).toBe(requestId);
    const req = data(await emitAck<{ request: HelpRequest }>(tech.socket, 'help:get', { requestId })).request;
    expect(req.urgent).toBe(true);
    const list = data(await emitAck<TripwireAlertRecord[]>(tech.socket, 'tripwire:get', { requestId }));
    expect(list.map((a) => [a.alert.id, a.status])).toEqual([
      ['dev-2', 'open'],
      ['dev-1', 'lifted'],
    ]);
  });

  it('refuses what the contract does not allow, and a device cannot open alerts without bound', async () => {
    const too = alert('big', 201);
    too.files = Array.from({ length: 201 }, (_, i) => ({ path: `/x/${i}`, at: too.raisedAt, kind: 'encrypted' as const, entropy: 8 }));
    expect(code(await emitAck(hit.socket, 'tripwire:alert', { alert: too }))).toBe('BAD_REQUEST');
    expect(
      code(
        await emitAck(hit.socket, 'tripwire:alert', {
          alert: { ...alert('long'), files: [{ path: 'x'.repeat(5000), at: too.raisedAt, kind: 'encrypted', entropy: 8 }] },
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect(code(await emitAck(hit.socket, 'tripwire:alert', { alert: { ...alert('nope'), reasons: [] } }))).toBe('BAD_REQUEST');
    // Technicians cannot send alerts; devices cannot read or lift them.
    expect(code(await emitAck(tech.socket, 'tripwire:alert', { alert: alert('x') }))).toBe('UNKNOWN_EVENT');
    expect(code(await emitAck(hit.socket, 'tripwire:lift', { requestId, alertId: 'dev-2' }))).toBe('UNKNOWN_EVENT');
    for (let i = 3; i <= 6; i++) expect(code(await emitAck(hit.socket, 'tripwire:alert', { alert: alert(`dev-${i}`) }))).toBe('OK');
    expect(code(await emitAck(hit.socket, 'tripwire:alert', { alert: alert('dev-7') }))).toBe('RATE_LIMITED');
  });

  it('a technician who may not see the request does not get its evidence', async () => {
    expect(code(await emitAck(other.socket, 'tripwire:get', { requestId }))).toBe('FORBIDDEN');
  });

  it("gives devices the support's phone number", async () => {
    expect(data(await emitAck(hit.socket, 'tripwire:config', {}))).toEqual({ supportPhone: null });
    await t.hub.settings.updateSupport({ phone: '01 23 45 67 89' }, { type: 'cli', id: null });
    expect(data(await emitAck(hit.socket, 'tripwire:config', {}))).toEqual({ supportPhone: '01 23 45 67 89' });
  });
});
