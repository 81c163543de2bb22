import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase as KyselySqlite,
  type SqliteStatement,
  type Transaction,
} from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations.js';
import { isPostgresUrl, PostgresColumnTypes, SqliteRowLocks, withMigrationLock } from './dialect.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: services accept both. */
export type Executor = Db | Tx;

export interface OpenDbOptions {
  /** SQLite: `FULL` (default) syncs every commit to disk before the hub acknowledges it. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Postgres: connections this process keeps to the server (default 10). */
  poolSize?: number;
  /** Postgres: an idle pooled connection failed (server restart, network); the pool replaces it. Default: ignored. */
  onPoolError?: (err: Error) => void;
}

/** Where a hub keeps its data: the Postgres database of `databaseUrl` when set, else `<dataDir>/hub.sqlite`. */
export function storeLocation(cfg: { dataDir: string; databaseUrl: string | null }): string {
  return cfg.databaseUrl ?? join(cfg.dataDir, 'hub.sqlite');
}

/**
 * The hub's store for a configuration (hub and CLI): the data folder exists, private (0700), on
 * either store — it holds hub.json and the update artifacts even when the tables are in Postgres.
 */
export function openHubStore(
  cfg: { dataDir: string; databaseUrl: string | null; sqliteSynchronous: 'FULL' | 'NORMAL'; postgresPoolSize: number },
  opts: Pick<OpenDbOptions, 'onPoolError' | 'poolSize'> = {},
): Promise<Db> {
  mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });
  return openDb(storeLocation(cfg), { synchronous: cfg.sqliteSynchronous, poolSize: cfg.postgresPoolSize, ...opts });
}

/** A store location fit for logs: the SQLite file, or the Postgres server and database without credentials. */
export function describeStore(location: string): string {
  if (!isPostgresUrl(location)) return location;
  try {
    const u = new URL(location);
    return `postgres://${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(unparsable URL)';
  }
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

/**
 * Kysely prepares every query anew; the statements of the most recent STATEMENTS query texts are
 * kept instead (the texts are the compiled queries, values apart). One connection, no streaming
 * reads: a statement is never in use twice at once.
 */
const STATEMENTS = 256;
function preparedOnce(db: KyselySqlite): KyselySqlite {
  const kept = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare: (sql: string) => {
      const stmt = kept.get(sql) ?? db.prepare(sql);
      kept.delete(sql);
      kept.set(sql, stmt);
      if (kept.size > STATEMENTS) kept.delete(kept.keys().next().value!);
      return stmt;
    },
  };
}

function openSqlite(file: string, opts: OpenDbOptions): Db {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  privateFile(file);
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
  sqlite.pragma('busy_timeout = 5000');
  // Deleted or overwritten content (ended sessions, secrets sealed at start) is zeroed, not left in free space.
  sqlite.pragma('secure_delete = ON');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: preparedOnce(sqlite) }), plugins: [new SqliteRowLocks()] });
}

/** 64-bit integers (`bigint` columns, `count(*)`) and numerics come back as numbers, as they do from SQLite. */
const NUMERIC_TYPES = new Set([pg.types.builtins.INT8, pg.types.builtins.NUMERIC]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMERIC_TYPES.has(oid) && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

function openPostgres(url: string, opts: OpenDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    types,
    application_name: 'vigie-hub',
    // A node that stops answering mid-transaction (frozen, cut off) must not hold its row locks, or
    // the audit chain's, for ever: the server ends such a session, and dead peers are noticed.
    idle_in_transaction_session_timeout: 60_000,
    keepAlive: true,
  });
  // An idle connection that breaks must not take the process down: the pool drops it and opens another when needed.
  pool.on('error', (err) => opts.onPoolError?.(err));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new PostgresColumnTypes()] });
}

/**
 * Opens the hub's store and migrates it: a Postgres database when `location` is a `postgres://`
 * URL (VIGIE_DATABASE_URL), else the SQLite file at `location` (created if needed, WAL, foreign keys).
 * The same migrations and queries run on both (store/dialect.ts).
 */
export async function openDb(location: string, opts: OpenDbOptions = {}): Promise<Db> {
  const db = isPostgresUrl(location) ? openPostgres(location, opts) : openSqlite(location, opts);
  try {
    // Numbered in the order they were written; a migration added on a branch that lands later still runs (never skipped).
    const { error, results } = await withMigrationLock(db, (conn) =>
      new Migrator({ db: conn, provider: migrationProvider, allowUnorderedMigrations: true }).migrateToLatest(),
    );
    if (error) {
      const failed = results?.find((r) => r.status === 'Error');
      throw new Error(`database migration failed${failed ? ` (${failed.migrationName})` : ''}: ${String(error)}`);
    }
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return db;
}
