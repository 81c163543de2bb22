import type { ScreenEndedBy, ScreenEndReason, ScreenPhase } from '@vigie/common';

/**
 * The practitioner side's remote-screen lifecycle as a pure function, the consent in code:
 *
 *   idle → consent-pending ─(Autoriser)→ viewing ⇄ control-pending ─(Autoriser)→ controlling
 *             │ Refuser / 30 s                 │ Refuser / 30 s / unavailable → viewing
 *             ▼                                 ▼ revoke / technician release → viewing
 *           ended ◀── Arrêter · shortcut · hub disconnect · technician end · request closed · peer error
 *
 * `transition(state, event)` gives the phase, the consent shown (view, control, or a monitor switch
 * asked during a live session) and the effects, in order, that session.ts carries out (the consent
 * window and its 30 s timer, answers to the hub, the local end, input generations). What needs I/O
 * (is it this session? can input be injected here? does that monitor exist?) comes in the event.
 */

export type Asking = 'view' | 'control' | 'switch';

export interface DeviceScreenState {
  phase: ScreenPhase;
  /** The consent on screen, if any. */
  asking: Asking | null;
}

export type Answer = 'refused' | 'timeout' | 'unavailable';

export type DeviceScreenEvent =
  /** The hub asks the view consent for session `sameSession ? current : another`. */
  | { type: 'view-asked'; sameSession: boolean }
  /** The hub asks the control consent; `possible`: input can be injected here, on a shared monitor. */
  | { type: 'control-asked'; sameSession: boolean; possible: boolean }
  /** The technician asks for monitor n; `known`: this machine has it. */
  | { type: 'switch-asked'; sameSession: boolean; known: boolean }
  /** The consent shown is refused, times out, or control turns out impossible here. */
  | { type: 'answer'; decision: Answer }
  /** The hub recorded the view consent (the session is viewing). */
  | { type: 'view-granted' }
  /** The hub's answer to the control consent: controlling, or not (expired meanwhile, refused). */
  | { type: 'control-granted'; ok: boolean }
  /** The practitioner chose a monitor on a switch consent. */
  | { type: 'switch-granted' }
  /** « Arrêter » or the global shortcut. */
  | { type: 'stop'; reason: 'practitioner-stop' | 'shortcut' }
  /** « Reprendre la main ». */
  | { type: 'revoke' }
  /** The hub says the session is back to viewing (technician released control, control consent expired); `answered`: the practitioner already answered the control consent shown. */
  | { type: 'hub-viewing'; answered: boolean }
  /** The session ended elsewhere (hub, technician, disconnect, the hub refusing the consent). */
  | { type: 'ended'; by: ScreenEndedBy; reason: ScreenEndReason }
  /** The renderer's capture or peer failed. */
  | { type: 'peer-failed' };

export type DeviceScreenEffect =
  /** Show the consent and start its 30 s. */
  | { t: 'open-consent'; kind: Asking }
  /** Forget the consent shown (its timer cancelled). */
  | { t: 'close-consent' }
  /** Tell the hub the answer to its consent request. */
  | { t: 'reply'; phase: 'view' | 'control'; decision: Answer }
  /** Refuse a request without showing anything (another session while busy; control during a monitor switch). */
  | { t: 'refuse-unasked'; phase: 'view' | 'control' }
  | { t: 'switch-reply'; decision: 'refused' | 'timeout' }
  /** Everything stops here at once: capture gate closed, input dropped, held keys released. */
  | { t: 'end'; by: ScreenEndedBy; reason: ScreenEndReason }
  /** Tell the hub the session ended here (with the input counters). */
  | { t: 'tell-end'; reason: 'practitioner-stop' | 'shortcut' | 'error' }
  | { t: 'tell-revoke' }
  /** Control ends: queued input dies with its generation, held keys and buttons are released. */
  | { t: 'leave-control' }
  | { t: 'enter-control' };

export interface DeviceTransition {
  state: DeviceScreenState;
  effects: DeviceScreenEffect[];
}

const LIVE: readonly ScreenPhase[] = ['viewing', 'control-pending', 'controlling'];
export const isLivePhase = (p: ScreenPhase): boolean => LIVE.includes(p);
const active = (p: ScreenPhase) => p !== 'idle' && p !== 'ended';

const same = (state: DeviceScreenState): DeviceTransition => ({ state, effects: [] });
const ended = (s: DeviceScreenState, by: ScreenEndedBy, reason: ScreenEndReason, then: DeviceScreenEffect[] = []): DeviceTransition => ({
  state: { phase: 'ended', asking: null },
  effects: [
    ...(s.asking ? [{ t: 'close-consent' } as const] : []),
    ...(s.phase === 'controlling' || s.phase === 'control-pending' ? [{ t: 'leave-control' } as const] : []),
    { t: 'end', by, reason },
    ...then,
  ],
});

export function transition(s: DeviceScreenState, e: DeviceScreenEvent): DeviceTransition {
  switch (e.type) {
    case 'view-asked':
      if (active(s.phase)) {
        // One session at a time: a second ask while busy is refused without bothering anyone.
        return e.sameSession ? same(s) : { state: s, effects: [{ t: 'refuse-unasked', phase: 'view' }] };
      }
      return { state: { phase: 'consent-pending', asking: 'view' }, effects: [{ t: 'open-consent', kind: 'view' }] };
    case 'control-asked':
      // Only on the session being viewed, and not while a monitor switch is asked.
      if (!e.sameSession || s.phase !== 'viewing') return same(s);
      if (s.asking) return { state: s, effects: [{ t: 'refuse-unasked', phase: 'control' }] };
      // Nothing to ask the practitioner: control cannot happen on this machine.
      if (!e.possible) return { state: s, effects: [{ t: 'reply', phase: 'control', decision: 'unavailable' }] };
      return { state: { phase: 'control-pending', asking: 'control' }, effects: [{ t: 'open-consent', kind: 'control' }] };
    case 'switch-asked':
      if (e.sameSession && s.asking === 'switch') return same(s); // already shown
      if (!e.sameSession || (s.phase !== 'viewing' && s.phase !== 'controlling') || s.asking || !e.known)
        return { state: s, effects: [{ t: 'switch-reply', decision: 'refused' }] };
      return { state: { phase: s.phase, asking: 'switch' }, effects: [{ t: 'open-consent', kind: 'switch' }] };
    case 'answer': {
      if (s.asking === 'control') {
        const phase = s.phase === 'control-pending' ? 'viewing' : s.phase;
        return {
          state: { phase, asking: null },
          effects: [{ t: 'close-consent' }, { t: 'reply', phase: 'control', decision: e.decision }],
        };
      }
      // Refused or no answer: the current monitor stays shared.
      if (s.asking === 'switch')
        return {
          state: { phase: s.phase, asking: null },
          effects: [{ t: 'close-consent' }, { t: 'switch-reply', decision: e.decision === 'timeout' ? 'timeout' : 'refused' }],
        };
      if (s.asking === 'view') {
        const decision = e.decision === 'timeout' ? 'timeout' : 'refused';
        return ended(s, 'device', decision, [{ t: 'reply', phase: 'view', decision }]);
      }
      return same(s);
    }
    case 'view-granted':
      return s.phase === 'consent-pending' ? { state: { phase: 'viewing', asking: null }, effects: [{ t: 'close-consent' }] } : same(s);
    case 'control-granted':
      if (s.phase !== 'control-pending') return same(s);
      return e.ok
        ? { state: { phase: 'controlling', asking: null }, effects: [{ t: 'close-consent' }, { t: 'enter-control' }] }
        : { state: { phase: 'viewing', asking: null }, effects: [{ t: 'close-consent' }] };
    case 'switch-granted':
      return s.asking === 'switch' ? { state: { phase: s.phase, asking: null }, effects: [{ t: 'close-consent' }] } : same(s);
    case 'stop':
      if (!active(s.phase)) return same(s);
      // « Arrêter » while the first consent is shown is a refusal.
      if (s.phase === 'consent-pending' && s.asking === 'view') return transition(s, { type: 'answer', decision: 'refused' });
      return ended(s, 'device', e.reason, [{ t: 'tell-end', reason: e.reason }]);
    case 'revoke':
      if (s.phase !== 'controlling' && s.phase !== 'control-pending') return same(s);
      return {
        state: { phase: 'viewing', asking: s.asking === 'control' ? null : s.asking },
        effects: [...(s.asking === 'control' ? [{ t: 'close-consent' } as const] : []), { t: 'leave-control' }, { t: 'tell-revoke' }],
      };
    case 'hub-viewing':
      if (s.phase === 'controlling' || (s.phase === 'control-pending' && !e.answered)) {
        return {
          state: { phase: 'viewing', asking: null },
          effects: [...(s.asking ? [{ t: 'close-consent' } as const] : []), { t: 'leave-control' }],
        };
      }
      return same(s);
    case 'ended':
      return active(s.phase) ? ended(s, e.by, e.reason) : same(s);
    case 'peer-failed':
      return isLivePhase(s.phase) ? ended(s, 'device', 'error', [{ t: 'tell-end', reason: 'error' }]) : same(s);
  }
}
