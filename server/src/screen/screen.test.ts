/**
 * The screen module against a real hub on loopback (createHub: SQLite, help queue, audit, chat,
 * presence) with real socket.io clients; see testing.ts for how the screen events are served
 * until the hub's namespaces dispatch them.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREEN_STRINGS, type ChatMessage, type IceConfig, type ScreenConsentRequest, type ScreenSession } from '@vigie/common';
import { emitAck, nextEvent, type Socket } from '../test-support/sockets.js';
import { ScreenSettings } from './config.js';
import { iceConfigFor, turnCredentials } from './ice.js';
import type { ScreenTables } from './schema.js';
import { startScreenTestHub, type ScreenTestHub } from './test-support/index.js';

const TURN_SECRET = 'un-secret-partage-coturn-de-test';

let h: ScreenTestHub;

/** Records every screen push a socket receives (to prove that outsiders receive nothing). */
function recorder(s: Socket): string[] {
  const seen: string[] = [];
  s.onAny((event: string) => {
    if (event.startsWith('screen:')) seen.push(event);
  });
  return seen;
}

beforeAll(async () => {
  h = await startScreenTestHub({
    providerName: 'InfoSanté Services',
    stunUrls: ['stun:stun.example.org:3478'],
    turn: { urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'], secret: TURN_SECRET, ttlSeconds: 3600 },
    sweepIntervalMs: 60_000,
  });
});

afterAll(() => h?.close());

const sessions = () => h.hub.services.db.withTables<ScreenTables>().selectFrom('screen_sessions').selectAll();

describe('ICE configuration', () => {
  it('computes coturn shared-secret credentials (expiry:subject, base64 HMAC-SHA1) checked against node:crypto', () => {
    const now = Date.UTC(2030, 0, 1, 12, 0, 0);
    const c = turnCredentials('north', 'session-42', 86_400, now);
    const expiry = Date.UTC(2030, 0, 2, 12, 0, 0) / 1000;
    expect(c.username).toBe(`${expiry}:session-42`);
    const expected = createHmac('sha1', Buffer.from('north', 'utf8'))
      .update(Buffer.from(`${expiry}:session-42`, 'utf8'))
      .digest();
    expect(Buffer.from(c.credential, 'base64')).toEqual(expected);
    expect(c.credential).toHaveLength(28); // 20-byte SHA-1 in base64
    expect(() => turnCredentials('north', 'a:b', 60, now)).toThrow();
  });

  it('serves STUN alone without TURN, and TURN (relay policy when asked) when configured', () => {
    const stunOnly = iceConfigFor(ScreenSettings.parse({ stunUrls: ['stun:s.example:3478'] }), 's1', 0);
    expect(stunOnly).toEqual({ iceServers: [{ urls: ['stun:s.example:3478'] }], iceTransportPolicy: 'all', expiresAt: null });
    const relay = iceConfigFor(
      ScreenSettings.parse({ turn: { urls: ['turns:t.example:5349'], secret: TURN_SECRET, ttlSeconds: 600, relayOnly: true } }),
      's1',
      1_000_000,
    );
    expect(relay.iceTransportPolicy).toBe('relay');
    expect(relay.iceServers).toHaveLength(1);
    expect(relay.expiresAt).toBe(new Date((1000 + 600) * 1000).toISOString());
    expect(() => ScreenSettings.parse({ turn: { urls: ['http://x'], secret: TURN_SECRET } })).toThrow();
    expect(() => ScreenSettings.parse({ turn: { urls: ['turn:x'], secret: 'court' } })).toThrow();
  });
});

describe('screen sessions through the hub', () => {
  it('relays signaling only between the device and its assigned technician, with consent first', async () => {
    const alice = await h.newTech('alice', 'Alice Martin');
    const bob = await h.newTech('bob', 'Bob Durand');
    const devA = await h.newDevice('Accueil');
    const devB = await h.newDevice('Cabinet 2');
    const req = await h.openRequest(devA, alice);

    const a = await h.screenDevice(devA);
    const b = await h.screenDevice(devB);
    const t1 = await h.screenTech(alice);
    const t2 = await h.screenTech(bob);
    const bSeen = recorder(b);
    const t2Seen = recorder(t2);

    // An unassigned technician can neither ask nor look.
    expect(await emitAck(t2, 'screen:request', { requestId: req.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitAck(t2, 'screen:get', { requestId: req.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Bad payloads are refused by the contract.
    expect(await emitAck(t1, 'screen:request', { requestId: req.id, deviceId: devB.deviceId })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });

    const consentP = nextEvent<ScreenConsentRequest>(a, 'screen:consent-request');
    const asked = await emitAck<ScreenSession>(t1, 'screen:request', { requestId: req.id });
    if (!asked.ok) throw new Error(asked.error.code);
    const session = asked.data;
    expect(session).toMatchObject({
      state: 'consent-pending',
      requestId: req.id,
      deviceId: devA.deviceId,
      technician: { id: alice.id, displayName: 'Alice Martin', initials: 'AM' },
    });
    const consent = await consentP;
    expect(consent).toMatchObject({
      sessionId: session.id,
      kind: 'view',
      shortCode: session.shortCode,
      providerName: 'InfoSanté Services',
      technician: { displayName: 'Alice Martin' },
    });
    expect(Date.parse(consent.expiresAt) - Date.parse(session.requestedAt)).toBe(30_000);
    // Double click: same session.
    const again = await emitAck<ScreenSession>(t1, 'screen:request', { requestId: req.id });
    expect(again.ok && again.data.id).toBe(session.id);

    // Nothing flows before consent: no signal either way, no ICE (no TURN credentials handed out).
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
    expect(await emitAck(a, 'screen:signal', { sessionId: session.id, data: offer })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await emitAck(t1, 'screen:signal', { sessionId: session.id, data: offer })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await emitAck(t1, 'screen:ice', { sessionId: session.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // Another device cannot answer the consent nor signal.
    expect(await emitAck(b, 'screen:consent', { sessionId: session.id, phase: 'view', decision: 'granted' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    const started = nextEvent<ChatMessage>(devA.main, 'chat:message', (m) => m.text === SCREEN_STRINGS.fr.chatStarted);
    const techUpdated = nextEvent<ScreenSession>(t1, 'screen:updated', (s) => s.state === 'viewing');
    const granted = await emitAck<{ session: ScreenSession; ice: IceConfig }>(a, 'screen:consent', {
      sessionId: session.id,
      phase: 'view',
      decision: 'granted',
    });
    if (!granted.ok) throw new Error(granted.error.code);
    expect(granted.data.session.state).toBe('viewing');
    expect(granted.data.ice.iceServers[0]).toEqual({ urls: ['stun:stun.example.org:3478'] });
    const turn = granted.data.ice.iceServers[1]!;
    expect(turn.username).toMatch(new RegExp(`^\\d+:${session.id}$`));
    expect(turn.credential).toBe(createHmac('sha1', TURN_SECRET).update(turn.username!).digest('base64'));
    await techUpdated;
    expect((await started).author).toBe('system');

    // Device → assigned technician, and back.
    const toT1 = nextEvent<{ sessionId: string; data: unknown }>(t1, 'screen:signal');
    expect(await emitAck(a, 'screen:signal', { sessionId: session.id, data: offer })).toEqual({ ok: true, data: {} });
    expect(await toT1).toEqual({ sessionId: session.id, data: offer });
    const answer = { type: 'answer', sdp: 'v=0\r\n' };
    const toA = nextEvent<{ sessionId: string; data: unknown }>(a, 'screen:signal');
    expect(await emitAck(t1, 'screen:signal', { sessionId: session.id, data: answer })).toEqual({ ok: true, data: {} });
    expect(await toA).toEqual({ sessionId: session.id, data: answer });
    const candidate = {
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host', sdpMLineIndex: 0, sdpMid: '0' },
    };
    const cand = nextEvent(t1, 'screen:signal');
    expect((await emitAck(a, 'screen:signal', { sessionId: session.id, data: candidate })).ok).toBe(true);
    expect(await cand).toEqual({ sessionId: session.id, data: candidate });
    // Oversized or malformed signal data never reaches anyone.
    expect(await emitAck(a, 'screen:signal', { sessionId: session.id, data: { type: 'offer', sdp: 'x'.repeat(40_000) } })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });

    // Outsiders: the other technician, the other device, and a second window of the same technician.
    expect(await emitAck(t2, 'screen:signal', { sessionId: session.id, data: answer })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await emitAck(t2, 'screen:ice', { sessionId: session.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitAck(b, 'screen:signal', { sessionId: session.id, data: offer })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await emitAck(t2, 'screen:end', { sessionId: session.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const t1b = await h.screenTech(alice);
    expect(await emitAck(t1b, 'screen:signal', { sessionId: session.id, data: answer })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect((await emitAck<IceConfig>(t1, 'screen:ice', { sessionId: session.id })).ok).toBe(true);

    // Control: a second consent; withdrawing it keeps the view.
    const controlAsk = nextEvent<ScreenConsentRequest>(a, 'screen:consent-request', (c) => c.kind === 'control');
    expect(await emitAck(t1, 'screen:control', { sessionId: session.id })).toMatchObject({ ok: true, data: { state: 'control-pending' } });
    expect((await controlAsk).shortCode).toBe(session.shortCode);
    expect(await emitAck(b, 'screen:consent', { sessionId: session.id, phase: 'control', decision: 'granted' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await emitAck(a, 'screen:consent', { sessionId: session.id, phase: 'control', decision: 'granted' })).toMatchObject({
      ok: true,
      data: { session: { state: 'controlling', kind: 'control' } },
    });
    const revoked = nextEvent<ScreenSession>(t1, 'screen:updated', (s) => s.state === 'viewing');
    expect(await emitAck(a, 'screen:revoke-control', { sessionId: session.id })).toMatchObject({ ok: true, data: { state: 'viewing' } });
    expect((await revoked).controlRevokedAt).not.toBeNull();
    // Control refused: still viewing.
    await emitAck(t1, 'screen:control', { sessionId: session.id });
    expect(await emitAck(a, 'screen:consent', { sessionId: session.id, phase: 'control', decision: 'refused' })).toMatchObject({
      ok: true,
      data: { session: { state: 'viewing' } },
    });

    // The request is released: the very next message is refused and the session ends for both.
    const endedForDevice = nextEvent<ScreenSession>(a, 'screen:updated', (s) => s.state === 'ended');
    expect((await emitAck(alice.main, 'help:release', { requestId: req.id })).ok).toBe(true);
    // Refused either way: FORBIDDEN (checked on this very message) or CONFLICT (already ended by the hub's help:release).
    const late = await emitAck(t1, 'screen:signal', { sessionId: session.id, data: answer });
    expect(late.ok).toBe(false);
    expect(['FORBIDDEN', 'CONFLICT']).toContain(!late.ok && late.error.code);
    expect(await endedForDevice).toMatchObject({ endedBy: 'system', endReason: 'request-closed' });
    expect(await emitAck(a, 'screen:signal', { sessionId: session.id, data: offer })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });

    expect(bSeen).toEqual([]);
    expect(t2Seen).toEqual([]);

    // The session record and the audit chain.
    const row = await sessions().where('id', '=', session.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      request_id: req.id,
      device_id: devA.deviceId,
      technician_id: alice.id,
      kind: 'control',
      state: 'ended',
      ended_by: 'system',
      end_reason: 'request-closed',
    });
    for (const k of ['requested_at', 'consent_at', 'control_granted_at', 'control_revoked_at', 'ended_at'] as const)
      expect(row[k]).not.toBeNull();
    const actions = (await h.hub.services.audit.list(0, 1000)).filter((e) => e.subject === session.id).map((e) => e.action);
    expect(actions).toEqual([
      'screen.request',
      'screen.consent.granted',
      'screen.control.request',
      'screen.control.granted',
      'screen.control.revoked',
      'screen.control.request',
      'screen.control.refused',
      'screen.end',
    ]);
    expect(await h.hub.admin.verifyAudit()).toMatchObject({ ok: true });
    const chat = await emitAck<{ messages: ChatMessage[] }>(devA.main, 'chat:sync', { requestId: req.id, afterSeq: 0 });
    const texts = chat.ok ? chat.data.messages.map((m) => m.text) : [];
    expect(texts.filter((t) => t === SCREEN_STRINGS.fr.chatStarted || t === SCREEN_STRINGS.fr.chatEnded)).toEqual([
      SCREEN_STRINGS.fr.chatStarted,
      SCREEN_STRINGS.fr.chatEnded,
    ]);
  });

  it('relays a monitor switch only from the assigned technician’s bound socket to the bound device, and records the answer', async () => {
    const dora = await h.newTech('dora', 'Dora Roux');
    const eric = await h.newTech('eric', 'Éric Blanc');
    const dev = await h.newDevice('Salle de soins');
    const other = await h.newDevice('Autre poste');
    const req = await h.openRequest(dev, dora);
    const a = await h.screenDevice(dev);
    const b = await h.screenDevice(other);
    const t = await h.screenTech(dora);
    const outsider = await h.screenTech(eric);
    const bSeen = recorder(b);
    const outsiderSeen = recorder(outsider);

    const asked = await emitAck<ScreenSession>(t, 'screen:request', { requestId: req.id });
    if (!asked.ok) throw new Error(asked.error.code);
    const sessionId = asked.data.id;
    // Before consent: nothing to switch.
    expect(await emitAck(t, 'screen:switch-display', { sessionId, index: 2 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((await emitAck(a, 'screen:consent', { sessionId, phase: 'view', decision: 'granted' })).ok).toBe(true);

    // Not the assigned technician, not the bound window, not a device: refused, nothing reaches the device.
    const aSeen = recorder(a);
    expect(await emitAck(outsider, 'screen:switch-display', { sessionId, index: 2 })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const t2 = await h.screenTech(dora);
    expect(await emitAck(t2, 'screen:switch-display', { sessionId, index: 2 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitAck(t, 'screen:switch-display', { sessionId, index: 0 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // Nobody answers a switch that was not asked.
    expect(await emitAck(a, 'screen:switch-answer', { sessionId, decision: 'granted', index: 2 })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(aSeen).toEqual([]);

    const pushed = nextEvent<{ sessionId: string; index: number; expiresAt: string }>(a, 'screen:switch-request');
    const r1 = await emitAck<ScreenSession>(t, 'screen:switch-display', { sessionId, index: 2 });
    expect(r1).toMatchObject({
      ok: true,
      data: { state: 'viewing', displaySwitch: { index: 2, answeredAt: null, decision: null }, displaySwitches: 0 },
    });
    expect(await pushed).toMatchObject({ sessionId, index: 2 });
    // While the practitioner has not answered: no control request, and a second click is the same request.
    expect(await emitAck(t, 'screen:control', { sessionId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await emitAck(t, 'screen:switch-display', { sessionId, index: 2 })).toMatchObject({
      ok: true,
      data: { displaySwitch: { index: 2, answeredAt: null } },
    });
    // Only the bound device socket answers.
    expect(await emitAck(b, 'screen:switch-answer', { sessionId, decision: 'granted', index: 2 })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const a2 = await h.screenDevice(dev);
    expect(await emitAck(a2, 'screen:switch-answer', { sessionId, decision: 'granted', index: 2 })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    const techSees = nextEvent<ScreenSession>(t, 'screen:updated', (s) => s.id === sessionId && s.displaySwitch?.decision === 'granted');
    expect(await emitAck(a, 'screen:switch-answer', { sessionId, decision: 'granted', index: 2 })).toMatchObject({
      ok: true,
      data: { displaySwitches: 1 },
    });
    expect(await techSees).toMatchObject({ state: 'viewing', displaySwitch: { index: 2, decision: 'granted' }, displaySwitches: 1 });
    // Refused: recorded, the count unchanged.
    expect((await emitAck(t, 'screen:switch-display', { sessionId, index: 1 })).ok).toBe(true);
    expect(await emitAck(a, 'screen:switch-answer', { sessionId, decision: 'refused' })).toMatchObject({
      ok: true,
      data: { displaySwitch: { index: 1, decision: 'refused' }, displaySwitches: 1 },
    });
    expect(bSeen).toEqual([]);
    expect(outsiderSeen).toEqual([]);

    // The request is released: no more switches.
    expect((await emitAck(dora.main, 'help:release', { requestId: req.id })).ok).toBe(true);
    const late = await emitAck(t, 'screen:switch-display', { sessionId, index: 2 });
    expect(['FORBIDDEN', 'CONFLICT']).toContain(!late.ok && late.error.code);

    const row = await sessions().where('id', '=', sessionId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ display_switches: 1, switch_index: 1, switch_decision: 'refused' });
    const actions = (await h.hub.services.audit.list(0, 1000)).filter((e) => e.subject === sessionId).map((e) => e.action);
    expect(actions).toEqual([
      'screen.request',
      'screen.consent.granted',
      'screen.display.request',
      'screen.display.granted',
      'screen.display.request',
      'screen.display.refused',
      'screen.end',
    ]);
    expect(await h.hub.admin.verifyAudit()).toMatchObject({ ok: true });
  });

  it('ends on refusal, on consent timeout, on "Arrêter", and when a bound socket goes away', async () => {
    const carla = await h.newTech('carla', 'Carla Petit');
    const dev = await h.newDevice('Secrétariat');
    const req = await h.openRequest(dev, carla);
    let a = await h.screenDevice(dev);
    const t = await h.screenTech(carla);

    // Refused: ended, no chat line (nothing was shared).
    const s1 = await emitAck<ScreenSession>(t, 'screen:request', { requestId: req.id });
    if (!s1.ok) throw new Error(s1.error.code);
    const refusedSeen = nextEvent<ScreenSession>(t, 'screen:updated', (s) => s.id === s1.data.id && s.state === 'ended');
    expect(await emitAck(a, 'screen:consent', { sessionId: s1.data.id, phase: 'view', decision: 'refused' })).toMatchObject({
      ok: true,
      data: { session: { state: 'ended', endReason: 'refused', endedBy: 'device' }, ice: null },
    });
    expect((await refusedSeen).refusedAt).not.toBeNull();

    // Not answered: the hub's sweep ends it after 30 s + grace (clock moved forward).
    const s2 = await emitAck<ScreenSession>(t, 'screen:request', { requestId: req.id });
    if (!s2.ok) throw new Error(s2.error.code);
    const timedOut = nextEvent<ScreenSession>(a, 'screen:updated', (s) => s.id === s2.data.id && s.state === 'ended');
    h.skew(36_000);
    try {
      await h.screen.sweep();
    } finally {
      h.skew(0);
    }
    expect(await timedOut).toMatchObject({ endReason: 'timeout', endedBy: 'system' });
    expect(await emitAck(a, 'screen:consent', { sessionId: s2.data.id, phase: 'view', decision: 'granted' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });

    // "Arrêter" on the banner, with the device's input counters.
    const s3 = await emitAck<ScreenSession>(t, 'screen:request', { requestId: req.id });
    if (!s3.ok) throw new Error(s3.error.code);
    expect((await emitAck(a, 'screen:consent', { sessionId: s3.data.id, phase: 'view', decision: 'granted' })).ok).toBe(true);
    const stopped = nextEvent<ScreenSession>(t, 'screen:updated', (s) => s.id === s3.data.id && s.state === 'ended');
    expect(
      await emitAck(a, 'screen:end', { sessionId: s3.data.id, reason: 'practitioner-stop', stats: { injected: 12, dropped: 3 } }),
    ).toMatchObject({ ok: true, data: { state: 'ended', endReason: 'practitioner-stop', endedBy: 'device' } });
    await stopped;
    // Ending twice answers the ended record.
    expect(await emitAck(t, 'screen:end', { sessionId: s3.data.id })).toMatchObject({ ok: true, data: { endReason: 'practitioner-stop' } });

    // The device's socket goes away mid-session: ended by "disconnect".
    const s4 = await emitAck<ScreenSession>(t, 'screen:request', { requestId: req.id });
    if (!s4.ok) throw new Error(s4.error.code);
    expect((await emitAck(a, 'screen:consent', { sessionId: s4.data.id, phase: 'view', decision: 'granted' })).ok).toBe(true);
    const gone = nextEvent<ScreenSession>(t, 'screen:updated', (s) => s.id === s4.data.id && s.state === 'ended');
    a.close();
    expect(await gone).toMatchObject({ endReason: 'disconnect', endedBy: 'device' });

    // The technician's socket goes away: ended too.
    a = await h.screenDevice(dev);
    const s5 = await emitAck<ScreenSession>(t, 'screen:request', { requestId: req.id });
    if (!s5.ok) throw new Error(s5.error.code);
    expect((await emitAck(a, 'screen:consent', { sessionId: s5.data.id, phase: 'view', decision: 'granted' })).ok).toBe(true);
    const techGone = nextEvent<ScreenSession>(a, 'screen:updated', (s) => s.id === s5.data.id && s.state === 'ended');
    t.close();
    expect(await techGone).toMatchObject({ endReason: 'disconnect', endedBy: 'technician' });

    // endForRequest (the hub calls it when a request is resolved/released/cancelled).
    const t2 = await h.screenTech(carla);
    const s6 = await emitAck<ScreenSession>(t2, 'screen:request', { requestId: req.id });
    if (!s6.ok) throw new Error(s6.error.code);
    const closed = nextEvent<ScreenSession>(t2, 'screen:updated', (s) => s.id === s6.data.id && s.state === 'ended');
    await h.screen.endForRequest(req.id);
    expect(await closed).toMatchObject({ endReason: 'request-closed', endedBy: 'system' });
    expect(await emitAck(t2, 'screen:get', { requestId: req.id })).toMatchObject({ ok: true, data: { id: s6.data.id, state: 'ended' } });

    const row = await sessions().where('id', '=', s3.data.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ input_injected: 12, input_dropped: 3 });
    expect(await h.hub.admin.verifyAudit()).toMatchObject({ ok: true });
  });

  it('refuses a second session on a device that is already sharing, and an offline device', async () => {
    const dan = await h.newTech('dan', 'Dan Roux');
    const dev = await h.newDevice('Salle 3');
    const req = await h.openRequest(dev, dan);
    const a = await h.screenDevice(dev);
    const t = await h.screenTech(dan);
    const t2 = await h.screenTech(dan);
    const s = await emitAck<ScreenSession>(t, 'screen:request', { requestId: req.id });
    expect(s.ok).toBe(true);
    // Another window of the same technician: CONFLICT saying so (the console tells « ouvert dans une autre fenêtre »).
    expect(await emitAck(t2, 'screen:request', { requestId: req.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', details: { reason: 'other-tab' } },
    });
    a.close();
    dev.main.close();
    // Presence is the hub's: once the device's hub socket is gone, it is offline.
    for (let i = 0; i < 100 && h.hub.realtime.isDeviceOnline(dev.deviceId); i++) await new Promise((r) => setTimeout(r, 20));
    await h.screen.endForRequest(req.id);
    expect(await emitAck(t, 'screen:request', { requestId: req.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', details: { reason: 'device-offline' } },
    });
  });

  it('keeps the answer to « Prendre la main » on the session: refused, withdrawn, no answer, impossible here and why — each pushed to the technician and audited', async () => {
    const eve = await h.newTech('eve', 'Ève Laurent');
    const dev = await h.newDevice('Cabinet 4');
    const req = await h.openRequest(dev, eve);
    const a = await h.screenDevice(dev);
    const t = await h.screenTech(eve);
    const s = await emitAck<ScreenSession>(t, 'screen:request', { requestId: req.id });
    if (!s.ok) throw new Error(s.error.code);
    const id = s.data.id;
    expect(s.data.controlAnswer).toBeNull();
    expect((await emitAck(a, 'screen:consent', { sessionId: id, phase: 'view', decision: 'granted' })).ok).toBe(true);

    /** « Prendre la main », then the device's answer (or none): the push the console receives. */
    const ask = async (answer: () => Promise<unknown>) => {
      const pending = await emitAck<ScreenSession>(t, 'screen:control', { sessionId: id });
      if (!pending.ok) throw new Error(pending.error.code);
      // The code and the deadline the practitioner sees come with the pending session.
      expect(pending.data).toMatchObject({ state: 'control-pending', shortCode: s.data.shortCode, controlAnswer: null });
      expect(Date.parse(pending.data.consentExpiresAt!) - Date.parse(pending.data.controlRequestedAt!)).toBe(30_000);
      const back = nextEvent<ScreenSession>(t, 'screen:updated', (x) => x.id === id && x.state !== 'control-pending');
      await answer();
      return back;
    };

    expect(await ask(() => emitAck(a, 'screen:consent', { sessionId: id, phase: 'control', decision: 'refused' }))).toMatchObject({
      state: 'viewing',
      controlAnswer: { decision: 'refused', reason: null },
    });
    // « Reprendre la main » on the banner while the control consent is shown is a refusal too.
    expect(await ask(() => emitAck(a, 'screen:revoke-control', { sessionId: id }))).toMatchObject({
      state: 'viewing',
      controlAnswer: { decision: 'refused' },
    });
    expect(
      await ask(() => emitAck(a, 'screen:consent', { sessionId: id, phase: 'control', decision: 'unavailable', reason: 'wayland-only' })),
    ).toMatchObject({ state: 'viewing', controlAnswer: { decision: 'unavailable', reason: 'wayland-only' } });
    // A reason outside the contract is refused at the boundary; a reason with another decision is not kept.
    const pending = await emitAck<ScreenSession>(t, 'screen:control', { sessionId: id });
    expect(pending.ok).toBe(true);
    expect(
      await emitAck(a, 'screen:consent', { sessionId: id, phase: 'control', decision: 'unavailable', reason: 'because' }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const refused = nextEvent<ScreenSession>(t, 'screen:updated', (x) => x.id === id && x.state === 'viewing');
    expect(
      await emitAck(a, 'screen:consent', { sessionId: id, phase: 'control', decision: 'refused', reason: 'no-display' }),
    ).toMatchObject({ ok: true });
    expect((await refused).controlAnswer).toMatchObject({ decision: 'refused', reason: null });
    // No answer: the sweep refuses it after 30 s + grace and says so.
    expect(
      await ask(async () => {
        h.skew(36_000);
        try {
          await h.screen.sweep();
        } finally {
          h.skew(0);
        }
      }),
    ).toMatchObject({ state: 'viewing', controlAnswer: { decision: 'timeout', reason: null } });
    // Granted at last: the answer says so; the row keeps it for a reload (screen:get).
    expect(await ask(() => emitAck(a, 'screen:consent', { sessionId: id, phase: 'control', decision: 'granted' }))).toMatchObject({
      state: 'controlling',
      controlAnswer: { decision: 'granted' },
    });
    expect(await emitAck(t, 'screen:get', { requestId: req.id })).toMatchObject({
      ok: true,
      data: { id, controlAnswer: { decision: 'granted' } },
    });

    const audit = (await h.hub.services.audit.list(0, 100_000))
      .filter((e) => e.subject === id && e.action === 'screen.control.refused')
      .map((e) => e.data);
    expect(audit).toEqual([
      { requestId: req.id, decision: 'refused' },
      { requestId: req.id, decision: 'unavailable', reason: 'wayland-only' },
      { requestId: req.id, decision: 'refused' },
      { requestId: req.id, decision: 'timeout' },
    ]);
    expect(await h.hub.admin.verifyAudit()).toMatchObject({ ok: true });
  });
});
