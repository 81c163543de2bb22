/**
 * Enrolling a device with its practice's code: attempts counted per client IP before anything is
 * read (RATE_LIMITED beyond `enroll.perMinutePerIp`); a wrong or expired code counts against the
 * IP's failures and is audited until those run out, a valid one enrolls (one NAT for a whole
 * practice still enrolls) and returns the device's token once — only its hash is kept.
 */
import { VigieError, type DeviceInfo } from '@vigie/common';
import type { HubConfig } from '../config.js';
import { clientKey, type RateLimiter } from '../limits.js';
import type { Db } from '../store/db.js';
import { newId, normalizeCode, nowIso, randomToken, sha256 } from '../util.js';
import type { AuditLog } from './audit.js';

/** Enrollment settings: rate limits per client IP and code lifetime. */
export type EnrollSettings = HubConfig['enroll'];

export interface EnrollContext {
  db: Db;
  audit: AuditLog;
  cfg: EnrollSettings;
  limiter: RateLimiter;
}

/** A token bucket allowing `n` per minute, all of them at once after a quiet minute. */
const perMinute = (n: number) => ({ ratePerSecond: n / 60, burst: Math.max(1, n) });

/** What a code entered on a device is worth at `nowMs`: no practice has it, its time ran out (or it has none), or it enrolls. */
export function codeState(
  practice: { enrollment_code_expires_at: string | null } | undefined,
  nowMs: number,
): 'unknown' | 'expired' | 'valid' {
  if (!practice) return 'unknown';
  return practice.enrollment_code_expires_at === null || Date.parse(practice.enrollment_code_expires_at) <= nowMs ? 'expired' : 'valid';
}

const tooMany = (wait: number) =>
  new VigieError('RATE_LIMITED', 'Trop d’essais d’inscription. Patientez un instant.', { retryAfterMs: wait });

/** Counts one enrollment attempt of a client IP (IPv6: its /64), before anything is read or checked. */
export async function admitEnrollment(c: EnrollContext, ip: string | null): Promise<void> {
  const wait = await c.limiter.take(`enroll-${clientKey(ip)}`, perMinute(c.cfg.perMinutePerIp));
  if (wait > 0) throw tooMany(wait);
}

export async function enroll(
  c: EnrollContext,
  code: string,
  info: DeviceInfo,
  ip: string | null,
): Promise<{ deviceId: string; token: string; practice: { id: string; name: string } }> {
  const practice = await c.db
    .selectFrom('practices')
    .select(['id', 'name', 'enrollment_code_expires_at'])
    .where('enrollment_code', '=', normalizeCode(code))
    .executeTakeFirst();
  const state = codeState(practice, Date.now());
  if (!practice || state !== 'valid') {
    const expired = state === 'expired';
    const wait = await c.limiter.take(`enroll-failed-${clientKey(ip)}`, perMinute(c.cfg.failuresPerMinutePerIp));
    if (wait > 0) throw tooMany(wait);
    await c.audit.append({
      actorType: 'device',
      action: 'device.enroll_failed',
      subject: expired ? (practice?.id ?? null) : null,
      data: { reason: expired ? 'expired code' : 'unknown code', ip },
    });
    if (expired)
      throw new VigieError('INVALID_CODE', 'Ce code d’inscription a expiré. Demandez-en un nouveau à votre prestataire.', {
        reason: 'expired',
      });
    throw new VigieError('INVALID_CODE', 'Code du cabinet inconnu.');
  }
  const token = randomToken();
  const deviceId = newId();
  await c.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('devices')
      .values({
        id: deviceId,
        practice_id: practice.id,
        name: info.name,
        os: info.os,
        os_version: info.osVersion,
        model: info.model ?? '',
        app_version: info.appVersion,
        token_hash: sha256(token),
        enrolled_at: nowIso(),
        last_seen_at: null,
        revoked_at: null,
      })
      .execute();
    await c.audit.append(
      {
        actorType: 'device',
        actorId: deviceId,
        action: 'device.enroll',
        subject: deviceId,
        data: { practiceId: practice.id, name: info.name, os: info.os, ip },
      },
      trx,
    );
  });
  return { deviceId, token, practice: { id: practice.id, name: practice.name } };
}
