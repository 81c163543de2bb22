import { sql, type Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { dialectOf } from './dialect.js';

/** Migrations live in code (no files to ship); names sort in application order. */
const migrations: Record<string, Migration> = {
  i18n_0001_chat_system_keys: {
    async up(db: Kysely<unknown>) {
      // System lines as a message key and its parameters: each UI writes them in its own language.
      await db.schema.alterTable('chat_messages').addColumn('system_key', 'varchar(64)').execute();
      await db.schema.alterTable('chat_messages').addColumn('system_params', 'text').execute();
    },
  },
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('practices')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('enrollment_code', 'varchar(32)', (c) => c.notNull().unique())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('devices')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('practice_id', 'varchar(64)', (c) => c.notNull().references('practices.id'))
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('os', 'varchar(20)', (c) => c.notNull())
        .addColumn('os_version', 'varchar(100)', (c) => c.notNull())
        .addColumn('model', 'varchar(100)', (c) => c.notNull())
        .addColumn('app_version', 'varchar(40)', (c) => c.notNull())
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('enrolled_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('last_seen_at', 'varchar(40)')
        .addColumn('revoked_at', 'varchar(40)')
        .execute();
      await db.schema.createIndex('devices_practice').on('devices').column('practice_id').execute();

      await db.schema
        .createTable('device_reports')
        .addColumn('device_id', 'varchar(64)', (c) => c.primaryKey().references('devices.id'))
        .addColumn('health', 'text')
        .addColumn('backup', 'text')
        .addColumn('reported_at', 'varchar(40)', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('technicians')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('login', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('display_name', 'varchar(100)', (c) => c.notNull())
        .addColumn('role', 'varchar(20)', (c) => c.notNull())
        .addColumn('password_hash', 'varchar(200)', (c) => c.notNull())
        .addColumn('totp_secret', 'varchar(64)', (c) => c.notNull())
        .addColumn('totp_last_step', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('disabled_at', 'varchar(40)')
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('technician_id', 'varchar(64)', (c) => c.notNull().references('technicians.id'))
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('last_used_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('ip', 'varchar(64)')
        .execute();

      await db.schema
        .createTable('help_requests')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('client_id', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('device_id', 'varchar(64)', (c) => c.notNull().references('devices.id'))
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('topic', 'varchar(40)')
        .addColumn('description', 'text')
        .addColumn('context', 'text')
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('assigned_at', 'varchar(40)')
        .addColumn('first_assigned_at', 'varchar(40)')
        .addColumn('pickup_ms', 'bigint')
        .addColumn('closed_at', 'varchar(40)')
        .addColumn('technician_id', 'varchar(64)', (c) => c.references('technicians.id'))
        .addColumn('resolution_note', 'text')
        .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('device_delivered', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('device_read', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('tech_delivered', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('tech_read', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('help_status_created').on('help_requests').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('help_device_status').on('help_requests').columns(['device_id', 'status']).execute();
      await db.schema.createIndex('help_tech_status').on('help_requests').columns(['technician_id', 'status']).execute();
      await db.schema.createIndex('help_first_assigned').on('help_requests').column('first_assigned_at').execute();

      await db.schema
        .createTable('chat_messages')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('request_id', 'varchar(64)', (c) => c.notNull().references('help_requests.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('author', 'varchar(20)', (c) => c.notNull())
        .addColumn('author_id', 'varchar(64)')
        .addColumn('author_name', 'varchar(200)', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addUniqueConstraint('chat_request_seq', ['request_id', 'seq'])
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'varchar(40)', (c) => c.notNull())
        .addColumn('actor_type', 'varchar(20)', (c) => c.notNull())
        .addColumn('actor_id', 'varchar(64)')
        .addColumn('action', 'varchar(64)', (c) => c.notNull())
        .addColumn('subject', 'varchar(200)')
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('hash', 'varchar(64)', (c) => c.notNull())
        .execute();
      // The head anchors the chain: deleting the last rows is detected too.
      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'varchar(64)', (c) => c.notNull())
        .execute();
    },
  },
  '0002_audit_append_only_sqlite': {
    // Dialect-specific guard (DDL only, never in queries): the audit table refuses UPDATE and DELETE
    // (and, on Postgres, TRUNCATE, which skips row triggers). Named for SQLite, where it was first written.
    async up(db: Kysely<unknown>) {
      if (dialectOf(db) === 'postgres') {
        await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`.execute(
          db,
        );
        await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(
          db,
        );
        await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(
          db,
        );
        await sql`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(
          db,
        );
        return;
      }
      await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
        db,
      );
      await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
        db,
      );
    },
  },
  '0003_device_health_report': {
    // The full security-health report next to its summary (one column per statement: SQLite).
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('device_reports').addColumn('health_report', 'text').execute();
      await db.schema.alterTable('device_reports').addColumn('health_report_bytes', 'integer').execute();
    },
  },
  '0004_audit_keyed_chain': {
    // The audit chain's key anchor (see services/audit.ts): written once, at the first start with a hub key.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_anchor')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('key_id', 'varchar(32)', (c) => c.notNull())
        .addColumn('keyed_from_seq', 'bigint', (c) => c.notNull())
        .addColumn('mac', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .execute();
    },
  },
  '0005_totp_sealed_and_relay_jobs': {
    async up(db: Kysely<unknown>) {
      // TOTP secrets sealed with the hub key; plaintext rows are sealed at start (sealTotpSecrets).
      await db.schema.alterTable('technicians').addColumn('totp_sealed', 'text').execute();
      // Restores the hub started through the backup relay: a device reports only on these.
      await db.schema
        .createTable('relay_jobs')
        .addColumn('device_id', 'varchar(64)', (c) => c.notNull().references('devices.id'))
        .addColumn('job_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('request_id', 'varchar(64)', (c) => c.notNull().references('help_requests.id'))
        .addColumn('technician_id', 'varchar(64)', (c) => c.notNull().references('technicians.id'))
        .addColumn('paths', 'text', (c) => c.notNull())
        .addColumn('state', 'varchar(20)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('ended_at', 'varchar(40)')
        .addPrimaryKeyConstraint('relay_jobs_pk', ['device_id', 'job_id'])
        .execute();
    },
  },
  '0006_code_expiry_known_devices_lockout_clears': {
    async up(db: Kysely<unknown>) {
      // Enrollment codes expire. Codes issued before this migration stay valid 7 days from the upgrade.
      await db.schema.alterTable('practices').addColumn('enrollment_code_expires_at', 'varchar(40)').execute();
      await db
        .updateTable('practices' as never)
        .set({ enrollment_code_expires_at: new Date(Date.now() + 7 * 24 * 3_600_000).toISOString() } as never)
        .execute();
      // Browsers a technician logged in from (cookie token hash): their logins get their own back-off.
      await db.schema
        .createTable('auth_known_devices')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('technician_id', 'varchar(64)', (c) => c.notNull().references('technicians.id'))
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('last_used_at', 'varchar(40)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('auth_known_devices_technician').on('auth_known_devices').column('technician_id').execute();
      // Lock-outs cleared by an administrator (CLI, another process): the running hub applies them.
      await db.schema
        .createTable('auth_lockout_clears')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('counter_key', 'varchar(200)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .execute();
    },
  },
  tripwire_0001_alerts: {
    async up(db: Kysely<unknown>) {
      // Requests an alert opened or raised go first in the queue.
      await db.schema
        .alterTable('help_requests')
        .addColumn('urgent', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('tripwire_alerts')
        .addColumn('device_id', 'varchar(64)', (c) => c.notNull().references('devices.id'))
        .addColumn('alert_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('request_id', 'varchar(64)', (c) => c.notNull().references('help_requests.id'))
        .addColumn('alert', 'text', (c) => c.notNull())
        .addColumn('received_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('lifted_at', 'varchar(40)')
        .addColumn('lifted_by', 'varchar(64)')
        .addPrimaryKeyConstraint('tripwire_alerts_pk', ['device_id', 'alert_id'])
        .execute();
      await db.schema.createIndex('tripwire_alerts_request').on('tripwire_alerts').column('request_id').execute();
    },
  },
  safety_0001_reports: {
    async up(db: Kysely<unknown>) {
      // The latest safety backup / changes / undo report of each intervention (issue 12), and the events already audited.
      await db.schema
        .createTable('safety_reports')
        .addColumn('request_id', 'varchar(64)', (c) => c.primaryKey().references('help_requests.id'))
        .addColumn('device_id', 'varchar(64)', (c) => c.notNull().references('devices.id'))
        .addColumn('report', 'text', (c) => c.notNull())
        .addColumn('audited', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
        .execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
