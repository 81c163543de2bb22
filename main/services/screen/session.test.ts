// ScreenSessionService: the practitioner's consent and the ways a session ends, against a real hub (shared rig: test-support/session.ts).
import { describe, expect, it } from 'vitest';
import type { ScreenSession, ScreenSignal } from '@vigie/common';
import { emitAck, nextEvent } from '../../../server/src/test-support/sockets.js';
import { ask, counter, hubRecord, rig, useScreenHub, viewing, waitState } from './test-support/session.js';

useScreenHub();

describe('ScreenSessionService: consent', () => {
  it('shows the consent window with verified data, captures nothing before consent, and refuses by itself after 30 s', async () => {
    const r = await rig();
    const s = await ask(r);
    const st = r.svc.state();
    expect(st.phase).toBe('consent-pending');
    expect(st.consent).toMatchObject({
      kind: 'view',
      technicianName: 'Technicien ' + counter,
      providerName: 'InfoSanté Services',
      shortCode: s.shortCode,
      defaultDisplayId: 'left',
      inputAvailable: true,
    });
    expect(Date.parse(st.consent!.expiresAt) - r.clock.now()).toBe(30_000);
    expect(r.svc.canCapture()).toBe(false);
    expect(st.capture).toBeNull();
    expect(st.banner).toBeNull();
    await expect(r.svc.sendSignal(s.id, { type: 'offer', sdp: 'v=0' })).rejects.toMatchObject({ code: 'CONFLICT' });

    const ended = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.state === 'ended');
    r.clock.advance(29_999);
    expect(r.svc.state().phase).toBe('consent-pending');
    r.clock.advance(1);
    expect(r.svc.state()).toMatchObject({
      phase: 'ended',
      consent: null,
      capture: null,
      ended: { sessionId: s.id, reason: 'timeout', by: 'device' },
    });
    expect(await ended).toMatchObject({ endReason: 'timeout', endedBy: 'device' });
    await expect(r.svc.grant(s.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(r.svc.canCapture()).toBe(false);
  });

  it('"Refuser" ends it on both sides; no capture', async () => {
    const r = await rig();
    const s = await ask(r);
    const ended = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.state === 'ended');
    await r.svc.refuse(s.id);
    expect(r.svc.state()).toMatchObject({ phase: 'ended', capture: null, ended: { reason: 'refused' } });
    expect(await ended).toMatchObject({ endReason: 'refused', endedBy: 'device' });
    expect(r.svc.canCapture()).toBe(false);
  });

  it('"Autoriser" on the chosen screen opens capture and signaling both ways; "Arrêter" ends everything', async () => {
    const r = await rig();
    const s = await ask(r);
    await expect(r.svc.grant(s.id, 'nope')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const st = await r.svc.grant(s.id, 'right');
    expect(st).toMatchObject({
      phase: 'viewing',
      consent: null,
      banner: { mode: 'viewing', technicianName: `Technicien ${counter}` },
      capture: { sessionId: s.id, displayId: 'right' },
    });
    expect(st.capture!.ice!.iceServers).toEqual([{ urls: ['stun:stun.example.org:3478'] }]);
    expect(r.svc.captureTarget()).toMatchObject({ sessionId: s.id, display: { id: 'right' } });

    const toTech = nextEvent<ScreenSignal>(r.t, 'screen:signal');
    await r.svc.sendSignal(s.id, { type: 'offer', sdp: 'v=0\r\n' });
    expect(await toTech).toEqual({ sessionId: s.id, data: { type: 'offer', sdp: 'v=0\r\n' } });
    const toRenderer = new Promise<ScreenSignal>((resolve) => {
      const off = r.svc.on('signal', (x) => {
        off();
        resolve(x);
      });
    });
    expect((await emitAck(r.t, 'screen:signal', { sessionId: s.id, data: { type: 'answer', sdp: 'v=0\r\n' } })).ok).toBe(true);
    expect(await toRenderer).toEqual({ sessionId: s.id, data: { type: 'answer', sdp: 'v=0\r\n' } });

    const ended = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.state === 'ended');
    await r.svc.stopSharing('practitioner-stop');
    expect(r.svc.state()).toMatchObject({ phase: 'ended', banner: null, capture: null, ended: { reason: 'practitioner-stop' } });
    expect(await ended).toMatchObject({ endReason: 'practitioner-stop', endedBy: 'device' });
    await expect(r.svc.sendSignal(s.id, { type: 'offer', sdp: 'v=0' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('the global shortcut, the technician\'s "Terminer" and a hub disconnect each end the session', async () => {
    const r = await rig();
    const s1 = await viewing(r);
    await r.svc.stopSharing('shortcut');
    expect((await hubRecord(r, s1.id)).endReason).toBe('shortcut');

    const s2 = await viewing(r);
    expect((await emitAck(r.t, 'screen:end', { sessionId: s2.id })).ok).toBe(true);
    expect(await waitState(r.svc, (x) => x.phase === 'ended', 'ended by the technician')).toMatchObject({
      capture: null,
      ended: { reason: 'technician-end', by: 'technician' },
    });

    const s3 = await viewing(r);
    const gone = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s3.id && x.state === 'ended');
    r.d.disconnect();
    expect(await waitState(r.svc, (x) => x.phase === 'ended', 'ended by the disconnect')).toMatchObject({
      capture: null,
      ended: { reason: 'disconnect' },
    });
    expect(await gone).toMatchObject({ endReason: 'disconnect', endedBy: 'device' });
  });
});
