import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  BACKUP_RELAY_TIMEOUTS,
  IPC_METHODS,
  VigieError,
  systemMessage,
  type BACKUP_ACCESS_TECH_EVENTS,
  type BACKUP_DEVICE_EVENTS,
  type BACKUP_TECH_EVENTS,
  type BackupRelayCall,
  type BackupRelayMethod,
  type BackupScope,
  type HelpRequest,
  type RestoreJob,
} from '@vigie/common';
import type { Logger } from '../logger.js';
import { isPrivileged, type DeviceActor, type TechActor } from '../services/actors.js';
import { insertMessage } from '../services/chat.js';
import type { Services } from '../services/index.js';
import type { Handlers } from '../socket/dispatch.js';
import { askDevice } from '../socket/ask-device.js';
import { rooms, type Realtime } from '../socket/realtime.js';
import type { Tx } from '../store/db.js';
import type { BackupAccessHub } from './access.js';
import { createSafetyRelay } from './safety.js';

export interface BackupRelayOptions {
  services: Services;
  realtime: Realtime;
  log: Logger;
  /** How long the device may take to answer (tests shorten them). */
  timeouts?: { defaultMs?: number; searchMs?: number };
  /** Accesses the practitioner granted outside a request; without it, only requests give a right. */
  access?: BackupAccessHub;
}

type TechCtx = { actor: TechActor };
type DeviceCtx = { actor: DeviceActor };
type ReadMethod = 'backup:getStatus' | 'backup:listSnapshots' | 'backup:browse' | 'backup:search';

/** Where a technician's right over the device's backups comes from, once checked. */
type Scope = { kind: 'request'; request: HelpRequest; deviceId: string } | { kind: 'access'; accessId: string; deviceId: string };

/** The scope's id as it goes in audit rows, calls and pushes. */
const scopeRef = (s: Scope): BackupScope => (s.kind === 'request' ? { requestId: s.request.id } : { accessId: s.accessId });

/**
 * The jobs the hub started, per scope: `relay_jobs` (request) and `backup_access_jobs` (access)
 * have the same columns but the scope's. One code path reads and writes both: the table and the
 * scope column are the only difference (runtime names, checked by the tests of both scopes).
 */
export interface JobRow {
  device_id: string;
  job_id: string;
  scope_id: string;
  technician_id: string;
  paths: string;
  state: string;
  created_at: string;
  ended_at: string | null;
}
type JobDb = Kysely<{ jobs: JobRow }>;
export const JOBS = {
  request: { table: 'relay_jobs', scope: 'request_id' },
  access: { table: 'backup_access_jobs', scope: 'access_id' },
} as const;
export const jobsOf = (db: unknown, kind: Scope['kind']) => {
  const spec = JOBS[kind];
  const k = db as JobDb;
  return {
    select: () => k.selectFrom(spec.table as 'jobs'),
    update: () => k.updateTable(spec.table as 'jobs'),
    insert: () => k.insertInto(spec.table as 'jobs'),
    scope: spec.scope as 'scope_id',
  };
};

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
    const safety = createSafetyRelay({ services: o.services, realtime: o.realtime, log: o.log });
    this.techHandlers = {
      ...safety.techHandlers,
      'backup:status': async (ref, { actor }) => this.relay(actor, ref, 'backup:getStatus', {}),
      'backup:snapshots': async (ref, { actor }) => this.relay(actor, ref, 'backup:listSnapshots', {}),
      'backup:browse': async ({ input, ...ref }, { actor }) => this.relay(actor, ref, 'backup:browse', input),
      'backup:search': async ({ input, ...ref }, { actor }) => this.relay(actor, ref, 'backup:search', input),
      'backup:restore': async ({ input, ...ref }, { actor }) => this.restore(actor, ref, { ...input, origin: 'technician' }),
      'backup:cancel-restore': async ({ jobId, ...ref }, { actor }) => this.cancel(actor, ref, jobId),
      ...(o.access?.techHandlers ?? noAccess),
    };
    this.deviceHandlers = {
      ...safety.deviceHandlers,
      'backup:restore-progress': async ({ requestId, job }, { actor }) => {
        await this.progress(actor, { requestId }, job);
        return {};
      },
      'backup:access-progress': async ({ accessId, job }, { actor }) => {
        await this.progress(actor, { accessId }, job);
        return {};
      },
      ...(o.access?.deviceHandlers ?? noAccessAnswers),
    };
  }

  /** The scope, when this technician may act on its device's backups through it. */
  private async authorize(actor: TechActor, ref: BackupScope): Promise<Scope> {
    if ('accessId' in ref) {
      if (!this.o.access)
        throw new VigieError('UNAVAILABLE', 'Les accès aux sauvegardes hors demande ne sont pas pris en charge par ce serveur.');
      const a = await this.o.access.usable(actor, ref.accessId);
      return { kind: 'access', accessId: a.id, deviceId: a.deviceId };
    }
    const r = await this.o.services.help.getById(ref.requestId);
    if (!r) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
    if (!isPrivileged(actor) && !(r.status === 'assigned' && r.technician?.id === actor.id)) {
      throw new VigieError('FORBIDDEN', 'Cette demande ne vous est pas attribuée.');
    }
    if (!OPEN.has(r.status))
      throw new VigieError('CONFLICT', 'Cette demande est close : les sauvegardes du poste ne sont plus accessibles d’ici.');
    if (!(await this.o.services.devices.isActive(r.deviceId))) throw new VigieError('FORBIDDEN', 'Ce poste n’est plus autorisé.');
    return { kind: 'request', request: r, deviceId: r.deviceId };
  }

  /**
   * Sends one call to one socket of the device and waits for its Result, checked against the IPC
   * response of `method` (socket/ask-device.ts). A request's calls go as 'backup:relay', an
   * access's as 'backup:access-relay' (the device checks its own grant for those).
   */
  private async call<M extends BackupRelayMethod>(
    scope: Scope,
    actor: TechActor,
    method: M,
    input: Extract<BackupRelayCall, { method: M }>['input'],
  ): Promise<unknown> {
    const ms = method === 'backup:search' ? this.searchMs : this.defaultMs;
    const technician = { id: actor.id, name: actor.name };
    const [event, payload] =
      scope.kind === 'request'
        ? (['backup:relay', { requestId: scope.request.id, technician, method, input }] as const)
        : (['backup:access-relay', { accessId: scope.accessId, technician, method, input }] as const);
    return askDevice({
      realtime: this.o.realtime,
      log: this.o.log,
      deviceId: scope.deviceId,
      event,
      payload,
      ms,
      response: IPC_METHODS[method].response,
    });
  }

  private async relay<M extends ReadMethod>(
    actor: TechActor,
    ref: BackupScope,
    method: M,
    input: Extract<BackupRelayCall, { method: M }>['input'],
  ): Promise<never> {
    const scope = await this.authorize(actor, ref);
    // A technician looking at a practice's backups is a read of its data: audited before the device is asked.
    await this.o.services.audit.append({
      actorType: 'technician',
      actorId: actor.id,
      action: 'backup.read',
      subject: scope.deviceId,
      data: { ...scopeRef(scope), what: method.slice('backup:'.length), ...input },
    });
    return (await this.call<ReadMethod>(scope, actor, method, input as never)) as never;
  }

  private async restore(
    actor: TechActor,
    ref: BackupScope,
    input: Extract<BackupRelayCall, { method: 'backup:restore' }>['input'],
  ): Promise<RestoreJob> {
    const scope = await this.authorize(actor, ref);
    const audit = {
      actorType: 'technician' as const,
      actorId: actor.id,
      subject: scope.deviceId,
      data: {
        ...scopeRef(scope),
        snapshotId: input.snapshotId,
        paths: input.paths,
        mode: input.mode,
        ...(input.targetDir ? { targetDir: input.targetDir } : {}),
      },
    };
    let job: RestoreJob;
    try {
      job = (await this.call(scope, actor, 'backup:restore', input)) as RestoreJob;
    } catch (e) {
      const code = e instanceof VigieError ? e.code : 'INTERNAL';
      await this.o.services.audit.append({ ...audit, action: 'backup.restore_refused', data: { ...audit.data, code } });
      throw e;
    }
    const message = await this.o.services.db.transaction().execute(async (trx) => {
      // The one job this device may now report on, with what the technician asked for.
      const at = new Date().toISOString();
      const jobs = jobsOf(trx, scope.kind);
      const scopeId = scope.kind === 'request' ? scope.request.id : scope.accessId;
      const values = {
        [jobs.scope]: scopeId,
        technician_id: actor.id,
        paths: JSON.stringify(input.paths),
        state: job.state,
        created_at: at,
        ended_at: null,
      } as Omit<JobRow, 'device_id' | 'job_id'>;
      await jobs
        .insert()
        .values({ device_id: scope.deviceId, job_id: job.id, ...values })
        .onConflict((oc) => oc.columns(['device_id', 'job_id']).doUpdateSet(values))
        .execute();
      // Under a request, both sides read it in the chat; an access has no chat (the practitioner's app shows the restore).
      const line =
        scope.kind === 'request'
          ? await insertMessage(trx, {
              id: randomUUID(),
              requestId: scope.request.id,
              author: 'system',
              authorId: null,
              authorName: 'Vigie',
              ...BACKUP_SYSTEM_TEXT.started(actor.name, input.paths.length),
            })
          : null;
      // The audit entry last (store/dialect.ts: the chain's lock is taken after every row lock).
      await this.o.services.audit.append({ ...audit, action: 'backup.restore_requested', data: { ...audit.data, jobId: job.id } }, trx);
      return line;
    });
    if (message) this.o.realtime.chatMessage(scope.deviceId, message);
    return job;
  }

  private async cancel(actor: TechActor, ref: BackupScope, jobId: string): Promise<RestoreJob> {
    const scope = await this.authorize(actor, ref);
    const job = (await this.call(scope, actor, 'backup:cancelRestore', { jobId })) as RestoreJob;
    await this.o.services.audit.append({
      actorType: 'technician',
      actorId: actor.id,
      action: 'backup.restore_cancel',
      subject: scope.deviceId,
      data: { ...scopeRef(scope), jobId, state: job.state },
    });
    return job;
  }

  /**
   * A device reports a technician restore's progress: only for a restore the hub started on this
   * device for this request or access (relay_jobs, backup_access_jobs), and not after its end (the
   * same end again changes nothing: a retry after a lost acknowledgement). It goes to the
   * technicians following the request (or to the access's technician), with the paths the
   * technician asked for; the end is audited, and written in the request's chat.
   */
  private async progress(actor: DeviceActor, ref: BackupScope, reported: RestoreJob): Promise<void> {
    if (reported.request.origin !== 'technician')
      throw new VigieError('BAD_REQUEST', 'Seules les restaurations demandées par un technicien sont transmises.');
    const kind = 'requestId' in ref ? 'request' : 'access';
    const scopeId = 'requestId' in ref ? ref.requestId : ref.accessId;
    const r = 'requestId' in ref ? await this.o.services.help.getById(ref.requestId) : null;
    if ('requestId' in ref && (!r || r.deviceId !== actor.id)) throw new VigieError('FORBIDDEN', 'Vous n’avez pas accès à cette demande.');
    const started = await jobsOf(this.o.services.db, kind)
      .select()
      .selectAll()
      .where('device_id', '=', actor.id)
      .where('job_id', '=', reported.id)
      .where(jobsOf(null, kind).scope, '=', scopeId)
      .executeTakeFirst();
    if (!started) throw new VigieError('FORBIDDEN', 'Cette restauration n’a pas été demandée par un technicien depuis cette demande.');
    if (started.ended_at) {
      if (started.state === reported.state) return;
      throw new VigieError('CONFLICT', 'Cette restauration est déjà terminée.');
    }
    const paths = JSON.parse(started.paths) as string[];
    const job: RestoreJob = { ...reported, request: { ...reported.request, paths, origin: 'technician' } };
    const push = () => {
      if (kind === 'request')
        this.o.realtime.techNs.to(rooms.request(scopeId)).emit('backup:restore-progress', { requestId: scopeId, deviceId: actor.id, job });
      else
        this.o.realtime.techNs
          .to(rooms.tech(started.technician_id))
          .emit('backup:access-progress', { accessId: scopeId, deviceId: actor.id, job });
    };
    if (!FINAL.has(job.state)) {
      await jobsOf(this.o.services.db, kind)
        .update()
        .set({ state: job.state })
        .where('device_id', '=', actor.id)
        .where('job_id', '=', job.id)
        .where('ended_at', 'is', null)
        .execute();
      push();
      return;
    }
    const state = job.state as 'done' | 'failed' | 'cancelled';
    const message = await this.o.services.db.transaction().execute(async (trx: Tx) => {
      // The end is recorded once: a second report of it (or another end) finds the row ended.
      const ended = await jobsOf(trx, kind)
        .update()
        .set({ state, ended_at: new Date().toISOString() })
        .where('device_id', '=', actor.id)
        .where('job_id', '=', job.id)
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      if (Number(ended.numUpdatedRows) === 0) return undefined;
      const line =
        r && OPEN.has(r.status)
          ? await insertMessage(trx, {
              id: randomUUID(),
              requestId: r.id,
              author: 'system',
              authorId: null,
              authorName: 'Vigie',
              ...BACKUP_SYSTEM_TEXT[state](paths.length),
            })
          : null;
      // The audit entry last (store/dialect.ts: the chain's lock is taken after every row lock).
      await this.o.services.audit.append(
        {
          actorType: 'device',
          actorId: actor.id,
          action: 'backup.restore_finished',
          subject: actor.id,
          data: { ...ref, jobId: job.id, state, items: job.result?.items.length ?? 0, ...(job.error ? { reason: job.error.reason } : {}) },
        },
        trx,
      );
      return line;
    });
    if (message === undefined) return;
    push();
    if (message) this.o.realtime.chatMessage(actor.id, message);
  }
}

/** Without the access module, an access is never usable. */
const unavailable = async (): Promise<never> => {
  throw new VigieError('UNAVAILABLE', 'Les accès aux sauvegardes hors demande ne sont pas pris en charge par ce serveur.');
};
const noAccess: Handlers<typeof BACKUP_ACCESS_TECH_EVENTS, TechCtx> = {
  'backup:access-request': unavailable,
  'backup:access-get': async () => null,
  'backup:access-end': unavailable,
};
const noAccessAnswers: Pick<Handlers<typeof BACKUP_DEVICE_EVENTS, DeviceCtx>, 'backup:access-answer' | 'backup:access-stop'> = {
  'backup:access-answer': unavailable,
  'backup:access-stop': unavailable,
};

export function createBackupRelay(o: BackupRelayOptions): BackupRelay {
  return new BackupRelay(o);
}
