import {
  SCREEN_LIMITS,
  VigieError,
  type ScreenConsentDecision,
  type ScreenControlUnavailableReason,
  type ScreenEndedBy,
  type ScreenEndReason,
  type ScreenInputStats,
  type ScreenKind,
  type ScreenSwitchDecision,
} from '@vigie/common';
import type { ScreenSettings } from './config.js';
import { turnExpiry } from './ice.js';
import {
  conflict,
  consentExpired,
  forbidden,
  iceRefreshDue,
  isLive,
  isParticipant,
  iso,
  notAssigned,
  otherConnection,
  otherWindow,
  switchPending,
  type SessionRow,
  type Side,
} from './record.js';

/**
 * The hub's remote-screen session lifecycle as a pure function: `transition(row, event, ctx)`
 * gives the record after the event and the effects to carry out, in order, inside the same
 * transaction (chat line, audit entries — audit last, the chain's lock after every row lock) and
 * after it (pushes). A refused event throws the VigieError the participant is answered with. What
 * needs I/O (is the request still assigned to this technician?) comes in the event; the clock and
 * the settings in `ctx`. service.ts loads and locks the row, asks, writes and publishes.
 *
 *   consent-pending ─granted→ viewing ─control-ask→ control-pending ─granted→ controlling
 *        │ refused / timeout / request closed        │ refused · timeout · unavailable · revoke → viewing
 *        ▼                                           ▼ revoke / release → viewing
 *      ended ◀── end (device, technician, system: disconnect, request closed, timeout, error)
 */

export interface ScreenAuditEvent {
  actorType: 'device' | 'technician' | 'system';
  actorId: string | null;
  action: string;
  subject: string;
  data: Record<string, unknown>;
}

export type ScreenEvent =
  /** The practitioner's answer to the view consent, from the device socket that becomes bound. */
  | { type: 'consent'; deviceId: string; socketId: string; decision: ScreenConsentDecision; assigned: boolean }
  /** « Prendre la main ». */
  | { type: 'control-ask'; techId: string; socketId: string; assigned: boolean }
  /** The answer to a control consent (device), or its expiry (system). */
  | {
      type: 'control-answer';
      by: 'device' | 'system';
      actorId: string | null;
      decision: ScreenConsentDecision;
      reason: ScreenControlUnavailableReason | null;
      assigned: boolean;
    }
  /** Control withdrawn by the practitioner or handed back by the technician. */
  | { type: 'revoke'; side: Side; actorId: string }
  /** « Changer d'écran ». */
  | { type: 'switch-ask'; techId: string; socketId: string; index: number; assigned: boolean }
  | { type: 'switch-answer'; deviceId: string; socketId: string; decision: ScreenSwitchDecision; index?: number }
  | { type: 'end'; by: ScreenEndedBy; actorId: string | null; reason: ScreenEndReason; stats?: ScreenInputStats }
  /** The sweep: request no longer assigned, consent past its deadline, TURN credentials to renew. */
  | { type: 'tick'; assigned: boolean };

export type ScreenEffect =
  | { t: 'chat'; key: 'screen.started' | 'screen.ended' }
  | { t: 'audit'; ev: ScreenAuditEvent }
  /** Push the consent request (view: to the device's room; control: to the bound socket). */
  | { t: 'consent-request'; kind: ScreenKind }
  | { t: 'switch-request'; index: number; expiresAt: string }
  /** Push fresh ICE configuration (TURN credentials) to both bound sockets. */
  | { t: 'ice-refresh' };

export interface Transition {
  state: SessionRow;
  effects: ScreenEffect[];
}

export interface TransitionCtx {
  now: number;
  settings: Pick<ScreenSettings, 'consentGraceMs' | 'turn'>;
}

const same = (state: SessionRow): Transition => ({ state, effects: [] });
const audit = (
  actorType: ScreenAuditEvent['actorType'],
  actorId: string | null,
  action: string,
  r: SessionRow,
  data: Record<string, unknown>,
): ScreenEffect => ({
  t: 'audit',
  ev: { actorType, actorId, action, subject: r.id, data },
});

/** Participant of a session not ended (else FORBIDDEN / CONFLICT). */
function participant(r: SessionRow, side: Side, actorId: string): void {
  if (!isParticipant(r, side, actorId)) throw forbidden();
  if (r.state === 'ended') throw conflict(r);
}

export function transition(r: SessionRow, e: ScreenEvent, ctx: TransitionCtx): Transition {
  const { now, settings } = ctx;
  switch (e.type) {
    case 'consent': {
      participant(r, 'device', e.deviceId);
      if (r.state !== 'consent-pending') throw conflict(r);
      if (consentExpired(r, now, settings)) return end(r, { type: 'end', by: 'system', actorId: null, reason: 'timeout' }, now);
      if (e.decision !== 'granted') {
        // The refusal is audited before the end it causes (both after the row and chat writes: audit appends stay last).
        const refused = audit('device', e.deviceId, 'screen.consent.refused', r, { requestId: r.request_id, decision: e.decision });
        return end(
          { ...r, refused_at: iso(now) },
          { type: 'end', by: 'device', actorId: e.deviceId, reason: e.decision === 'timeout' ? 'timeout' : 'refused' },
          now,
          refused,
        );
      }
      if (!e.assigned) return end(r, { type: 'end', by: 'system', actorId: null, reason: 'request-closed' }, now);
      return {
        state: {
          ...r,
          state: 'viewing',
          consent_at: iso(now),
          consent_expires_at: null,
          device_socket_id: e.socketId,
          ice_expires_at: turnExpiry(settings, now),
        },
        effects: [
          { t: 'chat', key: 'screen.started' },
          audit('device', e.deviceId, 'screen.consent.granted', r, { requestId: r.request_id, technicianId: r.technician_id }),
        ],
      };
    }
    case 'control-ask': {
      participant(r, 'technician', e.techId);
      if (r.tech_socket_id !== e.socketId) throw otherWindow();
      if (!e.assigned) throw notAssigned();
      if (r.state === 'control-pending' || r.state === 'controlling') return same(r);
      if (r.state !== 'viewing') throw conflict(r);
      if (switchPending(r, now, settings))
        throw new VigieError('CONFLICT', 'Le cabinet n’a pas encore répondu au changement d’écran.', { state: r.state });
      const state: SessionRow = {
        ...r,
        state: 'control-pending',
        control_requested_at: iso(now),
        consent_expires_at: iso(now + SCREEN_LIMITS.consentTimeoutMs),
        control_decision: null,
        control_answered_at: null,
        control_unavailable_reason: null,
      };
      return {
        state,
        effects: [
          audit('technician', e.techId, 'screen.control.request', r, { requestId: r.request_id, deviceId: r.device_id }),
          { t: 'consent-request', kind: 'control' },
        ],
      };
    }
    case 'control-answer': {
      if (r.state !== 'control-pending') throw conflict(r);
      const expired = consentExpired(r, now, settings);
      if (e.decision === 'granted' && !expired) {
        if (!e.assigned) throw notAssigned();
        const at = iso(now);
        return {
          state: {
            ...r,
            state: 'controlling',
            kind: 'control',
            control_granted_at: at,
            control_revoked_at: null,
            consent_expires_at: null,
            control_decision: 'granted',
            control_answered_at: at,
            control_unavailable_reason: null,
          },
          effects: [audit(e.by, e.actorId, 'screen.control.granted', r, { requestId: r.request_id, technicianId: r.technician_id })],
        };
      }
      const answered = expired ? 'timeout' : e.decision;
      const why = answered === 'unavailable' ? e.reason : null;
      return {
        state: {
          ...r,
          state: 'viewing',
          consent_expires_at: null,
          control_decision: answered,
          control_answered_at: iso(now),
          control_unavailable_reason: why,
        },
        effects: [
          audit(e.by, e.actorId, 'screen.control.refused', r, {
            requestId: r.request_id,
            decision: answered,
            ...(why ? { reason: why } : {}),
          }),
        ],
      };
    }
    case 'revoke': {
      participant(r, e.side, e.actorId);
      if (r.state === 'viewing') return same(r);
      if (r.state !== 'controlling' && r.state !== 'control-pending') throw conflict(r);
      // The practitioner withdrawing a control consent still shown is a refusal (the console says so).
      const refusedPending = e.side === 'device' && r.state === 'control-pending';
      return {
        state: {
          ...r,
          state: 'viewing',
          control_revoked_at: r.state === 'controlling' ? iso(now) : r.control_revoked_at,
          consent_expires_at: null,
          ...(refusedPending ? { control_decision: 'refused', control_answered_at: iso(now), control_unavailable_reason: null } : {}),
        },
        effects: [audit(e.side, e.actorId, 'screen.control.revoked', r, { requestId: r.request_id, from: r.state })],
      };
    }
    case 'switch-ask': {
      participant(r, 'technician', e.techId);
      if (r.tech_socket_id !== e.socketId) throw otherWindow();
      if (!e.assigned) throw notAssigned();
      if (r.state !== 'viewing' && r.state !== 'controlling') throw conflict(r);
      // A second click while the consent is shown answers the same record.
      if (switchPending(r, now, settings)) return same(r);
      return {
        state: { ...r, switch_index: e.index, switch_requested_at: iso(now), switch_answered_at: null, switch_decision: null },
        effects: [
          audit('technician', e.techId, 'screen.display.request', r, { requestId: r.request_id, deviceId: r.device_id, index: e.index }),
          { t: 'switch-request', index: e.index, expiresAt: iso(now + SCREEN_LIMITS.consentTimeoutMs) },
        ],
      };
    }
    case 'switch-answer': {
      participant(r, 'device', e.deviceId);
      if (r.device_socket_id !== e.socketId) throw otherConnection();
      if (r.switch_requested_at === null || r.switch_answered_at !== null || !isLive(r)) throw conflict(r);
      const granted = e.decision === 'granted';
      const shown = granted ? (e.index ?? r.switch_index) : r.switch_index;
      return {
        state: {
          ...r,
          switch_answered_at: iso(now),
          switch_decision: e.decision,
          switch_index: shown,
          display_switches: (r.display_switches ?? 0) + (granted ? 1 : 0),
        },
        effects: [
          audit('device', e.deviceId, granted ? 'screen.display.granted' : 'screen.display.refused', r, {
            requestId: r.request_id,
            asked: r.switch_index,
            index: shown,
            decision: e.decision,
          }),
        ],
      };
    }
    case 'end':
      return r.state === 'ended' ? same(r) : end(r, e, now);
    case 'tick': {
      if (r.state === 'ended') return same(r);
      if (!e.assigned) return end(r, { type: 'end', by: 'system', actorId: null, reason: 'request-closed' }, now);
      if (consentExpired(r, now, settings)) {
        if (r.state === 'consent-pending') return end(r, { type: 'end', by: 'system', actorId: null, reason: 'timeout' }, now);
        return transition(
          r,
          { type: 'control-answer', by: 'system', actorId: null, decision: 'timeout', reason: null, assigned: true },
          ctx,
        );
      }
      if (iceRefreshDue(r, now, settings)) {
        const expiresAt = turnExpiry(settings, now);
        return {
          state: { ...r, ice_expires_at: expiresAt },
          effects: [audit('system', null, 'screen.ice.refresh', r, { requestId: r.request_id, expiresAt }), { t: 'ice-refresh' }],
        };
      }
      return same(r);
    }
  }
}

/** The end of a live or pending session: chat line if it had started, the cause (a refusal) audited just before the end. */
function end(r: SessionRow, e: Extract<ScreenEvent, { type: 'end' }>, now: number, cause?: ScreenEffect): Transition {
  const { by, actorId, reason, stats } = e;
  const state: SessionRow = {
    ...r,
    state: 'ended',
    ended_at: iso(now),
    ended_by: by,
    end_reason: reason,
    consent_expires_at: null,
    input_injected: stats?.injected ?? r.input_injected,
    input_dropped: stats?.dropped ?? r.input_dropped,
  };
  const effects: ScreenEffect[] = r.consent_at ? [{ t: 'chat', key: 'screen.ended' }] : [];
  if (cause) effects.push(cause);
  effects.push(
    audit(by, actorId, 'screen.end', r, {
      requestId: r.request_id,
      deviceId: r.device_id,
      technicianId: r.technician_id,
      from: r.state,
      reason,
      ...(stats ? { stats } : {}),
    }),
  );
  return { state, effects };
}

/** The columns an applied transition changed (what the UPDATE sets). */
export { changedColumns } from '../util.js';
