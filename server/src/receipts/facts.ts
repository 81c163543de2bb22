/**
 * What a receipt says that comes from the audit chain: which entries are about the intervention,
 * and the consents, control periods, restores, backup reads and safety events read from them.
 * One pure function over the rows (`chainFacts`), used to issue a receipt and again by
 * `receipt verify`, which recomputes it from the chain and compares.
 */
import type {
  InterventionReceiptBody,
  ReceiptAuditEntry,
  ReceiptBackupRead,
  ReceiptConsent,
  ReceiptConsentDecision,
  ReceiptConsentKind,
  ReceiptControlPeriod,
  ReceiptRestore,
  ReceiptSafetyEvent,
  ReceiptScreenSession,
} from '@vigie/common';
import type { AuditEntry } from '@vigie/common';
import type { ReceiptsDb } from './schema.js';
import type { AuditLogTable } from '../store/schema.js';

export type AuditRow = Omit<AuditEntry, 'prevHash'>;

/** Never part of a receipt: the receipt's own bookkeeping (issued, downloaded). */
const OWN_PREFIX = 'receipt.';

const str = (v: unknown, max = 4096): string | null => (typeof v === 'string' ? v.slice(0, max) : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);
const strings = (v: unknown, max = 1000): string[] =>
  Array.isArray(v)
    ? v
        .filter((x): x is string => typeof x === 'string')
        .slice(0, max)
        .map((x) => x.slice(0, 4096))
    : [];

/** The request as the hub has it, for choosing its rows. */
export interface RequestRef {
  id: string;
  deviceId: string;
}

/** An audit_log row as read (Postgres may give its seq as a bigint). */
function rowOf(r: Omit<AuditLogTable, 'seq' | 'prev_hash'> & { seq: number | bigint }): AuditRow | null {
  let data: unknown;
  try {
    data = JSON.parse(r.data);
  } catch {
    return null;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
  return {
    seq: Number(r.seq),
    at: r.at,
    actorType: r.actor_type as AuditRow['actorType'],
    actorId: r.actor_id,
    action: r.action,
    subject: r.subject,
    data: data as Record<string, unknown>,
    hash: r.hash,
  };
}

/**
 * The entries about the request up to `toSeq`: from its creation on, every row about the request,
 * its device or its screen sessions (by subject, indexed) that is the request's — its subject is
 * the request, or its data names it (`requestId`: screen, backup, safety rows) — and
 * the rows of the backup accesses a technician of the request asked on its device meanwhile
 * (`accessId`). Then, for each technician, the login that preceded their first step (how the hub
 * verified who they were). Receipt bookkeeping (`receipt.*`) is never part of it.
 */
export async function collectRows(db: ReceiptsDb, req: RequestRef, toSeq: number): Promise<{ rows: AuditRow[]; logins: AuditRow[] }> {
  const created = await db
    .selectFrom('audit_log')
    .select('seq')
    .where('action', '=', 'help.create')
    .where('subject', '=', req.id)
    .orderBy('seq')
    .executeTakeFirst();
  const fromSeq = created ? Number(created.seq) : 1;
  const sessionIds = (await db.selectFrom('screen_sessions').select('id').where('request_id', '=', req.id).execute()).map((s) => s.id);
  const subjects = [req.id, req.deviceId, ...sessionIds];
  const raw = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '>=', fromSeq)
    .where('seq', '<=', toSeq)
    .where('subject', 'in', subjects)
    .orderBy('seq')
    .execute();
  const all = raw.map(rowOf).filter((r): r is AuditRow => r !== null && !r.action.startsWith(OWN_PREFIX));
  const ofRequest = (r: AuditRow) => r.subject === req.id || r.data.requestId === req.id;
  const mine = all.filter(ofRequest);
  const technicians = new Set(mine.filter((r) => r.actorType === 'technician' && r.actorId).map((r) => r.actorId!));
  // Backup accesses (outside the request) a technician of the request asked on this device while it was open.
  const accesses = new Set(
    all
      .filter(
        (r) =>
          r.action === 'backup.access.request' &&
          r.subject === req.deviceId &&
          r.actorId !== null &&
          technicians.has(r.actorId) &&
          typeof r.data.accessId === 'string',
      )
      .map((r) => r.data.accessId as string),
  );
  const rows = all.filter(
    (r) => ofRequest(r) || (r.subject === req.deviceId && typeof r.data.accessId === 'string' && accesses.has(r.data.accessId)),
  );

  const logins: AuditRow[] = [];
  for (const id of [...new Set(rows.filter((r) => r.actorType === 'technician' && r.actorId).map((r) => r.actorId!))].sort()) {
    const first = rows.find((r) => r.actorType === 'technician' && r.actorId === id)!;
    const login = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'auth.login')
      .where('actor_id', '=', id)
      .where('seq', '<', first.seq)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const row = login ? rowOf(login) : null;
    if (row) logins.push(row);
  }
  return { rows, logins };
}

export type ChainFacts = Pick<
  InterventionReceiptBody,
  'consents' | 'screenSessions' | 'controlPeriods' | 'restores' | 'backupReads' | 'safety'
> & {
  entries: ReceiptAuditEntry[];
  pickedUpAt: string | null;
  /** Technicians who did something, in order of their first step. */
  technicianIds: string[];
  /** technician id → their verifying login entry. */
  logins: Map<string, { at: string; seq: number }>;
};

/** Codes shown with each consent: the screen session's or the backup access's (not in the chain: covered by the signature). */
export type CodeOf = (kind: 'screen' | 'access', ref: string) => string | null;

const decisionOf = (v: unknown): ReceiptConsentDecision => {
  const d = str(v, 20);
  return d === 'granted' || d === 'refused' || d === 'timeout' || d === 'unavailable' ? d : 'refused';
};

/** Reads the receipt's sections from its rows (ordered by seq). */
export function chainFacts(rows: AuditRow[], logins: AuditRow[], codeOf: CodeOf = () => null): ChainFacts {
  const consents: ReceiptConsent[] = [];
  const sessions = new Map<string, ReceiptScreenSession>();
  const controlPeriods: ReceiptControlPeriod[] = [];
  const restores: ReceiptRestore[] = [];
  const backupReads: ReceiptBackupRead[] = [];
  const safety: ChainFacts['safety'] = { snapshots: [], undo: [], other: [] };
  const pending = new Map<string, ReceiptConsent>();
  const openControl = new Map<string, ReceiptControlPeriod>();
  const technicianIds: string[] = [];
  let pickedUpAt: string | null = null;

  /** A consent row `r` asks for, about `ref` (a screen session, or a backup access for a restore): pending under `kind:ref`. */
  const ask = (kind: ReceiptConsentKind, ref: string, r: AuditRow, technicianId: string | null) => {
    const code = codeOf(kind === 'restore' ? 'access' : 'screen', ref);
    const consent: ReceiptConsent = {
      kind,
      ref,
      code,
      technicianId,
      askedAt: r.at,
      askedSeq: r.seq,
      answeredAt: null,
      answeredSeq: null,
      decision: 'unanswered',
    };
    consents.push(consent);
    pending.set(`${kind}:${ref}`, consent);
  };
  const answer = (key: string, r: AuditRow, decision: ReceiptConsentDecision) => {
    const c = pending.get(key);
    if (!c) return;
    c.answeredAt = r.at;
    c.answeredSeq = r.seq;
    c.decision = decision;
    pending.delete(key);
  };
  const closeControl = (sid: string, r: AuditRow) => {
    const p = openControl.get(sid);
    if (!p) return;
    p.to = r.at;
    p.endedBy = r.actorType;
    openControl.delete(sid);
  };

  for (const r of rows) {
    if (r.actorType === 'technician' && r.actorId && !technicianIds.includes(r.actorId)) technicianIds.push(r.actorId);
    const sid = r.subject ?? '';
    const tech = r.actorType === 'technician' ? r.actorId : null;
    switch (r.action) {
      case 'help.accept':
      case 'help.reassign':
        pickedUpAt ??= r.at;
        break;
      case 'screen.request':
        sessions.set(sid, {
          id: sid,
          code: codeOf('screen', sid),
          technicianId: tech,
          requestedAt: r.at,
          viewFrom: null,
          endedAt: null,
          endedBy: null,
          endReason: null,
        });
        ask('view', sid, r, tech);
        break;
      case 'screen.consent.granted': {
        answer(`view:${sid}`, r, 'granted');
        const s = sessions.get(sid);
        if (s) s.viewFrom = r.at;
        break;
      }
      case 'screen.consent.refused':
        answer(`view:${sid}`, r, decisionOf(r.data.decision));
        break;
      case 'screen.control.request':
        ask('control', sid, r, tech);
        break;
      case 'screen.control.granted': {
        answer(`control:${sid}`, r, 'granted');
        const p: ReceiptControlPeriod = { sessionId: sid, from: r.at, to: null, endedBy: null };
        controlPeriods.push(p);
        openControl.set(sid, p);
        break;
      }
      case 'screen.control.refused':
        answer(`control:${sid}`, r, decisionOf(r.data.decision));
        break;
      case 'screen.control.revoked':
        if (r.data.from === 'controlling') closeControl(sid, r);
        else answer(`control:${sid}`, r, 'withdrawn');
        break;
      case 'screen.display.request':
        ask('display', sid, r, tech);
        break;
      case 'screen.display.granted':
      case 'screen.display.refused':
        answer(`display:${sid}`, r, r.action === 'screen.display.granted' ? 'granted' : decisionOf(r.data.decision));
        break;
      case 'screen.end': {
        closeControl(sid, r);
        const timeout = r.data.reason === 'timeout';
        for (const kind of ['view', 'control', 'display']) answer(`${kind}:${sid}`, r, timeout ? 'timeout' : 'unanswered');
        const s = sessions.get(sid);
        if (s) {
          s.endedAt = r.at;
          s.endedBy = r.actorType;
          s.endReason = str(r.data.reason, 40);
        }
        break;
      }
      case 'backup.access.request': {
        const id = str(r.data.accessId, 64) ?? '';
        ask('restore', id, r, tech);
        break;
      }
      case 'backup.access.granted':
        answer(`restore:${str(r.data.accessId, 64) ?? ''}`, r, 'granted');
        break;
      case 'backup.access.refused':
        answer(`restore:${str(r.data.accessId, 64) ?? ''}`, r, decisionOf(r.data.decision));
        break;
      case 'backup.access.end':
        answer(`restore:${str(r.data.accessId, 64) ?? ''}`, r, r.data.reason === 'timeout' ? 'timeout' : 'unanswered');
        break;
      case 'backup.restore_requested':
      case 'backup.restore_refused':
        restores.push({
          jobId: r.action === 'backup.restore_requested' ? str(r.data.jobId, 64) : null,
          accessId: str(r.data.accessId, 64),
          technicianId: tech,
          askedAt: r.at,
          snapshotId: str(r.data.snapshotId, 128),
          paths: strings(r.data.paths),
          mode: str(r.data.mode, 20),
          targetDir: str(r.data.targetDir),
          state: r.action === 'backup.restore_requested' ? 'running' : 'refused',
          finishedAt: null,
          items: null,
          reason: r.action === 'backup.restore_refused' ? str(r.data.code, 120) : null,
        });
        break;
      case 'backup.restore_finished': {
        const job = restores.find((x) => x.jobId !== null && x.jobId === r.data.jobId && x.state === 'running');
        const state = str(r.data.state, 20);
        if (job && (state === 'done' || state === 'failed' || state === 'cancelled')) {
          job.state = state;
          job.finishedAt = r.at;
          job.items = int(r.data.items);
          job.reason = str(r.data.reason, 120);
        }
        break;
      }
      case 'backup.read': {
        const path = str(r.data.path);
        const query = str(r.data.query);
        backupReads.push({ at: r.at, technicianId: tech, what: str(r.data.what, 40) ?? '', detail: path ?? query });
        break;
      }
      default:
        if (r.action.startsWith('safety.')) {
          const ev = safetyEvent(r);
          if (r.action.startsWith('safety.snapshot')) safety.snapshots.push(ev);
          else if (r.action.startsWith('safety.undo')) safety.undo.push(ev);
          else safety.other.push(ev);
        }
    }
  }

  const entries = [...rows, ...logins]
    .sort((a, b) => a.seq - b.seq)
    .map((r): ReceiptAuditEntry => ({ seq: r.seq, at: r.at, action: r.action, actorType: r.actorType, actorId: r.actorId, hash: r.hash }));
  const loginMap = new Map(logins.map((l) => [l.actorId ?? '', { at: l.at, seq: l.seq }]));
  return {
    consents,
    screenSessions: [...sessions.values()],
    controlPeriods,
    restores,
    backupReads,
    safety,
    entries,
    pickedUpAt,
    technicianIds,
    logins: loginMap,
  };
}

/** A `safety.*` row's scalar facts (and lists of names), without the request id it was chosen by. */
function safetyEvent(r: AuditRow): ReceiptSafetyEvent {
  const details: ReceiptSafetyEvent['details'] = {};
  for (const [k, v] of Object.entries(r.data).slice(0, 40)) {
    if (k === 'requestId' || k.length > 64) continue;
    if (typeof v === 'string') details[k] = v.slice(0, 4096);
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || v === null) details[k] = v;
    else if (Array.isArray(v)) details[k] = strings(v);
  }
  return { seq: r.seq, at: r.at, action: r.action, actorType: r.actorType, details };
}

/** The parts of a receipt recomputed from the chain by `receipt verify` (codes are the signature's to vouch for). */
export function chainView(
  f: Pick<InterventionReceiptBody, 'consents' | 'screenSessions' | 'controlPeriods' | 'restores' | 'backupReads' | 'safety'> & {
    entries: ReceiptAuditEntry[];
  },
) {
  return {
    entries: f.entries,
    consents: f.consents.map(({ code: _code, ...c }) => c),
    screenSessions: f.screenSessions.map(({ code: _code, ...s }) => s),
    controlPeriods: f.controlPeriods,
    restores: f.restores,
    backupReads: f.backupReads,
    safety: f.safety,
  };
}
