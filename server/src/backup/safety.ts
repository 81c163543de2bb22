import { VigieError, type HelpRequest, type SAFETY_DEVICE_EVENTS, type SAFETY_TECH_EVENTS, type SafetyIntervention } from '@vigie/common';
import type { Logger } from '../logger.js';
import { isPrivileged, type DeviceActor, type TechActor } from '../services/actors.js';
import type { Services } from '../services/index.js';
import type { Handlers } from '../socket/dispatch.js';
import { rooms, type Realtime } from '../socket/realtime.js';
import { lockRow } from '../store/dialect.js';
import { parseJson } from '../util.js';

/**
 * The hub's part of the safety backup before a technician acts, and undo (issue 12; contract in
 * common/src/safety.ts). The device reports its intervention as it stands (`backup:safety-report`,
 * on every change and again on reconnection): only for a request of that device that a technician
 * took; the hub keeps the latest report (`safety_reports`), audits each event once — whatever the
 * number of reports that carry it — and pushes the report to the technicians following the request
 * (`backup:safety`). The technician reads it back with `backup:safety-get` (console reload).
 *
 * Audit actions (subject: the request id; read by the intervention receipt):
 * - `safety.snapshot`: a safety snapshot done or failed (`eventId`, `before`: control | restore,
 *   `state`, `snapshotId`, `durationMs`, `reason` when failed);
 * - `safety.changes`: the change list of the session (`eventId` = the snapshot after it, counts),
 *   or why it could not be made;
 * - `safety.undo`: « Annuler les changements de l'intervention » finished (`eventId`, `state`,
 *   `total`, `restored`, `keptCopies`, `failed`, `reason`).
 * File names the device reports are shown to the technician as data, never written in a message
 * signed by Vigie.
 */
export interface SafetyRelayOptions {
  services: Services;
  realtime: Realtime;
  log: Logger;
}

type TechCtx = { actor: TechActor };
type DeviceCtx = { actor: DeviceActor };

interface AuditRow {
  action: 'safety.snapshot' | 'safety.changes' | 'safety.undo';
  eventId: string;
  data: Record<string, unknown>;
}

/** The events of a report that are over (running ones are audited when they end), with their facts. */
export function safetyEvents(i: SafetyIntervention): AuditRow[] {
  const out: AuditRow[] = [];
  for (const s of i.snapshots) {
    if (s.state === 'running') continue;
    out.push({
      action: 'safety.snapshot',
      eventId: s.id,
      data: {
        before: s.before,
        state: s.state,
        snapshotId: s.snapshotId,
        durationMs: s.durationMs,
        ...(s.error ? { reason: s.error.reason } : {}),
      },
    });
  }
  const c = i.changes;
  if (c && c.state !== 'computing') {
    // One per list made (the snapshot after the session names it); a list that could not be made, once per its time.
    out.push({
      action: 'safety.changes',
      eventId: c.afterSnapshotId ?? `failed:${c.at}`,
      data: {
        state: c.state,
        afterSnapshotId: c.afterSnapshotId,
        baselineSnapshotId: i.baseline?.snapshotId ?? null,
        ...c.counts,
        ...(c.error ? { reason: c.error.reason } : {}),
      },
    });
  }
  const u = i.undo;
  if (u && u.state !== 'running') {
    out.push({
      action: 'safety.undo',
      eventId: u.id,
      data: {
        state: u.state,
        total: u.total,
        restored: u.restored,
        keptCopies: u.keptCopies,
        failed: u.failed,
        baselineSnapshotId: i.baseline?.snapshotId ?? null,
        ...(u.error ? { reason: u.error.reason } : {}),
      },
    });
  }
  return out;
}

/** Events audited per intervention at most (a report names at most 20 snapshots, one change list and one undo). */
const MAX_AUDITED = 500;

export class SafetyRelay {
  readonly techHandlers: Handlers<typeof SAFETY_TECH_EVENTS, TechCtx>;
  readonly deviceHandlers: Handlers<typeof SAFETY_DEVICE_EVENTS, DeviceCtx>;

  constructor(private readonly o: SafetyRelayOptions) {
    this.techHandlers = {
      'backup:safety-get': async ({ requestId }, { actor }) => this.get(actor, requestId),
    };
    this.deviceHandlers = {
      'backup:safety-report': async ({ requestId, intervention }, { actor }) => {
        await this.report(actor, requestId, intervention);
        return {};
      },
    };
  }

  /** The request's latest report, for the technician who took it (or a supervisor / an admin). */
  private async get(actor: TechActor, requestId: string): Promise<SafetyIntervention | null> {
    const r = await this.o.services.help.getById(requestId);
    if (!r) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
    if (!isPrivileged(actor) && r.technician?.id !== actor.id)
      throw new VigieError('FORBIDDEN', 'Cette demande ne vous est pas attribuée.');
    const row = await this.o.services.db
      .selectFrom('safety_reports')
      .select(['report'])
      .where('request_id', '=', requestId)
      .executeTakeFirst();
    // The list names the practice's files: reading it is audited like the other reads of its backups.
    await this.o.services.audit.append({
      actorType: 'technician',
      actorId: actor.id,
      action: 'backup.read',
      subject: r.deviceId,
      data: { requestId, what: 'safety' },
    });
    return row ? parseJson<SafetyIntervention>(row.report) : null;
  }

  /**
   * A report from the device: its own request, one a technician took; older than the one kept →
   * ignored. New finished events are audited once, in the same transaction as the report.
   */
  private async report(actor: DeviceActor, requestId: string, intervention: SafetyIntervention): Promise<void> {
    if (intervention.requestId !== requestId) throw new VigieError('BAD_REQUEST', 'Le rapport ne correspond pas à la demande.');
    const r: HelpRequest | null = await this.o.services.help.getById(requestId);
    if (!r || r.deviceId !== actor.id) throw new VigieError('FORBIDDEN', 'Vous n’avez pas accès à cette demande.');
    if (!r.technician) throw new VigieError('FORBIDDEN', 'Aucun technicien n’a pris cette demande.');
    const kept = await this.o.services.db.transaction().execute(async (trx) => {
      // The request's row first: the same report arriving twice at once (a retry on another hub node) is audited once.
      await lockRow(trx, 'help_requests', requestId);
      const row = await trx.selectFrom('safety_reports').selectAll().where('request_id', '=', requestId).executeTakeFirst();
      const previous = row ? parseJson<SafetyIntervention>(row.report) : null;
      // Reports come one at a time from the device; one sent again after a reconnection may be older.
      if (previous && previous.updatedAt > intervention.updatedAt) return false;
      const audited = new Set<string>(row ? (parseJson<string[]>(row.audited) ?? []) : []);
      for (const ev of safetyEvents(intervention)) {
        const key = `${ev.action}:${ev.eventId}`;
        if (audited.has(key)) continue;
        // A real intervention never comes near: a device inventing events does not fill the chain.
        if (audited.size >= MAX_AUDITED) {
          this.o.log.warn({ deviceId: actor.id, requestId }, 'safety report: too many events for one intervention, not audited');
          break;
        }
        await this.o.services.audit.append(
          {
            actorType: 'device',
            actorId: actor.id,
            action: ev.action,
            subject: requestId,
            data: { requestId, deviceId: actor.id, eventId: ev.eventId, ...ev.data },
          },
          trx,
        );
        audited.add(key);
      }
      const values = {
        device_id: actor.id,
        report: JSON.stringify(intervention),
        audited: JSON.stringify([...audited]),
        updated_at: new Date().toISOString(),
      };
      await trx
        .insertInto('safety_reports')
        .values({ request_id: requestId, ...values })
        .onConflict((oc) => oc.column('request_id').doUpdateSet(values))
        .execute();
      return true;
    });
    if (!kept) return;
    this.o.realtime.techNs.to(rooms.request(requestId)).emit('backup:safety', { requestId, deviceId: actor.id, intervention });
  }
}

export function createSafetyRelay(o: SafetyRelayOptions): SafetyRelay {
  return new SafetyRelay(o);
}
