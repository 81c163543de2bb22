/**
 * The practitioner side's screen lifecycle as a pure function: every phase and consent shown
 * against every event that matters (consents asked, answers, grants confirmed by the hub, stop,
 * revoke, the hub's updates and end, disconnects, peer failure, monitor switches), with the phase
 * after it and the effects in order. session.test.ts runs the same rules against a real hub.
 */
import { describe, expect, it } from 'vitest';
import type { ScreenPhase } from '@vigie/common';
import { transition, type Asking, type DeviceScreenEvent, type DeviceScreenState } from './lifecycle.js';

const st = (phase: ScreenPhase, asking: Asking | null = null): DeviceScreenState => ({ phase, asking });
const kinds = (s: DeviceScreenState, e: DeviceScreenEvent) => transition(s, e).effects.map((x) => x.t);
const IDLE = st('idle');
const ENDED = st('ended');
const ASKED = st('consent-pending', 'view');
const VIEWING = st('viewing');
const CONTROL_ASKED = st('control-pending', 'control');
const CONTROLLING = st('controlling');
const ACTIVE = [ASKED, VIEWING, CONTROL_ASKED, CONTROLLING, st('viewing', 'switch'), st('controlling', 'switch')];

describe('view consent', () => {
  it('asked when idle or after a session: the consent opens with its 30 s', () => {
    for (const s of [IDLE, ENDED])
      expect(transition(s, { type: 'view-asked', sameSession: false })).toEqual({
        state: ASKED,
        effects: [{ t: 'open-consent', kind: 'view' }],
      });
  });
  it('asked while a session is asked or live: another one is refused without asking, the same one again changes nothing', () => {
    for (const s of ACTIVE) {
      expect(transition(s, { type: 'view-asked', sameSession: false })).toEqual({
        state: s,
        effects: [{ t: 'refuse-unasked', phase: 'view' }],
      });
      expect(transition(s, { type: 'view-asked', sameSession: true })).toEqual({ state: s, effects: [] });
    }
  });
  it('« Refuser » or 30 s: ended by the device, the consent closed, then the hub told', () => {
    expect(transition(ASKED, { type: 'answer', decision: 'refused' })).toEqual({
      state: ENDED,
      effects: [{ t: 'close-consent' }, { t: 'end', by: 'device', reason: 'refused' }, { t: 'reply', phase: 'view', decision: 'refused' }],
    });
    expect(transition(ASKED, { type: 'answer', decision: 'timeout' }).effects.at(-1)).toEqual({
      t: 'reply',
      phase: 'view',
      decision: 'timeout',
    });
  });
  it('« Autoriser » recorded by the hub: viewing (capture allowed from here on)', () => {
    expect(transition(ASKED, { type: 'view-granted' })).toEqual({ state: VIEWING, effects: [{ t: 'close-consent' }] });
    for (const s of [IDLE, VIEWING, CONTROLLING, ENDED]) expect(transition(s, { type: 'view-granted' })).toEqual({ state: s, effects: [] });
  });
  it('« Arrêter » while the consent is shown is a refusal', () => {
    expect(transition(ASKED, { type: 'stop', reason: 'practitioner-stop' })).toEqual(
      transition(ASKED, { type: 'answer', decision: 'refused' }),
    );
  });
});

describe('control consent', () => {
  it('asked while viewing the same session: control-pending, the consent opens', () => {
    expect(transition(VIEWING, { type: 'control-asked', sameSession: true, possible: true })).toEqual({
      state: CONTROL_ASKED,
      effects: [{ t: 'open-consent', kind: 'control' }],
    });
  });
  it('impossible here (no input, no shared monitor): answered « unavailable » without asking, the view goes on', () => {
    expect(transition(VIEWING, { type: 'control-asked', sameSession: true, possible: false })).toEqual({
      state: VIEWING,
      effects: [{ t: 'reply', phase: 'control', decision: 'unavailable' }],
    });
  });
  it('asked during a monitor switch: refused without asking; for another session or outside viewing: ignored', () => {
    expect(transition(st('viewing', 'switch'), { type: 'control-asked', sameSession: true, possible: true }).effects).toEqual([
      { t: 'refuse-unasked', phase: 'control' },
    ]);
    expect(transition(VIEWING, { type: 'control-asked', sameSession: false, possible: true }).effects).toEqual([]);
    for (const s of [IDLE, ASKED, CONTROL_ASKED, CONTROLLING, ENDED])
      expect(transition(s, { type: 'control-asked', sameSession: true, possible: true })).toEqual({ state: s, effects: [] });
  });
  it('refused, timed out or impossible: back to viewing, the hub told', () => {
    for (const decision of ['refused', 'timeout', 'unavailable'] as const) {
      expect(transition(CONTROL_ASKED, { type: 'answer', decision })).toEqual({
        state: VIEWING,
        effects: [{ t: 'close-consent' }, { t: 'reply', phase: 'control', decision }],
      });
    }
  });
  it('granted and recorded: controlling, a new input generation; the hub says no (expired): back to viewing', () => {
    expect(transition(CONTROL_ASKED, { type: 'control-granted', ok: true })).toEqual({
      state: CONTROLLING,
      effects: [{ t: 'close-consent' }, { t: 'enter-control' }],
    });
    expect(transition(CONTROL_ASKED, { type: 'control-granted', ok: false })).toEqual({
      state: VIEWING,
      effects: [{ t: 'close-consent' }],
    });
    for (const s of [VIEWING, CONTROLLING, ENDED])
      expect(transition(s, { type: 'control-granted', ok: true })).toEqual({ state: s, effects: [] });
  });
});

describe('revoke and the technician handing control back', () => {
  it('« Reprendre la main »: viewing, input stopped (held keys released), the hub told; nothing outside control', () => {
    expect(transition(CONTROLLING, { type: 'revoke' })).toEqual({
      state: VIEWING,
      effects: [{ t: 'leave-control' }, { t: 'tell-revoke' }],
    });
    expect(transition(CONTROL_ASKED, { type: 'revoke' })).toEqual({
      state: VIEWING,
      effects: [{ t: 'close-consent' }, { t: 'leave-control' }, { t: 'tell-revoke' }],
    });
    // A monitor switch shown while controlling stays shown.
    expect(transition(st('controlling', 'switch'), { type: 'revoke' }).state).toEqual(st('viewing', 'switch'));
    for (const s of [IDLE, ASKED, VIEWING, ENDED]) expect(transition(s, { type: 'revoke' })).toEqual({ state: s, effects: [] });
  });
  it('the hub says viewing: control ends here too, unless the practitioner already answered the control consent (their grant is on its way)', () => {
    expect(transition(CONTROLLING, { type: 'hub-viewing', answered: false })).toEqual({
      state: VIEWING,
      effects: [{ t: 'leave-control' }],
    });
    expect(transition(CONTROL_ASKED, { type: 'hub-viewing', answered: false })).toEqual({
      state: VIEWING,
      effects: [{ t: 'close-consent' }, { t: 'leave-control' }],
    });
    expect(transition(CONTROL_ASKED, { type: 'hub-viewing', answered: true }).effects).toEqual([]);
    expect(transition(VIEWING, { type: 'hub-viewing', answered: false }).effects).toEqual([]);
  });
});

describe('the end', () => {
  it('« Arrêter » or the shortcut while live: everything stops here at once, then the hub is told', () => {
    expect(transition(CONTROLLING, { type: 'stop', reason: 'shortcut' })).toEqual({
      state: ENDED,
      effects: [{ t: 'leave-control' }, { t: 'end', by: 'device', reason: 'shortcut' }, { t: 'tell-end', reason: 'shortcut' }],
    });
    expect(transition(VIEWING, { type: 'stop', reason: 'practitioner-stop' }).effects).toEqual([
      { t: 'end', by: 'device', reason: 'practitioner-stop' },
      { t: 'tell-end', reason: 'practitioner-stop' },
    ]);
    for (const s of [IDLE, ENDED]) expect(transition(s, { type: 'stop', reason: 'practitioner-stop' })).toEqual({ state: s, effects: [] });
  });
  it('ended elsewhere (technician, request closed, hub disconnect): ended here with that reason, any consent closed, control left; once', () => {
    for (const s of ACTIVE) {
      const t = transition(s, { type: 'ended', by: 'technician', reason: 'technician-end' });
      expect(t.state).toEqual(ENDED);
      expect(t.effects.at(-1)).toEqual({ t: 'end', by: 'technician', reason: 'technician-end' });
      expect(t.effects.some((x) => x.t === 'close-consent')).toBe(s.asking !== null);
      expect(t.effects.some((x) => x.t === 'leave-control')).toBe(s.phase === 'controlling' || s.phase === 'control-pending');
    }
    expect(kinds(VIEWING, { type: 'ended', by: 'device', reason: 'disconnect' })).toEqual(['end']);
    for (const s of [IDLE, ENDED])
      expect(transition(s, { type: 'ended', by: 'system', reason: 'request-closed' })).toEqual({ state: s, effects: [] });
  });
  it('the capture or the peer failed while live: ended as error, the hub told; not before consent', () => {
    expect(kinds(CONTROLLING, { type: 'peer-failed' })).toEqual(['leave-control', 'end', 'tell-end']);
    expect(transition(VIEWING, { type: 'peer-failed' }).effects.at(-1)).toEqual({ t: 'tell-end', reason: 'error' });
    for (const s of [IDLE, ASKED, ENDED]) expect(transition(s, { type: 'peer-failed' })).toEqual({ state: s, effects: [] });
  });
});

describe('monitor switch', () => {
  it('asked while viewing or controlling, the monitor known: the consent again (as a switch), the phase kept', () => {
    for (const s of [VIEWING, CONTROLLING])
      expect(transition(s, { type: 'switch-asked', sameSession: true, known: true })).toEqual({
        state: { phase: s.phase, asking: 'switch' },
        effects: [{ t: 'open-consent', kind: 'switch' }],
      });
  });
  it('refused without asking: unknown monitor, another session, a consent already shown, not live; asked again while shown: nothing', () => {
    expect(transition(VIEWING, { type: 'switch-asked', sameSession: true, known: false }).effects).toEqual([
      { t: 'switch-reply', decision: 'refused' },
    ]);
    expect(transition(VIEWING, { type: 'switch-asked', sameSession: false, known: true }).effects).toEqual([
      { t: 'switch-reply', decision: 'refused' },
    ]);
    for (const s of [IDLE, ASKED, CONTROL_ASKED, ENDED])
      expect(kinds(s, { type: 'switch-asked', sameSession: true, known: true })).toEqual(['switch-reply']);
    expect(transition(st('viewing', 'switch'), { type: 'switch-asked', sameSession: true, known: true }).effects).toEqual([]);
  });
  it('refused or no answer: the current monitor stays shared, the hub told; chosen: the consent closes', () => {
    expect(transition(st('controlling', 'switch'), { type: 'answer', decision: 'timeout' })).toEqual({
      state: CONTROLLING,
      effects: [{ t: 'close-consent' }, { t: 'switch-reply', decision: 'timeout' }],
    });
    expect(transition(st('viewing', 'switch'), { type: 'answer', decision: 'refused' }).effects.at(-1)).toEqual({
      t: 'switch-reply',
      decision: 'refused',
    });
    expect(transition(st('viewing', 'switch'), { type: 'switch-granted' })).toEqual({ state: VIEWING, effects: [{ t: 'close-consent' }] });
    expect(transition(VIEWING, { type: 'switch-granted' }).effects).toEqual([]);
  });
  it('an answer with no consent shown changes nothing', () => {
    for (const s of [IDLE, VIEWING, CONTROLLING, ENDED])
      expect(transition(s, { type: 'answer', decision: 'refused' })).toEqual({ state: s, effects: [] });
  });
});
