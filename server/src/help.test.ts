import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, HelpDetail, HelpRequest, QueuePosition, QueueSnapshot } from '@vigie/common';
import {
  acceptedHelp,
  code,
  context,
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
import { testRedisUrl } from './test-support/store.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ socket: { ratePerSecond: 1000, burst: 1000 } });
});
afterAll(() => t.close());

const waitingIds = (s: QueueSnapshot) => s.requests.filter((r) => r.status === 'waiting').map((r) => r.id);

describe('help requests', () => {
  let tech1: TestTech;
  let tech2: TestTech;
  let devA: TestDevice;
  let devB: TestDevice;

  beforeAll(async () => {
    tech1 = await newTech(t, 'technician', 'Alice Martin');
    devA = await newDevice(t, 'Poste A');
    devB = await newDevice(t, 'Poste B');
  });

  it('queues oldest first, pushes queue:updated to technicians and position + ETA to waiting devices', async () => {
    const queued = nextEvent<QueueSnapshot>(tech1.socket, 'queue:updated', (s) => s.requests.length === 1);
    // Each device is told its place in the answer to help:create, then pushed only what changes for it.
    const told: Record<'A' | 'B', QueuePosition[]> = { A: [], B: [] };
    const onA = (p: QueuePosition) => told.A.push(p);
    const onB = (p: QueuePosition) => told.B.push(p);
    devA.socket.on('help:position', onA);
    devB.socket.on('help:position', onB);
    const a = await createHelp(devA, { topic: 'printer', description: 'L’imprimante ne répond plus' });
    expect(a.request.status).toBe('waiting');
    // No pickup recorded yet: one technician available, but no number to promise (legacy etaSeconds: the 90 s default).
    expect(a.position).toMatchObject({ requestId: a.request.id, position: 1, waiting: 1, etaSeconds: 90 });
    expect(a.position?.wait).toMatchObject({
      key: 'noEstimate',
      params: { position: 1, waiting: 1, techniciansAvailable: 1, etaMinutes: null, medianPickupSeconds: null, samples: 0 },
    });
    const snap = await queued;
    expect(snap.requests[0]).toMatchObject({
      id: a.request.id,
      topic: 'printer',
      deviceName: 'Poste A',
      deviceOnline: true,
      practiceName: 'Cabinet des Tilleuls',
    });
    expect(snap.medianPickupSeconds).toBe(0);
    expect(snap.pickupSamples).toBe(0);

    // B joins behind A: A reads the same as before, B was told in its answer — no push to either.
    const b = await createHelp(devB);
    expect(b.position).toMatchObject({ position: 2, waiting: 2, etaSeconds: 180 });

    // A second technician online halves the ETAs, pushed live: the first pushes either device gets.
    const posB2 = nextEvent<QueuePosition>(devB.socket, 'help:position', (p) => p.etaSeconds === 90);
    const posA2 = nextEvent<QueuePosition>(devA.socket, 'help:position', (p) => p.etaSeconds === 45);
    tech2 = await newTech(t, 'technician', 'Bruno Durand');
    await Promise.all([posA2, posB2]);
    devA.socket.off('help:position', onA);
    devB.socket.off('help:position', onB);
    if (testRedisUrl()) {
      // Several nodes: every push tells every waiting device (another node may have answered it); the last one is right.
      expect(told.A.map((p) => [p.position, p.etaSeconds]).at(-1)).toEqual([1, 45]);
      expect(told.B.map((p) => [p.position, p.etaSeconds]).at(-1)).toEqual([2, 90]);
    } else {
      expect(told.A.map((p) => [p.position, p.etaSeconds])).toEqual([[1, 45]]);
      expect(told.B.map((p) => [p.position, p.etaSeconds])).toEqual([[2, 90]]);
    }
    const list = data(await emitAck<QueueSnapshot>(tech2.socket, 'queue:list'));
    expect(waitingIds(list)).toEqual([a.request.id, b.request.id]);
  });

  it('help:create is idempotent by clientId, and a device has one open request at most', async () => {
    const clientId = randomUUID();
    const dev = await newDevice(t);
    const first = data(await emitAck<{ request: HelpRequest }>(dev.socket, 'help:create', { clientId, context }));
    const again = data(await emitAck<{ request: HelpRequest }>(dev.socket, 'help:create', { clientId, context }));
    const other = data(await emitAck<{ request: HelpRequest }>(dev.socket, 'help:create', { clientId: randomUUID(), context }));
    expect(again.request.id).toBe(first.request.id);
    expect(other.request.id).toBe(first.request.id);
    // Someone else's clientId is refused.
    const thief = await newDevice(t);
    expect(code(await emitAck(thief.socket, 'help:create', { clientId, context }))).toBe('CONFLICT');
    // The device finds its request after a restart.
    const hello = data(await emitAck<{ current: HelpRequest; position: QueuePosition }>(dev.socket, 'device:hello'));
    expect(hello.current.id).toBe(first.request.id);
    expect(hello.position.requestId).toBe(first.request.id);
    const cancelled = data(await emitAck<HelpRequest>(dev.socket, 'help:cancel', { requestId: first.request.id }));
    expect(cancelled.status).toBe('cancelled');
    expect(code(await emitAck(dev.socket, 'help:cancel', { requestId: first.request.id }))).toBe('CONFLICT');
  });

  it('exactly one of two technicians accepting at once wins', async () => {
    for (let i = 0; i < 5; i++) {
      const dev = await newDevice(t);
      const { request } = await createHelp(dev);
      const [r1, r2] = await Promise.all([
        emitAck<HelpRequest>(tech1.socket, 'help:accept', { requestId: request.id }),
        emitAck<HelpRequest>(tech2.socket, 'help:accept', { requestId: request.id }),
      ]);
      expect([code(r1), code(r2)].sort()).toEqual(['CONFLICT', 'OK']);
      const winner = r1.ok ? tech1 : tech2;
      const stored = await t.hub.services.help.getById(request.id);
      expect(stored?.technician?.id).toBe(winner.id);
      data(await emitAck(winner.socket, 'help:resolve', { requestId: request.id, note: 'Réglé' }));
      dev.socket.close();
    }
  });

  it('accept → system message and push to the device; release → back in the queue at its place; reassign; resolve', async () => {
    const dev = await newDevice(t, 'Poste Secrétariat');
    const { request } = await createHelp(dev);
    const devMsg = nextEvent<ChatMessage>(dev.socket, 'chat:message', (m) => m.author === 'system');
    const devUpd = nextEvent<HelpRequest>(dev.socket, 'help:updated', (r) => r.status === 'assigned');
    const accepted = data(await emitAck<HelpRequest>(tech1.socket, 'help:accept', { requestId: request.id }));
    expect(accepted).toMatchObject({ status: 'assigned', technician: { id: tech1.id, displayName: 'Alice Martin', initials: 'AM' } });
    expect((await devMsg).text).toBe('Alice Martin a pris en charge votre demande.');
    expect((await devUpd).assignedAt).toBeTruthy();
    expect(data(await emitAck<HelpRequest[]>(tech1.socket, 'help:mine')).map((r) => r.id)).toContain(request.id);

    // Not theirs: tech2 cannot release, resolve, chat or read it.
    expect(code(await emitAck(tech2.socket, 'help:release', { requestId: request.id }))).toBe('FORBIDDEN');
    expect(code(await emitAck(tech2.socket, 'help:resolve', { requestId: request.id, note: 'x' }))).toBe('FORBIDDEN');
    expect(code(await emitAck(tech2.socket, 'help:get', { requestId: request.id }))).toBe('FORBIDDEN');
    expect(
      code(
        await emitAck(tech2.socket, 'chat:send', { requestId: request.id, id: randomUUID(), text: 'hi', sentAt: new Date().toISOString() }),
      ),
    ).toBe('FORBIDDEN');

    // Release: waiting again, keeps its creation time (its place in the queue).
    const released = data(await emitAck<HelpRequest>(tech1.socket, 'help:release', { requestId: request.id }));
    expect(released).toMatchObject({ status: 'waiting', technician: null, createdAt: request.createdAt });
    // Reassign needs it assigned: accept again, then hand over to tech2.
    data(await emitAck(tech1.socket, 'help:accept', { requestId: request.id }));
    const t2Msg = nextEvent<ChatMessage>(tech2.socket, 'chat:message', (m) => m.requestId === request.id && m.author === 'system');
    const reassigned = data(await emitAck<HelpRequest>(tech1.socket, 'help:release', { requestId: request.id, toTechnicianId: tech2.id }));
    expect(reassigned.technician?.id).toBe(tech2.id);
    expect((await t2Msg).text).toBe('Votre demande a été confiée à Bruno Durand.');
    expect(code(await emitAck(tech1.socket, 'help:resolve', { requestId: request.id, note: 'x' }))).toBe('FORBIDDEN');

    const resolved = data(await emitAck<HelpRequest>(tech2.socket, 'help:resolve', { requestId: request.id, note: 'Pilote réinstallé' }));
    expect(resolved).toMatchObject({ status: 'resolved', resolutionNote: 'Pilote réinstallé' });
    expect(resolved.closedAt).toBeTruthy();
    expect(code(await emitAck(tech2.socket, 'help:resolve', { requestId: request.id, note: 'again' }))).toBe('CONFLICT');
    expect(code(await emitAck(tech2.socket, 'help:release', { requestId: request.id }))).toBe('CONFLICT');
    const texts = data(
      await emitAck<{ messages: ChatMessage[] }>(dev.socket, 'chat:sync', { requestId: request.id, afterSeq: 0 }),
    ).messages.map((m) => m.text);
    expect(texts).toEqual([
      'Alice Martin a pris en charge votre demande.',
      'Votre demande est de nouveau dans la file d’attente.',
      'Alice Martin a pris en charge votre demande.',
      'Votre demande a été confiée à Bruno Durand.',
      'Demande résolue : Pilote réinstallé',
    ]);
    // A closed request can be created anew.
    const next = await createHelp(dev);
    expect(next.request.id).not.toBe(request.id);
  });

  it('the device can cancel an assigned request: both sides hear it', async () => {
    const dev = await newDevice(t);
    const request = await acceptedHelp(dev, tech1);
    const techUpd = nextEvent<HelpRequest>(tech1.socket, 'help:updated', (r) => r.id === request.id && r.status === 'cancelled');
    const techMsg = nextEvent<ChatMessage>(
      tech1.socket,
      'chat:message',
      (m) => m.requestId === request.id && m.text === 'Demande annulée.',
    );
    data(await emitAck(dev.socket, 'help:cancel', { requestId: request.id }));
    await Promise.all([techUpd, techMsg]);
    expect(
      code(
        await emitAck(dev.socket, 'chat:send', {
          requestId: request.id,
          id: randomUUID(),
          text: 'encore',
          sentAt: new Date().toISOString(),
        }),
      ),
    ).toBe('CONFLICT');
  });

  it('help:update changes topic/description of an open request', async () => {
    const dev = await newDevice(t);
    const { request } = await createHelp(dev);
    const updated = data(
      await emitAck<HelpRequest>(dev.socket, 'help:update', { requestId: request.id, topic: 'email', description: 'Plus de mails' }),
    );
    expect(updated).toMatchObject({ topic: 'email', description: 'Plus de mails' });
    data(await emitAck(dev.socket, 'help:cancel', { requestId: request.id }));
    expect(code(await emitAck(dev.socket, 'help:update', { requestId: request.id, topic: 'other' }))).toBe('CONFLICT');
  });

  it('a device cannot see or touch another device’s request', async () => {
    const owner = await newDevice(t);
    const intruder = await newDevice(t);
    const { request } = await createHelp(owner);
    const r = { requestId: request.id };
    expect(code(await emitAck(intruder.socket, 'chat:sync', { ...r, afterSeq: 0 }))).toBe('FORBIDDEN');
    expect(
      code(await emitAck(intruder.socket, 'chat:send', { ...r, id: randomUUID(), text: 'coucou', sentAt: new Date().toISOString() })),
    ).toBe('FORBIDDEN');
    expect(code(await emitAck(intruder.socket, 'chat:receipt', { ...r, kind: 'read', upToSeq: 1 }))).toBe('FORBIDDEN');
    expect(code(await emitAck(intruder.socket, 'chat:typing', { ...r, typing: true }))).toBe('FORBIDDEN');
    expect(code(await emitAck(intruder.socket, 'help:cancel', r))).toBe('FORBIDDEN');
    expect(code(await emitAck(intruder.socket, 'help:update', { ...r, topic: 'other' }))).toBe('FORBIDDEN');
    expect(code(await emitAck(intruder.socket, 'help:cancel', { requestId: randomUUID() }))).toBe('NOT_FOUND');
    expect((await t.hub.services.help.getById(request.id))?.status).toBe('waiting');
  });

  it('help:get gives details to technicians who may see it; supervisors see all and reassign', async () => {
    const sup = await newTech(t, 'supervisor', 'Sophie Chef');
    const dev = await newDevice(t);
    await emitAck(dev.socket, 'device:report', {
      health: { score: 80, worst: 'warning', counts: { ok: 8, warning: 1, critical: 0, unknown: 0 }, at: new Date().toISOString() },
    });
    const { request } = await createHelp(dev);
    const detail = data(await emitAck<HelpDetail>(tech2.socket, 'help:get', { requestId: request.id }));
    expect(detail.device).toMatchObject({ id: dev.deviceId, online: true, name: dev.name });
    expect(detail.receipts).toEqual({ requestId: request.id, device: { delivered: 0, read: 0 }, technician: { delivered: 0, read: 0 } });
    data(await emitAck(tech1.socket, 'help:accept', { requestId: request.id }));
    expect(code(await emitAck(tech2.socket, 'help:get', { requestId: request.id }))).toBe('FORBIDDEN');
    expect(code(await emitAck(sup.socket, 'help:get', { requestId: request.id }))).toBe('OK');
    // Supervisors reassign but do not act in someone else's chat.
    expect(
      code(
        await emitAck(sup.socket, 'chat:send', { requestId: request.id, id: randomUUID(), text: 'x', sentAt: new Date().toISOString() }),
      ),
    ).toBe('FORBIDDEN');
    const moved = data(await emitAck<HelpRequest>(sup.socket, 'help:release', { requestId: request.id, toTechnicianId: tech2.id }));
    expect(moved.technician?.id).toBe(tech2.id);
    expect(code(await emitAck(sup.socket, 'help:release', { requestId: request.id, toTechnicianId: randomUUID() }))).toBe('NOT_FOUND');
    const techs = data(await emitAck<Array<{ id: string; online: boolean }>>(sup.socket, 'technicians:list'));
    expect(techs.find((x) => x.id === tech1.id)?.online).toBe(true);
  });

  it('the ETA follows the median pickup time once requests were picked up', async () => {
    const snap = data(await emitAck<QueueSnapshot>(tech1.socket, 'queue:list'));
    const median = await t.hub.services.help.medianPickupSeconds();
    expect(snap.medianPickupSeconds).toBe(median);
    expect(median).not.toBe(90); // several pickups happened above, all far quicker than 90 s
    const dev = await newDevice(t);
    const { position } = await createHelp(dev);
    const online = t.hub.realtime.onlineTechCount();
    expect(position!.etaSeconds).toBe(Math.round((median * position!.position) / online));
  });

  it('devices:list and device:report: latest report stored and pushed; presence pushed', async () => {
    const dev = await newDevice(t, 'Poste Rapport');
    const pushed = nextEvent<{ deviceId: string; backup: { headline: string } | null }>(
      tech1.socket,
      'device:report',
      (p) => p.deviceId === dev.deviceId,
    );
    const backup = {
      headline: 'ok',
      lastSuccessAt: new Date().toISOString(),
      lastRunAt: null,
      nextRunAt: null,
      sizeBytes: 1024,
      filesChangedLastRun: 3,
    };
    data(await emitAck(dev.socket, 'device:report', { backup, appVersion: '0.2.0' }));
    expect((await pushed).backup?.headline).toBe('ok');
    await t.hub.services.devices.flushSeen();
    const list = data(
      await emitAck<Array<{ id: string; backup: unknown; appVersion: string; online: boolean; lastSeenAt: string | null }>>(
        tech1.socket,
        'devices:list',
      ),
    );
    expect(list.find((d) => d.id === dev.deviceId)).toMatchObject({
      backup,
      appVersion: '0.2.0',
      online: true,
      lastSeenAt: expect.any(String),
    });
    const offline = nextEvent<{ deviceId: string; online: boolean }>(tech1.socket, 'device:presence', (p) => p.deviceId === dev.deviceId);
    dev.socket.close();
    expect(await offline).toEqual({ deviceId: dev.deviceId, online: false });
  });
});
