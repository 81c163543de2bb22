import { randomUUID } from 'node:crypto';
import {
  BACKUP_RELAY_TIMEOUTS,
  IPC_METHODS,
  VigieError,
  illFormedTextPath,
  resultSchema,
  systemMessage,
  type BACKUP_DEVICE_EVENTS,
  type BACKUP_TECH_EVENTS,
  type BackupRelayCall,
  type BackupRelayMethod,
  type ErrorBody,
  type HelpRequest,
  type RestoreJob,
} from '@vigie/common';
import type { Logger } from '../logger.js';
import { isPrivileged, type DeviceActor, type TechActor } from '../services/actors.js';
import { insertMessage } from '../services/chat.js';
import type { Services } from '../services/index.js';
import type { Handlers } from '../socket/dispatch.js';
import { rooms, type Realtime } from '../socket/realtime.js';

export interface BackupRelayOptions {
  services: Services;
  realtime: Realtime;
  log: Logger;
  /** How long the device may take to answer (tests shorten them). */
  timeouts?: { defaultMs?: number; searchMs?: number };
}

type TechCtx = { actor: TechActor };
type DeviceCtx = { actor: DeviceActor };

const OPEN = new Set<HelpRequest['status']>(['waiting', 'assigned']);
const FINAL = new Set<RestoreJob['state']>(['done', 'failed', 'cancelled']);

/**
 * System lines written in the request's chat (like the hub's other system messages), as message
 * keys (common/system-messages.ts) with the French text for older clients. They are signed
 * « Vigie »: only what the hub knows goes in (the technician's name as the hub has it, how many
 * items were asked), never a text the device chose — file names come from the device's own
 * listing, and a device could name a file to put words in Vigie's mouth.
 */
export const BACKUP_SYSTEM_TEXT = {
  started: (name: string, count: number) => systemMessage('backup.started', { name, count }),
  done: (count: number) => systemMessage('backup.done', { count }),
  failed: (count: number) => systemMessage('backup.failed', { count }),
  cancelled: (count: number) => systemMessage('backup.cancelled', { count }),
} as const;

/**
 * The hub's part of backups seen and restored by a technician. Stateless: every call is
 * authorized against the database (the request is open, and assigned to this technician unless
 * they are a supervisor or an admin), relayed to ONE socket of the request's device with an
 * acknowledgement and a timeout, and the device's answer is checked against the contract before it
 * goes back. Technician restores are audited (asked, refused by the device, finished) and leave a
 * line in the request's chat; their progress, pushed by the device, goes to the technicians
 * following the request — only for restores the hub started on that device for that request
 * (relay_jobs), and only until their end. Reads of the device's backups (status, snapshot list,
 * browse, search) are audited too.
 */
export class BackupRelay {
  readonly techHandlers: Handlers<typeof BACKUP_TECH_EVENTS, TechCtx>;
  readonly deviceHandlers: Handlers<typeof BACKUP_DEVICE_EVENTS, DeviceCtx>;
  private readonly defaultMs: number;
  private readonly searchMs: number;

  constructor(private readonly o: BackupRelayOptions) {
    this.defaultMs = o.timeouts?.defaultMs ?? BACKUP_RELAY_TIMEOUTS.defaultMs;
    this.searchMs = o.timeouts?.searchMs ?? BACKUP_RELAY_TIMEOUTS.searchMs;
    this.techHandlers = {
      'backup:status': async ({ requestId }, { actor }) => this.relay(actor, requestId, 'backup:getStatus', {}),
      'backup:snapshots': async ({ requestId }, { actor }) => this.relay(actor, requestId, 'backup:listSnapshots', {}),
      'backup:browse': async ({ requestId, input }, { actor }) => this.relay(actor, requestId, 'backup:browse', input),
      'backup:search': async ({ requestId, input }, { actor }) => this.relay(actor, requestId, 'backup:search', input),
      'backup:restore': async ({ requestId, input }, { actor }) => this.restore(actor, requestId, { ...input, origin: 'technician' }),
      'backup:cancel-restore': async ({ requestId, jobId }, { actor }) => this.cancel(actor, requestId, jobId),
    };
    this.deviceHandlers = {
      'backup:restore-progress': async ({ requestId, job }, { actor }) => {
        await this.progress(actor, requestId, job);
        return {};
      },
    };
  }

  /** The request, when this technician may act on its device's backups. */
  private async authorize(actor: TechActor, requestId: string): Promise<HelpRequest> {
    const r = await this.o.services.help.getById(requestId);
    if (!r) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
    if (!isPrivileged(actor) && !(r.status === 'assigned' && r.technician?.id === actor.id)) {
      throw new VigieError('FORBIDDEN', 'Cette demande ne vous est pas attribuée.');
    }
    if (!OPEN.has(r.status)) throw new VigieError('CONFLICT', 'Cette demande est close : les sauvegardes du poste ne sont plus accessibles d’ici.');
    if (!(await this.o.services.devices.isActive(r.deviceId))) throw new VigieError('FORBIDDEN', 'Ce poste n’est plus autorisé.');
    return r;
  }

  private offline(): VigieError {
    return new VigieError('OFFLINE', 'Le poste est hors ligne : réessayez quand il sera allumé et connecté.');
  }

  /**
   * Sends one call to one socket of the device and waits for its Result. OFFLINE when the device
   * has no socket (or lost it meanwhile), TIMEOUT when it does not answer in time; the answer is
   * checked against the IPC response of `method`.
   */
  private async call<M extends BackupRelayMethod>(deviceId: string, call: Extract<BackupRelayCall, { method: M }>): Promise<unknown> {
    const rt = this.o.realtime;
    if (!rt.isDeviceOnline(deviceId)) throw this.offline();
    const sockets = await rt.devNs.in(rooms.device(deviceId)).fetchSockets();
    // One socket only: a device briefly connected twice (restart) must not restore twice.
    const target = sockets[sockets.length - 1];
    if (!target) throw this.offline();
    const ms = call.method === 'backup:search' ? this.searchMs : this.defaultMs;
    let answers: unknown[];
    try {
      answers = (await rt.devNs.to(target.id).timeout(ms).emitWithAck('backup:relay', call)) as unknown[];
    } catch {
      if (!rt.isDeviceOnline(deviceId)) throw this.offline();
      throw new VigieError('TIMEOUT', 'Le poste n’a pas répondu à temps. Réessayez.');
    }
    if (answers.length === 0) throw this.offline();
    const parsed = resultSchema(IPC_METHODS[call.method].response).safeParse(answers[0]);
    if (!parsed.success || illFormedTextPath(answers[0]) !== null) {
      this.o.log.warn({ deviceId, method: call.method }, 'device answered a backup call outside the contract');
      throw new VigieError('INTERNAL', 'Réponse inattendue du poste.');
    }
    if (!parsed.data.ok) {
      const e: ErrorBody = parsed.data.error;
      throw new VigieError(e.code, e.message, e.details);
    }
    return parsed.data.data;
  }

  private async relay<M extends 'backup:getStatus' | 'backup:listSnapshots' | 'backup:browse' | 'backup:search'>(
    actor: TechActor,
    requestId: string,
    method: M,
    input: Extract<BackupRelayCall, { method: M }>['input'],
  ): Promise<never> {
    const r = await this.authorize(actor, requestId);
    // A technician looking at a practice's backups is a read of its data: audited before the device is asked.
    await this.o.services.audit.append({ actorType: 'technician', actorId: actor.id, action: 'backup.read', subject: r.deviceId, data: { requestId, what: method.slice('backup:'.length), ...input } });
    const call = { requestId, technician: { id: actor.id, name: actor.name }, method, input } as Extract<BackupRelayCall, { method: M }>;
    return (await this.call(r.deviceId, call)) as never;
  }

  private async restore(actor: TechActor, requestId: string, input: Extract<BackupRelayCall, { method: 'backup:restore' }>['input']): Promise<RestoreJob> {
    const r = await this.authorize(actor, requestId);
    const audit = {
      actorType: 'technician' as const,
      actorId: actor.id,
      subject: r.deviceId,
      data: { requestId, snapshotId: input.snapshotId, paths: input.paths, mode: input.mode, ...(input.targetDir ? { targetDir: input.targetDir } : {}) },
    };
    let job: RestoreJob;
    try {
      job = (await this.call(r.deviceId, { requestId, technician: { id: actor.id, name: actor.name }, method: 'backup:restore', input })) as RestoreJob;
    } catch (e) {
      const code = e instanceof VigieError ? e.code : 'INTERNAL';
      await this.o.services.audit.append({ ...audit, action: 'backup.restore_refused', data: { ...audit.data, code } });
      throw e;
    }
    const message = await this.o.services.db.transaction().execute(async (trx) => {
      // The one job this device may now report on, with what the technician asked for.
      const at = new Date().toISOString();
      const values = { request_id: requestId, technician_id: actor.id, paths: JSON.stringify(input.paths), state: job.state, created_at: at, ended_at: null };
      await trx
        .insertInto('relay_jobs')
        .values({ device_id: r.deviceId, job_id: job.id, ...values })
        .onConflict((oc) => oc.columns(['device_id', 'job_id']).doUpdateSet(values))
        .execute();
      await this.o.services.audit.append({ ...audit, action: 'backup.restore_requested', data: { ...audit.data, jobId: job.id } }, trx);
      return insertMessage(trx, { id: randomUUID(), requestId, author: 'system', authorId: null, authorName: 'Vigie', ...BACKUP_SYSTEM_TEXT.started(actor.name, input.paths.length) });
    });
    this.o.realtime.chatMessage(r.deviceId, message);
    return job;
  }

  private async cancel(actor: TechActor, requestId: string, jobId: string): Promise<RestoreJob> {
    const r = await this.authorize(actor, requestId);
    const job = (await this.call(r.deviceId, { requestId, technician: { id: actor.id, name: actor.name }, method: 'backup:cancelRestore', input: { jobId } })) as RestoreJob;
    await this.o.services.audit.append({ actorType: 'technician', actorId: actor.id, action: 'backup.restore_cancel', subject: r.deviceId, data: { requestId, jobId, state: job.state } });
    return job;
  }

  /**
   * A device reports a technician restore's progress: only for a restore the hub started on this
   * device for this request (relay_jobs), and not after its end (the same end again changes
   * nothing: a retry after a lost acknowledgement). It goes to the technicians following the
   * request, with the paths the technician asked for; the end is audited and written in the chat.
   */
  private async progress(actor: DeviceActor, requestId: string, reported: RestoreJob): Promise<void> {
    if (reported.request.origin !== 'technician') throw new VigieError('BAD_REQUEST', 'Seules les restaurations demandées par un technicien sont transmises.');
    const r = await this.o.services.help.getById(requestId);
    if (!r || r.deviceId !== actor.id) throw new VigieError('FORBIDDEN', 'Vous n’avez pas accès à cette demande.');
    const started = await this.o.services.db
      .selectFrom('relay_jobs')
      .selectAll()
      .where('device_id', '=', actor.id)
      .where('job_id', '=', reported.id)
      .where('request_id', '=', requestId)
      .executeTakeFirst();
    if (!started) throw new VigieError('FORBIDDEN', 'Cette restauration n’a pas été demandée par un technicien depuis cette demande.');
    if (started.ended_at) {
      if (started.state === reported.state) return;
      throw new VigieError('CONFLICT', 'Cette restauration est déjà terminée.');
    }
    const paths = JSON.parse(started.paths) as string[];
    const job: RestoreJob = { ...reported, request: { ...reported.request, paths, origin: 'technician' } };
    if (!FINAL.has(job.state)) {
      await this.o.services.db.updateTable('relay_jobs').set({ state: job.state }).where('device_id', '=', actor.id).where('job_id', '=', job.id).where('ended_at', 'is', null).execute();
      this.o.realtime.techNs.to(rooms.request(requestId)).emit('backup:restore-progress', { requestId, deviceId: actor.id, job });
      return;
    }
    const state = job.state as 'done' | 'failed' | 'cancelled';
    const message = await this.o.services.db.transaction().execute(async (trx) => {
      // The end is recorded once: a second report of it (or another end) finds the row ended.
      const ended = await trx
        .updateTable('relay_jobs')
        .set({ state, ended_at: new Date().toISOString() })
        .where('device_id', '=', actor.id)
        .where('job_id', '=', job.id)
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      if (Number(ended.numUpdatedRows) === 0) return undefined;
      await this.o.services.audit.append(
        {
          actorType: 'device',
          actorId: actor.id,
          action: 'backup.restore_finished',
          subject: actor.id,
          data: { requestId, jobId: job.id, state, items: job.result?.items.length ?? 0, ...(job.error ? { reason: job.error.reason } : {}) },
        },
        trx,
      );
      if (!OPEN.has(r.status)) return null;
      return insertMessage(trx, { id: randomUUID(), requestId, author: 'system', authorId: null, authorName: 'Vigie', ...BACKUP_SYSTEM_TEXT[state](paths.length) });
    });
    if (message === undefined) return;
    this.o.realtime.techNs.to(rooms.request(requestId)).emit('backup:restore-progress', { requestId, deviceId: actor.id, job });
    if (message) this.o.realtime.chatMessage(actor.id, message);
  }
}

export function createBackupRelay(o: BackupRelayOptions): BackupRelay {
  return new BackupRelay(o);
}
