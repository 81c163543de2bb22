import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: services accept both. */
export type Executor = Db | Tx;

export interface OpenDbOptions {
  /** `FULL` (default) syncs every commit to disk before the hub acknowledges it. */
  synchronous?: 'FULL' | 'NORMAL';
}

/**
 * The database holds health data and secrets: the file is created 0600 before SQLite opens it (its
 * -wal and -shm files take the same mode from it), and an existing one is brought back to 0600.
 */
function privateFile(file: string): void {
  if (process.platform === 'win32') return;
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
  }
}

/** Opens (creating if needed) the SQLite file with WAL and foreign keys, then migrates it. */
export async function openDb(file: string, opts: OpenDbOptions = {}): Promise<Db> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  privateFile(file);
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
  sqlite.pragma('busy_timeout = 5000');
  // Deleted or overwritten content (ended sessions, secrets sealed at start) is zeroed, not left in free space.
  sqlite.pragma('secure_delete = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  // Numbered in the order they were written; a migration added on a branch that lands later still runs (never skipped).
  const { error, results } = await new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true }).migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration failed${failed ? ` (${failed.migrationName})` : ''}: ${String(error)}`);
  }
  return db;
}
