import { VigieError, type BackupSummary, type Device, type DeviceInfo, type HealthReport, type HealthSummary } from '@vigie/common';
import type { HubConfig } from '../config.js';
import { clientKey, MemoryRateLimiter, type RateLimiter } from '../limits.js';
import type { Db } from '../store/db.js';
import { lockRow } from '../store/dialect.js';
import { formatCode, newId, normalizeCode, nowIso, parseJson, randomCode, randomToken, sha256 } from '../util.js';
import type { AuditLog } from './audit.js';
import { healthUpdate } from './health-reports.js';

/** Last-seen times written per transaction (flushSeen). */
const SEEN_PER_TRANSACTION = 200;

export interface PracticeRecord {
  id: string;
  name: string;
  /** Display form, e.g. `ACDE-FG34`; accepted case/space/dash-insensitively. */
  enrollmentCode: string;
  /** The code enrolls nothing after this (ISO); `practice rotate-code` issues a new one. */
  enrollmentCodeExpiresAt: string;
}

export interface AuthedDevice {
  id: string;
  name: string;
  practiceId: string;
  practiceName: string;
}

export type DeviceWithReport = Device & { health: HealthSummary | null; backup: BackupSummary | null; reportedAt: string | null };

/** Enrollment settings: rate limits per client IP and code lifetime. */
export type EnrollSettings = HubConfig['enroll'];

/** Practices, enrollment, device tokens, revocation and the latest report of each device. */
export class DeviceService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly enrollCfg: EnrollSettings,
    /** Enrollment counters (per client IP); in memory unless a shared one is given. */
    private readonly limiter: RateLimiter = new MemoryRateLimiter(),
  ) {}

  private expiryFrom(ttlHours: number | undefined): string {
    const hours = ttlHours ?? this.enrollCfg.codeTtlHours;
    if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 366)
      throw new VigieError('BAD_REQUEST', 'Durée de validité du code invalide (en heures, au plus un an).');
    return new Date(Date.now() + hours * 3_600_000).toISOString();
  }

  /** A fresh code no practice uses (retried on the rare collision). */
  private async freshCode(): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const code = randomCode(8);
      const taken = await this.db.selectFrom('practices').select('id').where('enrollment_code', '=', code).executeTakeFirst();
      if (!taken || attempt >= 10) return code;
    }
  }

  async createPractice(
    name: string,
    actor: { type: 'cli' | 'system'; id?: string } = { type: 'cli' },
    opts: { ttlHours?: number } = {},
  ): Promise<PracticeRecord> {
    const clean = name.trim();
    if (!clean || clean.length > 200) throw new VigieError('BAD_REQUEST', 'Nom de cabinet invalide.');
    const id = newId();
    const expiresAt = this.expiryFrom(opts.ttlHours);
    const code = await this.freshCode();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('practices')
        .values({ id, name: clean, enrollment_code: code, created_at: nowIso(), enrollment_code_expires_at: expiresAt })
        .execute();
      await this.audit.append(
        {
          actorType: actor.type,
          actorId: actor.id ?? null,
          action: 'practice.create',
          subject: id,
          data: { name: clean, codeExpiresAt: expiresAt },
        },
        trx,
      );
    });
    return { id, name: clean, enrollmentCode: formatCode(code), enrollmentCodeExpiresAt: expiresAt };
  }

  /** Replaces a practice's enrollment code (practice given by id, or by its exact name when unique): the old one stops working at once. */
  async rotateEnrollmentCode(
    practice: string,
    actor: { type: 'cli' | 'system'; id?: string } = { type: 'cli' },
    opts: { ttlHours?: number } = {},
  ): Promise<PracticeRecord> {
    const expiresAt = this.expiryFrom(opts.ttlHours);
    const code = await this.freshCode();
    return this.db.transaction().execute(async (trx) => {
      const byId = await trx.selectFrom('practices').select(['id', 'name']).where('id', '=', practice).executeTakeFirst();
      const byName = byId
        ? []
        : await trx.selectFrom('practices').select(['id', 'name']).where('name', '=', practice.trim()).limit(2).execute();
      if (byName.length > 1) throw new VigieError('CONFLICT', 'Plusieurs cabinets portent ce nom : donnez son identifiant.');
      const p = byId ?? byName[0];
      if (!p) throw new VigieError('NOT_FOUND', 'Cabinet inconnu.');
      await trx
        .updateTable('practices')
        .set({ enrollment_code: code, enrollment_code_expires_at: expiresAt })
        .where('id', '=', p.id)
        .execute();
      await this.audit.append(
        {
          actorType: actor.type,
          actorId: actor.id ?? null,
          action: 'practice.rotate_code',
          subject: p.id,
          data: { codeExpiresAt: expiresAt },
        },
        trx,
      );
      return { id: p.id, name: p.name, enrollmentCode: formatCode(code), enrollmentCodeExpiresAt: expiresAt };
    });
  }

  async listPractices(): Promise<Array<PracticeRecord & { devices: number }>> {
    const rows = await this.db
      .selectFrom('practices as p')
      .leftJoin('devices as d', (j) => j.onRef('d.practice_id', '=', 'p.id').on('d.revoked_at', 'is', null))
      .select(({ fn }) => ['p.id', 'p.name', 'p.enrollment_code', 'p.enrollment_code_expires_at', fn.count<number>('d.id').as('devices')])
      .groupBy(['p.id', 'p.name', 'p.enrollment_code', 'p.enrollment_code_expires_at'])
      .orderBy('p.name')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      enrollmentCode: formatCode(r.enrollment_code),
      enrollmentCodeExpiresAt: r.enrollment_code_expires_at ?? new Date(0).toISOString(),
      devices: Number(r.devices),
    }));
  }

  /**
   * Counts one enrollment attempt of a client IP (IPv6: its /64), before anything is read or
   * checked: RATE_LIMITED beyond `enroll.perMinutePerIp`.
   */
  async admitEnrollment(ip: string | null): Promise<void> {
    const wait = await this.limiter.take(`enroll-${clientKey(ip)}`, perMinute(this.enrollCfg.perMinutePerIp));
    if (wait > 0) throw new VigieError('RATE_LIMITED', 'Trop d’essais d’inscription. Patientez un instant.', { retryAfterMs: wait });
  }

  /**
   * Enrolls a device with a practice code; returns the token once (only its hash is kept).
   * A wrong or expired code counts against the client IP's failures; beyond
   * `enroll.failuresPerMinutePerIp` wrong codes get RATE_LIMITED (and are no longer audited one by
   * one) — but a valid code from the same IP (one NAT for a whole practice) still enrolls.
   */
  async enroll(
    code: string,
    info: DeviceInfo,
    ip: string | null,
  ): Promise<{ deviceId: string; token: string; practice: { id: string; name: string } }> {
    const practice = await this.db
      .selectFrom('practices')
      .select(['id', 'name', 'enrollment_code_expires_at'])
      .where('enrollment_code', '=', normalizeCode(code))
      .executeTakeFirst();
    const expired =
      !!practice && (practice.enrollment_code_expires_at === null || Date.parse(practice.enrollment_code_expires_at) <= Date.now());
    if (!practice || expired) {
      const wait = await this.limiter.take(`enroll-failed-${clientKey(ip)}`, perMinute(this.enrollCfg.failuresPerMinutePerIp));
      if (wait > 0) throw new VigieError('RATE_LIMITED', 'Trop d’essais d’inscription. Patientez un instant.', { retryAfterMs: wait });
      await this.audit.append({
        actorType: 'device',
        action: 'device.enroll_failed',
        subject: expired ? practice.id : null,
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
    await this.db.transaction().execute(async (trx) => {
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
      await this.audit.append(
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

  /** Resolves a device token: UNAUTHORIZED when unknown, REVOKED when revoked. */
  async authenticate(token: unknown): Promise<AuthedDevice> {
    if (typeof token !== 'string' || token.length < 32 || token.length > 128)
      throw new VigieError('UNAUTHORIZED', 'Jeton d’appareil manquant ou invalide.');
    const row = await this.db
      .selectFrom('devices as d')
      .innerJoin('practices as p', 'p.id', 'd.practice_id')
      .select(['d.id', 'd.name', 'd.revoked_at', 'p.id as practiceId', 'p.name as practiceName'])
      .where('d.token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row) throw new VigieError('UNAUTHORIZED', 'Jeton d’appareil inconnu.');
    if (row.revoked_at) throw new VigieError('REVOKED', 'Cet appareil a été révoqué.');
    return { id: row.id, name: row.name, practiceId: row.practiceId, practiceName: row.practiceName };
  }

  async revoke(deviceId: string, actor: { type: 'cli' | 'technician'; id?: string } = { type: 'cli' }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('devices')
        .set({ revoked_at: nowIso() })
        .where('id', '=', deviceId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        const exists = await trx.selectFrom('devices').select('id').where('id', '=', deviceId).executeTakeFirst();
        throw exists ? new VigieError('CONFLICT', 'Appareil déjà révoqué.') : new VigieError('NOT_FOUND', 'Appareil inconnu.');
      }
      await this.audit.append({ actorType: actor.type, actorId: actor.id ?? null, action: 'device.revoke', subject: deviceId }, trx);
    });
  }

  /** Still enrolled and not revoked. */
  async isActive(deviceId: string): Promise<boolean> {
    const r = await this.db.selectFrom('devices').select('revoked_at').where('id', '=', deviceId).executeTakeFirst();
    return !!r && r.revoked_at === null;
  }

  /** Devices revoked at or after `sinceIso` (to close their sockets when another process revoked them). */
  async revokedSince(sinceIso: string): Promise<string[]> {
    const rows = await this.db.selectFrom('devices').select('id').where('revoked_at', '>=', sinceIso).execute();
    return rows.map((r) => r.id);
  }

  private seen = new Map<string, string>();

  /** Notes that a device was seen now; written in batches by flushSeen (one transaction for many devices). */
  markSeen(deviceId: string): void {
    this.seen.set(deviceId, nowIso());
  }

  /** The flush running, if any: one at a time, so an older time never lands after a newer one. */
  private seenFlush: Promise<number> = Promise.resolve(0);

  flushSeen(): Promise<number> {
    const next = this.seenFlush.catch(() => 0).then(() => this.flushSeenNow());
    this.seenFlush = next;
    return next;
  }

  private async flushSeenNow(): Promise<number> {
    if (this.seen.size === 0) return 0;
    // In id order: two hub nodes flushing the same devices (a device that moved) lock their rows in the same order.
    const batch = [...this.seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.seen = new Map();
    // In transactions of SEEN_PER_TRANSACTION, a turn of the event loop between them: thousands of
    // devices connecting at once never hold the hub's other events behind one long write.
    for (let i = 0; i < batch.length; i += SEEN_PER_TRANSACTION) {
      if (i > 0) await new Promise((r) => setImmediate(r));
      await this.db.transaction().execute(async (trx) => {
        // Never backwards: another node may have written a later time for a device that moved to it (ISO times compare as text).
        for (const [id, at] of batch.slice(i, i + SEEN_PER_TRANSACTION))
          await trx
            .updateTable('devices')
            .set({ last_seen_at: at })
            .where('id', '=', id)
            .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', at)]))
            .execute();
      });
    }
    return batch.length;
  }

  async saveReport(
    deviceId: string,
    report: { health?: HealthSummary | null; backup?: BackupSummary | null; appVersion?: string; healthReport?: HealthReport | null },
  ) {
    const reportedAt = nowIso();
    // Read and write in one transaction: reports of one device arrive concurrently (app version,
    // health, backup at every connection) and each keeps the fields the others sent.
    const { health, backup } = await this.db.transaction().execute(async (trx) => {
      // The device's row first: reports on other hub nodes wait, then read what this one wrote.
      await lockRow(trx, 'devices', deviceId);
      const prev = await trx.selectFrom('device_reports').select(['health', 'backup']).where('device_id', '=', deviceId).executeTakeFirst();
      const prevHealth = parseJson<HealthSummary>(prev?.health ?? null);
      // Fields left out keep their previous value; an explicit null clears them.
      const update = healthUpdate(report, prevHealth);
      const health = update.health !== undefined ? update.health : prevHealth;
      const backup = report.backup !== undefined ? report.backup : parseJson<BackupSummary>(prev?.backup ?? null);
      const values = {
        health: health ? JSON.stringify(health) : null,
        backup: backup ? JSON.stringify(backup) : null,
        reported_at: reportedAt,
        ...(update.report !== undefined
          ? { health_report: update.report?.json ?? null, health_report_bytes: update.report?.bytes ?? null }
          : {}),
      };
      if (prev) await trx.updateTable('device_reports').set(values).where('device_id', '=', deviceId).execute();
      else
        await trx
          .insertInto('device_reports')
          .values({ device_id: deviceId, ...values })
          .execute();
      if (report.appVersion) await trx.updateTable('devices').set({ app_version: report.appVersion }).where('id', '=', deviceId).execute();
      return { health, backup };
    });
    return { deviceId, health, backup, reportedAt, ...(report.appVersion ? { appVersion: report.appVersion } : {}) };
  }

  async list(isOnline: (deviceId: string) => boolean, filter: { includeRevoked?: boolean } = {}): Promise<DeviceWithReport[]> {
    let q = this.db
      .selectFrom('devices as d')
      .innerJoin('practices as p', 'p.id', 'd.practice_id')
      .leftJoin('device_reports as r', 'r.device_id', 'd.id')
      .select([...DEVICE_COLUMNS, 'r.health', 'r.backup', 'r.reported_at'])
      .orderBy('p.name')
      .orderBy('d.name');
    if (!filter.includeRevoked) q = q.where('d.revoked_at', 'is', null);
    const rows = await q.execute();
    return rows.map((r) => ({
      ...deviceOf(r, isOnline(r.id)),
      health: parseJson<HealthSummary>(r.health),
      backup: parseJson<BackupSummary>(r.backup),
      reportedAt: r.reported_at,
    }));
  }

  async get(deviceId: string, online: boolean): Promise<Device | null> {
    const r = await this.db
      .selectFrom('devices as d')
      .innerJoin('practices as p', 'p.id', 'd.practice_id')
      .select(DEVICE_COLUMNS)
      .where('d.id', '=', deviceId)
      .executeTakeFirst();
    return r ? deviceOf(r, online) : null;
  }
}

/** A device's own columns with its practice's name (devices as d, practices as p), read by list() and get(). */
const DEVICE_COLUMNS = [
  'd.id',
  'd.practice_id',
  'p.name as practice_name',
  'd.name',
  'd.os',
  'd.os_version',
  'd.model',
  'd.app_version',
  'd.enrolled_at',
  'd.last_seen_at',
  'd.revoked_at',
] as const;

interface DeviceRow {
  id: string;
  practice_id: string;
  practice_name: string;
  name: string;
  os: string;
  os_version: string;
  model: string;
  app_version: string;
  enrolled_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
}

const deviceOf = (r: DeviceRow, online: boolean): Device => ({
  id: r.id,
  practiceId: r.practice_id,
  practiceName: r.practice_name,
  name: r.name,
  os: r.os as Device['os'],
  osVersion: r.os_version,
  model: r.model,
  appVersion: r.app_version,
  online,
  enrolledAt: r.enrolled_at,
  lastSeenAt: r.last_seen_at,
  revoked: r.revoked_at !== null,
});

/** A token bucket allowing `n` per minute, all of them at once after a quiet minute. */
const perMinute = (n: number) => ({ ratePerSecond: n / 60, burst: Math.max(1, n) });
