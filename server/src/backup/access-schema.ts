import type { Kysely, Transaction } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { Database } from '../store/schema.js';

/**
 * A technician's access to a device's backups outside any help request (asked from the device's
 * page, granted by the practitioner) and the restores started under it. Kept apart from the hub's
 * own schema and migrated by its own Kysely Migrator (own bookkeeping tables), like the screen
 * sessions. ISO-8601 UTC strings.
 */
export type BackupAccessTable = {
  id: string;
  device_id: string;
  technician_id: string;
  /** The technician's verified display name when the access was asked (what the practitioner read). */
  technician_name: string;
  short_code: string;
  /** consent-pending | granted | ended */
  state: string;
  requested_at: string;
  consent_expires_at: string | null;
  answered_at: string | null;
  /** granted | refused | timeout | unavailable (null before the answer). */
  decision: string | null;
  granted_at: string | null;
  /** A granted access ends by itself at this time. */
  expires_at: string | null;
  ended_at: string | null;
  /** device | technician | system */
  ended_by: string | null;
  end_reason: string | null;
};

/** Restores the hub started under an access: the only jobs a device may report on for it (like relay_jobs for requests). */
export type BackupAccessJobTable = {
  device_id: string;
  job_id: string;
  access_id: string;
  technician_id: string;
  /** JSON: the paths the technician asked for. */
  paths: string;
  state: string;
  created_at: string;
  ended_at: string | null;
};

export type BackupAccessTables = {
  backup_access: BackupAccessTable;
  backup_access_jobs: BackupAccessJobTable;
};

/** The hub's tables plus the access ones (one SQLite connection: the same Kysely instance seen wider). */
export type AccessDb = Kysely<Database & BackupAccessTables>;
export type AccessTrx = Transaction<Database & BackupAccessTables>;

export const BACKUP_ACCESS_MIGRATION_TABLE = 'kysely_migration_backup_access';
export const BACKUP_ACCESS_MIGRATION_LOCK_TABLE = 'kysely_migration_backup_access_lock';

export const backupAccessMigrations: Record<string, Migration> = {
  '0001_console_backup_access': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('backup_access')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('device_id', 'varchar(64)', (c) => c.notNull().references('devices.id'))
        .addColumn('technician_id', 'varchar(64)', (c) => c.notNull().references('technicians.id'))
        .addColumn('technician_name', 'varchar(200)', (c) => c.notNull())
        .addColumn('short_code', 'varchar(8)', (c) => c.notNull())
        .addColumn('state', 'varchar(20)', (c) => c.notNull())
        .addColumn('requested_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('consent_expires_at', 'varchar(40)')
        .addColumn('answered_at', 'varchar(40)')
        .addColumn('decision', 'varchar(12)')
        .addColumn('granted_at', 'varchar(40)')
        .addColumn('expires_at', 'varchar(40)')
        .addColumn('ended_at', 'varchar(40)')
        .addColumn('ended_by', 'varchar(12)')
        .addColumn('end_reason', 'varchar(24)')
        .execute();
      await db.schema.createIndex('backup_access_device').on('backup_access').columns(['device_id', 'state']).execute();
      await db.schema.createIndex('backup_access_requested').on('backup_access').columns(['device_id', 'requested_at']).execute();
      await db.schema
        .createTable('backup_access_jobs')
        .addColumn('device_id', 'varchar(64)', (c) => c.notNull().references('devices.id'))
        .addColumn('job_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('access_id', 'varchar(64)', (c) => c.notNull().references('backup_access.id'))
        .addColumn('technician_id', 'varchar(64)', (c) => c.notNull().references('technicians.id'))
        .addColumn('paths', 'text', (c) => c.notNull())
        .addColumn('state', 'varchar(20)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('ended_at', 'varchar(40)')
        .addPrimaryKeyConstraint('backup_access_jobs_pk', ['device_id', 'job_id'])
        .execute();
    },
  },
};

const provider: MigrationProvider = {
  async getMigrations() {
    return backupAccessMigrations;
  },
};

/** Brings the access tables to the latest version (idempotent). Call once after the hub opened its database. */
export async function migrateBackupAccess<DB>(db: Kysely<DB>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: BACKUP_ACCESS_MIGRATION_TABLE,
    migrationLockTableName: BACKUP_ACCESS_MIGRATION_LOCK_TABLE,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`backup access migration failed${failed ? ` (${failed.migrationName})` : ''}: ${String(error)}`);
  }
}
