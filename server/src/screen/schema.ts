import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';

/**
 * The remote-screen session record. Kept apart from the hub's own schema and migrated by its own
 * Kysely Migrator (own bookkeeping tables), like the update feed, so it plugs into the hub's
 * database (SQLite or Postgres) without touching the hub's migration list. ISO-8601 UTC strings.
 */
export type ScreenSessionTable = {
  id: string;
  request_id: string;
  device_id: string;
  technician_id: string;
  /** The technician's verified display name when the session was asked. */
  technician_name: string;
  /** 'view' | 'control' (control once it has been granted at least once). */
  kind: string;
  /** consent-pending | viewing | control-pending | controlling | ended */
  state: string;
  short_code: string;
  requested_at: string;
  consent_expires_at: string | null;
  consent_at: string | null;
  refused_at: string | null;
  control_requested_at: string | null;
  control_granted_at: string | null;
  control_revoked_at: string | null;
  ended_at: string | null;
  /** device | technician | system */
  ended_by: string | null;
  end_reason: string | null;
  /** The two sockets signaling is relayed between (socket.io ids; rooms of the same name exist on every node). */
  tech_socket_id: string;
  device_socket_id: string | null;
  /** Input counters reported by the device at the end. */
  input_injected: number | null;
  input_dropped: number | null;
  /** The last monitor switch asked by the technician (rank n), when, and the practitioner's answer (0002). */
  switch_index: number | null;
  switch_requested_at: string | null;
  switch_answered_at: string | null;
  /** granted | refused | timeout */
  switch_decision: string | null;
  /** Monitor switches the practitioner accepted. */
  display_switches: number;
  /** The answer to the latest control consent (0003): granted | refused | timeout | unavailable, when, and why control is impossible (unavailable). */
  control_decision: string | null;
  control_answered_at: string | null;
  control_unavailable_reason: string | null;
  /** When the TURN credentials handed out for this session stop being accepted for new allocations (0004); the sweep hands out fresh ones before. */
  ice_expires_at: string | null;
};

export type ScreenTables = {
  screen_sessions: ScreenSessionTable;
};

export const SCREEN_MIGRATION_TABLE = 'kysely_migration_screen';
export const SCREEN_MIGRATION_LOCK_TABLE = 'kysely_migration_screen_lock';

/** Migrations of the screen tables, names sorted in application order. */
export const screenMigrations: Record<string, Migration> = {
  '0001_screen_sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('screen_sessions')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('request_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('device_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('technician_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('technician_name', 'varchar(200)', (c) => c.notNull())
        .addColumn('kind', 'varchar(10)', (c) => c.notNull())
        .addColumn('state', 'varchar(20)', (c) => c.notNull())
        .addColumn('short_code', 'varchar(8)', (c) => c.notNull())
        .addColumn('requested_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('consent_expires_at', 'varchar(40)')
        .addColumn('consent_at', 'varchar(40)')
        .addColumn('refused_at', 'varchar(40)')
        .addColumn('control_requested_at', 'varchar(40)')
        .addColumn('control_granted_at', 'varchar(40)')
        .addColumn('control_revoked_at', 'varchar(40)')
        .addColumn('ended_at', 'varchar(40)')
        .addColumn('ended_by', 'varchar(20)')
        .addColumn('end_reason', 'varchar(20)')
        .addColumn('tech_socket_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('device_socket_id', 'varchar(64)')
        .addColumn('input_injected', 'integer')
        .addColumn('input_dropped', 'integer')
        .execute();
      await db.schema.createIndex('screen_sessions_state').on('screen_sessions').column('state').execute();
      await db.schema.createIndex('screen_sessions_device').on('screen_sessions').columns(['device_id', 'state']).execute();
      await db.schema.createIndex('screen_sessions_request').on('screen_sessions').columns(['request_id', 'requested_at']).execute();
    },
  },
  '0002_screen_display_switch': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('screen_sessions').addColumn('switch_index', 'integer').execute();
      await db.schema.alterTable('screen_sessions').addColumn('switch_requested_at', 'varchar(40)').execute();
      await db.schema.alterTable('screen_sessions').addColumn('switch_answered_at', 'varchar(40)').execute();
      await db.schema.alterTable('screen_sessions').addColumn('switch_decision', 'varchar(10)').execute();
      await db.schema
        .alterTable('screen_sessions')
        .addColumn('display_switches', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  '0003_console_control_answer': {
    // The console tells the technician why control did not start (refused, no answer, impossible here and why).
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('screen_sessions').addColumn('control_decision', 'varchar(12)').execute();
      await db.schema.alterTable('screen_sessions').addColumn('control_answered_at', 'varchar(40)').execute();
      await db.schema.alterTable('screen_sessions').addColumn('control_unavailable_reason', 'varchar(24)').execute();
    },
  },
  '0004_screen_ice_expiry': {
    // Long sessions get fresh TURN credentials before the ones handed out expire.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('screen_sessions').addColumn('ice_expires_at', 'varchar(40)').execute();
    },
  },
};

export const screenMigrationProvider: MigrationProvider = {
  async getMigrations() {
    return screenMigrations;
  },
};

/** Brings the screen tables to the latest version (idempotent). Call once after the hub opened its database. */
export async function migrateScreen<DB>(db: Kysely<DB>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: screenMigrationProvider,
    migrationTableName: SCREEN_MIGRATION_TABLE,
    migrationLockTableName: SCREEN_MIGRATION_LOCK_TABLE,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`screen migration failed${failed ? ` (${failed.migrationName})` : ''}: ${String(error)}`);
  }
}
