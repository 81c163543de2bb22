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
import { Adapter } from 'socket.io-adapter';
import { VigieError, type Result } from '@vigie/common';
import { createLogger } from '../logger.js';
import { dispatch } from '../socket/dispatch.js';
import { gatedAdapter, useOutbound } from '../socket/outbound.js';
import { durable, openDb, storeSyncStats } from './db.js';
import { GroupCommit, type Outbound } from './group-commit.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'vigie-gc-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
/** A log file to sync, in a fresh folder. */
const logFile = () => {
  const file = join(tmp(), 'log');
  writeFileSync(file, 'x');
  return file;
};

describe('GroupCommit', () => {
  it('covers the commits of one turn with one fsync, and answers at once when nothing is pending', async () => {
    const gc = new GroupCommit(logFile());
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

  it('a commit made while a sync runs gets a sync of its own; both are acknowledged in order', async () => {
    const gc = new GroupCommit(logFile());
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

/** An fsync the test lets finish (or fail) when it says: a slow or failing disk on demand. */
function heldDisk() {
  const calls: Array<(e: Error | null) => void> = [];
  let started: (() => void) | null = null;
  return {
    fsync: (_fd: number, done: (e: Error | null) => void) => {
      calls.push(done);
      started?.();
    },
    calls,
    /** Resolves once `n` fsyncs have been asked for. */
    until: (n: number) =>
      new Promise<void>((r) => {
        const check = () => (calls.length >= n ? r() : (started = check));
        check();
      }),
  };
}

/** A group commit over a fresh log file whose fsyncs the test ends (heldDisk). */
function onHeldDisk() {
  const disk = heldDisk();
  return { gc: new GroupCommit(logFile(), undefined, disk.fsync), disk };
}

describe('GroupCommit with a slow disk', () => {
  const turn = () => new Promise<void>((r) => setImmediate(r));

  it('a commit made while a sync runs starts its own at once; both count in the order they started', async () => {
    const { gc, disk } = onHeldDisk();
    const order: string[] = [];
    gc.commit();
    void gc.durable().then(() => order.push('first'));
    await disk.until(1);
    gc.commit();
    gc.after(() => order.push('message after the second commit'));
    void gc.durable().then(() => order.push('second'));
    await disk.until(2); // not waiting for the first to end
    disk.calls[1]!(null); // the second is on disk first…
    await turn();
    expect(order).toEqual([]); // …but counts once the first is known
    expect(gc.stats().synced).toBe(0);
    disk.calls[0]!(null);
    await turn();
    expect(order).toEqual(['message after the second commit', 'first', 'second']); // messages go as the line lets them, promises a tick later
    expect(gc.stats()).toEqual({ committed: 2, synced: 2, syncs: 2 });
    await gc.close();
  });

  it('a failed sync fails those already running too (its error is reported once); later commits try again', async () => {
    const { gc, disk } = onHeldDisk();
    gc.commit();
    const first = gc.durable();
    await disk.until(1);
    gc.commit();
    const second = gc.durable();
    const refused = new Promise<Error>((r) => gc.after(() => r(new Error('sent')), r));
    await disk.until(2);
    disk.calls[1]!(null); // the later one says "on disk": it may have missed the error the first reports
    disk.calls[0]!(new Error('EIO'));
    await expect(first).rejects.toThrow('EIO');
    await expect(second).rejects.toThrow('EIO');
    expect((await refused).message).toBe('EIO');
    expect(gc.stats().synced).toBe(0);
    gc.commit();
    const third = gc.durable();
    await disk.until(3);
    disk.calls[2]!(null);
    await third;
    expect(gc.stats().synced).toBe(3);
    await gc.close();
  });

  it('runs at most three syncs at once; the commits that came meanwhile share the next one', async () => {
    const { gc, disk } = onHeldDisk();
    const done: Array<Promise<void>> = [];
    for (let i = 0; i < 6; i++) {
      gc.commit();
      done.push(gc.durable());
      if (i < 3)
        await disk.until(i + 1); // each starts its own sync (the log's file opened at the first)
      else await turn();
    }
    await turn();
    expect(disk.calls).toHaveLength(3); // commits 4 to 6 wait for a place
    disk.calls[0]!(null);
    await disk.until(4); // one ended: one more starts, for commits 4 to 6
    disk.calls[1]!(null);
    disk.calls[2]!(null);
    disk.calls[3]!(null);
    await Promise.all(done);
    expect(gc.stats()).toEqual({ committed: 6, synced: 6, syncs: 4 });
    await gc.close();
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

  it('is the default; FULL and NORMAL: no group commit, durable() answers at once', async () => {
    const byDefault = await openDb(join(tmp(), 'hub.sqlite'));
    expect(storeSyncStats(byDefault)).not.toBeNull();
    await byDefault.destroy();
    for (const synchronous of ['FULL', 'NORMAL'] as const) {
      const db = await openDb(join(tmp(), 'hub.sqlite'), { synchronous });
      expect(storeSyncStats(db)).toBeNull();
      await durable(db);
      await db.destroy();
    }
  });
});

describe('dispatch and the adapter, through the outbound line', () => {
  /** An outbound line the test opens: holds every message until release(), then lets them go in order. */
  class HeldLine implements Outbound {
    held: Array<() => void> = [];
    private open = false;
    private onHeld: Array<() => void> = [];
    after(run: () => void): void {
      if (this.open && this.held.length === 0) return run();
      this.held.push(run);
      this.onHeld.splice(0).forEach((w) => w());
    }
    /** Resolves once `n` messages are held. */
    async holding(n: number): Promise<void> {
      while (this.held.length < n) await new Promise<void>((r) => this.onHeld.push(r));
    }
    release(): void {
      this.open = true;
      for (const run of this.held.splice(0)) run();
    }
  }

  it('an answer and a push made after it leave in that order, neither before the line lets them', async () => {
    const line = new HeldLine();
    const http = createServer();
    const server = new Server(http, { adapter: gatedAdapter(Adapter, () => line) as never });
    useOutbound(server, line);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const events = {
      consent: { request: z.object({}), response: z.object({ viewing: z.literal(true) }) },
      refused: { request: z.object({}), response: z.object({}) },
    };
    server.on('connection', (socket) =>
      dispatch(
        socket,
        events,
        {
          consent: async () => ({ viewing: true as const }),
          refused: async () => {
            throw new VigieError('UNAUTHORIZED', 'Session expirée.');
          },
        },
        {},
        { ratePerSecond: 100, burst: 100, floodDisconnectAfter: 100, log: createLogger('silent') },
      ),
    );
    const client = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
    await new Promise<void>((r) => client.once('connect', () => r()));
    const arrived: string[] = [];
    const asked = new Promise<void>((r) =>
      client.on('control-asked', () => {
        arrived.push('control-asked');
        r();
      }),
    );
    // The practitioner consents to the view; the technician's control request is pushed after the answer is made.
    const consent = new Promise<Result<unknown>>((r) =>
      client.emit('consent', {}, (a: Result<unknown>) => {
        arrived.push('consent answer'); // as it arrives (a promise's then would run after both)
        r(a);
      }),
    );
    await line.holding(1);
    server.to(client.id!).emit('control-asked', { requestId: 'r1' });
    await line.holding(2); // both held: nothing has left
    expect(arrived).toEqual([]);
    line.release();
    expect(await consent).toEqual({ ok: true, data: { viewing: true } });
    await asked;
    expect(arrived).toEqual(['consent answer', 'control-asked']);

    // A refusal that ends the session: the answer first, then the socket closes.
    const closed = new Promise<string>((r) => client.once('disconnect', r));
    expect(await new Promise<Result<unknown>>((r) => client.emit('refused', {}, r))).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    expect(await closed).toBe('io server disconnect');
    client.close();
    await server.close();
  });

  it('a real group commit: a message waits for the sync of the commits made before it, a refused sync answers INTERNAL', async () => {
    const file = logFile();
    const gc = new GroupCommit(file);
    const order: string[] = [];
    gc.after(() => order.push('nothing pending: at once'));
    expect(order).toEqual(['nothing pending: at once']);
    gc.commit();
    gc.after(() => order.push(`a (synced ${gc.stats().synced})`));
    gc.after(() => order.push('b'));
    expect(order).toHaveLength(1); // held until the disk has the commit
    await gc.durable();
    expect(order).toEqual(['nothing pending: at once', 'a (synced 1)', 'b']);
    // Held behind an earlier message even when its own commits are on disk: first in, first out.
    gc.commit();
    gc.after(() => order.push('c'));
    await new Promise<void>((r) => setImmediate(r)); // the sync of commit 2 has started
    gc.commit();
    gc.after(() => order.push(`d (synced ${gc.stats().synced})`));
    await gc.durable();
    expect(order.slice(3)).toEqual(['c', 'd (synced 3)']);
    await gc.close();

    // A message that throws when let go is told to onMessageError; the next one still goes.
    const failures: unknown[] = [];
    const told = new GroupCommit(file, (e) => failures.push(e));
    told.commit();
    told.after(() => {
      throw new Error('socket gone');
    });
    told.after(() => order.push('after the failed one'));
    await told.durable();
    expect(failures).toEqual([new Error('socket gone')]);
    expect(order.at(-1)).toBe('after the failed one');
    await told.close();

    const notADir = join(tmp(), 'file');
    writeFileSync(notADir, 'x');
    const broken = new GroupCommit(join(notADir, 'log'));
    broken.commit();
    const refused = new Promise<Error>((r) => broken.after(() => order.push('never'), r));
    expect((await refused).message).toMatch(/ENOTDIR/);
    expect(order).not.toContain('never');
  });
});
