import type { Kysely, Transaction } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { ScreenTables } from '../screen/schema.js';
import type { Database } from '../store/schema.js';

/**
 * Intervention receipts and technicians' photos. Kept apart from the hub's own schema and migrated
 * by their own Kysely Migrator (own bookkeeping tables), like the screen sessions and the settings.
 * Timestamps are ISO-8601 UTC strings.
 */
export type ReceiptTable = {
  id: string;
  request_id: string;
  /** 1, 2…: a new version when something about the request was recorded after the previous one. */
  version: number;
  issued_at: string;
  device_id: string;
  practice_id: string;
  /** The signed receipt, exactly as handed out (the JSON file and the PDF attachment). */
  json: string;
  /** SHA-256 (hex) of `json`'s bytes. */
  sha256: string;
  /** The audit chain was read up to this entry. */
  to_seq: number;
  /** The `receipt.issued` entry that records this receipt and its documents' digests. */
  audit_seq: number;
};

/** The PDF of a receipt in one locale, kept as issued (its digest is in the `receipt.issued` entry). */
export type ReceiptDocumentTable = {
  receipt_id: string;
  locale: string;
  pdf: Buffer;
  sha256: string;
};

/** A technician's photo (`user photo`): shown on the consent window and on receipts. */
export type TechnicianPhotoTable = {
  technician_id: string;
  /** image/jpeg | image/png */
  mime: string;
  bytes: Buffer;
  sha256: string;
  width: number;
  height: number;
  updated_at: string;
};

export type ReceiptsTables = {
  receipts: ReceiptTable;
  receipt_documents: ReceiptDocumentTable;
  technician_photos: TechnicianPhotoTable;
};

/** The hub's tables, the screen sessions (codes) and the receipts' (one SQLite connection: the same Kysely instance seen wider). */
export type ReceiptsDb = Kysely<Database & ScreenTables & ReceiptsTables>;
export type ReceiptsTrx = Transaction<Database & ScreenTables & ReceiptsTables>;

export const RECEIPTS_MIGRATION_TABLE = 'kysely_migration_receipts';
export const RECEIPTS_MIGRATION_LOCK_TABLE = 'kysely_migration_receipts_lock';

export const receiptsMigrations: Record<string, Migration> = {
  receipts_0001_receipts_and_photos: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('receipts')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('request_id', 'varchar(64)', (c) => c.notNull().references('help_requests.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('issued_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('device_id', 'varchar(64)', (c) => c.notNull().references('devices.id'))
        .addColumn('practice_id', 'varchar(64)', (c) => c.notNull().references('practices.id'))
        .addColumn('json', 'text', (c) => c.notNull())
        .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
        .addColumn('to_seq', 'bigint', (c) => c.notNull())
        .addColumn('audit_seq', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('receipts_request_version', ['request_id', 'version'])
        .execute();
      await db.schema.createIndex('receipts_device').on('receipts').columns(['device_id', 'issued_at']).execute();
      await db.schema
        .createTable('receipt_documents')
        .addColumn('receipt_id', 'varchar(64)', (c) => c.notNull().references('receipts.id'))
        .addColumn('locale', 'varchar(8)', (c) => c.notNull())
        .addColumn('pdf', 'blob', (c) => c.notNull())
        .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
        .addPrimaryKeyConstraint('receipt_documents_pk', ['receipt_id', 'locale'])
        .execute();
      await db.schema.createIndex('receipt_documents_sha256').on('receipt_documents').column('sha256').execute();
      await db.schema
        .createTable('technician_photos')
        .addColumn('technician_id', 'varchar(64)', (c) => c.primaryKey().references('technicians.id'))
        .addColumn('mime', 'varchar(20)', (c) => c.notNull())
        .addColumn('bytes', 'blob', (c) => c.notNull())
        .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
        .execute();
    },
  },
  receipts_0002_audit_subject_index: {
    // A receipt reads the entries about one request (its id, its device, its screen sessions) by subject.
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('audit_log_subject_seq').ifNotExists().on('audit_log').columns(['subject', 'seq']).execute();
    },
  },
};

const provider: MigrationProvider = {
  async getMigrations() {
    return receiptsMigrations;
  },
};

/** Brings the receipt tables to the latest version (idempotent). Hub and CLI call it after opening the database. */
export async function migrateReceipts<DB>(db: Kysely<DB>): Promise<void> {
  const { error, results } = await new Migrator({
    db,
    provider,
    migrationTableName: RECEIPTS_MIGRATION_TABLE,
    migrationLockTableName: RECEIPTS_MIGRATION_LOCK_TABLE,
  }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`receipts migration failed${failed ? ` (${failed.migrationName})` : ''}: ${String(error)}`);
  }
}
