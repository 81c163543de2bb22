/**
 * A device's history for the console's device page: its last report, requests, screen sessions,
 * restores (through a request or a backup access) and backup accesses, HISTORY_LIMIT of each, newest
 * first. Every technician may read it, like the fleet; the names of restored files (they may name
 * patients) only the technician who restored them, or a supervisor.
 */
import { HISTORY_LIMIT, type Device, type DeviceHistory, type DeviceHistoryRestore, type RestoreState } from '@vigie/common';
import { loadDeviceReport } from '../backup/reports.js';
import { JOBS, jobsOf, type JobRow } from '../backup/relay.js';
import { toScreenSession } from '../screen/index.js';
import { isPrivileged, type TechActor } from '../services/actors.js';
import type { Db } from '../store/db.js';
import { initials } from '../util.js';
import type { HistoryDb } from './schema.js';

const tech = (id: string, name: string | null) => ({ id, displayName: name ?? '—', initials: initials(name ?? '?') });
/** The last part of a path as the device wrote it (POSIX or Windows). */
const baseName = (p: string) => p.split(/[\\/]/).filter(Boolean).pop() ?? p;

/** The restores the hub started on a device under one kind of scope (relay_jobs, backup_access_jobs), newest first, the scope's id as `scope_id`. */
async function jobsOfDevice(db: HistoryDb, kind: keyof typeof JOBS, deviceId: string): Promise<JobRow[]> {
  const rows = await jobsOf(db, kind)
    .select()
    .selectAll()
    .where('device_id', '=', deviceId)
    .orderBy('created_at', 'desc')
    .limit(HISTORY_LIMIT)
    .execute();
  return rows.map((r) => ({ ...r, scope_id: String((r as unknown as Record<string, unknown>)[JOBS[kind].scope]) }));
}

/**
 * One restore as `viewer` sees it: how many items, and the first five file names only for the
 * technician who restored them or a supervisor/admin (paths stored as anything but a list of texts: none).
 */
export function restoreView(
  j: JobRow,
  scope: { requestId: string | null; accessId: string | null },
  viewer: TechActor,
  technicianName: string | null,
): DeviceHistoryRestore {
  const paths = (() => {
    try {
      const v = JSON.parse(j.paths) as unknown;
      return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [];
    } catch {
      return [];
    }
  })();
  const named = isPrivileged(viewer) || j.technician_id === viewer.id;
  return {
    jobId: j.job_id,
    ...scope,
    technician: tech(j.technician_id, technicianName),
    items: paths.length,
    names: named ? paths.slice(0, 5).map((p) => baseName(p).slice(0, 255)) : [],
    state: j.state as RestoreState,
    createdAt: j.created_at,
    endedAt: j.ended_at,
  };
}

export async function deviceHistory(hubDb: Db, db: HistoryDb, viewer: TechActor, device: Device): Promise<DeviceHistory> {
  const deviceId = device.id;
  const [report, requests, sessions, relayJobs, accessJobs, accesses] = await Promise.all([
    loadDeviceReport(hubDb, deviceId),
    db
      .selectFrom('help_requests as h')
      .leftJoin('technicians as t', 't.id', 'h.technician_id')
      .select(['h.id', 'h.status', 'h.topic', 'h.created_at', 'h.closed_at', 'h.technician_id', 't.display_name', 'h.resolution_note'])
      .where('h.device_id', '=', deviceId)
      .orderBy('h.created_at', 'desc')
      .limit(HISTORY_LIMIT)
      .execute(),
    db
      .selectFrom('screen_sessions')
      .selectAll()
      .where('device_id', '=', deviceId)
      .orderBy('requested_at', 'desc')
      .limit(HISTORY_LIMIT)
      .execute(),
    jobsOfDevice(db, 'request', deviceId),
    jobsOfDevice(db, 'access', deviceId),
    db
      .selectFrom('backup_access')
      .selectAll()
      .where('device_id', '=', deviceId)
      .orderBy('requested_at', 'desc')
      .limit(HISTORY_LIMIT)
      .execute(),
  ]);
  const techIds = [...new Set([...relayJobs, ...accessJobs].map((j) => j.technician_id))];
  const names = new Map(
    techIds.length
      ? (await db.selectFrom('technicians').select(['id', 'display_name']).where('id', 'in', techIds).execute()).map(
          (t) => [t.id, t.display_name] as const,
        )
      : [],
  );
  const restores = [
    ...relayJobs.map((j) => restoreView(j, { requestId: j.scope_id, accessId: null }, viewer, names.get(j.technician_id) ?? null)),
    ...accessJobs.map((j) => restoreView(j, { requestId: null, accessId: j.scope_id }, viewer, names.get(j.technician_id) ?? null)),
  ]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, HISTORY_LIMIT);
  return {
    device,
    report,
    requests: requests.map((r) => ({
      id: r.id,
      status: r.status as DeviceHistory['requests'][number]['status'],
      topic: r.topic as DeviceHistory['requests'][number]['topic'],
      createdAt: r.created_at,
      closedAt: r.closed_at,
      technician: r.technician_id ? tech(r.technician_id, r.display_name) : null,
      resolutionNote: r.resolution_note,
    })),
    sessions: sessions.map((x) => {
      const full = toScreenSession(x);
      return {
        id: full.id,
        requestId: full.requestId,
        technician: full.technician,
        kind: full.kind,
        state: full.state,
        requestedAt: full.requestedAt,
        consentAt: full.consentAt,
        endedAt: full.endedAt,
        endReason: full.endReason,
      };
    }),
    restores,
    accesses: accesses.map((a) => ({
      id: a.id,
      technician: tech(a.technician_id, a.technician_name),
      requestedAt: a.requested_at,
      grantedAt: a.granted_at,
      endedAt: a.ended_at,
      endReason: a.end_reason as DeviceHistory['accesses'][number]['endReason'],
    })),
    limit: HISTORY_LIMIT,
  };
}
