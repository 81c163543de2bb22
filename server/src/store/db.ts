import { mkdirSync } from 'node:fs';
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

/** Opens (creating if needed) the SQLite file with WAL and foreign keys, then migrates it. */
export async function openDb(file: string, opts: OpenDbOptions = {}): Promise<Db> {
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration failed${failed ? ` (${failed.migrationName})` : ''}: ${String(error)}`);
  }
  return db;
}
