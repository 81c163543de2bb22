/**
 * The practitioner's side of a technician's access to the backups outside a request, with the
 * app's real hub connection against a real hub and a real technician socket: the consent, its
 * countdown refusing by itself, the grant the gate keeps, and every call outside it refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupAccess, BackupAccessView } from '@vigie/common';
import type { Hub } from '../../../server/src/app.js';
import { connectTech, emitAck, enrollDevice, loginTechnician, nextEvent, type Socket } from '../../../server/src/test-support/sockets.js';
import { HubConnection } from '../hub/connection.js';
import { quietLogger, RecordingNotifier, startHub, tempDir, waitFor } from '../test-support/fixture.js';
import { ManualClock } from '@vigie/common/test-support/clock';
import { BackupAccessGate } from './access.js';

const PASSWORD = 'un mot de passe assez long';
let dir: { path: string; remove: () => Promise<void> };
let hub: Hub;
let conn: HubConnection;
let gate: BackupAccessGate;
let deviceId: string;
let julie: { id: string; socket: Socket };
let bruno: { id: string; socket: Socket };
const clock = new ManualClock();
const notifier = new RecordingNotifier();
const views: Array<BackupAccessView | null> = [];

async function tech(login: string, displayName: string): Promise<{ id: string; socket: Socket }> {
  const t = await hub.admin.addTechnician({ login, displayName, password: PASSWORD });
  return { id: t.id, socket: await connectTech(hub.url, await loginTechnician(hub.url, login, PASSWORD, t.totpSecret)) };
}

/** Julie (or `who`) asks; resolves once the app shows the consent. */
async function ask(who = julie): Promise<{ access: BackupAccess; view: BackupAccessView }> {
  const r = await emitAck<BackupAccess>(who.socket, 'backup:access-request', { deviceId });
  if (!r.ok) throw new Error(r.error.code);
  const view = await waitFor(() => (gate.view()?.accessId === r.data.id ? gate.view() : null), 'the consent in the app');
  return { access: r.data, view: view! };
}

const call = (accessId: string, technicianId = julie.id) => ({ accessId, technician: { id: technicianId, name: 'Julie Martin' } });

beforeAll(async () => {
  dir = await tempDir('backup-access-gate');
  hub = await startHub(dir.path);
  const practice = await hub.admin.createPractice({ name: 'Cabinet des Tilleuls' });
  const enrolled = await enrollDevice(hub.url, practice.enrollmentCode, { name: 'Accueil' });
  deviceId = enrolled.deviceId;
  conn = new HubConnection({ logger: quietLogger, ackTimeoutMs: 5000, connectTimeoutMs: 5000 });
  gate = new BackupAccessGate({ notifier, logger: quietLogger, locale: () => 'fr', publish: (v) => views.push(v), clock });
  gate.start(conn);
  conn.start(hub.url, enrolled.token);
  await waitFor(() => conn.connected, 'the app connected');
  julie = await tech('julie', 'Julie Martin');
  bruno = await tech('bruno', 'Bruno Durand');
});
afterAll(async () => {
  gate?.stop();
  conn?.stop();
  julie?.socket.close();
  bruno?.socket.close();
  await hub?.close();
  await dir?.remove();
});

describe('backup access: the practitioner’s gate', () => {
  it('shows who asks (the hub’s name), the code the console shows and 30 s; nothing opens before « Autoriser »', async () => {
    const { access, view } = await ask();
    expect(view).toMatchObject({
      state: 'pending',
      technicianName: 'Julie Martin',
      shortCode: access.shortCode,
      grantMinutes: 30,
      grantedUntil: null,
    });
    expect(Date.parse(view.consentExpiresAt!) - clock.now()).toBeLessThanOrEqual(30_000);
    expect(notifier.seen.at(-1)).toMatchObject({ title: 'Julie Martin demande l’accès à vos sauvegardes', tag: `access-${access.id}` });
    expect(gate.refusal(call(access.id))).toMatchObject({ code: 'FORBIDDEN' });

    const granted = nextEvent<BackupAccess>(julie.socket, 'backup:access-updated', (a) => a.id === access.id && a.state === 'granted');
    const answered = gate.answer(access.id, 'granted');
    // « Autoriser » clicked, the hub's answer not read yet: a call the hub relays meanwhile (its console
    // already heard of the grant) runs; another technician's or another access's does not.
    expect(gate.refusal(call(access.id))).toBeNull();
    expect(gate.refusal(call(access.id, bruno.id))).toMatchObject({ code: 'FORBIDDEN' });
    expect(gate.refusal(call('another-access'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await answered).toMatchObject({ state: 'granted', consentExpiresAt: null });
    await granted;
    // Under the grant: the asker's calls only, on this access only.
    expect(gate.refusal(call(access.id))).toBeNull();
    expect(gate.refusal(call(access.id, bruno.id))).toMatchObject({ code: 'FORBIDDEN' });
    expect(gate.refusal(call('another-access'))).toMatchObject({ code: 'FORBIDDEN' });
    // A second click changes nothing; another ask meanwhile is refused without bothering anyone.
    await expect(gate.answer(access.id, 'granted')).rejects.toMatchObject({ code: 'CONFLICT' });
    const busy = await emitAck(bruno.socket, 'backup:access-request', { deviceId });
    expect(busy).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    // « Arrêter l'accès »: closed at once here, ended on the hub, the technician told.
    const ended = nextEvent<BackupAccess>(julie.socket, 'backup:access-updated', (a) => a.id === access.id && a.state === 'ended');
    expect(await gate.stopAccess(access.id)).toBeNull();
    expect(gate.refusal(call(access.id))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await ended).toMatchObject({ endReason: 'practitioner-stop', endedBy: 'device' });
    expect(views.at(-1)).toBeNull();
  });

  it('« Refuser », and no answer for 30 s, end it on both sides', async () => {
    let { access } = await ask();
    let ended = nextEvent<BackupAccess>(julie.socket, 'backup:access-updated', (a) => a.id === access.id && a.state === 'ended');
    expect(await gate.answer(access.id, 'refused')).toBeNull();
    expect(await ended).toMatchObject({ endReason: 'refused' });

    ({ access } = await ask());
    ended = nextEvent<BackupAccess>(julie.socket, 'backup:access-updated', (a) => a.id === access.id && a.state === 'ended');
    clock.advance(30_000);
    expect(gate.view()).toBeNull();
    expect(await ended).toMatchObject({ endReason: 'timeout' });
    await expect(gate.answer(access.id, 'granted')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('a granted access closes by itself at its end, when the technician ends it, and when the hub is lost', async () => {
    let { access } = await ask();
    await gate.answer(access.id, 'granted');
    clock.advance(30 * 60_000);
    expect(gate.refusal(call(access.id))).toMatchObject({ code: 'FORBIDDEN' });
    expect(gate.view()).toBeNull();
    // The hub is told: the access ended by its deadline.
    await waitFor(async () => {
      const r = await emitAck<BackupAccess | null>(julie.socket, 'backup:access-get', { deviceId });
      return r.ok && r.data?.id === access.id && r.data.state === 'ended' && r.data.endReason === 'expired';
    }, 'the access ended on the hub');

    ({ access } = await ask());
    await gate.answer(access.id, 'granted');
    expect((await emitAck(julie.socket, 'backup:access-end', { accessId: access.id })).ok).toBe(true);
    await waitFor(() => gate.view() === null, 'the technician’s end reached the app');
    expect(gate.refusal(call(access.id))).toMatchObject({ code: 'FORBIDDEN' });

    // (Julie asked five times in ten minutes: the hub lets Bruno ask this time.)
    ({ access } = await ask(bruno));
    await gate.answer(access.id, 'granted');
    expect(gate.refusal(call(access.id, bruno.id))).toBeNull();
    conn.stop();
    await waitFor(() => gate.view() === null, 'the grant dropped with the hub');
    expect(gate.refusal(call(access.id, bruno.id))).toMatchObject({ code: 'FORBIDDEN' });
  });
});
