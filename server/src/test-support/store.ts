/**
 * The store the hub's tests run on. The vitest project `unit` runs them on SQLite (a file in each
 * data folder, as `npm run hub` does) and in memory; the project `hub-postgres` runs the same tests
 * on Postgres and Redis: its global setup (test-store.setup.ts) starts one throwaway cluster and one
 * redis-server, and each data folder gets its own database and its own Redis key prefix, so a hub
 * restarted on the same folder (or the CLI run on it) finds its data again, and hubs of different
 * tests never see each other.
 * Test-only: imported by fixtures, tests and test harnesses (a benchmark run outside vitest gets
 * SQLite), never by the hub.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openDb, type Db } from '../store/db.js';
import { dialectOf, type StoreDialect } from '../store/dialect.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the throwaway Postgres cluster (project hub-postgres only). */
    vigiePostgresUrl?: string;
    /** URL of the throwaway redis-server (project hub-postgres only). */
    vigieRedisUrl?: string;
  }
}

/** Read once; outside vitest (a benchmark using a test harness) there is no run, hence SQLite. */
const vitest = process.env.VITEST ? await import('vitest') : null;
const injected: string | undefined = vitest?.inject('vigiePostgresUrl');
const injectedRedis: string | undefined = vitest?.inject('vigieRedisUrl');
const adminUrl = (): string | undefined => injected;

/** Which store this test run uses. */
export const testStoreKind = (): StoreDialect => (adminUrl() ? 'postgres' : 'sqlite');

let admin: pg.Pool | null = null;
const created = new Map<string, Promise<string>>();

/** The name a data folder's database and Redis prefix are made of. */
const storeName = (dataDir: string): string => `vigie_${createHash('sha256').update(dataDir).digest('hex').slice(0, 24)}`;

/** The database of a data folder on the test cluster, created at first use. */
function databaseFor(base: string, dataDir: string): Promise<string> {
  const name = storeName(dataDir);
  let p = created.get(name);
  if (!p) {
    admin ??= new pg.Pool({ connectionString: base, max: 2, idleTimeoutMillis: 1000, allowExitOnIdle: true });
    const pool = admin;
    p = pool.query(`CREATE DATABASE ${name}`).then(
      () => name,
      (e: { code?: string }) => {
        if (e.code === '42P04') return name; // already there (another worker, or a restart)
        created.delete(name);
        throw e;
      },
    );
    created.set(name, p);
  }
  return p.then((n) => {
    const u = new URL(base);
    u.pathname = `/${n}`;
    return u.toString();
  });
}

/** `createHub`'s `databaseUrl` for a data folder: undefined on SQLite (the file in the folder). */
export async function testDatabaseUrl(dataDir: string): Promise<string | undefined> {
  const base = adminUrl();
  return base ? databaseFor(base, dataDir) : undefined;
}

/** The throwaway redis-server's URL (project hub-postgres), else undefined. */
export const testRedisUrl = (): string | undefined => injectedRedis;

/**
 * `createHub`'s store options for a data folder: `databaseUrl`, and on the project hub-postgres
 * `redisUrl` with a key prefix of the folder's own (nodes given the same folder share it).
 */
export async function testStoreOptions(dataDir: string): Promise<{ databaseUrl?: string; redisUrl?: string; redis?: { prefix: string } }> {
  const databaseUrl = await testDatabaseUrl(dataDir);
  const redisUrl = testRedisUrl();
  return { ...(databaseUrl ? { databaseUrl } : {}), ...(redisUrl ? { redisUrl, redis: { prefix: `${storeName(dataDir)}:` } } : {}) };
}

/** The environment the CLI needs for a data folder (VIGIE_DATABASE_URL on Postgres). */
export async function testStoreEnv(dataDir: string): Promise<NodeJS.ProcessEnv> {
  const url = await testDatabaseUrl(dataDir);
  return url ? { VIGIE_DATABASE_URL: url } : {};
}

/** Opens (and migrates) the store of a data folder, as the hub would (on SQLite: `sqliteFile` in it). */
export async function openTestDb(dataDir: string, sqliteFile = 'hub.sqlite'): Promise<Db> {
  const url = await testDatabaseUrl(dataDir);
  return openDb(url ?? join(dataDir, sqliteFile));
}

/**
 * What someone with write access to the store can do (a copy of the SQLite file, a database
 * login): the raw tables, with the audit log's append-only guards dropped. Statements go through
 * Kysely's `sql` so parameters work on both stores.
 */
export async function openRawStore(dataDir: string): Promise<Db & { dropAuditGuards(): Promise<void> }> {
  const db = await openTestDb(dataDir);
  return Object.assign(db, {
    async dropAuditGuards() {
      const on = dialectOf(db) === 'postgres' ? sql` ON audit_log` : sql``;
      for (const t of ['audit_log_no_update', 'audit_log_no_delete', ...(dialectOf(db) === 'postgres' ? ['audit_log_no_truncate'] : [])]) {
        await sql`DROP TRIGGER IF EXISTS ${sql.id(t)}${on}`.execute(db);
      }
    },
  });
}
