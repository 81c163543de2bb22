/**
 * A backup access as stored (`backup_access` row) and as the contract shows it: a new row waiting
 * for consent, the consent request the practitioner sees, the live states, the error a stranger to
 * the access gets. No I/O.
 */
import type { Selectable } from 'kysely';
import {
  BACKUP_ACCESS_LIMITS,
  VigieError,
  type BackupAccess,
  type BackupAccessConsentRequest,
  type BackupAccessEndReason,
} from '@vigie/common';
import { initials } from '../util.js';
import type { BackupAccessTable } from './access-schema.js';

export type AccessRow = Selectable<BackupAccessTable>;
export type EndedBy = 'device' | 'technician' | 'system';

/** States of an access not ended yet. */
export const LIVE = ['consent-pending', 'granted'];
export const iso = (ms: number): string => new Date(ms).toISOString();

export const forbidden = (): VigieError => new VigieError('FORBIDDEN', 'Cet accès aux sauvegardes ne vous concerne pas.');

export function toBackupAccess(r: AccessRow): BackupAccess {
  return {
    id: r.id,
    deviceId: r.device_id,
    technician: { id: r.technician_id, displayName: r.technician_name, initials: initials(r.technician_name) },
    state: r.state as BackupAccess['state'],
    shortCode: r.short_code,
    requestedAt: r.requested_at,
    consentExpiresAt: r.consent_expires_at,
    grantedAt: r.granted_at,
    expiresAt: r.expires_at,
    endedAt: r.ended_at,
    endedBy: r.ended_by as EndedBy | null,
    endReason: r.end_reason as BackupAccessEndReason | null,
  };
}

/** A technician's ask, waiting for the practitioner's consent until BACKUP_ACCESS_LIMITS.consentTimeoutMs from `nowMs`. */
export function newAccessRow(o: {
  id: string;
  shortCode: string;
  deviceId: string;
  tech: { id: string; name: string };
  nowMs: number;
}): AccessRow {
  return {
    id: o.id,
    device_id: o.deviceId,
    technician_id: o.tech.id,
    technician_name: o.tech.name,
    short_code: o.shortCode,
    state: 'consent-pending',
    requested_at: iso(o.nowMs),
    consent_expires_at: iso(o.nowMs + BACKUP_ACCESS_LIMITS.consentTimeoutMs),
    answered_at: null,
    decision: null,
    granted_at: null,
    expires_at: null,
    ended_at: null,
    ended_by: null,
    end_reason: null,
  };
}

/** What the practitioner's consent window shows: who asks (the name the hub verified), the short code, until when, for how long. */
export function consentRequestOf(r: AccessRow, providerName: string): BackupAccessConsentRequest {
  return {
    accessId: r.id,
    technician: { id: r.technician_id, name: r.technician_name },
    providerName,
    shortCode: r.short_code,
    expiresAt: r.consent_expires_at!,
    grantMinutes: BACKUP_ACCESS_LIMITS.grantMs / 60_000,
  };
}
