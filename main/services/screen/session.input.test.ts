// ScreenSessionService: remote control and the technician's input, clipboard and ping, against a real hub (shared rig: test-support/session.ts).
import { describe, expect, it } from 'vitest';
import type { ScreenSession } from '@vigie/common';
import { emitAck, nextEvent } from '../../../server/src/test-support/sockets.js';
import { controlling, json, mods, rig, useScreenHub, viewing, waitState } from './test-support/session.js';

useScreenHub();

describe('ScreenSessionService: control and input', () => {
  it('drops input before control, injects it once granted, and drops it again once control is withdrawn', async () => {
    const r = await rig();
    const s = await viewing(r);
    expect(await r.svc.handleData(s.id, json({ t: 'pointer.move', x: 0.5, y: 0.5 }))).toBeNull();
    await r.svc.idle();
    expect(r.injector.events).toEqual([]);
    expect(r.svc.dropCounts()['not-controlling']).toBe(1);

    await controlling(r, s);
    expect(r.svc.state().banner).toMatchObject({ mode: 'controlling' });
    await r.svc.handleData(s.id, json({ t: 'pointer.move', x: 0.25, y: 0.75 }));
    await r.svc.handleData(s.id, json({ t: 'pointer.down', x: 0.25, y: 0.75, button: 'left' }));
    await r.svc.handleData(s.id, json({ t: 'pointer.up', x: 0.25, y: 0.75, button: 'left' }));
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'ShiftLeft', mods: { ...mods, shift: true } }));
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'KeyA', mods: { ...mods, shift: true } }));
    await r.svc.handleData(s.id, json({ t: 'key.up', code: 'KeyA', mods: { ...mods, shift: true } }));
    // Outside the shared screen, malformed, unknown key, another session: dropped and counted.
    await r.svc.handleData(s.id, json({ t: 'pointer.move', x: 1.2, y: 0.5 }));
    await r.svc.handleData(s.id, json({ t: 'pointer.down', x: 0.5, y: -0.1, button: 'left' }));
    await r.svc.handleData(s.id, json({ t: 'pointer.move', x: 0.5 }));
    await r.svc.handleData(s.id, '{not json');
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'LaunchRocket', mods: { ...mods, shift: true } }));
    await r.svc.handleData('another-session', json({ t: 'pointer.move', x: 0.5, y: 0.5 }));
    await r.svc.idle();
    expect(r.injector.events.map((e) => e.ev.t)).toEqual(['pointer.move', 'pointer.down', 'pointer.up', 'key.down', 'key.down', 'key.up']);
    expect(r.injector.events.every((e) => e.display === 'left')).toBe(true);
    expect(r.svc.dropCounts()).toMatchObject({ outside: 2, invalid: 2, unsupported: 1, 'not-live': 1 });

    // Withdraw control: Shift (still held) is released, the view goes on, input is dropped.
    const seen = r.injector.events.length;
    const techSees = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.state === 'viewing');
    await r.svc.revokeControl();
    expect(r.svc.state()).toMatchObject({ phase: 'viewing', banner: { mode: 'viewing' }, capture: { sessionId: s.id } });
    expect((await techSees).controlRevokedAt).not.toBeNull();
    await r.svc.handleData(s.id, json({ t: 'pointer.move', x: 0.1, y: 0.1 }));
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'KeyB', mods }));
    await r.svc.idle();
    expect(r.injector.events.slice(seen).map((e) => e.ev)).toEqual([{ t: 'key.up', code: 'ShiftLeft', mods }]);
    expect(r.svc.dropCounts()['not-controlling']).toBe(3);
    expect(r.svc.state().input).toMatchObject({ injected: 6 });
    expect(r.svc.canCapture()).toBe(true);
  });

  it('a key is typed at once, never held (however late its key-up comes, nothing repeats it); a held key repeats at the technician’s rate; modifiers are held', async () => {
    const r = await rig();
    const s = await controlling(r);
    const shift = { ...mods, shift: true };
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'ShiftLeft', mods: shift }));
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'KeyE', mods: shift }));
    await r.svc.idle();
    // E is already released while the technician still holds it; Shift is held.
    expect(r.injector.events.map((e) => e.ev)).toEqual([
      { t: 'key.down', code: 'ShiftLeft', mods: shift },
      { t: 'key.down', code: 'KeyE', mods: shift },
      { t: 'key.up', code: 'KeyE', mods: shift },
    ]);
    // Held on the technician's side: their repeated key-downs type it again; its key-up, late, injects nothing.
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'KeyE', mods: shift }));
    await r.svc.handleData(s.id, json({ t: 'key.up', code: 'KeyE', mods: shift }));
    await r.svc.handleData(s.id, json({ t: 'key.up', code: 'ShiftLeft', mods }));
    await r.svc.idle();
    expect(r.injector.events.slice(3).map((e) => e.ev)).toEqual([
      { t: 'key.down', code: 'KeyE', mods: shift },
      { t: 'key.up', code: 'KeyE', mods: shift },
      { t: 'key.up', code: 'ShiftLeft', mods },
    ]);
    // The technician's five events all reached the screen: none dropped.
    expect(r.svc.state().input).toMatchObject({ injected: 5 });
    expect(r.svc.dropCounts()).toMatchObject({ failed: 0, unsupported: 0, 'not-controlling': 0 });
  });

  it('events queued when control ends are dropped, and the technician handing control back ends it too', async () => {
    const r = await rig();
    const s = await controlling(r);
    for (let i = 0; i < 20; i++) void r.svc.handleData(s.id, json({ t: 'key.down', code: 'KeyC', mods }));
    await r.svc.revokeControl();
    await r.svc.idle();
    const injectedBeforeRevoke = r.injector.events.filter((e) => e.ev.t === 'key.down').length;
    expect(injectedBeforeRevoke).toBeLessThan(20);
    expect(r.svc.dropCounts()['not-controlling']).toBe(20 - injectedBeforeRevoke);

    // Control again, then the technician releases it from the console.
    expect((await emitAck(r.t, 'screen:control', { sessionId: s.id })).ok).toBe(true);
    await waitState(r.svc, (st) => st.consent?.kind === 'control', 'control consent');
    await r.svc.grant(s.id);
    // A modifier whose key-up was lost on the technician's side is released before the next key.
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'ShiftLeft', mods: { ...mods, shift: true } }));
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'KeyD', mods }));
    await r.svc.idle();
    expect(r.injector.events.slice(-4).map((e) => e.ev)).toEqual([
      { t: 'key.down', code: 'ShiftLeft', mods: { ...mods, shift: true } },
      { t: 'key.up', code: 'ShiftLeft', mods },
      { t: 'key.down', code: 'KeyD', mods },
      { t: 'key.up', code: 'KeyD', mods },
    ]);
    // …while the modifier's own key-up (reporting it as no longer held) is injected once.
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'ShiftRight', mods: { ...mods, shift: true } }));
    await r.svc.handleData(s.id, json({ t: 'key.up', code: 'ShiftRight', mods }));
    await r.svc.idle();
    expect(r.injector.events.slice(-2).map((e) => e.ev)).toEqual([
      { t: 'key.down', code: 'ShiftRight', mods: { ...mods, shift: true } },
      { t: 'key.up', code: 'ShiftRight', mods },
    ]);
    expect((await emitAck(r.t, 'screen:release-control', { sessionId: s.id })).ok).toBe(true);
    await waitState(r.svc, (st) => st.phase === 'viewing', 'back to viewing');
    await r.svc.handleData(s.id, json({ t: 'pointer.move', x: 0.5, y: 0.5 }));
    await r.svc.idle();
    expect(r.injector.events.some((e) => e.ev.t === 'pointer.move')).toBe(false);
  });

  it('control consent refuses itself after 30 s and the view goes on; refused outright when input is unavailable', async () => {
    const r = await rig();
    const s = await viewing(r);
    expect((await emitAck(r.t, 'screen:control', { sessionId: s.id })).ok).toBe(true);
    await waitState(r.svc, (st) => st.phase === 'control-pending' && st.consent?.kind === 'control', 'control consent');
    expect(r.svc.state().banner).toMatchObject({ controlPending: true });
    const back = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.state === 'viewing');
    r.clock.advance(30_000);
    expect(r.svc.state()).toMatchObject({ phase: 'viewing', consent: null });
    await back;
    expect(r.svc.canCapture()).toBe(true);

    const u = await rig({ inputAvailable: false });
    const su = await viewing(u);
    expect(u.svc.state().input.available).toBe(false);
    const refused = nextEvent<ScreenSession>(u.t, 'screen:updated', (x) => x.id === su.id && x.state === 'viewing');
    expect((await emitAck(u.t, 'screen:control', { sessionId: su.id })).ok).toBe(true);
    // The technician is told why: the injector's own reason travels with the answer.
    expect((await refused).controlAnswer).toMatchObject({ decision: 'unavailable', reason: 'no-display' });
    expect(u.svc.state()).toMatchObject({ phase: 'viewing', consent: null });
  });

  it('clipboard both ways and ping only while controlling', async () => {
    const r = await rig();
    const s = await viewing(r);
    expect(await r.svc.handleData(s.id, json({ t: 'clipboard.get', id: 1 }))).toEqual({ t: 'clipboard.error', id: 1, code: 'FORBIDDEN' });
    expect(await r.svc.handleData(s.id, json({ t: 'ping', id: 2, sentAt: 123.5 }))).toEqual({ t: 'pong', id: 2, sentAt: 123.5 });
    await controlling(r, s);
    expect(await r.svc.handleData(s.id, json({ t: 'clipboard.get', id: 3 }))).toEqual({
      t: 'clipboard.text',
      id: 3,
      text: 'texte du cabinet',
    });
    expect(await r.svc.handleData(s.id, json({ t: 'clipboard.set', id: 4, text: 'mot de passe Wi-Fi' }))).toEqual({
      t: 'clipboard.ok',
      id: 4,
    });
    expect(r.injector.clipboard).toBe('mot de passe Wi-Fi');
    await r.svc.revokeControl();
    expect(await r.svc.handleData(s.id, json({ t: 'clipboard.set', id: 5, text: 'x' }))).toEqual({
      t: 'clipboard.error',
      id: 5,
      code: 'FORBIDDEN',
    });
    expect(r.injector.clipboard).toBe('mot de passe Wi-Fi');
  });
});
