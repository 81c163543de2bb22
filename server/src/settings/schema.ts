import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import { DEFAULT_SUPPORT_SETTINGS } from '@vigie/common';

/**
 * Hub settings that administrators change while the hub runs (CLI `settings …`, console admin):
 * one row per group, its value JSON, a version that every change increments. Kept apart from the
 * hub's own schema and migrated by its own Kysely Migrator (own bookkeeping tables), like the
 * update feed and the screen sessions. Timestamps are ISO-8601 UTC strings.
 */
export interface HubSettingTable {
  /** The group: `support` (hours, time zone, phone). */
  key: string;
  value: string;
  version: number;
  updated_at: string | null;
  /** `technician:<id>` or `cli:<os user>`. */
  updated_by: string | null;
}

export interface SettingsTables {
  hub_settings: HubSettingTable;
}

export const SETTINGS_MIGRATION_TABLE = 'kysely_migration_settings';
export const SETTINGS_MIGRATION_LOCK_TABLE = 'kysely_migration_settings_lock';

export const settingsMigrations: Record<string, Migration> = {
  settings_0001_hub_settings: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('hub_settings')
        .addColumn('key', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)')
        .addColumn('updated_by', 'varchar(120)')
        .execute();
      // The row exists from the start: every change is a conditional update of its version.
      await (db as unknown as Kysely<SettingsTables>)
        .insertInto('hub_settings')
        .values({ key: 'support', value: JSON.stringify(DEFAULT_SUPPORT_SETTINGS), version: 0, updated_at: null, updated_by: null })
        .execute();
    },
  },
};

const provider: MigrationProvider = {
  async getMigrations() {
    return settingsMigrations;
  },
};

/** Brings the settings table to the latest version (idempotent). Hub and CLI call it after opening the database. */
export async function migrateSettings<DB>(db: Kysely<DB>): Promise<void> {
  const { error, results } = await new Migrator({
    db,
    provider,
    migrationTableName: SETTINGS_MIGRATION_TABLE,
    migrationLockTableName: SETTINGS_MIGRATION_LOCK_TABLE,
  }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`settings migration failed${failed ? ` (${failed.migrationName})` : ''}: ${String(error)}`);
  }
}
