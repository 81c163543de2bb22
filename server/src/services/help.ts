import {
  VigieError,
  type ChatMessage,
  type ContextSnapshot,
  type HelpRequest,
  type HelpTopic,
  type QueuePosition,
  type Clock,
} from '@vigie/common';
import type { HubConfig } from '../config.js';
import type { Db, Executor, Tx } from '../store/db.js';
import { isUniqueViolation, lockRow } from '../store/dialect.js';
import { newId } from '../util.js';
import type { AuditLog } from './audit.js';
import type { Actor, DeviceActor, TechActor } from './actors.js';
import { actRefusal, canView, releaseRefusal } from './help-access.js';
import { recordFirstPickup, SYSTEM_TEXT, systemLine } from './help-lines.js';
import { OPEN, selectRequests, toRequest } from './help-record.js';
import { pickupStatsOf, waitPositions, type PickupStats, type WaitFacts } from './help-wait.js';

export { canView } from './help-access.js';
export { SYSTEM_TEXT } from './help-lines.js';
export type { PickupStats, WaitFacts } from './help-wait.js';

export interface HelpChange {
  request: HelpRequest;
  /** System message written with this change, to push to both sides. */
  message: ChatMessage | null;
  /** Technician who held the request before (release/reassign), to remove from its room. */
  previousTechnicianId: string | null;
}

/**
 * Help requests: the queue (waiting → assigned → resolved | cancelled), ETAs and who may see what.
 * The entry point and the changes' transactions; the stored form (help-record.ts), who may do what
 * (help-access.ts), the chat lines and first pickup a change writes (help-lines.ts) and the wait
 * messages (help-wait.ts) are their own modules.
 */
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
    const refused = actRefusal(actor, r);
    if (refused) throw refused;
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
      const message = await systemLine(trx, r.id, SYSTEM_TEXT.cancelled());
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
      await recordFirstPickup(trx, requestId, at);
      const message = await systemLine(trx, requestId, SYSTEM_TEXT.accepted(tech.name));
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
      const refused = releaseRefusal(tech, r, toTechnicianId);
      if (refused) throw refused;
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
        await recordFirstPickup(trx, r.id, at);
        message = await systemLine(trx, r.id, SYSTEM_TEXT.reassigned(target.display_name));
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
        message = await systemLine(trx, r.id, SYSTEM_TEXT.released());
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
      const message = await systemLine(trx, r.id, SYSTEM_TEXT.resolved(note));
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
    return pickupStatsOf(rows.map((r) => Number(r.pickup_ms ?? 0)));
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
    return waitPositions(waiting, facts, this.cfg.defaultPickupSeconds);
  }
}

export type { Tx };
