/**
 * The two stores mean the same thing for the same migration and query code (store/dialect.ts):
 * run on SQLite in the project unit and on Postgres in the project hub-postgres.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Generated, Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testStoreKind } from '../test-support/store.js';
import type { Db } from './db.js';
import { dialectOf, isUniqueViolation, lockRow, serialize } from './dialect.js';

type Scratch = {
  scratch: { id: Generated<number>; code: string; big: number; bytes: Buffer; label: string | null };
};

let root: string;
let db: Db;
let k: Kysely<Scratch>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'vigie-dialect-'));
  db = await openTestDb(join(root, 'data'));
  k = db as unknown as Kysely<Scratch>;
  await k.schema
    .createTable('scratch')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('code', 'varchar(4)', (c) => c.notNull().unique())
    .addColumn('big', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'blob', (c) => c.notNull())
    .addColumn('label', 'text')
    .execute();
});

afterAll(async () => {
  await db?.destroy();
  rmSync(root, { recursive: true, force: true });
});

describe(`store dialect (${testStoreKind()})`, () => {
  it('runs on the store this project asked for', () => {
    expect(dialectOf(db)).toBe(testStoreKind());
  });

  it('columns behave as on SQLite: text of any length compared byte by byte, 64-bit integers back as numbers, bytes, generated keys', async () => {
    const long = 'x'.repeat(300);
    const values = [
      { code: long, big: 2 ** 40, bytes: Buffer.from([0, 1, 2, 255]), label: 'é' },
      { code: 'B', big: -(2 ** 35), bytes: Buffer.alloc(0), label: 'a' },
      { code: 'a', big: 0, bytes: Buffer.from('pdf'), label: null },
    ];
    for (const v of values) await k.insertInto('scratch').values(v).execute();
    const rows = await k.selectFrom('scratch').selectAll().orderBy('code').execute();
    // Byte order: 'B' (0x42) < 'a' (0x61) < 'x…'; a locale-aware collation would put 'a' first.
    expect(rows.map((r) => r.code)).toEqual(['B', 'a', long]);
    expect(rows.map((r) => r.big)).toEqual([-(2 ** 35), 0, 2 ** 40]);
    expect(rows.map((r) => Buffer.from(r.bytes).toString('hex'))).toEqual(['', '706466', '000102ff']);
    expect(new Set(rows.map((r) => typeof r.id))).toEqual(new Set(['number']));
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
    const n = await k
      .selectFrom('scratch')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(n.n).toBe(3);
  });

  it('a second insert of the same key is a unique violation, whichever the store', async () => {
    const dup = await k
      .insertInto('scratch')
      .values({ code: 'B', big: 1, bytes: Buffer.alloc(0), label: null })
      .execute()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isUniqueViolation(dup)).toBe(true);
    const ignored = await k
      .insertInto('scratch')
      .values({ code: 'B', big: 1, bytes: Buffer.alloc(0), label: null })
      .onConflict((oc) => oc.column('code').doNothing())
      .executeTakeFirst();
    expect(Number(ignored.numInsertedOrUpdatedRows ?? 0)).toBe(0);
  });

  it('row locks and named locks hold until the commit; a counter moves in one statement', async () => {
    await db.transaction().execute(async (trx) => {
      await lockRow(trx, 'devices', 'no-such-device');
      await serialize(trx, 'test');
      await serialize(trx, 'test'); // the same transaction again: no wait
      const r = await (trx as unknown as Kysely<Scratch>)
        .selectFrom('scratch')
        .select('big')
        .where('code', '=', 'a')
        .forNoKeyUpdate()
        .executeTakeFirstOrThrow();
      expect(r.big).toBe(0);
    });
    await Promise.all(
      Array.from({ length: 20 }, () =>
        k
          .updateTable('scratch')
          .set((eb) => ({ big: eb('big', '+', 1) }))
          .where('code', '=', 'a')
          .returning('big')
          .executeTakeFirstOrThrow(),
      ),
    );
    expect((await k.selectFrom('scratch').select('big').where('code', '=', 'a').executeTakeFirstOrThrow()).big).toBe(20);
    // Outside a transaction a lock would end at once: refused on both stores.
    await expect(serialize(db, 'outside')).rejects.toThrow(/outside a transaction/);
    await expect(lockRow(db, 'devices', 'x')).rejects.toThrow(/outside a transaction/);
  });
});
