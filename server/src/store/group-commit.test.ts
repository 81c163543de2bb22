import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '@vigie/common';
import { createLogger } from '../logger.js';
import { dispatch } from '../socket/dispatch.js';
import { durable, openDb, storeSyncStats } from './db.js';
import { GroupCommit } from './group-commit.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'vigie-gc-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('GroupCommit', () => {
  it('covers the commits of one turn with one fsync, and answers at once when nothing is pending', async () => {
    const file = join(tmp(), 'log');
    writeFileSync(file, 'x');
    const gc = new GroupCommit(file);
    await gc.durable(); // nothing committed: no sync
    expect(gc.stats()).toEqual({ committed: 0, synced: 0, syncs: 0 });
    for (let i = 0; i < 50; i++) gc.commit();
    const waiting = gc.durable();
    expect(gc.stats().synced).toBe(0); // not before the disk said so
    await waiting;
    expect(gc.stats()).toEqual({ committed: 50, synced: 50, syncs: 1 });
    await gc.durable();
    expect(gc.stats().syncs).toBe(1);
    await gc.close();
  });

  it('a commit made while a sync runs waits for the next one', async () => {
    const file = join(tmp(), 'log');
    writeFileSync(file, 'x');
    const gc = new GroupCommit(file);
    gc.commit();
    const first = gc.durable();
    // Let the first sync start (it is scheduled after this turn), then commit again.
    await new Promise<void>((r) => setImmediate(r));
    gc.commit();
    const second = gc.durable();
    const order: string[] = [];
    await Promise.all([first.then(() => order.push('first')), second.then(() => order.push('second'))]);
    expect(order).toEqual(['first', 'second']);
    expect(gc.stats()).toEqual({ committed: 2, synced: 2, syncs: 2 });
    await gc.close();
  });

  it('a sync the disk refuses acknowledges nothing: those waiting get the error', async () => {
    const notADir = join(tmp(), 'file');
    writeFileSync(notADir, 'x');
    const gc = new GroupCommit(join(notADir, 'log')); // ENOTDIR on open
    gc.commit();
    await expect(gc.durable()).rejects.toThrow(/ENOTDIR/);
    expect(gc.stats().synced).toBe(0);
    gc.commit();
    await expect(gc.durable()).rejects.toThrow(/ENOTDIR/);
  });
});

describe('SQLite store with synchronous GROUP', () => {
  it('counts one commit per write transaction or lone write, none for reads, and syncs them in groups', async () => {
    const db = await openDb(join(tmp(), 'hub.sqlite'), { synchronous: 'GROUP' });
    await sql`create table t (n integer)`.execute(db);
    await durable(db);
    const base = storeSyncStats(db)!;
    expect(base.synced).toBe(base.committed);

    await sql`insert into t values (1)`.execute(db); // a lone write: one commit
    await db.transaction().execute(async (trx) => {
      for (let i = 2; i <= 4; i++) await sql`insert into t values (${i})`.execute(trx);
    }); // three writes, one commit
    await sql`select * from t`.execute(db); // no commit
    await db.transaction().execute(async (trx) => sql`select count(*) from t`.execute(trx)); // read-only: no commit
    expect(storeSyncStats(db)!.committed - base.committed).toBe(2);

    await durable(db);
    const after = storeSyncStats(db)!;
    expect(after.synced).toBe(after.committed);
    expect(after.syncs - base.syncs).toBeGreaterThanOrEqual(1);
    expect(after.syncs - base.syncs).toBeLessThanOrEqual(2);

    // Many lone writes made in one turn share fsyncs.
    const before = storeSyncStats(db)!;
    await Promise.all(Array.from({ length: 100 }, (_, i) => sql`insert into t values (${i})`.execute(db)));
    await durable(db);
    const grouped = storeSyncStats(db)!;
    expect(grouped.committed - before.committed).toBe(100);
    expect(grouped.syncs - before.syncs).toBeLessThan(100);
    expect((await sql<{ n: number }>`select count(*) as n from t`.execute(db)).rows[0]!.n).toBe(104);
    await db.destroy();
  });

  it('synchronous FULL (the default) and NORMAL: no group commit, durable() answers at once', async () => {
    for (const synchronous of ['FULL', 'NORMAL', undefined] as const) {
      const db = await openDb(join(tmp(), 'hub.sqlite'), synchronous ? { synchronous } : {});
      expect(storeSyncStats(db)).toBeNull();
      await durable(db);
      await db.destroy();
    }
  });
});

describe('dispatch', () => {
  it('acknowledges an event only once what its handler wrote is on disk', async () => {
    const http = createServer();
    const server = new Server(http);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const events = {
      write: { request: z.object({}), response: z.object({ done: z.literal(true) }) },
      read: { request: z.object({}), response: z.object({ done: z.literal(true) }) },
    };
    // The first answer's sync is held by the test; the others are on disk at once.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let calledDurable!: () => void;
    const durableCalled = new Promise<void>((r) => (calledDurable = r));
    let first = true;
    const syncs = () => {
      if (!first) return Promise.resolve();
      first = false;
      calledDurable();
      return held;
    };
    server.on('connection', (socket) =>
      dispatch(
        socket,
        events,
        { write: async () => ({ done: true as const }), read: async () => ({ done: true as const }) },
        {},
        { ratePerSecond: 100, burst: 100, floodDisconnectAfter: 100, log: createLogger('silent'), durable: syncs },
      ),
    );
    const client = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
    const answers: string[] = [];
    const ask = (event: string) =>
      new Promise<Result<unknown>>((resolve) => client.emit(event, {}, (r: Result<unknown>) => resolve(r))).then((r) => {
        answers.push(event);
        return r;
      });
    const write = ask('write');
    await durableCalled; // the handler is done; its answer waits for the sync
    // An answer sent after it on the same socket arrives while the first is still held.
    expect(await ask('read')).toEqual({ ok: true, data: { done: true } });
    expect(answers).toEqual(['read']);
    release();
    expect(await write).toEqual({ ok: true, data: { done: true } });
    expect(answers).toEqual(['read', 'write']);
    client.close();
    await server.close();
  });
});
