/**
 * Audit rows as the console shows them: their data parsed (never trusted to be an object), and the
 * request, device, practice and actor each row is about, named as the hub knows them now (loaded
 * once per page; requests only the ones the page names).
 */
import { auditActOf, type AuditEntry, type AuditView } from '@vigie/common';
import type { AuditRow, HistoryDb } from './schema.js';

/** A short text value of an entry's data (1–200 characters), else null. */
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null);

/** An entry's data as an object (anything else, or text that is not JSON: empty). */
function parseData(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The row as the contract's audit entry. */
export const toEntry = (r: AuditRow): AuditEntry => ({
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
export class Names {
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
