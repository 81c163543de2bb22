import type { Selectable } from 'kysely';
import {
  BACKUP_ACCESS_LIMITS,
  VigieError,
  type BACKUP_ACCESS_DEVICE_EVENTS,
  type BACKUP_ACCESS_TECH_EVENTS,
  type BackupAccess,
  type BackupAccessConsentRequest,
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
import { initials, newId, randomCode } from '../util.js';
import type { AccessDb, AccessTrx, BackupAccessTable, BackupAccessTables } from './access-schema.js';

type Row = Selectable<BackupAccessTable>;
type EndedBy = 'device' | 'technician' | 'system';

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

const LIVE = ['consent-pending', 'granted'];
const iso = (ms: number) => new Date(ms).toISOString();

export function toBackupAccess(r: Row): BackupAccess {
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
  private sweeping: Promise<void> | null = null;
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
    await this.sweeping;
  }

  /** Unanswered consents past their deadline end as `timeout`, granted accesses past their end as `expired`. */
  sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      try {
        const rows = await this.db.selectFrom('backup_access').selectAll().where('state', 'in', LIVE).execute();
        for (const r of rows) await this.settle(r);
      } catch (e) {
        this.o.log.error({ err: e }, 'backup access sweep failed');
      } finally {
        this.sweeping = null;
      }
    })();
    return this.sweeping;
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
    const live = await this.db
      .selectFrom('backup_access')
      .select('id')
      .where('device_id', '=', deviceId)
      .where('technician_id', '=', actor.id)
      .where('state', 'in', LIVE)
      .executeTakeFirst();
    if (!live && recent.length >= BACKUP_ACCESS_LIMITS.asksPerWindow) {
      const retryAfterMs = Math.max(1000, Date.parse(recent[0]!.requested_at) + BACKUP_ACCESS_LIMITS.askWindowMs - this.now());
      throw new VigieError('RATE_LIMITED', 'Trop de demandes d’accès à ce poste à la suite : patientez avant de redemander au cabinet.', {
        retryAfterMs,
        reason: 'too-many-asks',
      });
    }
    const device = await this.o.services.devices.get(deviceId, false);
    if (!device) throw new VigieError('NOT_FOUND', 'Poste introuvable.');
    if (device.revoked) throw new VigieError('FORBIDDEN', 'Ce poste n’est plus autorisé.', { reason: 'device-revoked' });
    if (!this.o.realtime.isDeviceOnline(deviceId))
      throw new VigieError('OFFLINE', 'Le poste est hors ligne : le cabinet ne peut pas être consulté.', { reason: 'device-offline' });
    const result = await this.db.transaction().execute(async (trx) => {
      // One live access per device: its row is locked before looking (another technician on another hub node waits, then sees this one).
      await lockRow(trx, 'devices', deviceId);
      const live = await trx.selectFrom('backup_access').selectAll().where('device_id', '=', deviceId).where('state', 'in', LIVE).execute();
      for (const r of live) {
        if (this.expired(r)) continue; // closed below, after this ask
        // A second click: the same access.
        if (r.technician_id === actor.id) return { row: r, fresh: false, stale: live };
        throw new VigieError('CONFLICT', 'Un autre technicien a déjà un accès en cours aux sauvegardes de ce poste.', { reason: 'busy' });
      }
      const nowMs = this.now();
      const row: Row = {
        id: newId(),
        device_id: deviceId,
        technician_id: actor.id,
        technician_name: actor.name,
        short_code: randomCode(6),
        state: 'consent-pending',
        requested_at: iso(nowMs),
        consent_expires_at: iso(nowMs + BACKUP_ACCESS_LIMITS.consentTimeoutMs),
        answered_at: null,
        decision: null,
        granted_at: null,
        expires_at: null,
        ended_at: null,
        ended_by: null,
        end_reason: null,
      };
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
    for (const r of result.stale) if (this.expired(r)) await this.settle(r);
    if (result.fresh) {
      const consent: BackupAccessConsentRequest = {
        accessId: result.row.id,
        technician: { id: actor.id, name: actor.name },
        providerName: this.o.providerName,
        shortCode: result.row.short_code,
        expiresAt: result.row.consent_expires_at!,
        grantMinutes: BACKUP_ACCESS_LIMITS.grantMs / 60_000,
      };
      this.o.realtime.devNs.to(rooms.device(deviceId)).emit('backup:access-consent', consent);
    }
    this.publish(result.row);
    return toBackupAccess(result.row);
  }

  // ---------- device ----------
  private async answer(actor: DeviceActor, accessId: string, decision: BackupAccessDecision): Promise<BackupAccess> {
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await trx.selectFrom('backup_access').selectAll().where('id', '=', accessId).forNoKeyUpdate().executeTakeFirst();
      if (!r || r.device_id !== actor.id) throw forbidden();
      if (r.state !== 'consent-pending')
        throw new VigieError('CONFLICT', 'Cette demande d’accès n’attend plus de réponse.', { state: r.state });
      const at = iso(this.now());
      if (decision === 'granted' && !this.expired(r)) {
        const set = {
          state: 'granted',
          answered_at: at,
          decision,
          granted_at: at,
          consent_expires_at: null,
          expires_at: iso(this.now() + BACKUP_ACCESS_LIMITS.grantMs),
        };
        await this.update(trx, r, set);
        await this.o.services.audit.append(
          {
            actorType: 'device',
            actorId: actor.id,
            action: 'backup.access.granted',
            subject: r.device_id,
            data: { accessId: r.id, technicianId: r.technician_id },
          },
          trx,
        );
        return { ...r, ...set };
      }
      const answered = this.expired(r) ? 'timeout' : decision;
      // The refusal is audited before the end it causes (both after the row's update: audit appends stay last).
      const refused = {
        actorType: 'device' as const,
        actorId: actor.id,
        action: 'backup.access.refused',
        subject: r.device_id,
        data: { accessId: r.id, decision: answered },
      };
      return this.endIn(
        trx,
        { ...r, answered_at: at, decision: answered },
        'device',
        actor.id,
        answered === 'granted' ? 'timeout' : answered,
        refused,
      );
    });
    this.publish(row);
    if (decision === 'granted' && row.state !== 'granted')
      throw new VigieError('CONFLICT', 'La demande d’accès a expiré.', { state: row.state });
    return toBackupAccess(row);
  }

  // ---------- both ----------
  /** Closes an access whose deadline passed (consent unanswered: timeout; granted: expired); answers the row as it is now. */
  private async settle(r: Row): Promise<Row> {
    if (!LIVE.includes(r.state) || !this.expired(r)) return r;
    return this.end(r.id, 'system', null, r.state === 'consent-pending' ? 'timeout' : 'expired');
  }

  /** Ends an access once (later calls answer the ended row): audit, pushes to both sides. */
  private async end(accessId: string, by: EndedBy, actorId: string | null, reason: BackupAccessEndReason): Promise<Row> {
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await trx.selectFrom('backup_access').selectAll().where('id', '=', accessId).forNoKeyUpdate().executeTakeFirst();
      if (!r) throw forbidden();
      if (r.state === 'ended') return r;
      return this.endIn(trx, r, by, actorId, reason);
    });
    this.publish(row);
    return row;
  }

  private async endIn(
    trx: AccessTrx,
    r: Row,
    by: EndedBy,
    actorId: string | null,
    reason: BackupAccessEndReason,
    cause?: Parameters<Services['audit']['append']>[0],
  ): Promise<Row> {
    const set = {
      state: 'ended',
      ended_at: iso(this.now()),
      ended_by: by,
      end_reason: reason,
      consent_expires_at: null,
      answered_at: r.answered_at,
      decision: r.decision,
    };
    await this.update(trx, r, set);
    if (cause) await this.o.services.audit.append(cause, trx);
    await this.o.services.audit.append(
      {
        actorType: by,
        actorId,
        action: 'backup.access.end',
        subject: r.device_id,
        data: { accessId: r.id, technicianId: r.technician_id, from: r.state, reason },
      },
      trx,
    );
    return { ...r, ...set };
  }

  private async update(trx: AccessTrx, r: Row, set: Partial<Row>): Promise<void> {
    const res = await trx.updateTable('backup_access').set(set).where('id', '=', r.id).where('state', '=', r.state).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new VigieError('CONFLICT', 'L’accès aux sauvegardes a changé entre-temps.');
  }

  private expired(r: Row): boolean {
    const now = this.now();
    if (r.state === 'consent-pending') return !!r.consent_expires_at && now > Date.parse(r.consent_expires_at) + this.o.consentGraceMs;
    if (r.state === 'granted') return !!r.expires_at && now >= Date.parse(r.expires_at);
    return false;
  }

  private publish(r: Row): void {
    const a = toBackupAccess(r);
    this.o.realtime.techNs.to(rooms.tech(r.technician_id)).emit('backup:access-updated', a);
    this.o.realtime.devNs.to(rooms.device(r.device_id)).emit('backup:access-updated', a);
  }
}

const forbidden = () => new VigieError('FORBIDDEN', 'Cet accès aux sauvegardes ne vous concerne pas.');

export function createBackupAccess(o: BackupAccessOptions): BackupAccessHub {
  return new BackupAccessHub(o);
}
