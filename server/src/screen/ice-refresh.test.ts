/**
 * TURN credentials renewed during a long session, through a real hub (SQLite; Postgres in project
 * hub-postgres) and real socket.io clients: the hub's clock moved past half their lifetime, the
 * sweep pushes a fresh configuration to both bound sockets, records it and audits it once.
 * (lifecycle.test.ts has the rule; e2e/screen/relay.spec.ts applies it on real peers and coturn.)
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IceConfig, ScreenSession } from '@vigie/common';
import { emitAck, nextEvent } from '../test-support/sockets.js';
import type { ScreenTables } from './schema.js';
import { startScreenTestHub, type ScreenTestHub } from './test-support/index.js';

const TURN_SECRET = 'un-secret-partage-coturn-de-test';

let h: ScreenTestHub;

beforeAll(async () => {
  h = await startScreenTestHub({
    turn: { urls: ['turn:turn.example.org:3478?transport=udp'], secret: TURN_SECRET, ttlSeconds: 3600 },
    sweepIntervalMs: 60_000,
  });
});

afterAll(() => h?.close());

const sessions = () => h.hub.services.db.withTables<ScreenTables>().selectFrom('screen_sessions').selectAll();

describe('TURN credentials of a long session', () => {
  it('hands both sides fresh TURN credentials before the ones of a long session expire (hub clock moved), audited, once per half lifetime', async () => {
    const fay = await h.newTech('fay', 'Fay Morel');
    const dev = await h.newDevice('Salle 5');
    const req = await h.openRequest(dev, fay);
    const a = await h.screenDevice(dev);
    const t = await h.screenTech(fay);
    const s = await emitAck<ScreenSession>(t, 'screen:request', { requestId: req.id });
    if (!s.ok) throw new Error(s.error.code);
    const granted = await emitAck<{ ice: IceConfig }>(a, 'screen:consent', { sessionId: s.data.id, phase: 'view', decision: 'granted' });
    if (!granted.ok) throw new Error(granted.error.code);
    const techIce = await emitAck<IceConfig>(t, 'screen:ice', { sessionId: s.data.id });
    if (!techIce.ok) throw new Error(techIce.error.code);
    const first = (await sessions().where('id', '=', s.data.id).executeTakeFirstOrThrow()).ice_expires_at;
    expect(first).toBe(granted.data.ice.expiresAt);

    // Not due yet: a sweep changes nothing.
    await h.screen.sweep();
    expect((await sessions().where('id', '=', s.data.id).executeTakeFirstOrThrow()).ice_expires_at).toBe(first);

    // Half the lifetime (3600 s) gone: both bound sockets get a new configuration, valid from the hub's now.
    const toDevice = nextEvent<{ sessionId: string; ice: IceConfig }>(a, 'screen:ice-refresh', (r) => r.sessionId === s.data.id);
    const toTech = nextEvent<{ sessionId: string; ice: IceConfig }>(t, 'screen:ice-refresh', (r) => r.sessionId === s.data.id);
    h.skew(1_800_000);
    try {
      await h.screen.sweep();
      await h.screen.sweep();
    } finally {
      h.skew(0);
    }
    const [d, k] = await Promise.all([toDevice, toTech]);
    expect(d.ice).toEqual(k.ice);
    expect(Date.parse(d.ice.expiresAt!) - Date.parse(first!)).toBeGreaterThanOrEqual(1_799_000);
    const turn = d.ice.iceServers.find((x) => x.username)!;
    expect(turn.username).toBe(`${Date.parse(d.ice.expiresAt!) / 1000}:${s.data.id}`);
    expect(turn.credential).toBe(createHmac('sha1', TURN_SECRET).update(turn.username!).digest('base64'));
    expect((await sessions().where('id', '=', s.data.id).executeTakeFirstOrThrow()).ice_expires_at).toBe(d.ice.expiresAt);
    // The second sweep at the same time found nothing due: one renewal, audited by the system.
    const refreshes = (await h.hub.services.audit.list(0, 100_000)).filter(
      (e) => e.subject === s.data.id && e.action === 'screen.ice.refresh',
    );
    expect(refreshes.map((e) => [e.actorType, e.data])).toEqual([['system', { requestId: req.id, expiresAt: d.ice.expiresAt }]]);
    expect(await h.hub.admin.verifyAudit()).toMatchObject({ ok: true });
    await emitAck(t, 'screen:end', { sessionId: s.data.id });
  });
});
