import { randomUUID } from 'node:crypto';
import {
  TripwireAlert,
  VigieError,
  type HelpRequest,
  type TRIPWIRE_DEVICE_EVENTS,
  type TRIPWIRE_TECH_EVENTS,
  type TripwireAlertRecord,
} from '@vigie/common';
import type { Logger } from '../logger.js';
import { isPrivileged, type DeviceActor, type TechActor } from '../services/actors.js';
import type { Services } from '../services/index.js';
import type { Handlers } from '../socket/dispatch.js';
import { rooms, type Realtime } from '../socket/realtime.js';
import type { Executor } from '../store/db.js';
import { lockRow } from '../store/dialect.js';
import { nowIso } from '../util.js';
import type { TripwireAlertTable } from '../store/schema.js';

/**
 * The hub's part of the ransomware tripwire (issue 12, part 2). Wiring: the device and tech
 * handlers merged into the namespaces (socket/device.ts, socket/tech.ts), the tables in the hub's
 * migration `tripwire_0001_alerts`.
 *
 * A device's alert opens an urgent help request — or raises the device's open one — at the top of
 * the queue (help_requests.urgent, ordered first by HelpService.listOpen), stores the evidence
 * (tripwire_alerts, one row per device and alert id: the same id again is more evidence, never a
 * second request) and audits it. Technicians who may see the request read the evidence
 * (`tripwire:get`, audited); the technician holding the request (or a supervisor) lifts it
 * (`tripwire:lift`, audited), which the device hears (`tripwire:lifted`) — also in the answer to
 * its next `tripwire:alert` if it was offline then.
 */

export interface TripwireHubOptions {
  services: Services;
  realtime: Realtime;
  log: Logger;
  /** The support's phone number (hub settings), given to devices for the practitioner's alert. */
  phone: () => Promise<string | null>;
  /** Alerts a device may have standing at once (a device cannot fill the database with ids). */
  maxOpenPerDevice?: number;
  /** New evidence on one alert is audited at most this often (the row itself always holds the latest). */
  evidenceAuditMs?: number;
}

type DeviceCtx = { actor: DeviceActor };
type TechCtx = { actor: TechActor };

/** An alert's row with the name of who lifted it. */
type Row = TripwireAlertTable & { lifted_by_name: string | null };

function toRecord(r: Row): TripwireAlertRecord | null {
  let alert: TripwireAlert;
  try {
    alert = TripwireAlert.parse(JSON.parse(r.alert));
  } catch {
    return null;
  }
  return {
    alert,
    deviceId: r.device_id,
    requestId: r.request_id,
    receivedAt: r.received_at,
    updatedAt: r.updated_at,
    status: r.lifted_at ? 'lifted' : 'open',
    liftedAt: r.lifted_at,
    liftedBy: r.lifted_by ? (r.lifted_by_name ?? r.lifted_by) : null,
  };
}

const selectAlerts = (ex: Executor) =>
  ex
    .selectFrom('tripwire_alerts as a')
    .leftJoin('technicians as t', 't.id', 'a.lifted_by')
    .select([
      'a.device_id',
      'a.alert_id',
      'a.request_id',
      'a.alert',
      'a.received_at',
      'a.updated_at',
      'a.lifted_at',
      'a.lifted_by',
      't.display_name as lifted_by_name',
    ]);

export class TripwireHub {
  readonly deviceHandlers: Handlers<typeof TRIPWIRE_DEVICE_EVENTS, DeviceCtx>;
  readonly techHandlers: Handlers<typeof TRIPWIRE_TECH_EVENTS, TechCtx>;
  /** When each alert's evidence was last audited (a device sending changes in a loop adds one audit row a minute, not one per event). */
  private readonly audited = new Map<string, number>();

  constructor(private readonly o: TripwireHubOptions) {
    this.deviceHandlers = {
      'tripwire:alert': async ({ alert }, { actor }) => this.receive(actor, alert),
      'tripwire:config': async () => ({ supportPhone: await o.phone() }),
    };
    this.techHandlers = {
      'tripwire:get': async ({ requestId }, { actor }) => this.list(actor, requestId),
      'tripwire:lift': async ({ requestId, alertId }, { actor }) => this.lift(actor, requestId, alertId),
    };
  }

  private get db() {
    return this.o.services.db;
  }

  private async row(deviceId: string, alertId: string, ex: Executor = this.db): Promise<Row | undefined> {
    return selectAlerts(ex).where('a.device_id', '=', deviceId).where('a.alert_id', '=', alertId).executeTakeFirst();
  }

  /** An alert from a device: new → urgent request and evidence; known → more evidence; lifted → say so. */
  async receive(actor: DeviceActor, alert: TripwireAlert): Promise<{ requestId: string; lifted: boolean }> {
    const known = await this.row(actor.id, alert.id);
    if (known) {
      if (known.lifted_at) return { requestId: known.request_id, lifted: true };
      if (known.alert !== JSON.stringify(alert)) await this.update(actor, known, alert);
      return { requestId: known.request_id, lifted: false };
    }
    // Counted before anything is created: a device cannot open alerts without bound.
    await this.admitNew(actor.id);
    const request = await this.urgentRequest(actor);
    const at = nowIso();
    let raced = false;
    await this.db.transaction().execute(async (trx) => {
      // The device's row first: the same alert (or one more) arriving on another hub node waits, then is seen.
      await lockRow(trx, 'devices', actor.id);
      const again = await this.row(actor.id, alert.id, trx);
      if (again) {
        raced = true;
        return;
      }
      await this.admitNew(actor.id, trx);
      await trx
        .insertInto('tripwire_alerts')
        .values({
          device_id: actor.id,
          alert_id: alert.id,
          request_id: request.id,
          alert: JSON.stringify(alert),
          received_at: at,
          updated_at: at,
          lifted_at: null,
          lifted_by: null,
        })
        .execute();
      await trx.updateTable('help_requests').set({ urgent: 1 }).where('id', '=', request.id).execute();
      await this.o.services.audit.append(
        {
          actorType: 'device',
          actorId: actor.id,
          action: 'tripwire.alert',
          subject: request.id,
          data: { alertId: alert.id, reasons: alert.reasons, fileCount: alert.fileCount, practiceId: actor.practiceId },
        },
        trx,
      );
    });
    if (raced) return this.receive(actor, alert);
    this.o.log.warn(
      { deviceId: actor.id, requestId: request.id, alertId: alert.id, reasons: alert.reasons, files: alert.fileCount },
      'tripwire alert: urgent request',
    );
    const fresh = await this.o.services.help.getById(request.id);
    if (fresh) this.o.realtime.requestChanged(fresh);
    await this.pushRecord(actor.id, alert.id);
    return { requestId: request.id, lifted: false };
  }

  /** A device cannot open alerts without bound: at most `maxOpenPerDevice` not lifted. */
  private async admitNew(deviceId: string, ex: Executor = this.db): Promise<void> {
    const open = await ex
      .selectFrom('tripwire_alerts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('device_id', '=', deviceId)
      .where('lifted_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(open.n) >= (this.o.maxOpenPerDevice ?? 5))
      throw new VigieError('RATE_LIMITED', 'Trop d’alertes en cours pour ce poste : une alerte doit d’abord être levée.');
  }

  /** The device's open request, or a new one (topic « sécurité », context from what the hub knows of the device). */
  private async urgentRequest(actor: DeviceActor): Promise<HelpRequest> {
    const help = this.o.services.help;
    const open = await help.openForDevice(actor.id);
    if (open) return open;
    const device = await this.o.services.devices.require(actor.id, true);
    const { request } = await help.create(actor, {
      clientId: randomUUID(),
      topic: 'security',
      description: null,
      context: {
        os: device.os,
        osVersion: device.osVersion.slice(0, 100),
        appVersion: device.appVersion.slice(0, 40),
        model: device.model.slice(0, 100),
      },
    });
    return request;
  }

  private async update(actor: DeviceActor, row: Row, alert: TripwireAlert): Promise<void> {
    const key = `${actor.id}\0${alert.id}`;
    const now = Date.now();
    const audit = now - (this.audited.get(key) ?? 0) >= (this.o.evidenceAuditMs ?? 60_000);
    if (audit) {
      if (this.audited.size >= 10_000) this.audited.clear();
      this.audited.set(key, now);
    }
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('tripwire_alerts')
        .set({ alert: JSON.stringify(alert), updated_at: nowIso() })
        .where('device_id', '=', actor.id)
        .where('alert_id', '=', alert.id)
        .where('lifted_at', 'is', null)
        .execute();
      if (!audit) return;
      await this.o.services.audit.append(
        {
          actorType: 'device',
          actorId: actor.id,
          action: 'tripwire.evidence',
          subject: row.request_id,
          data: { alertId: alert.id, reasons: alert.reasons, fileCount: alert.fileCount },
        },
        trx,
      );
    });
    await this.pushRecord(actor.id, alert.id);
  }

  /** Technicians following the request see the evidence change. */
  private async pushRecord(deviceId: string, alertId: string): Promise<void> {
    const row = await this.row(deviceId, alertId);
    const rec = row ? toRecord(row) : null;
    if (rec) this.o.realtime.techNs.to(rooms.request(rec.requestId)).emit('tripwire:alert', rec);
  }

  /** The alerts of a request, newest first, for a technician who may see the request (audited). */
  async list(actor: TechActor, requestId: string): Promise<TripwireAlertRecord[]> {
    const r = await this.o.services.help.getForView(actor, requestId);
    const rows = await selectAlerts(this.db).where('a.request_id', '=', r.id).orderBy('a.received_at', 'desc').execute();
    await this.o.services.audit.append({
      actorType: 'technician',
      actorId: actor.id,
      action: 'tripwire.view',
      subject: r.id,
      data: { deviceId: r.deviceId, practiceId: r.practiceId, alerts: rows.length },
    });
    return rows.map(toRecord).filter((x): x is TripwireAlertRecord => x !== null);
  }

  /**
   * The machine is clean: the technician holding the request (or a supervisor/admin) lifts the
   * alert. The device hears it; the request stays urgent while another alert of it stands.
   */
  async lift(actor: TechActor, requestId: string, alertId: string): Promise<TripwireAlertRecord> {
    const r = await this.o.services.help.getById(requestId);
    if (!r) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
    if (!isPrivileged(actor) && r.technician?.id !== actor.id)
      throw new VigieError('FORBIDDEN', 'Cette demande ne vous est pas attribuée.');
    const at = nowIso();
    const changed = await this.db.transaction().execute(async (trx) => {
      // The request's row first: an alert raised on it meanwhile (another hub node) is seen before « urgent » is cleared.
      await lockRow(trx, 'help_requests', r.id);
      const res = await trx
        .updateTable('tripwire_alerts')
        .set({ lifted_at: at, lifted_by: actor.id })
        .where('request_id', '=', r.id)
        .where('alert_id', '=', alertId)
        .where('lifted_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        const exists = await trx
          .selectFrom('tripwire_alerts')
          .select('alert_id')
          .where('request_id', '=', r.id)
          .where('alert_id', '=', alertId)
          .executeTakeFirst();
        throw exists ? new VigieError('CONFLICT', 'Cette alerte est déjà levée.') : new VigieError('NOT_FOUND', 'Alerte introuvable.');
      }
      const still = await trx
        .selectFrom('tripwire_alerts')
        .select('alert_id')
        .where('request_id', '=', r.id)
        .where('lifted_at', 'is', null)
        .executeTakeFirst();
      if (!still) await trx.updateTable('help_requests').set({ urgent: 0 }).where('id', '=', r.id).execute();
      await this.o.services.audit.append(
        {
          actorType: 'technician',
          actorId: actor.id,
          action: 'tripwire.lift',
          subject: r.id,
          data: { alertId, deviceId: r.deviceId, practiceId: r.practiceId },
        },
        trx,
      );
      return !still;
    });
    this.o.realtime.devNs.to(rooms.device(r.deviceId)).emit('tripwire:lifted', { alertId });
    if (changed) {
      const fresh = await this.o.services.help.getById(r.id);
      if (fresh) this.o.realtime.requestChanged(fresh);
    }
    const row = await this.row(r.deviceId, alertId);
    const rec = row ? toRecord(row) : null;
    if (!rec) throw new VigieError('INTERNAL', 'Alerte illisible.');
    this.o.realtime.techNs.to(rooms.request(r.id)).emit('tripwire:alert', rec);
    return rec;
  }
}

export function createTripwireHub(o: TripwireHubOptions): TripwireHub {
  return new TripwireHub(o);
}
