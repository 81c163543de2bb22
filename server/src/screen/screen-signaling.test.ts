// The screen module's ICE configuration, and its signaling relayed through a real hub on loopback only between a device and its assigned technician.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SCREEN_STRINGS, type ChatMessage, type IceConfig, type ScreenConsentRequest, type ScreenSession } from '@vigie/common';
import { emitAck, nextEvent } from '../test-support/sockets.js';
import { ScreenSettings } from './config.js';
import { iceConfigFor, turnCredentials } from './ice.js';
import { h, recorder, sessions, TURN_SECRET, useScreenHub } from './test-support/screen-hub.js';

useScreenHub();

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
});
