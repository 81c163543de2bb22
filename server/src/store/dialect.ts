/**
 * What differs between the two stores the hub runs on, kept in this one place: SQLite (one
 * process, one connection: Kysely runs its transactions one after the other) and Postgres (several
 * hub nodes, a pool each: transactions run side by side, READ COMMITTED).
 *
 * Services write one set of queries for both:
 * - a row a transaction reads and then changes is read with `.forNoKeyUpdate()` (Postgres locks it
 *   until the commit; on SQLite, where transactions never overlap, the clause is dropped by
 *   `SqliteRowLocks`);
 * - a counter is moved by one `update … set n = n + 1 … returning n`, never read then written;
 * - "insert unless it is there" is `insert … on conflict do nothing`, then a read;
 * - what hangs off one help request or one device changes under `lockRow(trx, table, id)`, taken
 *   before anything the transaction decides on is read;
 * - one writer at a time for a whole structure (the audit chain) is `serialize(trx, name)`.
 * Lock order, to never deadlock: a device's row before a request's row, rows before the audit
 *   chain — a transaction's audit entry is its last write (AuditLog.append takes the chain's lock
 *   until the commit).
 * Two transactions inserting the same key: the second waits, then fails with a unique violation
 *   (`isUniqueViolation`) rather than seeing the first's row — lock first, or insert with
 *   `on conflict do nothing` and read back.
 * Migrations are the same Kysely schema code on both; `PostgresColumnTypes` gives Postgres
 * columns SQLite's behaviour (text of any length, compared byte by byte; 64-bit integers).
 */
import { createHash } from 'node:crypto';
import {
  ColumnDefinitionNode,
  DataTypeNode,
  OperationNodeTransformer,
  PostgresAdapter,
  RawNode,
  SelectQueryNode,
  sql,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryExecutorProvider,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

export type StoreDialect = 'sqlite' | 'postgres';

/** Which store a Kysely instance (or one of its transactions) talks to. */
export function dialectOf(db: QueryExecutorProvider): StoreDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export const isPostgresUrl = (s: string): boolean => /^postgres(ql)?:\/\//i.test(s);

/** A stable 64-bit advisory-lock key for a name (Postgres takes a signed bigint). */
function lockKey(name: string): string {
  return createHash('sha256').update(`vigie:${name}`).digest().readBigInt64BE(0).toString();
}

/**
 * One writer at a time for `name` until the transaction ends, across every hub node: a
 * transaction-scoped advisory lock on Postgres; nothing to do on SQLite, whose transactions never
 * overlap (one connection). Must be called inside a transaction.
 */
export async function serialize(trx: QueryExecutorProvider & { readonly isTransaction: boolean }, name: string): Promise<void> {
  // Checked on both stores: a call outside a transaction is caught by the SQLite tests too.
  if (!trx.isTransaction) throw new Error(`serialize(${name}) outside a transaction would release the lock at once`);
  if (dialectOf(trx) !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(${lockKey(name)}::bigint)`.execute(trx);
}

/**
 * Locks one row (by its `id`) until the transaction ends, on Postgres; nothing to do on SQLite.
 * The row stands for everything hanging off it: a help request's status, chat seq and receipts;
 * a device's one open request, one live screen session, its reports. Take it first, before
 * reading what the transaction decides on.
 */
export async function lockRow(
  trx: QueryExecutorProvider & { readonly isTransaction: boolean },
  table: 'devices' | 'help_requests',
  id: string,
): Promise<void> {
  if (!trx.isTransaction) throw new Error(`lockRow(${table}) outside a transaction would release the lock at once`);
  if (dialectOf(trx) !== 'postgres') return;
  // NO KEY UPDATE: excludes the other transactions that lock or update the row, not those that only insert rows referring to it.
  await sql`select 1 from ${sql.table(table)} where id = ${id} for no key update`.execute(trx);
}

/**
 * Runs `fn` while holding the store's migration lock: hub nodes starting together on an empty
 * Postgres database migrate one after the other (Kysely's own lock tables are created by the first
 * migration run, which is the race this closes). `fn` gets the connection that holds the lock.
 */
export async function withMigrationLock<DB, T>(db: Kysely<DB>, fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  if (dialectOf(db) !== 'postgres') return fn(db);
  return db.connection().execute(async (conn) => {
    const key = lockKey('migrations');
    await sql`select pg_advisory_lock(${key}::bigint)`.execute(conn);
    try {
      return await fn(conn);
    } finally {
      await sql`select pg_advisory_unlock(${key}::bigint)`.execute(conn);
    }
  });
}

/** A unique or primary-key constraint refused the write (SQLite or Postgres). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

abstract class TransformPlugin implements KyselyPlugin {
  protected abstract readonly transformer: OperationNodeTransformer;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node, args.queryId);
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

const ROW_LOCKS = new Set(['ForUpdate', 'ForNoKeyUpdate', 'ForShare', 'ForKeyShare', 'NoWait', 'SkipLocked']);

class DropRowLocks extends OperationNodeTransformer {
  protected override transformSelectQuery(node: SelectQueryNode, queryId?: QueryId): SelectQueryNode {
    const out = super.transformSelectQuery(node, queryId);
    if (!out.endModifiers?.some((m) => m.modifier && ROW_LOCKS.has(m.modifier))) return out;
    return { ...out, endModifiers: out.endModifiers.filter((m) => !(m.modifier && ROW_LOCKS.has(m.modifier))) };
  }
}

/** SQLite: `FOR UPDATE` and friends are dropped (SQLite has no row locks; its transactions never overlap here). */
export class SqliteRowLocks extends TransformPlugin {
  protected readonly transformer = new DropRowLocks();
}

const TEXT = /^(varchar|char)\(\d+\)$|^(text|varchar|char)$/;

class SqliteLikeColumns extends OperationNodeTransformer {
  protected override transformDataType(node: DataTypeNode): DataTypeNode {
    if (TEXT.test(node.dataType)) return DataTypeNode.create('text');
    if (node.dataType === 'integer') return DataTypeNode.create('bigint');
    if (node.dataType === 'blob') return DataTypeNode.create('bytea');
    return node;
  }

  protected override transformColumnDefinition(node: ColumnDefinitionNode, queryId?: QueryId): ColumnDefinitionNode {
    let out = super.transformColumnDefinition(node, queryId);
    if (DataTypeNode.is(out.dataType) && out.dataType.dataType === 'text') {
      out = ColumnDefinitionNode.cloneWithFrontModifier(out, RawNode.createWithSql('collate "C"'));
    }
    if (out.autoIncrement) {
      out = ColumnDefinitionNode.cloneWithFrontModifier(
        ColumnDefinitionNode.cloneWith(out, { autoIncrement: false }),
        RawNode.createWithSql('generated by default as identity'),
      );
    }
    return out;
  }
}

/**
 * Postgres: the columns the migrations declare behave as they do on SQLite, so one set of
 * migrations and queries means the same on both — `varchar(n)`/`text` become `text collate "C"`
 * (SQLite never enforced the length and compares bytes), `integer` becomes `bigint` (SQLite's
 * integers are 64-bit), `blob` becomes `bytea`, an auto-increment key an identity column.
 */
export class PostgresColumnTypes extends TransformPlugin {
  protected readonly transformer = new SqliteLikeColumns();
}
