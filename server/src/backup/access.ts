import {
  BACKUP_ACCESS_LIMITS,
  VigieError,
  type BACKUP_ACCESS_DEVICE_EVENTS,
  type BACKUP_ACCESS_TECH_EVENTS,
  type BackupAccess,
  type BackupAccessDecision,
  type BackupAccessEndReason,
  type Clock,
} from '@vigie/common';
import type { Logger } from '../logger.js';
import type { DeviceActor, TechActor } from '../services/actors.js';
import type { Services } from '../services/index.js';
import type { Handlers } from '../socket/dispatch.js';
import { rooms, type Realtime } from '../socket/realtime.js';
import { lockRow } from '../store/dialect.js';
import { changedColumns, newId, randomCode, serialRuns } from '../util.js';
import { askRefusal, liveAsk, overdue, transition, type AccessClock, type AccessEvent } from './access-lifecycle.js';
import { consentRequestOf, forbidden, iso, LIVE, newAccessRow, toBackupAccess, type AccessRow, type EndedBy } from './access-record.js';
import type { AccessDb, BackupAccessTables } from './access-schema.js';

export { toBackupAccess } from './access-record.js';

export interface BackupAccessOptions {
  services: Services;
  realtime: Realtime;
  log: Logger;
  /** Shown on the practitioner's consent (the screen settings' provider name). */
  providerName: string;
  /** Extra time the hub waits for the answer after the device's own 30 s. */
  consentGraceMs: number;
  /** How often unanswered consents and finished accesses are closed. */
  sweepIntervalMs: number;
  /** The hub's clock (tests move it). */
  now?: Clock['now'];
}

type TechCtx = { actor: TechActor };
type DeviceCtx = { actor: DeviceActor };
type AnswerEvents = Pick<typeof BACKUP_ACCESS_DEVICE_EVENTS, 'backup:access-answer' | 'backup:access-stop'>;

/**
 * A technician's access to a device's backups outside any help request, « like screen sharing »:
 * any technician may ask from the device's page; the practitioner sees who (the name the hub
 * verified) and a short code the console shows too, and answers within 30 s (else refused). A
 * granted access lasts BACKUP_ACCESS_LIMITS.grantMs at most, is usable only by the technician who
 * asked, and ends when either side ends it, when it expires, when the device goes offline or is
 * revoked. Every step is audited (backup.access.*). The device keeps its own grant and refuses any
 * call outside it (main/services/backup/access.ts): the hub's word alone never opens the backups.
 */
export class BackupAccessHub {
  readonly techHandlers: Handlers<typeof BACKUP_ACCESS_TECH_EVENTS, TechCtx>;
  readonly deviceHandlers: Handlers<AnswerEvents, DeviceCtx>;
  private readonly db: AccessDb;
  private readonly now: Clock['now'];
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly sweeps = serialRuns(() => this.sweepOnce());
  private attached = false;

  constructor(private readonly o: BackupAccessOptions) {
    this.db = o.services.db.withTables<BackupAccessTables>();
    this.now = o.now ?? Date.now;
    this.techHandlers = {
      'backup:access-request': ({ deviceId }, { actor }) => this.request(actor, deviceId),
      'backup:access-get': async ({ deviceId }, { actor }) => {
        const r = await this.db
          .selectFrom('backup_access')
          .selectAll()
          .where('device_id', '=', deviceId)
          .where('technician_id', '=', actor.id)
          .orderBy('requested_at', 'desc')
          .orderBy('id')
          .executeTakeFirst();
        return r ? toBackupAccess(await this.settle(r)) : null;
      },
      'backup:access-end': async ({ accessId }, { actor }) => {
        const r = await this.db.selectFrom('backup_access').selectAll().where('id', '=', accessId).executeTakeFirst();
        if (!r || r.technician_id !== actor.id) throw forbidden();
        return toBackupAccess(await this.end(r.id, 'technician', actor.id, 'technician-end'));
      },
    };
    this.deviceHandlers = {
      'backup:access-answer': ({ accessId, decision }, { actor }) => this.answer(actor, accessId, decision),
      'backup:access-stop': async ({ accessId, reason }, { actor }) => {
        const r = await this.db.selectFrom('backup_access').selectAll().where('id', '=', accessId).executeTakeFirst();
        if (!r || r.device_id !== actor.id) throw forbidden();
        return toBackupAccess(
          await this.end(r.id, 'device', actor.id, r.state === 'consent-pending' ? 'refused' : (reason ?? 'practitioner-stop')),
        );
      },
    };
  }

  /** Ends the accesses of a device whose last socket went away, and starts the sweep. Call once. */
  attach(): void {
    if (this.attached) return;
    this.attached = true;
    // The device is offline for the whole hub (its last socket on any node went, or its node died):
    // the node that saw it ends its accesses, once.
    this.o.realtime.onPresenceChange((c) => {
      if (c.kind !== 'device' || c.on || !c.mine) return;
      void this.endForDevice(c.id, 'disconnect').catch((e: unknown) =>
        this.o.log.error({ err: e }, 'backup access: device disconnect handling failed'),
      );
    });
    this.sweepTimer = setInterval(() => void this.sweep(), this.o.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.sweeps.settled();
  }

  /**
   * Unanswered consents past their deadline end as `timeout`, granted accesses past their end as
   * `expired`. Resolves after a sweep begun after the call (serialRuns: one going on may have read
   * the rows already).
   */
  sweep(): Promise<void> {
    return this.sweeps.run();
  }

  private async sweepOnce(): Promise<void> {
    try {
      const rows = await this.db.selectFrom('backup_access').selectAll().where('state', 'in', LIVE).execute();
      for (const r of rows) await this.settle(r);
    } catch (e) {
      this.o.log.error({ err: e }, 'backup access sweep failed');
    }
  }

  /** Ends every live access of a device (offline, revoked). */
  async endForDevice(deviceId: string, reason: BackupAccessEndReason): Promise<void> {
    const rows = await this.db
      .selectFrom('backup_access')
      .select('id')
      .where('device_id', '=', deviceId)
      .where('state', 'in', LIVE)
      .execute();
    for (const r of rows) await this.end(r.id, 'system', null, reason);
  }

  /**
   * The granted access `accessId` when `actor` may use it now (the technician who asked, granted,
   * not expired, device still authorised): what the backup relay checks before every call.
   */
  async usable(actor: TechActor, accessId: string): Promise<{ id: string; deviceId: string }> {
    const found = await this.db.selectFrom('backup_access').selectAll().where('id', '=', accessId).executeTakeFirst();
    if (!found || found.technician_id !== actor.id) throw forbidden();
    const r = await this.settle(found);
    if (r.state === 'consent-pending')
      throw new VigieError('CONFLICT', 'Le cabinet n’a pas encore autorisé cet accès.', { reason: 'not-granted' });
    if (r.state !== 'granted')
      throw new VigieError('CONFLICT', 'Cet accès aux sauvegardes est terminé.', {
        reason: r.end_reason === 'expired' ? 'expired' : 'ended',
      });
    if (!(await this.o.services.devices.isActive(r.device_id))) throw new VigieError('FORBIDDEN', 'Ce poste n’est plus autorisé.');
    return { id: r.id, deviceId: r.device_id };
  }

  /** The technician of an access (restore progress goes to them). */
  async technicianOf(accessId: string): Promise<string | null> {
    const r = await this.db.selectFrom('backup_access').select('technician_id').where('id', '=', accessId).executeTakeFirst();
    return r?.technician_id ?? null;
  }

  // ---------- technician ----------
  private async request(actor: TechActor, deviceId: string): Promise<BackupAccess> {
    // Counted first: a technician does not flood a practice with consent windows (asks of the last window, whatever came of them).
    const since = iso(this.now() - BACKUP_ACCESS_LIMITS.askWindowMs);
    const recent = await this.db
      .selectFrom('backup_access')
      .select('requested_at')
      .where('device_id', '=', deviceId)
      .where('technician_id', '=', actor.id)
      .where('requested_at', '>', since)
      .orderBy('requested_at')
      .execute();
    const mine = await this.db
      .selectFrom('backup_access')
      .select('id')
      .where('device_id', '=', deviceId)
      .where('technician_id', '=', actor.id)
      .where('state', 'in', LIVE)
      .executeTakeFirst();
    const tooMany = askRefusal(
      recent.map((r) => r.requested_at),
      !!mine,
      this.now(),
    );
    if (tooMany) throw tooMany;
    const device = await this.o.services.devices.require(deviceId, false);
    if (device.revoked) throw new VigieError('FORBIDDEN', 'Ce poste n’est plus autorisé.', { reason: 'device-revoked' });
    if (!this.o.realtime.isDeviceOnline(deviceId))
      throw new VigieError('OFFLINE', 'Le poste est hors ligne : le cabinet ne peut pas être consulté.', { reason: 'device-offline' });
    const result = await this.db.transaction().execute(async (trx) => {
      // One live access per device: its row is locked before looking (another technician on another hub node waits, then sees this one).
      await lockRow(trx, 'devices', deviceId);
      const live = await trx.selectFrom('backup_access').selectAll().where('device_id', '=', deviceId).where('state', 'in', LIVE).execute();
      // A second click: the same access (past-deadline ones are closed below, after this ask).
      const same = liveAsk(live, actor.id, this.clock());
      if (same) return { row: same, fresh: false, stale: live };
      const row = newAccessRow({ id: newId(), shortCode: randomCode(6), deviceId, tech: actor, nowMs: this.now() });
      await trx.insertInto('backup_access').values(row).execute();
      await this.o.services.audit.append(
        {
          actorType: 'technician',
          actorId: actor.id,
          action: 'backup.access.request',
          subject: deviceId,
          data: { accessId: row.id, practiceId: device.practiceId },
        },
        trx,
      );
      return { row, fresh: true, stale: live };
    });
    for (const r of result.stale) await this.settle(r);
    if (result.fresh)
      this.o.realtime.devNs.to(rooms.device(deviceId)).emit('backup:access-consent', consentRequestOf(result.row, this.o.providerName));
    this.publish(result.row);
    return toBackupAccess(result.row);
  }

  // ---------- device ----------
  private async answer(actor: DeviceActor, accessId: string, decision: BackupAccessDecision): Promise<BackupAccess> {
    const row = await this.step(accessId, { type: 'answer', deviceId: actor.id, decision });
    if (decision === 'granted' && row.state !== 'granted')
      throw new VigieError('CONFLICT', 'La demande d’accès a expiré.', { state: row.state });
    return toBackupAccess(row);
  }

  // ---------- both ----------
  private clock(): AccessClock {
    return { now: this.now(), consentGraceMs: this.o.consentGraceMs };
  }

  /** Closes an access whose deadline passed (consent unanswered: timeout; granted: expired); answers the row as it is now. */
  private async settle(r: AccessRow): Promise<AccessRow> {
    const reason = overdue(r, this.clock());
    return reason ? this.end(r.id, 'system', null, reason) : r;
  }

  /** Ends an access once (later calls answer the ended row): audit, pushes to both sides. */
  private end(accessId: string, by: EndedBy, actorId: string | null, reason: BackupAccessEndReason): Promise<AccessRow> {
    return this.step(accessId, { type: 'end', by, actorId, reason });
  }

  /**
   * One event on one access: its row locked until the transaction ends, access-lifecycle.ts's
   * decision written (the changed columns, only if nobody changed its state meanwhile; then its audit
   * entries in order), pushes to both sides after commit.
   */
  private async step(accessId: string, event: AccessEvent): Promise<AccessRow> {
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await trx.selectFrom('backup_access').selectAll().where('id', '=', accessId).forNoKeyUpdate().executeTakeFirst();
      if (!r) throw forbidden();
      const t = transition(r, event, this.clock());
      const set = changedColumns(r, t.state);
      if (Object.keys(set).length) {
        const res = await trx.updateTable('backup_access').set(set).where('id', '=', r.id).where('state', '=', r.state).executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) throw new VigieError('CONFLICT', 'L’accès aux sauvegardes a changé entre-temps.');
      }
      for (const ev of t.audit) await this.o.services.audit.append(ev, trx);
      return t.state;
    });
    this.publish(row);
    return row;
  }

  private publish(r: AccessRow): void {
    const a = toBackupAccess(r);
    this.o.realtime.techNs.to(rooms.tech(r.technician_id)).emit('backup:access-updated', a);
    this.o.realtime.devNs.to(rooms.device(r.device_id)).emit('backup:access-updated', a);
  }
}

export function createBackupAccess(o: BackupAccessOptions): BackupAccessHub {
  return new BackupAccessHub(o);
}
