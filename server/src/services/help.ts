import { randomUUID } from 'node:crypto';
import {
  VigieError,
  type ChatMessage,
  type ContextSnapshot,
  type HelpRequest,
  type HelpStatus,
  type HelpTopic,
  type QueuePosition,
  type SupportStatus,
  type WaitKey,
  SLA,
  systemMessage,
  type Clock,
} from '@vigie/common';
import type { HubConfig } from '../config.js';
import type { Db, Executor, Tx } from '../store/db.js';
import { isUniqueViolation, lockRow } from '../store/dialect.js';
import { initials, newId, parseJson } from '../util.js';
import type { AuditLog } from './audit.js';
import { isPrivileged, type Actor, type DeviceActor, type TechActor } from './actors.js';
import { insertMessage } from './chat.js';

const OPEN: HelpStatus[] = ['waiting', 'assigned'];

/** Recent pickup times: their median (null when none was recorded) and how many it is taken over. */
export interface PickupStats {
  medianSeconds: number | null;
  samples: number;
}

/** The facts a wait message is built from (WaitMessage in the contract). */
export interface WaitFacts {
  /** The hub's clock. */
  nowMs: number;
  pickup: PickupStats;
  /** Technicians connected and not on a break. */
  techniciansAvailable: number;
  /** Support settings and whether it is open now. */
  support: SupportStatus;
}

/** System lines of a request's chat: message keys with their parameters (each UI writes them in its language), French text for older clients. */
export const SYSTEM_TEXT = {
  accepted: (name: string) => systemMessage('help.accepted', { name }),
  resolved: (note: string) => systemMessage('help.resolved', { note }),
  cancelled: () => systemMessage('help.cancelled'),
  released: () => systemMessage('help.released'),
  reassigned: (name: string) => systemMessage('help.reassigned', { name }),
} as const;

export interface HelpChange {
  request: HelpRequest;
  /** System message written with this change, to push to both sides. */
  message: ChatMessage | null;
  /** Technician who held the request before (release/reassign), to remove from its room. */
  previousTechnicianId: string | null;
}

type Row = {
  id: string;
  client_id: string;
  device_id: string;
  device_name: string;
  practice_id: string;
  practice_name: string;
  status: string;
  topic: string | null;
  description: string | null;
  context: string | null;
  created_at: string;
  assigned_at: string | null;
  closed_at: string | null;
  technician_id: string | null;
  technician_name: string | null;
  resolution_note: string | null;
  urgent: number;
};

function toRequest(r: Row): HelpRequest {
  return {
    id: r.id,
    clientId: r.client_id,
    deviceId: r.device_id,
    deviceName: r.device_name,
    practiceId: r.practice_id,
    practiceName: r.practice_name,
    status: r.status as HelpStatus,
    topic: r.topic as HelpTopic | null,
    description: r.description,
    context: parseJson<ContextSnapshot>(r.context),
    createdAt: r.created_at,
    assignedAt: r.assigned_at,
    closedAt: r.closed_at,
    technician:
      r.technician_id && r.technician_name
        ? { id: r.technician_id, displayName: r.technician_name, initials: initials(r.technician_name) }
        : null,
    resolutionNote: r.resolution_note,
    ...(r.urgent ? { urgent: true } : {}),
  };
}

function selectRequests(ex: Executor) {
  return ex
    .selectFrom('help_requests as h')
    .innerJoin('devices as d', 'd.id', 'h.device_id')
    .innerJoin('practices as p', 'p.id', 'd.practice_id')
    .leftJoin('technicians as t', 't.id', 'h.technician_id')
    .select([
      'h.id',
      'h.client_id',
      'h.device_id',
      'd.name as device_name',
      'p.id as practice_id',
      'p.name as practice_name',
      'h.status',
      'h.topic',
      'h.description',
      'h.context',
      'h.created_at',
      'h.assigned_at',
      'h.closed_at',
      'h.technician_id',
      't.display_name as technician_name',
      'h.resolution_note',
      'h.urgent',
    ]);
}

/** Help requests: the queue (waiting → assigned → resolved | cancelled), ETAs and who may see what. */
export class HelpService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly cfg: HubConfig['eta'],
    /** The hub's clock: requests' times (creation, pickup, closing) and waits are read on it. */
    private readonly now: Clock['now'] = Date.now,
  ) {}

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  async getById(id: string, ex: Executor = this.db): Promise<HelpRequest | null> {
    const r = await selectRequests(ex).where('h.id', '=', id).executeTakeFirst();
    return r ? toRequest(r) : null;
  }

  private async mustGet(id: string, ex: Executor): Promise<HelpRequest> {
    const r = await this.getById(id, ex);
    if (!r) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
    return r;
  }

  /** Read access: a device its own requests; a technician waiting ones and its own; supervisors all. */
  async getForView(actor: Actor, requestId: string, ex: Executor = this.db): Promise<HelpRequest> {
    const r = await this.mustGet(requestId, ex);
    if (!canView(actor, r)) throw new VigieError('FORBIDDEN', 'Vous n’avez pas accès à cette demande.');
    return r;
  }

  /** Write access (chat, receipts): the device on its own open request, the assigned technician on theirs. */
  async getForAct(actor: Actor, requestId: string, ex: Executor = this.db): Promise<HelpRequest> {
    const r = await this.mustGet(requestId, ex);
    if (actor.kind === 'device') {
      if (r.deviceId !== actor.id) throw new VigieError('FORBIDDEN', 'Vous n’avez pas accès à cette demande.');
    } else if (r.technician?.id !== actor.id) {
      throw new VigieError('FORBIDDEN', 'Cette demande ne vous est pas attribuée.');
    }
    return r;
  }

  async openForDevice(deviceId: string, ex: Executor = this.db): Promise<HelpRequest | null> {
    const r = await selectRequests(ex)
      .where('h.device_id', '=', deviceId)
      .where('h.status', 'in', OPEN)
      .orderBy('h.created_at')
      .executeTakeFirst();
    return r ? toRequest(r) : null;
  }

  async create(
    device: DeviceActor,
    input: { clientId: string; topic: HelpTopic | null; description: string | null; context: ContextSnapshot },
  ): Promise<{ request: HelpRequest; created: boolean }> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        // One open request per device, one request per client id: the device's row first, so a
        // resend racing its original (or a second request) on another hub node sees the first one.
        await lockRow(trx, 'devices', device.id);
        const same = await trx
          .selectFrom('help_requests')
          .select(['id', 'device_id'])
          .where('client_id', '=', input.clientId)
          .executeTakeFirst();
        if (same) {
          if (same.device_id !== device.id) throw new VigieError('CONFLICT', 'Identifiant de demande déjà utilisé.');
          return { request: await this.mustGet(same.id, trx), created: false };
        }
        const open = await this.openForDevice(device.id, trx);
        if (open) return { request: open, created: false };
        const id = newId();
        await trx
          .insertInto('help_requests')
          .values({
            id,
            client_id: input.clientId,
            device_id: device.id,
            status: 'waiting',
            topic: input.topic,
            description: input.description || null,
            context: JSON.stringify(input.context),
            created_at: this.iso(),
            assigned_at: null,
            first_assigned_at: null,
            pickup_ms: null,
            closed_at: null,
            technician_id: null,
            resolution_note: null,
            last_seq: 0,
            device_delivered: 0,
            device_read: 0,
            tech_delivered: 0,
            tech_read: 0,
          })
          .execute();
        await this.audit.append(
          { actorType: 'device', actorId: device.id, action: 'help.create', subject: id, data: { topic: input.topic } },
          trx,
        );
        return { request: await this.mustGet(id, trx), created: true };
      })
      .catch((e: unknown) => {
        // The same client id from another device at the same instant (not serialised by this device's lock).
        if (isUniqueViolation(e)) throw new VigieError('CONFLICT', 'Identifiant de demande déjà utilisé.');
        throw e;
      });
  }

  async update(
    device: DeviceActor,
    input: { requestId: string; topic?: HelpTopic | null | undefined; description?: string | null | undefined },
  ): Promise<HelpRequest> {
    return this.db.transaction().execute(async (trx) => {
      await lockRow(trx, 'help_requests', input.requestId);
      const r = await this.getForView(device, input.requestId, trx);
      if (!OPEN.includes(r.status)) throw new VigieError('CONFLICT', 'Cette demande est close.');
      const set: { topic?: string | null; description?: string | null } = {};
      if (input.topic !== undefined) set.topic = input.topic;
      if (input.description !== undefined) set.description = input.description || null;
      if (Object.keys(set).length === 0) return r;
      await trx.updateTable('help_requests').set(set).where('id', '=', r.id).execute();
      await this.audit.append(
        { actorType: 'device', actorId: device.id, action: 'help.update', subject: r.id, data: { fields: Object.keys(set) } },
        trx,
      );
      return this.mustGet(r.id, trx);
    });
  }

  async cancel(device: DeviceActor, requestId: string): Promise<HelpChange> {
    return this.db.transaction().execute(async (trx) => {
      const r = await this.getForView(device, requestId, trx);
      const res = await trx
        .updateTable('help_requests')
        .set({ status: 'cancelled', closed_at: this.iso() })
        .where('id', '=', r.id)
        .where('status', 'in', OPEN)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new VigieError('CONFLICT', 'Cette demande est déjà close.');
      const message = await insertMessage(trx, {
        requestId: r.id,
        author: 'system',
        authorId: null,
        authorName: 'Vigie',
        ...SYSTEM_TEXT.cancelled(),
        id: randomUUID(),
      });
      await this.audit.append(
        { actorType: 'device', actorId: device.id, action: 'help.cancel', subject: r.id, data: { from: r.status } },
        trx,
      );
      return { request: await this.mustGet(r.id, trx), message, previousTechnicianId: null };
    });
  }

  /** Atomic: exactly one of several technicians accepting at once wins; the others get CONFLICT. */
  async accept(tech: TechActor, requestId: string): Promise<HelpChange> {
    return this.db.transaction().execute(async (trx) => {
      const at = this.iso();
      const res = await trx
        .updateTable('help_requests')
        .set({ status: 'assigned', technician_id: tech.id, assigned_at: at })
        .where('id', '=', requestId)
        .where('status', '=', 'waiting')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        await this.mustGet(requestId, trx);
        throw new VigieError('CONFLICT', 'Cette demande a déjà été prise en charge ou close.');
      }
      const row = await trx
        .selectFrom('help_requests')
        .select(['created_at', 'first_assigned_at'])
        .where('id', '=', requestId)
        .executeTakeFirstOrThrow();
      if (!row.first_assigned_at) {
        await trx
          .updateTable('help_requests')
          .set({ first_assigned_at: at, pickup_ms: Math.max(0, Date.parse(at) - Date.parse(row.created_at)) })
          .where('id', '=', requestId)
          .execute();
      }
      const message = await insertMessage(trx, {
        requestId,
        author: 'system',
        authorId: null,
        authorName: 'Vigie',
        ...SYSTEM_TEXT.accepted(tech.name),
        id: randomUUID(),
      });
      await this.audit.append({ actorType: 'technician', actorId: tech.id, action: 'help.accept', subject: requestId }, trx);
      return { request: await this.mustGet(requestId, trx), message, previousTechnicianId: null };
    });
  }

  /**
   * Back to the queue (no target) or to another technician. The assigned technician may do both;
   * supervisors and admins may do it on any open request (and hand a waiting one to someone).
   */
  async release(tech: TechActor, requestId: string, toTechnicianId?: string): Promise<HelpChange> {
    return this.db.transaction().execute(async (trx) => {
      // Who holds it and its status are read under the row's lock: a concurrent accept, release or
      // reassignment (another hub node) is seen, not overwritten.
      await lockRow(trx, 'help_requests', requestId);
      const r = await this.mustGet(requestId, trx);
      const mine = r.technician?.id === tech.id;
      if (!mine && !isPrivileged(tech)) throw new VigieError('FORBIDDEN', 'Cette demande ne vous est pas attribuée.');
      if (r.status !== 'assigned' && !(r.status === 'waiting' && toTechnicianId && isPrivileged(tech))) {
        throw new VigieError('CONFLICT', r.status === 'waiting' ? 'Cette demande est déjà dans la file.' : 'Cette demande est close.');
      }
      const previousTechnicianId = r.technician?.id ?? null;
      let message: ChatMessage;
      if (toTechnicianId) {
        const target = await trx
          .selectFrom('technicians')
          .select(['id', 'display_name', 'disabled_at'])
          .where('id', '=', toTechnicianId)
          .executeTakeFirst();
        if (!target || target.disabled_at) throw new VigieError('NOT_FOUND', 'Technicien inconnu.');
        if (target.id === previousTechnicianId) throw new VigieError('CONFLICT', 'La demande est déjà attribuée à ce technicien.');
        const at = this.iso();
        const res = await trx
          .updateTable('help_requests')
          .set({ status: 'assigned', technician_id: target.id, assigned_at: at })
          .where('id', '=', r.id)
          .where('status', '=', r.status)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) throw new VigieError('CONFLICT', 'La demande a changé entre-temps.');
        const first = await trx
          .selectFrom('help_requests')
          .select(['created_at', 'first_assigned_at'])
          .where('id', '=', r.id)
          .executeTakeFirstOrThrow();
        if (!first.first_assigned_at) {
          await trx
            .updateTable('help_requests')
            .set({ first_assigned_at: at, pickup_ms: Math.max(0, Date.parse(at) - Date.parse(first.created_at)) })
            .where('id', '=', r.id)
            .execute();
        }
        message = await insertMessage(trx, {
          requestId: r.id,
          author: 'system',
          authorId: null,
          authorName: 'Vigie',
          ...SYSTEM_TEXT.reassigned(target.display_name),
          id: randomUUID(),
        });
        await this.audit.append(
          {
            actorType: 'technician',
            actorId: tech.id,
            action: 'help.reassign',
            subject: r.id,
            data: { from: previousTechnicianId, to: target.id },
          },
          trx,
        );
      } else {
        const res = await trx
          .updateTable('help_requests')
          .set({ status: 'waiting', technician_id: null, assigned_at: null })
          .where('id', '=', r.id)
          .where('status', '=', 'assigned')
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) throw new VigieError('CONFLICT', 'La demande a changé entre-temps.');
        message = await insertMessage(trx, {
          requestId: r.id,
          author: 'system',
          authorId: null,
          authorName: 'Vigie',
          ...SYSTEM_TEXT.released(),
          id: randomUUID(),
        });
        await this.audit.append(
          { actorType: 'technician', actorId: tech.id, action: 'help.release', subject: r.id, data: { from: previousTechnicianId } },
          trx,
        );
      }
      return { request: await this.mustGet(r.id, trx), message, previousTechnicianId };
    });
  }

  async resolve(tech: TechActor, requestId: string, note: string): Promise<HelpChange> {
    return this.db.transaction().execute(async (trx) => {
      const r = await this.mustGet(requestId, trx);
      if (r.technician?.id !== tech.id) throw new VigieError('FORBIDDEN', 'Cette demande ne vous est pas attribuée.');
      const res = await trx
        .updateTable('help_requests')
        .set({ status: 'resolved', closed_at: this.iso(), resolution_note: note })
        .where('id', '=', r.id)
        .where('status', '=', 'assigned')
        .where('technician_id', '=', tech.id)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new VigieError('CONFLICT', 'Cette demande est déjà close.');
      const message = await insertMessage(trx, {
        requestId: r.id,
        author: 'system',
        authorId: null,
        authorName: 'Vigie',
        ...SYSTEM_TEXT.resolved(note),
        id: randomUUID(),
      });
      await this.audit.append({ actorType: 'technician', actorId: tech.id, action: 'help.resolve', subject: r.id, data: { note } }, trx);
      return { request: await this.mustGet(r.id, trx), message, previousTechnicianId: null };
    });
  }

  /** Open requests: waiting first (urgent ones first, then oldest first), then assigned (oldest assignment first). */
  async listOpen(): Promise<HelpRequest[]> {
    const rows = await selectRequests(this.db).where('h.status', 'in', OPEN).orderBy('h.created_at').orderBy('h.id').execute();
    const reqs = rows.map(toRequest);
    const waiting = reqs.filter((r) => r.status === 'waiting');
    return [...waiting.filter((r) => r.urgent), ...waiting.filter((r) => !r.urgent), ...reqs.filter((r) => r.status === 'assigned')];
  }

  async listMine(technicianId: string): Promise<HelpRequest[]> {
    const rows = await selectRequests(this.db)
      .where('h.technician_id', '=', technicianId)
      .where('h.status', '=', 'assigned')
      .orderBy('h.assigned_at')
      .execute();
    return rows.map(toRequest);
  }

  /** Median seconds from creation to first pickup over the last N pickups, and how many there were (none: null). */
  async pickupStats(): Promise<PickupStats> {
    const rows = await this.db
      .selectFrom('help_requests')
      .select('pickup_ms')
      .where('first_assigned_at', 'is not', null)
      .orderBy('first_assigned_at', 'desc')
      .limit(this.cfg.sampleSize)
      .execute();
    const values = rows.map((r) => Number(r.pickup_ms ?? 0)).sort((a, b) => a - b);
    if (values.length === 0) return { medianSeconds: null, samples: 0 };
    const mid = Math.floor(values.length / 2);
    const median = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
    return { medianSeconds: Math.round(median / 100) / 10, samples: values.length };
  }

  /** The median pickup in seconds, or the configured default (eta.defaultPickupSeconds) when none was recorded. */
  async medianPickupSeconds(): Promise<number> {
    return (await this.pickupStats()).medianSeconds ?? this.cfg.defaultPickupSeconds;
  }

  /**
   * What each waiting request's practice is told (in queue order), from facts only: technicians
   * available, recorded pickup times, how long it has waited, the support hours. Also when the
   * first of these messages changes by itself (a minute of the estimate runs out, 3 minutes pass,
   * the support opens or closes), so the hub can push it then.
   */
  positions(waiting: HelpRequest[], facts: WaitFacts): { positions: QueuePosition[]; nextChangeAt: number | null } {
    const { nowMs, pickup, techniciansAvailable: techs, support } = facts;
    let next: number | null = support.nextChangeAt ? Date.parse(support.nextChangeAt) : null;
    const soonest = (t: number) => {
      if (t > nowMs && (next === null || t < next)) next = t;
    };
    const positions = waiting.map((r, i): QueuePosition => {
      const position = i + 1;
      const created = Date.parse(r.createdAt);
      const waitedMs = Math.max(0, nowMs - created);
      const legacy = Math.max(0, Math.round(((pickup.medianSeconds ?? this.cfg.defaultPickupSeconds) * position) / Math.max(1, techs)));
      let key: WaitKey;
      let etaMinutes: number | null = null;
      let etaSeconds = legacy;
      if (techs > 0) {
        const breachAt = created + SLA.breachMs + 1;
        if (waitedMs > SLA.breachMs) key = 'overdue';
        else {
          soonest(breachAt);
          const remainingMs = pickup.medianSeconds === null ? 0 : (pickup.medianSeconds * 1000 * position) / techs - waitedMs;
          if (remainingMs > 0) {
            key = 'estimate';
            etaMinutes = Math.ceil(remainingMs / 60_000);
            etaSeconds = Math.ceil(remainingMs / 1000);
            // The shown minute count drops when the remainder reaches the minute below.
            soonest(nowMs + Math.ceil(remainingMs - (etaMinutes - 1) * 60_000));
          } else key = 'noEstimate';
        }
      } else key = support.open === false ? 'closed' : 'noTechnician';
      return {
        requestId: r.id,
        position,
        waiting: waiting.length,
        etaSeconds,
        wait: {
          key,
          params: {
            position,
            waiting: waiting.length,
            waitedSeconds: Math.floor(waitedMs / 1000),
            techniciansAvailable: techs,
            etaMinutes,
            medianPickupSeconds: pickup.medianSeconds,
            samples: pickup.samples,
            opensAt: key === 'closed' ? support.nextChangeAt : null,
            timeZone: support.settings.timeZone,
            phone: support.settings.phone,
          },
        },
      };
    });
    return { positions, nextChangeAt: next };
  }
}

export function canView(actor: Actor, r: HelpRequest): boolean {
  if (actor.kind === 'device') return r.deviceId === actor.id;
  return r.status === 'waiting' || r.technician?.id === actor.id || isPrivileged(actor);
}

export type { Tx };
