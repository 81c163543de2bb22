// Screen sessions through a real hub on loopback: monitor switch, how a session ends, a second session refused, the answer to « Prendre la main ».
import { describe, expect, it } from 'vitest';
import type { ScreenSession } from '@vigie/common';
import { emitAck, nextEvent } from '../test-support/sockets.js';
import { h, recorder, sessions, useScreenHub } from './test-support/screen-hub.js';

useScreenHub();

describe('screen sessions through the hub', () => {
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
