import { VigieError, type BackupSummary, type Device, type DeviceInfo, type HealthReport, type HealthSummary } from '@vigie/common';
import { MemoryRateLimiter, type RateLimiter } from '../limits.js';
import type { Db } from '../store/db.js';
import { lockRow } from '../store/dialect.js';
import { nowIso, parseJson, sha256 } from '../util.js';
import type { AuditLog } from './audit.js';
import { admitEnrollment, enroll, type EnrollContext, type EnrollSettings } from './enrollment.js';
import { healthUpdate } from './health-reports.js';
import { LastSeen } from './last-seen.js';
import { createPractice, listPractices, rotateEnrollmentCode, type PracticeActor, type PracticeRecord } from './practices.js';

export type { EnrollSettings } from './enrollment.js';
export type { PracticeRecord } from './practices.js';

export interface AuthedDevice {
  id: string;
  name: string;
  practiceId: string;
  practiceName: string;
}

export type DeviceWithReport = Device & { health: HealthSummary | null; backup: BackupSummary | null; reportedAt: string | null };

/**
 * Practices, enrollment, device tokens, revocation and the latest report of each device. The entry:
 * practices and their codes (practices.ts), enrollment (enrollment.ts) and last-seen times
 * (last-seen.ts) are their own modules; tokens, revocation, reports and the fleet's rows are here.
 */
export class DeviceService {
  private readonly lastSeen: LastSeen;
  private readonly enrollment: EnrollContext;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly enrollCfg: EnrollSettings,
    /** Enrollment counters (per client IP); in memory unless a shared one is given. */
    limiter: RateLimiter = new MemoryRateLimiter(),
  ) {
    this.lastSeen = new LastSeen(db);
    this.enrollment = { db, audit, cfg: enrollCfg, limiter };
  }

  // ---------- practices (practices.ts) ----------
  createPractice(name: string, actor: PracticeActor = { type: 'cli' }, opts: { ttlHours?: number } = {}): Promise<PracticeRecord> {
    return createPractice(this.practiceContext(), name, actor, opts);
  }

  /** Replaces a practice's enrollment code (practice given by id, or by its exact name when unique): the old one stops working at once. */
  rotateEnrollmentCode(
    practice: string,
    actor: PracticeActor = { type: 'cli' },
    opts: { ttlHours?: number } = {},
  ): Promise<PracticeRecord> {
    return rotateEnrollmentCode(this.practiceContext(), practice, actor, opts);
  }

  listPractices(): Promise<Array<PracticeRecord & { devices: number }>> {
    return listPractices(this.db);
  }

  private practiceContext() {
    return { db: this.db, audit: this.audit, codeTtlHours: this.enrollCfg.codeTtlHours };
  }

  // ---------- enrollment (enrollment.ts) ----------
  /**
   * Counts one enrollment attempt of a client IP (IPv6: its /64), before anything is read or
   * checked: RATE_LIMITED beyond `enroll.perMinutePerIp`.
   */
  admitEnrollment(ip: string | null): Promise<void> {
    return admitEnrollment(this.enrollment, ip);
  }

  /**
   * Enrolls a device with a practice code; returns the token once (only its hash is kept).
   * A wrong or expired code counts against the client IP's failures; beyond
   * `enroll.failuresPerMinutePerIp` wrong codes get RATE_LIMITED (and are no longer audited one by
   * one) — but a valid code from the same IP (one NAT for a whole practice) still enrolls.
   */
  enroll(
    code: string,
    info: DeviceInfo,
    ip: string | null,
  ): Promise<{ deviceId: string; token: string; practice: { id: string; name: string } }> {
    return enroll(this.enrollment, code, info, ip);
  }

  // ---------- devices ----------
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

  /** Notes that a device was seen now; written in batches by flushSeen (one transaction for many devices). */
  markSeen(deviceId: string): void {
    this.lastSeen.mark(deviceId);
  }

  /** Writes the last-seen times noted so far, one flush at a time (last-seen.ts). */
  flushSeen(): Promise<number> {
    return this.lastSeen.flush();
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

  /** The device, or NOT_FOUND. */
  async require(deviceId: string, online: boolean): Promise<Device> {
    const device = await this.get(deviceId, online);
    if (!device) throw new VigieError('NOT_FOUND', 'Poste introuvable.');
    return device;
  }

  /** A part of a device's page a technician opens (`action`, e.g. device.health_view): the device, the look audited. */
  async viewedBy(technicianId: string, deviceId: string, action: string, online: boolean): Promise<Device> {
    const device = await this.require(deviceId, online);
    await this.audit.append({
      actorType: 'technician',
      actorId: technicianId,
      action,
      subject: deviceId,
      data: { practiceId: device.practiceId },
    });
    return device;
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
