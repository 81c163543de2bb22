/**
 * The history module's database: the tables it reads (the hub's, screen sessions, backup accesses)
 * and its own migration — indexes on the append-only audit log for the audit view.
 */
import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { BackupAccessTables } from '../backup/access-schema.js';
import type { ScreenTables } from '../screen/index.js';
import type { Database } from '../store/schema.js';

export type HistoryDb = Kysely<Database & ScreenTables & BackupAccessTables>;
export type AuditRow = Database['audit_log'];

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
