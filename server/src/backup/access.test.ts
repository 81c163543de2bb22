/**
 * A technician's access to a device's backups outside any help request, on a real hub with real
 * sockets. The « device » here is a socket.io client that answers the hub itself (the app's own
 * gate — which refuses any call outside its grant — is tested with the real app in
 * main/services/backup/access.test.ts and end to end in e2e/backup/access.spec.ts).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackupAccessCall,
  ok,
  type BackupAccess,
  type BackupAccessConsentRequest,
  type BackupStatus,
  type RestoreJob,
  type Result,
} from '@vigie/common';
import { backupStatus } from '@vigie/common/test-support/samples';
import {
  acceptedHelp,
  code,
  data,
  newDevice,
  newTeam,
  startTestHub,
  type TestDevice,
  type TestHub,
  type TestTech,
} from '../test-support/fixture.js';
import { answerCalls, emitAck, nextEvent } from '../test-support/sockets.js';
import { TEST_NOW, restoreJob } from './test-support/index.js';

let t: TestHub;
let skew = 0;
let julie: TestTech;
let bruno: TestTech;
let sophie: TestTech;

const SNAP = 'b'.repeat(64);
const status = backupStatus({
  lastSuccessAt: TEST_NOW,
  lastRunAt: TEST_NOW,
  sizeBytes: 1,
  filesChangedLastRun: 0,
  repository: { kind: 'local', label: '/srv' },
  resticVersion: '0.14.0',
  snapshotCount: 1,
});

/** The device answers the hub's calls under an access with `reply`; returns the calls received. */
function answerAccess(dev: TestDevice, reply: (c: BackupAccessCall) => Result<unknown>): BackupAccessCall[] {
  return answerCalls(dev.socket, 'backup:access-relay', BackupAccessCall, reply);
}

/** Julie asks; the device receives the consent; returns both. */
async function ask(tech: TestTech, dev: TestDevice): Promise<{ access: BackupAccess; consent: BackupAccessConsentRequest }> {
  const consent = nextEvent<BackupAccessConsentRequest>(dev.socket, 'backup:access-consent');
  const access = data(await emitAck<BackupAccess>(tech.socket, 'backup:access-request', { deviceId: dev.deviceId }));
  return { access, consent: await consent };
}

beforeAll(async () => {
  t = await startTestHub({ socket: { ratePerSecond: 1000, burst: 1000 }, now: () => Date.now() + skew });
  ({ julie, bruno, sophie } = await newTeam(t));
});
afterAll(() => t.close());

describe('backup access outside a request', () => {
  it('asked by a technician, shown to the practitioner with the verified name and the same code; usable only once granted, only by the asker', async () => {
    const dev = await newDevice(t, 'Accueil');
    const calls = answerAccess(dev, (c) => (c.method === 'backup:getStatus' ? ok(status) : ok([])));
    const { access, consent } = await ask(julie, dev);
    expect(access).toMatchObject({
      state: 'consent-pending',
      deviceId: dev.deviceId,
      technician: { id: julie.id, displayName: 'Julie Martin' },
      grantedAt: null,
    });
    expect(consent).toMatchObject({
      accessId: access.id,
      technician: { id: julie.id, name: 'Julie Martin' },
      shortCode: access.shortCode,
      expiresAt: access.consentExpiresAt,
      grantMinutes: 30,
    });
    expect(Date.parse(access.consentExpiresAt!) - Date.parse(access.requestedAt)).toBe(30_000);
    // A second click: the same access; another technician meanwhile: busy.
    expect(data(await emitAck<BackupAccess>(julie.socket, 'backup:access-request', { deviceId: dev.deviceId })).id).toBe(access.id);
    const busy = await emitAck(bruno.socket, 'backup:access-request', { deviceId: dev.deviceId });
    expect(busy).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'busy' } } });

    // Nothing reaches the device before the answer.
    expect(await emitAck(julie.socket, 'backup:status', { accessId: access.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', details: { reason: 'not-granted' } },
    });
    // Another device cannot answer for it.
    const other = await newDevice(t, 'Cabinet 2');
    expect(code(await emitAck(other.socket, 'backup:access-answer', { accessId: access.id, decision: 'granted' }))).toBe('FORBIDDEN');

    const techSeen = nextEvent<BackupAccess>(julie.socket, 'backup:access-updated', (a) => a.id === access.id && a.state === 'granted');
    const granted = data(await emitAck<BackupAccess>(dev.socket, 'backup:access-answer', { accessId: access.id, decision: 'granted' }));
    expect(granted).toMatchObject({ state: 'granted', consentExpiresAt: null });
    expect(Date.parse(granted.expiresAt!) - Date.parse(granted.grantedAt!)).toBe(30 * 60_000);
    await techSeen;

    expect(data(await emitAck<BackupStatus>(julie.socket, 'backup:status', { accessId: access.id }))).toEqual(status);
    expect(calls[0]).toMatchObject({ accessId: access.id, technician: { id: julie.id, name: 'Julie Martin' }, method: 'backup:getStatus' });
    // Only the technician the practitioner said yes to: not a colleague, not a supervisor.
    for (const who of [bruno, sophie])
      expect(code(await emitAck(who.socket, 'backup:snapshots', { accessId: access.id }))).toBe('FORBIDDEN');
    expect(calls).toHaveLength(1);

    const audit = (await t.hub.services.audit.list(0, 100_000)).filter((e) => e.subject === dev.deviceId);
    expect(audit.map((e) => e.action)).toEqual(['device.enroll', 'backup.access.request', 'backup.access.granted', 'backup.read']);
    expect(audit[3]!.data).toMatchObject({ accessId: access.id, what: 'getStatus' });
  });

  it('a restore under the access is recorded; only its own progress is taken and goes to the technician; no chat line anywhere', async () => {
    const dev = await newDevice(t, 'Secrétariat');
    const { access } = await ask(julie, dev);
    data(await emitAck(dev.socket, 'backup:access-answer', { accessId: access.id, decision: 'granted' }));
    let started: RestoreJob | null = null;
    answerAccess(dev, (c) => {
      if (c.method !== 'backup:restore') return ok(null);
      started = restoreJob(c, { request: { ...c.input, mode: c.input.mode ?? 'beside', origin: 'technician' } });
      return ok(started);
    });
    const input = { snapshotId: SNAP, paths: ['/home/cabinet/Documents/Compte rendu.odt'], mode: 'beside' as const };
    const job = data(
      await emitAck<RestoreJob>(julie.socket, 'backup:restore', { accessId: access.id, input: { ...input, origin: 'practitioner' } }),
    );
    expect(job.request.origin).toBe('technician');

    // A job the hub did not start, another access, another device: refused.
    expect(code(await emitAck(dev.socket, 'backup:access-progress', { accessId: access.id, job: { ...job, id: randomUUID() } }))).toBe(
      'FORBIDDEN',
    );
    expect(code(await emitAck(dev.socket, 'backup:access-progress', { accessId: randomUUID(), job }))).toBe('FORBIDDEN');
    const stranger = await newDevice(t, 'Salle 4');
    expect(code(await emitAck(stranger.socket, 'backup:access-progress', { accessId: access.id, job }))).toBe('FORBIDDEN');

    const pushed = nextEvent<{ accessId: string; job: RestoreJob }>(julie.socket, 'backup:access-progress', (p) => p.job.state === 'done');
    const done = {
      ...job,
      state: 'done' as const,
      endedAt: TEST_NOW,
      result: {
        items: [{ from: input.paths[0]!, to: '/home/cabinet/Documents/Compte rendu (restauré).odt', previousVersion: null }],
        folder: '/home/cabinet/Documents',
      },
    };
    data(await emitAck(dev.socket, 'backup:access-progress', { accessId: access.id, job: done }));
    expect(await pushed).toMatchObject({ accessId: access.id, deviceId: dev.deviceId, job: { id: job.id, state: 'done' } });
    // The same end again changes nothing; another end is refused.
    expect(code(await emitAck(dev.socket, 'backup:access-progress', { accessId: access.id, job: done }))).toBe('OK');
    expect(code(await emitAck(dev.socket, 'backup:access-progress', { accessId: access.id, job: { ...done, state: 'failed' } }))).toBe(
      'CONFLICT',
    );

    const audit = (await t.hub.services.audit.list(0, 100_000)).filter(
      (e) => e.subject === dev.deviceId && e.action.startsWith('backup.restore_'),
    );
    expect(audit.map((e) => [e.action, e.data.accessId])).toEqual([
      ['backup.restore_requested', access.id],
      ['backup.restore_finished', access.id],
    ]);
    expect(started).not.toBeNull();
  });

  it('refused, unanswered (sweep), stopped by the practitioner, ended by the technician, expired, device gone: each ends it and says why', async () => {
    const dev = await newDevice(t, 'Cabinet 5');
    const ended = (id: string) => nextEvent<BackupAccess>(julie.socket, 'backup:access-updated', (a) => a.id === id && a.state === 'ended');

    let a = (await ask(julie, dev)).access;
    let e = ended(a.id);
    expect(data(await emitAck<BackupAccess>(dev.socket, 'backup:access-answer', { accessId: a.id, decision: 'refused' }))).toMatchObject({
      state: 'ended',
      endReason: 'refused',
      endedBy: 'device',
    });
    await e;

    a = (await ask(julie, dev)).access;
    e = ended(a.id);
    skew = 36_000;
    try {
      await t.hub.backupAccess.sweep();
    } finally {
      skew = 0;
    }
    expect(await e).toMatchObject({ endReason: 'timeout', endedBy: 'system' });
    expect(code(await emitAck(dev.socket, 'backup:access-answer', { accessId: a.id, decision: 'granted' }))).toBe('CONFLICT');

    a = (await ask(julie, dev)).access;
    data(await emitAck(dev.socket, 'backup:access-answer', { accessId: a.id, decision: 'granted' }));
    e = ended(a.id);
    const deviceSeen = nextEvent<BackupAccess>(dev.socket, 'backup:access-updated', (x) => x.id === a.id && x.state === 'ended');
    expect(data(await emitAck<BackupAccess>(dev.socket, 'backup:access-stop', { accessId: a.id }))).toMatchObject({
      endReason: 'practitioner-stop',
    });
    await Promise.all([e, deviceSeen]);
    expect(await emitAck(julie.socket, 'backup:status', { accessId: a.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', details: { reason: 'ended' } },
    });

    a = (await ask(julie, dev)).access;
    data(await emitAck(dev.socket, 'backup:access-answer', { accessId: a.id, decision: 'granted' }));
    expect(code(await emitAck(bruno.socket, 'backup:access-end', { accessId: a.id }))).toBe('FORBIDDEN');
    const byDevice = nextEvent<BackupAccess>(dev.socket, 'backup:access-updated', (x) => x.id === a.id && x.state === 'ended');
    expect(data(await emitAck<BackupAccess>(julie.socket, 'backup:access-end', { accessId: a.id }))).toMatchObject({
      endReason: 'technician-end',
      endedBy: 'technician',
    });
    await byDevice;

    a = (await ask(julie, dev)).access;
    data(await emitAck(dev.socket, 'backup:access-answer', { accessId: a.id, decision: 'granted' }));
    skew = 30 * 60_000 + 1000;
    try {
      expect(await emitAck(julie.socket, 'backup:status', { accessId: a.id })).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT', details: { reason: 'expired' } },
      });
    } finally {
      skew = 0;
    }
    expect(data(await emitAck<BackupAccess | null>(julie.socket, 'backup:access-get', { deviceId: dev.deviceId }))).toMatchObject({
      id: a.id,
      state: 'ended',
      endReason: 'expired',
    });

    // (A sixth ask in ten minutes would be one too many for Julie: Bruno asks this time.)
    a = (await ask(bruno, dev)).access;
    data(await emitAck(dev.socket, 'backup:access-answer', { accessId: a.id, decision: 'granted' }));
    e = nextEvent<BackupAccess>(bruno.socket, 'backup:access-updated', (x) => x.id === a.id && x.state === 'ended');
    dev.socket.close();
    expect(await e).toMatchObject({ endReason: 'disconnect', endedBy: 'system' });
    // Offline: nothing to ask.
    expect(await emitAck(bruno.socket, 'backup:access-request', { deviceId: dev.deviceId })).toMatchObject({
      ok: false,
      error: { code: 'OFFLINE', details: { reason: 'device-offline' } },
    });

    const reasons = (await t.hub.services.audit.list(0, 100_000))
      .filter((x) => x.subject === dev.deviceId && x.action === 'backup.access.end')
      .map((x) => x.data.reason);
    expect(reasons).toEqual(['refused', 'timeout', 'practitioner-stop', 'technician-end', 'expired', 'disconnect']);
    expect((await t.hub.admin.verifyAudit()).ok).toBe(true);
  });

  it('a technician asking the same practice again and again is slowed down (5 asks per 10 minutes), counted before anything else', async () => {
    const dev = await newDevice(t, 'Cabinet 7');
    for (let i = 0; i < 5; i++) {
      const { access } = await ask(bruno, dev);
      data(await emitAck(bruno.socket, 'backup:access-end', { accessId: access.id }));
    }
    const sixth = await emitAck(bruno.socket, 'backup:access-request', { deviceId: dev.deviceId });
    expect(sixth).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', details: { reason: 'too-many-asks', retryAfterMs: expect.any(Number) } },
    });
    // Another technician is not slowed by Bruno; after the window, Bruno may ask again.
    const { access } = await ask(julie, dev);
    data(await emitAck(julie.socket, 'backup:access-end', { accessId: access.id }));
    skew = 10 * 60_000 + 1000;
    try {
      expect(code(await emitAck(bruno.socket, 'backup:access-request', { deviceId: dev.deviceId }))).toBe('OK');
    } finally {
      skew = 0;
    }
  });

  it('payloads outside the contract and unknown devices are refused before anything is stored', async () => {
    for (const payload of [{}, { deviceId: '' }, { deviceId: 'x', extra: 1 }])
      expect(code(await emitAck(julie.socket, 'backup:access-request', payload))).toBe('BAD_REQUEST');
    expect(code(await emitAck(julie.socket, 'backup:access-request', { deviceId: 'no-such-device' }))).toBe('NOT_FOUND');
    expect(code(await emitAck(julie.socket, 'backup:status', { accessId: 'nope' }))).toBe('FORBIDDEN');
    expect(code(await emitAck(julie.socket, 'backup:status', { accessId: 'a', requestId: 'b' }))).toBe('BAD_REQUEST');
    // A request the technician works on gives no access to another device's backups by its id.
    const dev = await newDevice(t, 'Cabinet 6');
    const req = await acceptedHelp(dev, julie);
    expect(code(await emitAck(julie.socket, 'backup:status', { accessId: req.id }))).toBe('FORBIDDEN');
  });
});
