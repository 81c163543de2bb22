/**
 * The hub's session lifecycle as a pure function: every state the record can be in against every
 * event that matters (consent, control, revoke, monitor switch, end, the sweep's tick with its
 * timeouts, closed requests and TURN renewal), with the record after it, the effects in order and
 * the refusals. No hub, no database: screen-signaling.test.ts and screen-session.test.ts run the same rules through the real hub.
 */
import { describe, expect, it } from 'vitest';
import { VigieError, type ScreenSessionState } from '@vigie/common';
import { ScreenSettings } from './config.js';
import { changedColumns, transition, type ScreenEvent, type Transition } from './lifecycle.js';
import { newSessionRow, type SessionRow } from './record.js';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const settings = ScreenSettings.parse({ turn: { urls: ['turn:127.0.0.1:3478'], secret: 'un-secret-partage-coturn', ttlSeconds: 600 } });
const noTurn = ScreenSettings.parse({});
const at = (ms: number) => new Date(ms).toISOString();

/** A session in `state` as the hub would have it (bound sockets once consented). */
function row(state: ScreenSessionState, patch: Partial<SessionRow> = {}): SessionRow {
  const r = newSessionRow({
    id: 'sess1',
    shortCode: 'ABC123',
    requestId: 'req1',
    deviceId: 'dev1',
    tech: { id: 'tech1', name: 'Julie Martin' },
    socketId: 'tsock',
    now: T0,
  });
  const consented = state !== 'consent-pending';
  return {
    ...r,
    state,
    ...(consented
      ? { consent_at: at(T0 + 1000), consent_expires_at: null, device_socket_id: 'dsock', ice_expires_at: at(T0 + 601_000) }
      : {}),
    ...(state === 'control-pending' ? { control_requested_at: at(T0 + 2000), consent_expires_at: at(T0 + 32_000) } : {}),
    ...(state === 'controlling' ? { kind: 'control', control_granted_at: at(T0 + 3000) } : {}),
    ...(state === 'ended' ? { ended_at: at(T0 + 4000), ended_by: 'device', end_reason: 'practitioner-stop' } : {}),
    ...patch,
  };
}

const go = (r: SessionRow, e: ScreenEvent, now = T0 + 5000, s = settings): Transition => transition(r, e, { now, settings: s });
const actions = (t: Transition) => t.effects.map((x) => (x.t === 'audit' ? x.ev.action : x.t === 'chat' ? `chat:${x.key}` : x.t));
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof VigieError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('not refused');
};

const consent = (decision: 'granted' | 'refused' | 'timeout', o: Partial<Extract<ScreenEvent, { type: 'consent' }>> = {}): ScreenEvent => ({
  type: 'consent',
  deviceId: 'dev1',
  socketId: 'dsock',
  decision,
  assigned: true,
  ...o,
});
const ask: ScreenEvent = { type: 'control-ask', techId: 'tech1', socketId: 'tsock', assigned: true };
const answer = (
  decision: 'granted' | 'refused' | 'timeout' | 'unavailable',
  o: Partial<Extract<ScreenEvent, { type: 'control-answer' }>> = {},
): ScreenEvent => ({
  type: 'control-answer',
  by: 'device',
  actorId: 'dev1',
  decision,
  reason: null,
  assigned: true,
  ...o,
});
const end: ScreenEvent = { type: 'end', by: 'technician', actorId: 'tech1', reason: 'technician-end' };
const ALL: ScreenSessionState[] = ['consent-pending', 'viewing', 'control-pending', 'controlling', 'ended'];

describe('view consent', () => {
  it('granted: viewing, the answering socket bound, TURN expiry recorded, chat line then audit', () => {
    const t = go(row('consent-pending'), consent('granted'));
    expect(t.state).toMatchObject({
      state: 'viewing',
      consent_at: at(T0 + 5000),
      consent_expires_at: null,
      device_socket_id: 'dsock',
      ice_expires_at: at(T0 + 5000 + 600_000),
    });
    expect(actions(t)).toEqual(['chat:screen.started', 'screen.consent.granted']);
    expect(go(row('consent-pending'), consent('granted'), T0 + 5000, noTurn).state.ice_expires_at).toBeNull();
  });
  it('refused or let run out by the practitioner: ended by the device, the refusal audited before the end, no chat (nothing was shared)', () => {
    const refused = go(row('consent-pending'), consent('refused'));
    expect(refused.state).toMatchObject({ state: 'ended', ended_by: 'device', end_reason: 'refused', refused_at: at(T0 + 5000) });
    expect(actions(refused)).toEqual(['screen.consent.refused', 'screen.end']);
    expect(go(row('consent-pending'), consent('timeout')).state).toMatchObject({
      state: 'ended',
      end_reason: 'timeout',
      ended_by: 'device',
    });
  });
  it('past 30 s + grace: ended by the system as timeout, whatever the answer', () => {
    const t = go(row('consent-pending'), consent('granted'), T0 + 30_000 + settings.consentGraceMs + 1);
    expect(t.state).toMatchObject({ state: 'ended', ended_by: 'system', end_reason: 'timeout' });
    expect(actions(t)).toEqual(['screen.end']);
  });
  it('granted after the request left the technician: ended as request-closed', () => {
    expect(go(row('consent-pending'), consent('granted', { assigned: false })).state).toMatchObject({
      state: 'ended',
      end_reason: 'request-closed',
      ended_by: 'system',
    });
  });
  it('refused from another device, and in every state but consent-pending', () => {
    expect(refusal(() => go(row('consent-pending'), consent('granted', { deviceId: 'dev2' }))).code).toBe('FORBIDDEN');
    for (const s of ALL.filter((x) => x !== 'consent-pending')) expect(refusal(() => go(row(s), consent('granted'))).code).toBe('CONFLICT');
  });
});

describe('control', () => {
  it('asked while viewing: control-pending with its own 30 s, the consent pushed after the audit', () => {
    const t = go(row('viewing', { control_decision: 'refused', control_answered_at: at(T0) }), ask);
    expect(t.state).toMatchObject({
      state: 'control-pending',
      control_requested_at: at(T0 + 5000),
      consent_expires_at: at(T0 + 35_000),
      control_decision: null,
      control_answered_at: null,
    });
    expect(actions(t)).toEqual(['screen.control.request', 'consent-request']);
  });
  it('asked again while pending or granted: nothing changes (a double click)', () => {
    for (const s of ['control-pending', 'controlling'] as const) expect(go(row(s), ask)).toEqual({ state: row(s), effects: [] });
  });
  it('refused: other technician, other window, request no longer assigned, before consent, after the end, during an unanswered monitor switch', () => {
    expect(refusal(() => go(row('viewing'), { ...ask, techId: 'tech2' })).code).toBe('FORBIDDEN');
    expect(refusal(() => go(row('viewing'), { ...ask, socketId: 'other' }))).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Cette session est ouverte dans une autre fenêtre.',
    });
    expect(refusal(() => go(row('viewing'), { ...ask, assigned: false }))).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Cette demande n’est plus attribuée à ce technicien.',
    });
    expect(refusal(() => go(row('consent-pending'), ask)).code).toBe('CONFLICT');
    expect(refusal(() => go(row('ended'), ask))).toMatchObject({ code: 'CONFLICT', message: 'Ce partage d’écran est terminé.' });
    expect(refusal(() => go(row('viewing', { switch_index: 2, switch_requested_at: at(T0 + 4000) }), ask)).message).toBe(
      'Le cabinet n’a pas encore répondu au changement d’écran.',
    );
    // A switch left unanswered past its 30 s + grace no longer blocks.
    expect(go(row('viewing', { switch_index: 2, switch_requested_at: at(T0) }), ask, T0 + 40_000).state.state).toBe('control-pending');
  });
  it('granted in time: controlling, kind control; granted too late: timeout, back to viewing', () => {
    const t = go(row('control-pending'), answer('granted'));
    expect(t.state).toMatchObject({
      state: 'controlling',
      kind: 'control',
      control_granted_at: at(T0 + 5000),
      control_decision: 'granted',
      consent_expires_at: null,
    });
    expect(actions(t)).toEqual(['screen.control.granted']);
    const late = go(row('control-pending'), answer('granted'), T0 + 32_000 + settings.consentGraceMs + 1);
    expect(late.state).toMatchObject({ state: 'viewing', control_decision: 'timeout' });
    expect(late.effects).toEqual([
      {
        t: 'audit',
        ev: {
          actorType: 'device',
          actorId: 'dev1',
          action: 'screen.control.refused',
          subject: 'sess1',
          data: { requestId: 'req1', decision: 'timeout' },
        },
      },
    ]);
  });
  it('granted after the request left the technician: FORBIDDEN, nothing changes', () => {
    expect(refusal(() => go(row('control-pending'), answer('granted', { assigned: false }))).code).toBe('FORBIDDEN');
  });
  it('refused, or impossible here (with why): back to viewing, the answer kept for the console', () => {
    expect(go(row('control-pending'), answer('refused')).state).toMatchObject({
      state: 'viewing',
      control_decision: 'refused',
      control_unavailable_reason: null,
    });
    const u = go(row('control-pending'), answer('unavailable', { reason: 'wayland-only' }));
    expect(u.state).toMatchObject({ state: 'viewing', control_decision: 'unavailable', control_unavailable_reason: 'wayland-only' });
    expect(u.effects[0]).toMatchObject({ ev: { data: { decision: 'unavailable', reason: 'wayland-only' } } });
  });
  it('an answer when no control consent is shown: CONFLICT', () => {
    for (const s of ALL.filter((x) => x !== 'control-pending')) expect(refusal(() => go(row(s), answer('granted'))).code).toBe('CONFLICT');
  });
});

describe('revoke', () => {
  it('the practitioner withdraws control (granted: revoked time; still shown: a refusal), the technician hands it back', () => {
    const granted = go(row('controlling'), { type: 'revoke', side: 'device', actorId: 'dev1' });
    expect(granted.state).toMatchObject({ state: 'viewing', control_revoked_at: at(T0 + 5000), control_decision: null });
    expect(granted.effects).toEqual([
      {
        t: 'audit',
        ev: {
          actorType: 'device',
          actorId: 'dev1',
          action: 'screen.control.revoked',
          subject: 'sess1',
          data: { requestId: 'req1', from: 'controlling' },
        },
      },
    ]);
    const shown = go(row('control-pending'), { type: 'revoke', side: 'device', actorId: 'dev1' });
    expect(shown.state).toMatchObject({
      state: 'viewing',
      control_revoked_at: null,
      control_decision: 'refused',
      control_answered_at: at(T0 + 5000),
    });
    const back = go(row('control-pending'), { type: 'revoke', side: 'technician', actorId: 'tech1' });
    expect(back.state).toMatchObject({ state: 'viewing', control_decision: null });
  });
  it('while viewing: nothing; before consent or after the end: CONFLICT; not a participant: FORBIDDEN', () => {
    expect(go(row('viewing'), { type: 'revoke', side: 'technician', actorId: 'tech1' }).effects).toEqual([]);
    expect(refusal(() => go(row('consent-pending'), { type: 'revoke', side: 'device', actorId: 'dev1' })).code).toBe('CONFLICT');
    expect(refusal(() => go(row('ended'), { type: 'revoke', side: 'device', actorId: 'dev1' })).code).toBe('CONFLICT');
    expect(refusal(() => go(row('controlling'), { type: 'revoke', side: 'device', actorId: 'dev2' })).code).toBe('FORBIDDEN');
  });
});

describe('monitor switch', () => {
  const switchAsk: ScreenEvent = { type: 'switch-ask', techId: 'tech1', socketId: 'tsock', index: 2, assigned: true };
  it('asked while viewing or controlling: recorded, audited, pushed; asked again while shown: the same record', () => {
    for (const s of ['viewing', 'controlling'] as const) {
      const t = go(row(s), switchAsk);
      expect(t.state).toMatchObject({ state: s, switch_index: 2, switch_requested_at: at(T0 + 5000), switch_answered_at: null });
      expect(t.effects.at(-1)).toEqual({ t: 'switch-request', index: 2, expiresAt: at(T0 + 35_000) });
      expect(go(t.state, { ...switchAsk, index: 1 }, T0 + 6000).effects).toEqual([]);
    }
    for (const s of ['consent-pending', 'control-pending', 'ended'] as const)
      expect(refusal(() => go(row(s), switchAsk)).code).toBe('CONFLICT');
    expect(refusal(() => go(row('viewing'), { ...switchAsk, socketId: 'x' })).code).toBe('FORBIDDEN');
    expect(refusal(() => go(row('viewing'), { ...switchAsk, assigned: false })).code).toBe('FORBIDDEN');
  });
  it('answered on the bound device socket: granted counts (the monitor the practitioner chose), refused keeps the asked index; a second answer: CONFLICT', () => {
    const asked = row('viewing', { switch_index: 2, switch_requested_at: at(T0 + 4000) });
    const ok = go(asked, { type: 'switch-answer', deviceId: 'dev1', socketId: 'dsock', decision: 'granted', index: 3 });
    expect(ok.state).toMatchObject({ switch_index: 3, switch_decision: 'granted', display_switches: 1, switch_answered_at: at(T0 + 5000) });
    expect(actions(ok)).toEqual(['screen.display.granted']);
    const no = go(asked, { type: 'switch-answer', deviceId: 'dev1', socketId: 'dsock', decision: 'refused' });
    expect(no.state).toMatchObject({ switch_index: 2, switch_decision: 'refused', display_switches: 0 });
    expect(refusal(() => go(ok.state, { type: 'switch-answer', deviceId: 'dev1', socketId: 'dsock', decision: 'granted' })).code).toBe(
      'CONFLICT',
    );
    expect(refusal(() => go(asked, { type: 'switch-answer', deviceId: 'dev1', socketId: 'other', decision: 'granted' }))).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Cette session est liée à une autre connexion.',
    });
  });
});

describe('end', () => {
  it('from every live or pending state: ended once, the chat line only if sharing had started, the device’s counters kept', () => {
    for (const s of ALL.filter((x) => x !== 'ended')) {
      const t = go(row(s), { type: 'end', by: 'device', actorId: 'dev1', reason: 'practitioner-stop', stats: { injected: 4, dropped: 1 } });
      expect(t.state).toMatchObject({
        state: 'ended',
        ended_by: 'device',
        end_reason: 'practitioner-stop',
        ended_at: at(T0 + 5000),
        consent_expires_at: null,
        input_injected: 4,
        input_dropped: 1,
      });
      expect(actions(t)).toEqual(s === 'consent-pending' ? ['screen.end'] : ['chat:screen.ended', 'screen.end']);
      expect(t.effects.at(-1)).toMatchObject({
        ev: { data: { from: s, reason: 'practitioner-stop', stats: { injected: 4, dropped: 1 } } },
      });
    }
  });
  it('an ended session answers the ended record, unchanged', () => {
    expect(go(row('ended'), end)).toEqual({ state: row('ended'), effects: [] });
  });
});

describe('tick (the sweep)', () => {
  const tick = (assigned = true): ScreenEvent => ({ type: 'tick', assigned });
  it('request no longer assigned: every live or pending session ends as request-closed', () => {
    for (const s of ALL.filter((x) => x !== 'ended'))
      expect(go(row(s), tick(false)).state).toMatchObject({ state: 'ended', ended_by: 'system', end_reason: 'request-closed' });
    expect(go(row('ended'), tick(false)).effects).toEqual([]);
  });
  it('consent unanswered past 30 s + grace: a view consent ends (timeout), a control consent goes back to viewing (answer: timeout, by the system)', () => {
    const late = T0 + 36_000;
    expect(go(row('consent-pending'), tick(), late).state).toMatchObject({ state: 'ended', end_reason: 'timeout', ended_by: 'system' });
    const control = go(row('control-pending'), tick(), T0 + 38_000);
    expect(control.state).toMatchObject({ state: 'viewing', control_decision: 'timeout' });
    expect(control.effects).toMatchObject([{ ev: { actorType: 'system', actorId: null, action: 'screen.control.refused' } }]);
    // Within the grace: nothing yet.
    expect(go(row('consent-pending'), tick(), T0 + 34_000).effects).toEqual([]);
  });
  it('TURN credentials past half their lifetime: fresh ones recorded, audited, pushed to both sides — only while live and with TURN', () => {
    const r = row('viewing');
    expect(go(r, tick(), T0 + 300_999).effects).toEqual([]);
    const t = go(r, tick(), T0 + 301_000);
    expect(t.state.ice_expires_at).toBe(at(T0 + 301_000 + 600_000));
    expect(t.effects).toEqual([
      {
        t: 'audit',
        ev: {
          actorType: 'system',
          actorId: null,
          action: 'screen.ice.refresh',
          subject: 'sess1',
          data: { requestId: 'req1', expiresAt: at(T0 + 901_000) },
        },
      },
      { t: 'ice-refresh' },
    ]);
    expect(go(t.state, tick(), T0 + 301_000).effects).toEqual([]);
    // A control consent asked a moment ago (still within its 30 s) does not hold the renewal back.
    expect(actions(go(row('control-pending', { consent_expires_at: at(T0 + 398_000) }), tick(), T0 + 400_000))).toEqual([
      'screen.ice.refresh',
      'ice-refresh',
    ]);
    expect(actions(go(row('controlling'), tick(), T0 + 400_000))).toEqual(['screen.ice.refresh', 'ice-refresh']);
    // Not live (consent not given yet: no credentials handed out; ended): none.
    expect(go(row('consent-pending', { ice_expires_at: at(T0) }), tick(), T0 + 20_000).effects).toEqual([]);
    expect(go(row('viewing'), tick(), T0 + 400_000, noTurn).effects).toEqual([]);
    expect(go(row('viewing', { ice_expires_at: null }), tick(), T0 + 400_000).effects).toEqual([]);
  });
  it('nothing due: nothing changes', () => {
    for (const s of ALL) expect(go(row(s), tick())).toEqual({ state: row(s), effects: [] });
  });
});

describe('changedColumns', () => {
  it('is what the UPDATE sets: only the columns the transition changed', () => {
    const r = row('consent-pending');
    expect(changedColumns(r, go(r, consent('granted')).state)).toEqual({
      state: 'viewing',
      consent_at: at(T0 + 5000),
      consent_expires_at: null,
      device_socket_id: 'dsock',
      ice_expires_at: at(T0 + 605_000),
    });
    expect(changedColumns(r, r)).toEqual({});
  });
});
