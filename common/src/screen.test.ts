import { describe, expect, it } from 'vitest';
import {
  DEVICE_PUSH,
  DeviceDataMessage,
  IceConfig,
  IPC_METHODS,
  IPC_PUSH,
  parseDataMessage,
  SCREEN_DEVICE_EVENTS,
  SCREEN_LIMITS,
  SCREEN_STRINGS,
  SCREEN_TECH_EVENTS,
  ScreenEndReason,
  ScreenState,
  SignalData,
  TECH_PUSH,
  TechDataMessage,
} from './index.js';

const mods = { alt: false, ctrl: false, meta: false, shift: false };

describe('screen contract: data channel', () => {
  it('accepts every well-formed technician message', () => {
    const good: unknown[] = [
      { t: 'pointer.move', x: 0, y: 1 },
      { t: 'pointer.down', x: 0.5, y: 0.25, button: 'left' },
      { t: 'pointer.up', x: 0.5, y: 0.25, button: 'right' },
      { t: 'wheel', x: 0.1, y: 0.9, dx: 0, dy: -120 },
      { t: 'key.down', code: 'KeyA', mods: { ...mods, shift: true } },
      { t: 'key.up', code: 'ArrowLeft', mods },
      { t: 'clipboard.get', id: 1 },
      { t: 'clipboard.set', id: 2, text: 'bonjour' },
      { t: 'ping', id: 3, sentAt: 1234.5 },
    ];
    for (const m of good) expect(TechDataMessage.safeParse(m).success, JSON.stringify(m)).toBe(true);
  });

  it('refuses unknown types, extra fields, unbounded or non-finite numbers, bad key codes and oversized text', () => {
    const bad: unknown[] = [
      { t: 'pointer.move', x: 0.5 },
      { t: 'pointer.move', x: 0.5, y: 0.5, extra: 1 },
      { t: 'pointer.move', x: Number.NaN, y: 0.5 },
      { t: 'pointer.move', x: '0.5', y: 0.5 },
      { t: 'pointer.down', x: 0.5, y: 0.5, button: 'back' },
      { t: 'wheel', x: 0.5, y: 0.5, dx: 0, dy: SCREEN_LIMITS.wheelDelta + 1 },
      { t: 'key.down', code: 'Key A', mods },
      { t: 'key.down', code: '../etc', mods },
      { t: 'key.down', code: 'K'.repeat(40), mods },
      { t: 'key.down', code: 'KeyA' },
      { t: 'key.down', code: 'KeyA', mods: { ...mods, hyper: true } },
      { t: 'clipboard.set', id: 1, text: 'x'.repeat(SCREEN_LIMITS.clipboardChars + 1) },
      { t: 'clipboard.get', id: -1 },
      { t: 'exec', cmd: 'rm -rf /' },
      null,
      'pointer.move',
    ];
    for (const m of bad) expect(TechDataMessage.safeParse(m).success, JSON.stringify(m)).toBe(false);
  });

  it('parseDataMessage tells "outside the screen" apart from malformed and oversized input', () => {
    expect(parseDataMessage(TechDataMessage, JSON.stringify({ t: 'pointer.move', x: 0.2, y: 0.3 }))).toEqual({
      ok: true,
      message: { t: 'pointer.move', x: 0.2, y: 0.3 },
    });
    expect(parseDataMessage(TechDataMessage, JSON.stringify({ t: 'pointer.move', x: 1.2, y: 0.3 }))).toMatchObject({
      ok: false,
      reason: 'outside',
    });
    expect(parseDataMessage(TechDataMessage, JSON.stringify({ t: 'pointer.down', x: -0.01, y: 2, button: 'left' }))).toMatchObject({
      ok: false,
      reason: 'outside',
    });
    expect(parseDataMessage(TechDataMessage, JSON.stringify({ t: 'pointer.down', x: 2, y: 0, button: 'thumb' }))).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
    expect(parseDataMessage(TechDataMessage, '{"t":"pointer.move",')).toMatchObject({ ok: false, reason: 'not-json' });
    expect(parseDataMessage(TechDataMessage, 'x'.repeat(SCREEN_LIMITS.dataMessageChars + 1))).toMatchObject({
      ok: false,
      reason: 'too-large',
    });
    expect(parseDataMessage(DeviceDataMessage, { t: 'control', granted: true })).toMatchObject({ ok: true });
  });
});

describe('screen contract: signaling and sessions', () => {
  it('accepts simple-peer signal data and refuses anything else or oversized', () => {
    expect(SignalData.safeParse({ type: 'offer', sdp: 'v=0\r\n' }).success).toBe(true);
    expect(
      SignalData.safeParse({
        type: 'candidate',
        candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host', sdpMLineIndex: 0, sdpMid: '0' },
      }).success,
    ).toBe(true);
    expect(SignalData.safeParse({ type: 'renegotiate', renegotiate: true }).success).toBe(true);
    expect(SignalData.safeParse({ type: 'offer', sdp: 'x'.repeat(SCREEN_LIMITS.sdpChars + 1) }).success).toBe(false);
    expect(SignalData.safeParse({ type: 'offer', sdp: '' }).success).toBe(false);
    expect(SignalData.safeParse({ type: 'pranswer', sdp: 'v=0' }).success).toBe(false);
    expect(
      SignalData.safeParse({ type: 'candidate', candidate: { candidate: 'c'.repeat(SCREEN_LIMITS.candidateChars + 1) } }).success,
    ).toBe(false);
    expect(SignalData.safeParse({ type: 'offer', sdp: 'v=0', extra: {} }).success).toBe(false);
    expect(SignalData.safeParse({ sdp: 'v=0' }).success).toBe(false);
  });

  it('validates ICE configuration (STUN/TURN URLs only, bounded)', () => {
    expect(
      IceConfig.safeParse({
        iceServers: [{ urls: ['stun:stun.example.org:3478'] }, { urls: ['turns:turn.example.org:5349'], username: '1:s', credential: 'c' }],
        iceTransportPolicy: 'all',
        expiresAt: null,
      }).success,
    ).toBe(true);
    expect(IceConfig.safeParse({ iceServers: [{ urls: ['http://evil'] }], iceTransportPolicy: 'all', expiresAt: null }).success).toBe(
      false,
    );
    expect(IceConfig.safeParse({ iceServers: [{ urls: [] }], iceTransportPolicy: 'all', expiresAt: null }).success).toBe(false);
  });

  it('every event request refuses extra fields, and the tech/device maps parse their payloads', () => {
    expect(SCREEN_TECH_EVENTS['screen:request'].request.safeParse({ requestId: 'r1' }).success).toBe(true);
    expect(SCREEN_TECH_EVENTS['screen:request'].request.safeParse({ requestId: 'r1', deviceId: 'd2' }).success).toBe(false);
    expect(SCREEN_DEVICE_EVENTS['screen:consent'].request.safeParse({ sessionId: 's', phase: 'view', decision: 'granted' }).success).toBe(
      true,
    );
    expect(SCREEN_DEVICE_EVENTS['screen:consent'].request.safeParse({ sessionId: 's', phase: 'view', decision: 'yes' }).success).toBe(
      false,
    );
    expect(SCREEN_DEVICE_EVENTS['screen:end'].request.safeParse({ sessionId: 's', reason: 'technician-end' }).success).toBe(false);
    expect(SCREEN_DEVICE_EVENTS['screen:signal'].request.safeParse({ sessionId: 's', data: { type: 'answer', sdp: 'v=0' } }).success).toBe(
      true,
    );
  });

  it('is wired into the socket pushes and the IPC contract, and strings are complete in both languages', () => {
    for (const k of ['screen:consent-request', 'screen:signal', 'screen:updated', 'screen:ice-refresh'])
      expect(k in DEVICE_PUSH).toBe(true);
    for (const k of ['screen:signal', 'screen:updated', 'screen:ice-refresh']) expect(k in TECH_PUSH).toBe(true);
    // A refresh carries a whole ICE configuration, bounded like the one handed out at consent.
    const ice = {
      iceServers: [{ urls: ['turn:t.example:3478'], username: '1:s', credential: 'c' }],
      iceTransportPolicy: 'relay',
      expiresAt: '2026-01-01T00:00:00.000Z',
    };
    expect(DEVICE_PUSH['screen:ice-refresh'].safeParse({ sessionId: 's', ice }).success).toBe(true);
    expect(
      TECH_PUSH['screen:ice-refresh'].safeParse({ sessionId: 's', ice: { ...ice, iceServers: [{ urls: ['http://x'] }] } }).success,
    ).toBe(false);
    expect(TECH_PUSH['screen:ice-refresh'].safeParse({ sessionId: 's', ice, extra: 1 }).success).toBe(false);
    for (const k of [
      'screen:getState',
      'screen:grant',
      'screen:refuse',
      'screen:stop',
      'screen:revokeControl',
      'screen:signal',
      'screen:input',
      'screen:peerFailed',
    ])
      expect(k in IPC_METHODS).toBe(true);
    for (const k of ['screen:state', 'screen:signal']) expect(k in IPC_PUSH).toBe(true);
    expect(Object.keys(SCREEN_STRINGS.en).sort()).toEqual(Object.keys(SCREEN_STRINGS.fr).sort());
    expect(Object.keys(SCREEN_STRINGS.fr.endReasons).sort()).toEqual([...ScreenEndReason.options].sort());
    expect(
      ScreenState.safeParse({
        phase: 'idle',
        sessionId: null,
        consent: null,
        banner: null,
        capture: null,
        ended: null,
        input: { available: false, injected: 0, dropped: 0 },
      }).success,
    ).toBe(true);
  });
});
