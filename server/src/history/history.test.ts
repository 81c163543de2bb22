/**
 * The device page's history and the audit view on a real hub with real sockets: who may read
 * what, what each read leaves in the audit log, the filters, paging, and one intervention's export.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditOptions, AuditPage, DeviceHistory, HelpRequest, InterventionExport, ScreenSession } from '@vigie/common';
import {
  acceptedHelp,
  code,
  createHelp,
  data,
  newDevice,
  newTeam,
  startTestHub,
  type TestDevice,
  type TestHub,
  type TestTech,
} from '../test-support/fixture.js';
import { connectDevice, emitAck, enrollDevice } from '../test-support/sockets.js';
import { answer, restoreJob } from '../backup/test-support/index.js';
import { ok } from '@vigie/common';

let t: TestHub;
let julie: TestTech;
let bruno: TestTech;
let sophie: TestTech;
let accueil: TestDevice;
let other: TestDevice;
let otherPractice: { id: string; name: string };
let req: HelpRequest;
let session: ScreenSession;

beforeAll(async () => {
  t = await startTestHub({ socket: { ratePerSecond: 1000, burst: 1000 } });
  ({ julie, bruno, sophie } = await newTeam(t));
  accueil = await newDevice(t, 'Accueil');
  const p = await t.hub.admin.createPractice({ name: 'Cabinet du Lac' });
  otherPractice = { id: p.id, name: p.name };
  const enrolled = await enrollDevice(t.hub.url, p.enrollmentCode, { name: 'Poste du Lac' });
  other = {
    deviceId: enrolled.deviceId,
    token: enrolled.token,
    socket: await connectDevice(t.hub.url, enrolled.token),
    name: 'Poste du Lac',
  };

  // An intervention on Accueil: accepted by Julie, a screen session refused, a restore, a chat line, resolved.
  req = (await createHelp(accueil, { topic: 'files', description: 'Un fichier a disparu' })).request;
  data(await emitAck(julie.socket, 'help:accept', { requestId: req.id }));
  session = data(await emitAck<ScreenSession>(julie.socket, 'screen:request', { requestId: req.id }));
  data(await emitAck(accueil.socket, 'screen:consent', { sessionId: session.id, phase: 'view', decision: 'refused' }));
  answer(accueil, (c) => (c.method === 'backup:restore' ? ok(restoreJob(c as never)) : null));
  data(
    await emitAck(julie.socket, 'backup:restore', {
      requestId: req.id,
      input: { snapshotId: 'c'.repeat(64), paths: ['/home/cabinet/Documents/Dupont 2025.txt'], mode: 'beside' },
    }),
  );
  data(
    await emitAck(julie.socket, 'chat:send', {
      requestId: req.id,
      id: randomUUID(),
      text: 'Je restaure le fichier.',
      sentAt: new Date().toISOString(),
    }),
  );
  data(await emitAck(julie.socket, 'help:resolve', { requestId: req.id, note: 'Fichier restauré.' }));
  // Something on the other practice, by Bruno.
  await acceptedHelp(other, bruno);
});
afterAll(() => t.close());

describe('device history', () => {
  it('any technician reads it (audited); file names only for the technician who restored them or a supervisor', async () => {
    const seen = data(await emitAck<DeviceHistory>(julie.socket, 'device:history', { deviceId: accueil.deviceId }));
    expect(seen.device).toMatchObject({ id: accueil.deviceId, name: 'Accueil', practiceName: 'Cabinet des Tilleuls', online: true });
    expect(seen.requests).toEqual([
      expect.objectContaining({
        id: req.id,
        status: 'resolved',
        topic: 'files',
        resolutionNote: 'Fichier restauré.',
        technician: expect.objectContaining({ id: julie.id, displayName: 'Julie Martin' }),
      }),
    ]);
    expect(seen.sessions).toEqual([
      expect.objectContaining({ id: session.id, requestId: req.id, state: 'ended', endReason: 'refused', consentAt: null }),
    ]);
    expect(seen.restores).toEqual([
      expect.objectContaining({ requestId: req.id, accessId: null, items: 1, names: ['Dupont 2025.txt'], state: 'queued' }),
    ]);
    expect(seen.accesses).toEqual([]);
    // Bruno sees that a restore happened, not what was restored; Sophie (supervisor) sees the name.
    expect(data(await emitAck<DeviceHistory>(bruno.socket, 'device:history', { deviceId: accueil.deviceId })).restores[0]).toMatchObject({
      items: 1,
      names: [],
    });
    expect(data(await emitAck<DeviceHistory>(sophie.socket, 'device:history', { deviceId: accueil.deviceId })).restores[0]!.names).toEqual([
      'Dupont 2025.txt',
    ]);
    // Nothing of another device.
    const lake = data(await emitAck<DeviceHistory>(julie.socket, 'device:history', { deviceId: other.deviceId }));
    expect(lake.requests.map((r) => r.id)).not.toContain(req.id);
    expect(lake.sessions).toEqual([]);

    expect(code(await emitAck(julie.socket, 'device:history', { deviceId: 'nope' }))).toBe('NOT_FOUND');
    expect(code(await emitAck(julie.socket, 'device:history', { deviceId: accueil.deviceId, extra: true }))).toBe('BAD_REQUEST');
    const reads = (await t.hub.services.audit.list(0, 100_000)).filter((e) => e.action === 'device.history_view');
    expect(reads.map((e) => [e.actorId, e.subject])).toEqual([
      [julie.id, accueil.deviceId],
      [bruno.id, accueil.deviceId],
      [sophie.id, accueil.deviceId],
      [julie.id, other.deviceId],
    ]);
  });
});

describe('audit view', () => {
  const list = (who: TestTech, q: Record<string, unknown> = {}) => emitAck<AuditPage>(who.socket, 'audit:list', q);

  it('is for supervisors and admins only; every look is written in the log with what was looked for', async () => {
    expect(code(await list(julie))).toBe('FORBIDDEN');
    expect(code(await emitAck(julie.socket, 'audit:options', {}))).toBe('FORBIDDEN');
    expect(code(await emitAck(julie.socket, 'audit:export', { requestId: req.id }))).toBe('FORBIDDEN');
    const options = data(await emitAck<AuditOptions>(sophie.socket, 'audit:options', {}));
    expect(options.practices.map((p) => p.name)).toEqual(['Cabinet des Tilleuls', 'Cabinet du Lac']);
    expect(options.technicians.map((x) => x.name)).toEqual(expect.arrayContaining(['Julie Martin', 'Bruno Durand', 'Sophie Leroy']));

    const page = data(await list(sophie, { practiceId: otherPractice.id }));
    const views = (await t.hub.services.audit.list(0, 100_000)).filter((e) => e.action === 'audit.view');
    expect(views.at(-1)).toMatchObject({ actorId: sophie.id, data: { practiceId: otherPractice.id } });
    // The look itself is the newest entry about that practice: a read of its data like any other.
    expect(page.entries[0]).toMatchObject({
      action: 'audit.view',
      act: 'reads',
      actor: { id: sophie.id, name: 'Sophie Leroy' },
      practice: otherPractice,
    });
  });

  it('filters by practice, technician, act and dates, newest first, with names as the hub knows them', async () => {
    const lake = data(await list(sophie, { practiceId: otherPractice.id, limit: 200 }));
    expect(lake.entries.length).toBeGreaterThan(0);
    expect(lake.entries.every((e) => e.practice?.id === otherPractice.id)).toBe(true);
    expect(lake.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['help.create', 'help.accept', 'device.enroll']));
    expect(lake.entries.find((e) => e.action === 'help.accept')).toMatchObject({
      actor: { id: bruno.id, name: 'Bruno Durand' },
      device: { name: 'Poste du Lac' },
      act: 'requests',
    });
    const seqs = lake.entries.map((e) => e.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);

    const byJulie = data(await list(sophie, { technicianId: julie.id, limit: 200 }));
    expect(byJulie.entries.every((e) => e.actorType === 'technician' && e.actor?.id === julie.id)).toBe(true);
    expect(byJulie.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['help.accept', 'screen.request', 'backup.restore_requested', 'help.resolve', 'auth.login']),
    );

    const screen = data(await list(sophie, { act: 'screen', limit: 200 }));
    expect(new Set(screen.entries.map((e) => e.action))).toEqual(new Set(['screen.request', 'screen.consent.refused', 'screen.end']));
    expect(screen.entries.every((e) => e.requestId === req.id && e.practice?.name === 'Cabinet des Tilleuls')).toBe(true);
    const reads = data(await list(sophie, { act: 'reads', limit: 200 }));
    expect(reads.entries.length).toBeGreaterThan(0);
    expect(
      reads.entries.every((e) =>
        ['help.view', 'device.health_view', 'device.history_view', 'devices.list', 'backup.read', 'audit.view', 'audit.export'].includes(
          e.action,
        ),
      ),
    ).toBe(true);

    const all = await t.hub.services.audit.list(0, 100_000);
    const middle = all[Math.floor(all.length / 2)]!;
    const later = data(await list(sophie, { from: middle.at, limit: 200 }));
    expect(later.entries.every((e) => e.at >= middle.at)).toBe(true);
    const earlier = data(await list(sophie, { to: middle.at, limit: 200 }));
    expect(earlier.entries.every((e) => e.at <= middle.at)).toBe(true);
    expect(data(await list(sophie, { from: '2099-01-01T00:00:00.000Z' })).entries).toEqual([]);
  });

  it('pages with `next` without missing or repeating an entry', async () => {
    const first = data(await list(sophie, { practiceId: t.practiceId, limit: 3 }));
    expect(first.entries).toHaveLength(3);
    const second = data(await list(sophie, { practiceId: t.practiceId, limit: 3, beforeSeq: first.next! }));
    const both = [...first.entries, ...second.entries].map((e) => e.seq);
    expect(new Set(both).size).toBe(both.length);
    const whole = data(await list(sophie, { practiceId: t.practiceId, limit: 6, beforeSeq: first.entries[0]!.seq + 1 }));
    expect(whole.entries.map((e) => e.seq)).toEqual(both);
  });

  it('refuses filters outside the contract', async () => {
    for (const q of [
      { act: 'everything' },
      { limit: 0 },
      { limit: 201 },
      { from: 'yesterday' },
      { beforeSeq: -1 },
      { practiceId: '' },
      { sql: '1=1' },
    ])
      expect(code(await list(sophie, q)), JSON.stringify(q)).toBe('BAD_REQUEST');
  });

  it('exports one intervention: the request, its conversation, its screen sessions and its chain entries in order (audited)', async () => {
    const x = data(await emitAck<InterventionExport>(sophie.socket, 'audit:export', { requestId: req.id }));
    expect(x).toMatchObject({
      format: 'vigie.intervention-export',
      version: 1,
      exportedBy: { id: sophie.id, name: 'Sophie Leroy' },
      request: { id: req.id, status: 'resolved' },
      device: { id: accueil.deviceId, practiceName: 'Cabinet des Tilleuls' },
    });
    expect(x.messages.map((m) => m.text)).toEqual(expect.arrayContaining(['Je restaure le fichier.']));
    expect(x.screenSessions.map((s) => s.id)).toEqual([session.id]);
    const actions = x.audit.map((e) => e.action);
    for (const a of [
      'help.create',
      'help.accept',
      'screen.request',
      'screen.consent.refused',
      'screen.end',
      'backup.restore_requested',
      'help.resolve',
    ])
      expect(actions).toContain(a);
    // Nothing of the other practice's request; entries as the chain holds them.
    expect(x.audit.every((e) => e.subject === req.id || e.data.requestId === req.id || e.subject === session.id)).toBe(true);
    const chain = new Map((await t.hub.services.audit.list(0, 100_000)).map((e) => [e.seq, e]));
    for (const e of x.audit) expect(chain.get(e.seq)).toEqual(e);
    expect(x.audit.map((e) => e.seq)).toEqual([...x.audit.map((e) => e.seq)].sort((a, b) => a - b));
    expect(code(await emitAck(sophie.socket, 'audit:export', { requestId: 'nope' }))).toBe('NOT_FOUND');
    const exports = (await t.hub.services.audit.list(0, 100_000)).filter((e) => e.action === 'audit.export');
    expect(exports.map((e) => [e.actorId, e.subject])).toEqual([[sophie.id, req.id]]);
    expect((await t.hub.admin.verifyAudit()).ok).toBe(true);
  });
});
