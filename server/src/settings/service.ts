import type { Kysely } from 'kysely';
import {
  DEFAULT_SUPPORT_SETTINGS,
  SupportSettings,
  VigieError,
  parseOrThrow,
  type SupportSettingsRecord,
  type SupportStatus,
} from '@vigie/common';
import type { AuditLog } from '../services/audit.js';
import type { Db, Executor } from '../store/db.js';
import { nowIso } from '../util.js';
import { isOpenAt, nextChangeAt } from './hours.js';
import type { SettingsTables } from './schema.js';

/** Who changes a setting: a technician (console, admins only) or the hub CLI. */
export type SettingsActor = { type: 'technician'; id: string } | { type: 'cli'; id: string | null };

export type SupportChange = Partial<SupportSettings>;

const FIELDS = ['timeZone', 'hours', 'phone'] as const;

/** Attempts of a CLI change (no version given) against concurrent writers before giving up. */
const CLI_ATTEMPTS = 5;

/**
 * The support settings practices are told about (hours, time zone, phone). Read fresh from SQLite
 * whenever the queue is computed, so a change made by the CLI (another process) is seen by a running
 * hub at its next queue computation (at most a minute later: see Realtime). Changes are audited.
 */
export class SettingsService {
  private readonly db: Kysely<SettingsTables>;

  constructor(
    db: Db,
    private readonly audit: AuditLog,
  ) {
    this.db = db as unknown as Kysely<SettingsTables>;
  }

  /** The support's time zone (receipts state their times in it). */
  async timeZone(): Promise<string> {
    return (await this.supportRecord()).settings.timeZone;
  }

  async supportRecord(ex: Kysely<SettingsTables> = this.db): Promise<SupportSettingsRecord> {
    const row = await ex
      .selectFrom('hub_settings')
      .select(['value', 'version', 'updated_at'])
      .where('key', '=', 'support')
      .executeTakeFirst();
    if (!row) return { settings: DEFAULT_SUPPORT_SETTINGS, version: 0, updatedAt: null };
    let value: unknown;
    try {
      value = JSON.parse(row.value);
    } catch {
      value = null;
    }
    // A row that no longer reads as settings (edited by hand) counts as the defaults until the next change.
    const parsed = SupportSettings.safeParse({ ...DEFAULT_SUPPORT_SETTINGS, ...(value && typeof value === 'object' ? value : {}) });
    return { settings: parsed.success ? parsed.data : DEFAULT_SUPPORT_SETTINGS, version: Number(row.version), updatedAt: row.updated_at };
  }

  /**
   * Sets some fields. With `expectedVersion` (the console's form), a change made since is refused
   * with CONFLICT rather than overwritten; without it (CLI, one field at a time) it applies to the
   * latest settings. A change that changes nothing is not recorded.
   */
  async updateSupport(change: SupportChange, actor: SettingsActor, expectedVersion?: number): Promise<SupportSettingsRecord> {
    for (let attempt = 1; ; attempt++) {
      const r = await this.db.transaction().execute(async (trx) => {
        const current = await this.supportRecord(trx);
        if (expectedVersion !== undefined && current.version !== expectedVersion) {
          throw new VigieError('CONFLICT', 'Ces réglages ont été modifiés entre-temps : rechargez-les avant de les changer.');
        }
        const next = parseOrThrow(SupportSettings, {
          ...current.settings,
          ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
        });
        const changed = FIELDS.filter((f) => JSON.stringify(next[f]) !== JSON.stringify(current.settings[f]));
        if (changed.length === 0) return current;
        const at = nowIso();
        const res = await trx
          .updateTable('hub_settings')
          .set({ value: JSON.stringify(next), version: current.version + 1, updated_at: at, updated_by: `${actor.type}:${actor.id ?? ''}` })
          .where('key', '=', 'support')
          .where('version', '=', current.version)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) return null; // someone else wrote in between
        await this.audit.append(
          {
            actorType: actor.type,
            actorId: actor.id,
            action: 'settings.support',
            subject: 'support',
            data: { changed, ...Object.fromEntries(changed.map((f) => [f, next[f]])) },
          },
          trx as unknown as Executor,
        );
        return { settings: next, version: current.version + 1, updatedAt: at };
      });
      if (r) return r;
      if (expectedVersion !== undefined || attempt >= CLI_ATTEMPTS)
        throw new VigieError('CONFLICT', 'Ces réglages ont été modifiés entre-temps : rechargez-les avant de les changer.');
    }
  }

  /** Settings plus what they mean at `nowMs`: open or not, and when that changes. */
  static status(record: SupportSettingsRecord, nowMs: number, technicians: { online: number; available: number }): SupportStatus {
    const { hours, timeZone } = record.settings;
    const next = hours ? nextChangeAt(hours, timeZone, nowMs) : null;
    return {
      ...record,
      open: hours ? isOpenAt(hours, timeZone, nowMs) : null,
      nextChangeAt: next === null ? null : new Date(next).toISOString(),
      techniciansOnline: technicians.online,
      techniciansAvailable: technicians.available,
    };
  }
}
