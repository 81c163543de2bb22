/**
 * A backup access's lifecycle as pure decisions (consent-pending → granted → ended): the
 * practitioner's answer, an end by either side or the system, the deadlines (an unanswered consent
 * times out after the device's 30 s and the hub's grace; a granted access expires), which live
 * access a technician's ask meets, and how often one technician may ask one device. Each decision
 * returns the row after it and the audit entries to append, in order, after the row's update.
 * Table-tested in access-lifecycle.test.ts; access.test.ts runs them through the real hub.
 */
import { BACKUP_ACCESS_LIMITS, VigieError, type BackupAccessDecision, type BackupAccessEndReason } from '@vigie/common';
import type { AuditEvent } from '../services/audit.js';
import { forbidden, iso, LIVE, type AccessRow, type EndedBy } from './access-record.js';

export interface AccessClock {
  now: number;
  /** Extra time the hub waits for the answer after the device's own 30 s. */
  consentGraceMs: number;
}

export type AccessEvent =
  | { type: 'answer'; deviceId: string; decision: BackupAccessDecision }
  | { type: 'end'; by: EndedBy; actorId: string | null; reason: BackupAccessEndReason };

export interface AccessTransition {
  state: AccessRow;
  /** Appended in this order, after the row's update. */
  audit: AuditEvent[];
}

/** Whether the access's deadline passed: consent unanswered past the grace, or a grant past its end. */
export function expired(r: AccessRow, c: AccessClock): boolean {
  if (r.state === 'consent-pending') return !!r.consent_expires_at && c.now > Date.parse(r.consent_expires_at) + c.consentGraceMs;
  if (r.state === 'granted') return !!r.expires_at && c.now >= Date.parse(r.expires_at);
  return false;
}

/** How a live access whose deadline passed ends (unanswered: `timeout`; granted: `expired`), or null when it goes on. */
export function overdue(r: AccessRow, c: AccessClock): 'timeout' | 'expired' | null {
  if (!LIVE.includes(r.state) || !expired(r, c)) return null;
  return r.state === 'consent-pending' ? 'timeout' : 'expired';
}

function ended(r: AccessRow, e: Extract<AccessEvent, { type: 'end' }>, c: AccessClock, cause: AuditEvent[] = []): AccessTransition {
  const state: AccessRow = {
    ...r,
    state: 'ended',
    ended_at: iso(c.now),
    ended_by: e.by,
    end_reason: e.reason,
    consent_expires_at: null,
  };
  const end: AuditEvent = {
    actorType: e.by,
    actorId: e.actorId,
    action: 'backup.access.end',
    subject: r.device_id,
    data: { accessId: r.id, technicianId: r.technician_id, from: r.state, reason: e.reason },
  };
  return { state, audit: [...cause, end] };
}

export function transition(r: AccessRow, e: AccessEvent, c: AccessClock): AccessTransition {
  if (e.type === 'end') return r.state === 'ended' ? { state: r, audit: [] } : ended(r, e, c);
  if (r.device_id !== e.deviceId) throw forbidden();
  if (r.state !== 'consent-pending')
    throw new VigieError('CONFLICT', 'Cette demande d’accès n’attend plus de réponse.', { state: r.state });
  const at = iso(c.now);
  if (e.decision === 'granted' && !expired(r, c)) {
    const state: AccessRow = {
      ...r,
      state: 'granted',
      answered_at: at,
      decision: e.decision,
      granted_at: at,
      consent_expires_at: null,
      expires_at: iso(c.now + BACKUP_ACCESS_LIMITS.grantMs),
    };
    const granted: AuditEvent = {
      actorType: 'device',
      actorId: e.deviceId,
      action: 'backup.access.granted',
      subject: r.device_id,
      data: { accessId: r.id, technicianId: r.technician_id },
    };
    return { state, audit: [granted] };
  }
  const answered = expired(r, c) ? 'timeout' : e.decision;
  // The refusal is audited before the end it causes.
  const refused: AuditEvent = {
    actorType: 'device',
    actorId: e.deviceId,
    action: 'backup.access.refused',
    subject: r.device_id,
    data: { accessId: r.id, decision: answered },
  };
  const reason = answered === 'granted' ? 'timeout' : answered;
  return ended({ ...r, answered_at: at, decision: answered }, { type: 'end', by: 'device', actorId: e.deviceId, reason }, c, [refused]);
}

/**
 * What a technician's ask meets among the device's live accesses: none (a new one is asked), their
 * own (a second click: the same access), or another technician's (CONFLICT busy). Accesses past
 * their deadline are passed over (closed after the ask).
 */
export function liveAsk(live: AccessRow[], technicianId: string, c: AccessClock): AccessRow | null {
  for (const r of live) {
    if (expired(r, c)) continue;
    if (r.technician_id === technicianId) return r;
    throw new VigieError('CONFLICT', 'Un autre technicien a déjà un accès en cours aux sauvegardes de ce poste.', { reason: 'busy' });
  }
  return null;
}

/**
 * A technician asks one device at most BACKUP_ACCESS_LIMITS.asksPerWindow times per window (whatever
 * came of the asks; `recent`: their times in the window, oldest first), unless an access of theirs is
 * live: RATE_LIMITED until the oldest leaves the window (a second at least), else null.
 */
export function askRefusal(recent: string[], hasLive: boolean, nowMs: number): VigieError | null {
  const oldest = recent[0];
  if (hasLive || oldest === undefined || recent.length < BACKUP_ACCESS_LIMITS.asksPerWindow) return null;
  const retryAfterMs = Math.max(1000, Date.parse(oldest) + BACKUP_ACCESS_LIMITS.askWindowMs - nowMs);
  return new VigieError('RATE_LIMITED', 'Trop de demandes d’accès à ce poste à la suite : patientez avant de redemander au cabinet.', {
    retryAfterMs,
    reason: 'too-many-asks',
  });
}
