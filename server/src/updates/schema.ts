import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';

/**
 * Tables of the update feed. Kept apart from the hub's own schema and migrated by their own
 * Kysely Migrator (own bookkeeping tables), so this module plugs into any hub database without
 * touching the hub's migration list. Timestamps are ISO-8601 UTC strings; JSON is text.
 */
export interface UpdateArtifactTable {
  /** File name as served (one path segment, validated by the contract's ArtifactName). */
  name: string;
  sha512: string;
  size: number;
  /** 'artifact' (listed in the feed) or 'blockmap'. */
  kind: string;
  stored_at: string;
}

export interface UpdateReleaseTable {
  id: string;
  version: string;
  platform: string;
  /** JSON: ReleaseFile[] in feed order (the first is the legacy `path`). */
  files: string;
  release_date: string;
  release_notes: string | null;
  published_at: string;
  published_by: string | null;
}

export interface UpdateChannelTable {
  channel: string;
  platform: string;
  release_id: string;
  staging_percentage: number;
  updated_at: string;
  updated_by: string | null;
}

export interface UpdateReportTable {
  id: string;
  device_id: string;
  outcome: string;
  current_version: string;
  target_version: string | null;
  channel: string;
  reason: string | null;
  message: string | null;
  attempt: number | null;
  retry_at: string | null;
  at: string;
  received_at: string;
}

/**
 * The devices table belongs to the hub; these are the only columns this module reads. It writes
 * one: `app_version`, from the version a device says it runs in its update reports.
 */
export interface DevicesColumnsRead {
  id: string;
  app_version: string;
  os: string;
  revoked_at: string | null;
}

export interface UpdatesTables {
  update_artifacts: UpdateArtifactTable;
  update_releases: UpdateReleaseTable;
  update_channels: UpdateChannelTable;
  update_reports: UpdateReportTable;
}

export interface UpdatesDatabase extends UpdatesTables {
  devices: DevicesColumnsRead;
}

export const UPDATES_MIGRATION_TABLE = 'kysely_migration_updates';
export const UPDATES_MIGRATION_LOCK_TABLE = 'kysely_migration_updates_lock';

/** Migrations of the update tables, names sorted in application order. */
export const updatesMigrations: Record<string, Migration> = {
  '0001_update_feed': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('update_artifacts')
        .addColumn('name', 'varchar(200)', (c) => c.primaryKey())
        .addColumn('sha512', 'varchar(100)', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'varchar(20)', (c) => c.notNull())
        .addColumn('stored_at', 'varchar(40)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('update_releases')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('version', 'varchar(40)', (c) => c.notNull())
        .addColumn('platform', 'varchar(10)', (c) => c.notNull())
        .addColumn('files', 'text', (c) => c.notNull())
        .addColumn('release_date', 'varchar(40)', (c) => c.notNull())
        .addColumn('release_notes', 'text')
        .addColumn('published_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('published_by', 'varchar(100)')
        .addUniqueConstraint('update_release_version_platform', ['version', 'platform'])
        .execute();
      await db.schema
        .createTable('update_channels')
        .addColumn('channel', 'varchar(20)', (c) => c.notNull())
        .addColumn('platform', 'varchar(10)', (c) => c.notNull())
        .addColumn('release_id', 'varchar(64)', (c) => c.notNull().references('update_releases.id'))
        .addColumn('staging_percentage', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('updated_by', 'varchar(100)')
        .addPrimaryKeyConstraint('update_channels_pk', ['channel', 'platform'])
        .execute();
      await db.schema
        .createTable('update_reports')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('device_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('outcome', 'varchar(20)', (c) => c.notNull())
        .addColumn('current_version', 'varchar(40)', (c) => c.notNull())
        .addColumn('target_version', 'varchar(40)')
        .addColumn('channel', 'varchar(20)', (c) => c.notNull())
        .addColumn('reason', 'varchar(20)')
        .addColumn('message', 'varchar(500)')
        .addColumn('attempt', 'integer')
        .addColumn('retry_at', 'varchar(40)')
        .addColumn('at', 'varchar(40)', (c) => c.notNull())
        .addColumn('received_at', 'varchar(40)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('update_reports_received').on('update_reports').column('received_at').execute();
      await db.schema.createIndex('update_reports_device').on('update_reports').columns(['device_id', 'received_at']).execute();
    },
  },
};

export const updatesMigrationProvider: MigrationProvider = {
  async getMigrations() {
    return updatesMigrations;
  },
};

/** Brings the update tables to the latest version (idempotent). Call once after the hub opened its database. */
export async function migrateUpdates<DB>(db: Kysely<DB>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: updatesMigrationProvider,
    migrationTableName: UPDATES_MIGRATION_TABLE,
    migrationLockTableName: UPDATES_MIGRATION_LOCK_TABLE,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`update feed migration failed${failed ? ` (${failed.migrationName})` : ''}: ${String(error)}`);
  }
}
