import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import {
  AUDIT_ACTS,
  HISTORY_LIMIT,
  VigieError,
  auditActOf,
  type AuditEntry,
  type AuditPage,
  type AuditQuery,
  type AuditView,
  type ChatMessage,
  type DeviceHistory,
  type DeviceHistoryRestore,
  type HISTORY_TECH_EVENTS,
  type InterventionExport,
  type RestoreState,
} from '@vigie/common';
import { loadDeviceReport } from '../backup/reports.js';
import { JOBS, jobsOf, type JobRow } from '../backup/relay.js';
import { collectRows } from '../receipts/facts.js';
import type { ReceiptsDb } from '../receipts/schema.js';
import type { BackupAccessTables } from '../backup/access-schema.js';
import { toScreenSession, type ScreenTables } from '../screen/index.js';
import { isPrivileged, type TechActor } from '../services/actors.js';
import type { Services } from '../services/index.js';
import type { Handlers } from '../socket/dispatch.js';
import type { Realtime } from '../socket/realtime.js';
import type { Database } from '../store/schema.js';
import { initials } from '../util.js';

type HistoryDb = Kysely<Database & ScreenTables & BackupAccessTables>;
type Ctx = { actor: TechActor };
type AuditRow = Database['audit_log'];

/** Audit rows read per query while looking for entries of one practice. */
const SCAN_BATCH = 500;
/** At most this many rows are read for one page; the page then says where to go on (`next`). */
const SCAN_MAX = 5_000;

// ---------- migration: indexes for the audit view ----------
export const HISTORY_MIGRATION_TABLE = 'kysely_migration_history';
export const HISTORY_MIGRATION_LOCK_TABLE = 'kysely_migration_history_lock';
const migrations: Record<string, Migration> = {
  '0001_console_audit_indexes': {
    // The audit view filters by date and by technician: indexes on the append-only log (no row changes).
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('audit_log_at').ifNotExists().on('audit_log').column('at').execute();
      await db.schema.createIndex('audit_log_actor').ifNotExists().on('audit_log').columns(['actor_id', 'seq']).execute();
    },
  },
};
const provider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

/** Brings the history module's indexes to the latest version (idempotent). */
export async function migrateHistory<DB>(db: Kysely<DB>): Promise<void> {
  const { error, results } = await new Migrator({
    db,
    provider,
    migrationTableName: HISTORY_MIGRATION_TABLE,
    migrationLockTableName: HISTORY_MIGRATION_LOCK_TABLE,
  }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`history migration failed${failed ? ` (${failed.migrationName})` : ''}: ${String(error)}`);
  }
}

// ---------- helpers ----------
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

const tech = (id: string, name: string | null) => ({ id, displayName: name ?? '—', initials: initials(name ?? '?') });
/** The last part of a path as the device wrote it (POSIX or Windows). */
const baseName = (p: string) => p.split(/[\\/]/).filter(Boolean).pop() ?? p;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null);
/** LIKE pattern for a literal text (`\` escapes `%`, `_` and itself; see `like`). */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
/** `column LIKE pattern ESCAPE '\'` (SQLite has no default escape character; Postgres accepts the clause too). */
const like = (column: 'action' | 'data', pattern: string): Expression<SqlBool> =>
  sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;

function parseData(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const toEntry = (r: AuditRow): AuditEntry => ({
  seq: Number(r.seq),
  at: r.at,
  actorType: r.actor_type as AuditEntry['actorType'],
  actorId: r.actor_id,
  action: r.action,
  subject: r.subject,
  data: parseData(r.data),
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * Names things as the hub knows them now, for the rows of one audit page: devices and practices
 * (loaded once per page), requests (only the ones the page names), technicians.
 */
class Names {
  private devices = new Map<string, { name: string; practiceId: string }>();
  private practices = new Map<string, string>();
  private technicians = new Map<string, string>();
  private requests = new Map<string, string>();

  constructor(private readonly db: HistoryDb) {}

  async load(): Promise<this> {
    for (const d of await this.db.selectFrom('devices').select(['id', 'name', 'practice_id']).execute())
      this.devices.set(d.id, { name: d.name, practiceId: d.practice_id });
    for (const p of await this.db.selectFrom('practices').select(['id', 'name']).execute()) this.practices.set(p.id, p.name);
    for (const t of await this.db.selectFrom('technicians').select(['id', 'display_name']).execute())
      this.technicians.set(t.id, t.display_name);
    return this;
  }

  /** Learns which device each request `rows` may name belongs to (its data's requestId, or its subject), in one query per 500. */
  async requestsOf(rows: AuditRow[]): Promise<void> {
    const named = rows.flatMap((r) => [str(parseData(r.data).requestId), r.subject]);
    const ids = [
      ...new Set(
        named.filter(
          (id): id is string => !!id && id.length <= 64 && !this.requests.has(id) && !this.devices.has(id) && !this.practices.has(id),
        ),
      ),
    ];
    for (let i = 0; i < ids.length; i += 500) {
      for (const r of await this.db
        .selectFrom('help_requests')
        .select(['id', 'device_id'])
        .where('id', 'in', ids.slice(i, i + 500))
        .execute())
        this.requests.set(r.id, r.device_id);
    }
  }

  /** The request, device and practice an audit row is about, from its subject, data and actor. */
  refs(r: AuditRow, data: Record<string, unknown>): { requestId: string | null; deviceId: string | null; practiceId: string | null } {
    const subject = r.subject;
    // A request is named by the data's requestId, or is the subject itself (help.*, tripwire.*, receipt.*…).
    const requestId = str(data.requestId) ?? (subject && this.requests.has(subject) ? subject : null);
    let deviceId =
      str(data.deviceId) ?? (r.actor_type === 'device' ? r.actor_id : null) ?? (subject && this.devices.has(subject) ? subject : null);
    if (!deviceId && requestId) deviceId = this.requests.get(requestId) ?? null;
    const ofDevice = deviceId ? this.devices.get(deviceId)?.practiceId : undefined;
    const ofSubject = subject && this.practices.has(subject) ? subject : undefined;
    const practiceId = str(data.practiceId) ?? ofDevice ?? ofSubject ?? null;
    return {
      requestId,
      deviceId: deviceId && this.devices.has(deviceId) ? deviceId : null,
      practiceId: practiceId && this.practices.has(practiceId) ? practiceId : null,
    };
  }

  view(r: AuditRow): AuditView {
    const data = parseData(r.data);
    const { requestId, deviceId, practiceId } = this.refs(r, data);
    const actorName =
      r.actor_type === 'technician' && r.actor_id
        ? this.technicians.get(r.actor_id)
        : r.actor_type === 'device' && r.actor_id
          ? this.devices.get(r.actor_id)?.name
          : undefined;
    return {
      seq: Number(r.seq),
      at: r.at,
      actorType: r.actor_type as AuditView['actorType'],
      actor: r.actor_id && actorName ? { id: r.actor_id, name: actorName } : null,
      action: r.action,
      act: auditActOf(r.action),
      subject: r.subject,
      practice: practiceId ? { id: practiceId, name: this.practices.get(practiceId)! } : null,
      device: deviceId ? { id: deviceId, name: this.devices.get(deviceId)!.name } : null,
      requestId,
      data,
    };
  }
}

/**
 * The console's device page and audit view on the hub: a device's history (requests, screen
 * sessions, restores, backup accesses — every technician may read it, like the fleet), and the
 * audit log for supervisors and admins (filtered by practice, technician, act and dates; one
 * intervention exported with its chain entries). Reads only: the audit log is never written here
 * except to record these reads themselves (device.history_view, audit.view, audit.export).
 */
export function historyTechHandlers(s: Services, rt: Realtime): Handlers<typeof HISTORY_TECH_EVENTS, Ctx> {
  const db = s.db.withTables<ScreenTables & BackupAccessTables>() as HistoryDb;
  const privileged = (actor: TechActor) => {
    if (!isPrivileged(actor)) throw new VigieError('FORBIDDEN', 'Le journal d’audit est réservé aux superviseurs et aux administrateurs.');
  };

  return {
    'device:history': async ({ deviceId }, { actor }) => {
      const device = await s.devices.get(deviceId, rt.isDeviceOnline(deviceId));
      if (!device) throw new VigieError('NOT_FOUND', 'Poste introuvable.');
      await s.audit.append({
        actorType: 'technician',
        actorId: actor.id,
        action: 'device.history_view',
        subject: deviceId,
        data: { practiceId: device.practiceId },
      });
      const [report, requests, sessions, relayJobs, accessJobs, accesses] = await Promise.all([
        loadDeviceReport(s.db, deviceId),
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
      // File names may name patients: only the technician who restored them, or a supervisor, sees them.
      const restore = (j: JobRow, scope: { requestId: string | null; accessId: string | null }): DeviceHistoryRestore => {
        const paths = (() => {
          try {
            const v = JSON.parse(j.paths) as unknown;
            return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [];
          } catch {
            return [];
          }
        })();
        const named = isPrivileged(actor) || j.technician_id === actor.id;
        return {
          jobId: j.job_id,
          ...scope,
          technician: tech(j.technician_id, names.get(j.technician_id) ?? null),
          items: paths.length,
          names: named ? paths.slice(0, 5).map((p) => baseName(p).slice(0, 255)) : [],
          state: j.state as RestoreState,
          createdAt: j.created_at,
          endedAt: j.ended_at,
        };
      };
      const restores = [
        ...relayJobs.map((j) => restore(j, { requestId: j.scope_id, accessId: null })),
        ...accessJobs.map((j) => restore(j, { requestId: null, accessId: j.scope_id })),
      ]
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, HISTORY_LIMIT);
      const history: DeviceHistory = {
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
      return history;
    },

    'audit:options': async (_input, { actor }) => {
      privileged(actor);
      const [practices, technicians] = await Promise.all([
        db.selectFrom('practices').select(['id', 'name']).orderBy('name').execute(),
        s.auth.listTechnicians(),
      ]);
      return { practices, technicians: technicians.map((t) => ({ id: t.id, name: t.displayName, disabled: t.disabled })) };
    },

    'audit:list': async (query, { actor }) => {
      privileged(actor);
      // Looking at the audit log is itself written in it, with what was looked for.
      const { limit: _limit, ...filters } = query;
      await s.audit.append({ actorType: 'technician', actorId: actor.id, action: 'audit.view', data: filters });
      return auditPage(db, query);
    },

    'audit:export': async ({ requestId }, { actor }) => {
      privileged(actor);
      const request = await s.help.getById(requestId);
      if (!request) throw new VigieError('NOT_FOUND', 'Demande introuvable.');
      await s.audit.append({
        actorType: 'technician',
        actorId: actor.id,
        action: 'audit.export',
        subject: requestId,
        data: { practiceId: request.practiceId, deviceId: request.deviceId },
      });
      const messages: ChatMessage[] = [];
      for (let after = 0; ;) {
        const page = await s.chat.sync(actor, { requestId, afterSeq: after });
        messages.push(...page.messages);
        const last = page.messages[page.messages.length - 1];
        if (!page.more || !last) break;
        after = last.seq;
      }
      const sessions = await db
        .selectFrom('screen_sessions')
        .selectAll()
        .where('request_id', '=', requestId)
        .orderBy('requested_at')
        .execute();
      const exported: InterventionExport = {
        format: 'vigie.intervention-export',
        version: 1,
        exportedAt: new Date().toISOString(),
        exportedBy: { id: actor.id, name: actor.name },
        request,
        device: { id: request.deviceId, name: request.deviceName, practiceId: request.practiceId, practiceName: request.practiceName },
        messages,
        screenSessions: sessions.map(toScreenSession),
        audit: (await interventionRows(db, request)).map(toEntry),
      };
      return exported;
    },
  };
}

/**
 * One page of the audit log, newest first. The act, technician and dates are filtered by SQL; the
 * practice (not a column: found from the request, device or practice each row names) and the exact
 * act are checked on the rows read, SCAN_BATCH at a time and SCAN_MAX at most per page — `next`
 * tells where to go on.
 */
async function auditPage(db: HistoryDb, input: AuditQuery): Promise<AuditPage> {
  const limit = input.limit ?? 50;
  const names = await new Names(db).load();
  const prefixes: readonly string[] = input.act ? AUDIT_ACTS[input.act] : [];
  const entries: AuditView[] = [];
  let before = input.beforeSeq ?? Number.MAX_SAFE_INTEGER;
  let scanned = 0;
  for (;;) {
    let q = db.selectFrom('audit_log').selectAll().where('seq', '<', before);
    if (input.technicianId) q = q.where('actor_type', '=', 'technician').where('actor_id', '=', input.technicianId);
    if (input.from) q = q.where('at', '>=', input.from);
    if (input.to) q = q.where('at', '<=', input.to);
    if (prefixes.length)
      q = q.where((eb) => eb.or(prefixes.map((p) => (p.endsWith('.') ? like('action', `${likeLiteral(p)}%`) : eb('action', '=', p)))));
    const rows = await q.orderBy('seq', 'desc').limit(SCAN_BATCH).execute();
    scanned += rows.length;
    await names.requestsOf(rows);
    for (const r of rows) {
      before = Number(r.seq);
      const v = names.view(r);
      if (input.act && v.act !== input.act) continue;
      if (input.practiceId && v.practice?.id !== input.practiceId) continue;
      entries.push(v);
      if (entries.length === limit) return { entries, next: before > 1 ? before : null };
    }
    if (rows.length < SCAN_BATCH) return { entries, next: null };
    if (scanned >= SCAN_MAX) return { entries, next: before };
  }
}

/**
 * The audit rows about one request, in chain order, with their place in the chain: the same rows
 * its intervention receipt stands on (receipts/facts.ts collectRows — one definition of what
 * belongs to an intervention), read whole.
 */
async function interventionRows(db: HistoryDb, request: { id: string; deviceId: string }): Promise<AuditRow[]> {
  const { rows } = await collectRows(db as unknown as ReceiptsDb, request, Number.MAX_SAFE_INTEGER);
  const seqs = rows.map((r) => r.seq);
  const whole: AuditRow[] = [];
  for (let i = 0; i < seqs.length; i += 500)
    whole.push(
      ...(await db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', 'in', seqs.slice(i, i + 500))
        .orderBy('seq')
        .execute()),
    );
  return whole;
}
