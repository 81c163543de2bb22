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
import { Checkpointer } from './checkpointer.js';
import { GroupCommit, immediateOutbound, type Outbound } from './group-commit.js';
import { isPostgresUrl, PostgresColumnTypes, SqliteRowLocks, withMigrationLock } from './dialect.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: services accept both. */
export type Executor = Db | Tx;

export interface OpenDbOptions {
  /**
   * SQLite: `GROUP` (default) has every commit on disk before the hub tells anyone of it, with one
   * fsync per turn off the event loop (group-commit.ts; messages wait for it, in order); `FULL`
   * syncs inside each commit, on the event loop; `NORMAL` tells before the disk has it.
   */
  synchronous?: 'FULL' | 'GROUP' | 'NORMAL';
  /** Postgres: connections this process keeps to the server (default 10). */
  poolSize?: number;
  /** Postgres: an idle pooled connection failed (server restart, network); the pool replaces it. Default: ignored. */
  onPoolError?: (err: Error) => void;
  /** SQLite: the checkpoint thread failed (the connection then checkpoints itself). Default: ignored. */
  onCheckpointError?: (why: string) => void;
  /** SQLite with GROUP: a message held for the sync threw when let go. Default: ignored. */
  onMessageError?: (err: unknown) => void;
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
  cfg: { dataDir: string; databaseUrl: string | null; sqliteSynchronous: 'FULL' | 'GROUP' | 'NORMAL'; postgresPoolSize: number },
  opts: Pick<OpenDbOptions, 'onPoolError' | 'onCheckpointError' | 'onMessageError' | 'poolSize'> = {},
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
 * reads: a statement is never in use twice at once. Each statement that ends a write transaction
 * (or writes outside one) is told to `committed` (group commit, checkpoints).
 */
const STATEMENTS = 256;
function preparedOnce(db: SqliteDatabase.Database, committed: () => void, beforeClose: () => void): KyselySqlite {
  const kept = new Map<string, SqliteStatement>();
  let wrote = false;
  const counted = (stmt: SqliteDatabase.Statement): SqliteStatement => {
    // COMMIT and RELEASE are "read-only" statements to SQLite: a write is remembered until the
    // connection leaves its transaction (a rollback then costs one needless fsync, nothing more).
    const after = <T>(result: T): T => {
      if (!stmt.readonly) wrote = true;
      if (wrote && !db.inTransaction) {
        wrote = false;
        committed();
      }
      return result;
    };
    return {
      get reader() {
        return stmt.reader;
      },
      all: (parameters) => after(stmt.all(parameters as unknown[])),
      run: (parameters) => after(stmt.run(parameters as unknown[])),
      // Kysely streams only SELECTs (read-only: nothing to count).
      iterate: (parameters) => after(stmt.iterate(parameters as unknown[])),
    };
  };
  return {
    close: () => {
      beforeClose();
      // Closing the last connection checkpoints the log into the file (synced).
      db.close();
    },
    prepare: (sql: string) => {
      const stmt = kept.get(sql) ?? counted(db.prepare(sql));
      kept.delete(sql);
      kept.set(sql, stmt);
      if (kept.size > STATEMENTS) kept.delete(kept.keys().next().value!);
      return stmt;
    },
  };
}

/** The group commit of each SQLite store opened with `synchronous: 'GROUP'` (see durable). */
const groupCommits = new WeakMap<object, GroupCommit>();

/**
 * Resolves once every write the store has committed so far is on disk: awaited before the hub
 * answers an HTTP request (http/server.ts). At once on Postgres (a commit returns once durable), on
 * SQLite with `FULL` (each commit synced itself) and with `NORMAL` (durability given up by
 * configuration).
 */
export function durable(db: Db): Promise<void> {
  return groupCommits.get(db)?.durable() ?? Promise.resolve();
}

/**
 * The line every socket.io message waits in until what it tells is on disk, in the order messages
 * were made (socket/outbound.ts); runs them at once where each commit is durable by itself.
 */
export function storeOutbound(db: Db): Outbound {
  return groupCommits.get(db) ?? immediateOutbound;
}

/** The group commit's figures of a SQLite store (commits, commits on disk, fsync calls); null on other stores. */
export function storeSyncStats(db: Db): ReturnType<GroupCommit['stats']> | null {
  return groupCommits.get(db)?.stats() ?? null;
}

function openSqlite(file: string, opts: OpenDbOptions): Db {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  privateFile(file);
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // GROUP (the default) keeps FULL's guarantee by syncing the log off the event loop, once per
  // turn (store/group-commit.ts): the connection itself then runs NORMAL, which still syncs at each
  // checkpoint and log restart. FULL syncs inside each commit, on the event loop. Checkpoints run in
  // a worker thread (store/checkpointer.ts) in every mode.
  const synchronous = opts.synchronous ?? 'GROUP';
  const grouped = synchronous === 'GROUP';
  sqlite.pragma(`synchronous = ${grouped ? 'NORMAL' : synchronous}`);
  sqlite.pragma('busy_timeout = 5000');
  // Deleted or overwritten content (ended sessions, secrets sealed at start) is zeroed, not left in free space.
  sqlite.pragma('secure_delete = ON');
  const commits = grouped ? new GroupCommit(`${file}-wal`, opts.onMessageError) : null;
  const checkpointer = new Checkpointer(file, sqlite, opts.onCheckpointError);
  const database = preparedOnce(
    sqlite,
    () => {
      commits?.commit();
      checkpointer.commit();
    },
    () => {
      checkpointer.stop();
      void commits?.close();
    },
  );
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }), plugins: [new SqliteRowLocks()] });
  if (commits) groupCommits.set(db, commits);
  return db;
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
