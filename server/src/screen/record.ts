import type { Selectable } from 'kysely';
import {
  SCREEN_LIMITS,
  VigieError,
  type ScreenConsentDecision,
  type ScreenConsentRequest,
  type ScreenControlUnavailableReason,
  type ScreenEndedBy,
  type ScreenEndReason,
  type ScreenKind,
  type ScreenSession,
  type ScreenSessionState,
  type ScreenSwitchDecision,
} from '@vigie/common';
import { initials } from '../util.js';
import type { ScreenSettings } from './config.js';
import type { ScreenSessionTable } from './schema.js';

/**
 * The session record (`screen_sessions` row) and the pure facts read from it: its contract form,
 * the live and pending states, consent and monitor-switch deadlines, who is a participant on which
 * socket, the errors the hub answers. No I/O.
 */
export type SessionRow = Selectable<ScreenSessionTable>;

export type Side = 'device' | 'technician';
export const LIVE: readonly ScreenSessionState[] = ['viewing', 'control-pending', 'controlling'];
export const PENDING: readonly ScreenSessionState[] = ['consent-pending', 'control-pending'];

export const isLive = (r: SessionRow): boolean => LIVE.includes(r.state as ScreenSessionState);
export const iso = (ms: number): string => new Date(ms).toISOString();

export function toScreenSession(r: SessionRow): ScreenSession {
  return {
    id: r.id,
    requestId: r.request_id,
    deviceId: r.device_id,
    technician: { id: r.technician_id, displayName: r.technician_name, initials: initials(r.technician_name) },
    state: r.state as ScreenSessionState,
    kind: r.kind as ScreenKind,
    shortCode: r.short_code,
    requestedAt: r.requested_at,
    consentExpiresAt: r.consent_expires_at,
    consentAt: r.consent_at,
    refusedAt: r.refused_at,
    controlRequestedAt: r.control_requested_at,
    controlGrantedAt: r.control_granted_at,
    controlRevokedAt: r.control_revoked_at,
    endedAt: r.ended_at,
    endedBy: r.ended_by as ScreenEndedBy | null,
    endReason: r.end_reason as ScreenEndReason | null,
    displaySwitch:
      r.switch_index !== null && r.switch_requested_at !== null
        ? {
            index: r.switch_index,
            requestedAt: r.switch_requested_at,
            answeredAt: r.switch_answered_at,
            decision: r.switch_decision as ScreenSwitchDecision | null,
          }
        : null,
    displaySwitches: r.display_switches ?? 0,
    controlAnswer:
      r.control_decision !== null && r.control_answered_at !== null
        ? {
            decision: r.control_decision as ScreenConsentDecision,
            reason: (r.control_unavailable_reason as ScreenControlUnavailableReason | null) ?? null,
            at: r.control_answered_at,
          }
        : null,
  };
}

/** A new session asked by a technician on their socket: consent pending for 30 s. */
export function newSessionRow(o: {
  id: string;
  shortCode: string;
  requestId: string;
  deviceId: string;
  tech: { id: string; name: string };
  socketId: string;
  now: number;
}): SessionRow {
  return {
    id: o.id,
    request_id: o.requestId,
    device_id: o.deviceId,
    technician_id: o.tech.id,
    technician_name: o.tech.name,
    kind: 'view',
    state: 'consent-pending',
    short_code: o.shortCode,
    requested_at: iso(o.now),
    consent_expires_at: iso(o.now + SCREEN_LIMITS.consentTimeoutMs),
    consent_at: null,
    refused_at: null,
    control_requested_at: null,
    control_granted_at: null,
    control_revoked_at: null,
    ended_at: null,
    ended_by: null,
    end_reason: null,
    tech_socket_id: o.socketId,
    device_socket_id: null,
    input_injected: null,
    input_dropped: null,
    switch_index: null,
    switch_requested_at: null,
    switch_answered_at: null,
    switch_decision: null,
    display_switches: 0,
    control_decision: null,
    control_answered_at: null,
    control_unavailable_reason: null,
    ice_expires_at: null,
  };
}

type Grace = Pick<ScreenSettings, 'consentGraceMs'>;

/** A consent (view or control) past its 30 s and the hub's grace. */
export function consentExpired(r: SessionRow, now: number, s: Grace): boolean {
  if (!r.consent_expires_at || !PENDING.includes(r.state as ScreenSessionState)) return false;
  return now > Date.parse(r.consent_expires_at) + s.consentGraceMs;
}

/** A monitor switch shown on the device and not answered yet (the device refuses it by itself after 30 s). */
export function switchPending(r: SessionRow, now: number, s: Grace): boolean {
  if (r.switch_requested_at === null || r.switch_answered_at !== null) return false;
  return now <= Date.parse(r.switch_requested_at) + SCREEN_LIMITS.consentTimeoutMs + s.consentGraceMs;
}

/** Fresh TURN credentials are due once half of the handed-out ones' lifetime is gone. */
export function iceRefreshDue(r: SessionRow, now: number, s: Pick<ScreenSettings, 'turn'>): boolean {
  if (!s.turn || !r.ice_expires_at || !isLive(r)) return false;
  return now >= Date.parse(r.ice_expires_at) - (s.turn.ttlSeconds * 1000) / 2;
}

export function isParticipant(r: SessionRow, side: Side, actorId: string): boolean {
  return (side === 'device' ? r.device_id : r.technician_id) === actorId;
}

export function boundSocket(r: SessionRow, side: Side): string | null {
  return side === 'device' ? r.device_socket_id : r.tech_socket_id;
}

export function consentRequest(r: SessionRow, kind: ScreenKind, providerName: string, now: number): ScreenConsentRequest {
  const s = toScreenSession(r);
  return {
    sessionId: r.id,
    requestId: r.request_id,
    kind,
    technician: s.technician,
    providerName,
    shortCode: r.short_code,
    expiresAt: r.consent_expires_at ?? iso(now),
  };
}

export const forbidden = (): VigieError => new VigieError('FORBIDDEN', 'Ce partage d’écran ne vous concerne pas.');
export const otherConnection = (): VigieError => new VigieError('FORBIDDEN', 'Cette session est liée à une autre connexion.');
export const otherWindow = (): VigieError => new VigieError('FORBIDDEN', 'Cette session est ouverte dans une autre fenêtre.');
export const notAssigned = (): VigieError => new VigieError('FORBIDDEN', 'Cette demande n’est plus attribuée à ce technicien.');
export const conflict = (r: SessionRow): VigieError =>
  new VigieError(
    'CONFLICT',
    r.state === 'ended' ? 'Ce partage d’écran est terminé.' : 'Cette action n’est plus possible à ce stade du partage.',
    { state: r.state },
  );
