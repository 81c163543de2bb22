// ScreenSessionService: switching the shared monitor, asked again of the practitioner, against a real hub (shared rig: test-support/session.ts).
import { describe, expect, it } from 'vitest';
import type { ScreenSession, ScreenState } from '@vigie/common';
import { emitAck, nextEvent } from '../../../server/src/test-support/sockets.js';
import { toPixel } from './geometry.js';
import { DISPLAYS, controlling, hubRecord, json, mods, rig, useScreenHub, viewing, waitState, type Rig } from './test-support/session.js';

useScreenHub();

describe('ScreenSessionService: monitor switch', () => {
  async function askSwitch(r: Rig, sessionId: string, index: number): Promise<ScreenState> {
    const asked = await emitAck<ScreenSession>(r.t, 'screen:switch-display', { sessionId, index });
    if (!asked.ok) throw new Error(asked.error.code);
    expect(asked.data.displaySwitch).toMatchObject({ index, answeredAt: null, decision: null });
    return waitState(r.svc, (st) => !!st.consent?.switching, 'monitor switch consent');
  }

  it('asks the practitioner again; once granted the new monitor is captured and input maps to its bounds', async () => {
    const r = await rig();
    const s = await controlling(r);
    expect(r.svc.state().capture).toMatchObject({ displayId: 'left', display: { label: 'Écran 1', index: 1, count: 2 } });
    await r.svc.handleData(s.id, json({ t: 'key.down', code: 'ShiftLeft', mods: { ...mods, shift: true } }));
    await r.svc.idle();

    const st = await askSwitch(r, s.id, 2);
    // Same consent window, the requested monitor preselected; nothing switched yet, control goes on.
    expect(st).toMatchObject({
      phase: 'controlling',
      consent: { kind: 'view', switching: true, defaultDisplayId: 'right', sessionId: s.id },
      capture: { displayId: 'left' },
    });
    expect(st.consent!.displays.map((d) => d.id)).toEqual(['left', 'right']);
    expect(r.svc.captureTarget()?.display?.id).toBe('left');

    const recorded = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.displaySwitch?.decision === 'granted');
    const after = await r.svc.grant(s.id);
    expect(after).toMatchObject({
      phase: 'controlling',
      consent: null,
      capture: { sessionId: s.id, displayId: 'right', display: { label: 'Écran 2', index: 2, count: 2 } },
    });
    expect(r.svc.captureTarget()).toMatchObject({ sessionId: s.id, display: { id: 'right' } });
    // The key held on the old monitor was released there.
    expect(r.injector.events.at(-1)).toEqual({ ev: { t: 'key.up', code: 'ShiftLeft', mods }, display: 'left' });
    expect(await recorded).toMatchObject({ state: 'controlling', displaySwitch: { index: 2, decision: 'granted' }, displaySwitches: 1 });

    await r.svc.handleData(s.id, json({ t: 'pointer.down', x: 0.5, y: 0.5, button: 'left' }));
    await r.svc.idle();
    expect(r.injector.events.at(-1)).toEqual({ ev: { t: 'pointer.down', x: 0.5, y: 0.5, button: 'left' }, display: 'right' });
    expect(toPixel(0.5, 0.5, DISPLAYS[1]!.bounds)).toEqual({ x: 1920 + 640, y: 512 });
    expect((await hubRecord(r, s.id)).displaySwitches).toBe(1);
  });

  it('"Refuser" or no answer within 30 s keep the current monitor shared', async () => {
    const r = await rig();
    const s = await viewing(r, 'right');
    await askSwitch(r, s.id, 1);
    const refused = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.displaySwitch?.decision === 'refused');
    expect(await r.svc.refuse(s.id)).toMatchObject({
      phase: 'viewing',
      consent: null,
      capture: { displayId: 'right', display: { index: 2 } },
    });
    expect(await refused).toMatchObject({ state: 'viewing', displaySwitches: 0 });

    await askSwitch(r, s.id, 1);
    const timedOut = nextEvent<ScreenSession>(r.t, 'screen:updated', (x) => x.id === s.id && x.displaySwitch?.decision === 'timeout');
    r.clock.advance(30_000);
    expect(r.svc.state()).toMatchObject({ phase: 'viewing', consent: null, capture: { displayId: 'right' } });
    expect(await timedOut).toMatchObject({ state: 'viewing', displaySwitches: 0 });
    expect(r.svc.captureTarget()?.display?.id).toBe('right');
    // A monitor this machine does not have is refused without asking.
    const none = nextEvent<ScreenSession>(
      r.t,
      'screen:updated',
      (x) => x.id === s.id && x.displaySwitch?.index === 5 && x.displaySwitch.decision === 'refused',
    );
    expect((await emitAck(r.t, 'screen:switch-display', { sessionId: s.id, index: 5 })).ok).toBe(true);
    await none;
    expect(r.svc.state()).toMatchObject({ consent: null, capture: { displayId: 'right' } });
  });
});
