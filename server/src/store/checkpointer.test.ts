import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Checkpointer } from './checkpointer.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'vigie-ckpt-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function walStore(): { file: string; sqlite: SqliteDatabase.Database } {
  const file = join(tmp(), 'hub.sqlite');
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('create table t (n integer, pad text)');
  return { file, sqlite };
}

describe('Checkpointer', () => {
  it('copies the log into the database file from its own thread; the hub connection never checkpoints', async () => {
    const { file, sqlite } = walStore();
    const before = statSync(file).size;
    // Done once the rows' pages (1.5 MB) are in the database file: with autocheckpoint off on the
    // hub's connection, only the thread can have copied them there.
    let copied!: () => void;
    const inFile = new Promise<void>((r) => (copied = r));
    const failures: string[] = [];
    const cp = new Checkpointer(file, sqlite, (why) => failures.push(why), {
      everyMs: 10,
      onCheckpoint: () => statSync(file).size > before + 1_000_000 && copied(),
    });
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

    const insert = sqlite.prepare('insert into t values (?, ?)');
    sqlite.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(i, 'x'.repeat(500));
    })();
    await inFile;
    expect(cp.checkpoints).toBeGreaterThan(0);
    expect(sqlite.prepare('select count(*) as n from t').get()).toEqual({ n: 3000 });
    cp.stop();
    sqlite.close();
    expect(failures).toEqual([]);
  });

  it('checkpoints every `everyCommits` commits the hub tells it of, without waiting for its timer', async () => {
    const { file, sqlite } = walStore();
    const before = statSync(file).size;
    let copied!: () => void;
    const inFile = new Promise<void>((r) => (copied = r));
    const cp = new Checkpointer(file, sqlite, undefined, {
      everyMs: 3_600_000,
      everyCommits: 3,
      onCheckpoint: () => statSync(file).size > before + 100_000 && copied(),
    });
    const insert = sqlite.prepare('insert into t values (?, ?)');
    for (let i = 0; i < 3; i++) {
      sqlite.transaction(() => {
        for (let j = 0; j < 100; j++) insert.run(j, 'x'.repeat(500));
      })();
      expect(cp.checkpoints).toBe(0);
      cp.commit();
    }
    await inFile;
    expect(cp.checkpoints).toBe(1);
    cp.stop();
    sqlite.close();
  });

  it('if its thread fails, the hub connection checkpoints itself again', async () => {
    const { sqlite } = walStore();
    const failed = new Promise<string>(
      (resolve) => new Checkpointer(join(tmp(), 'missing', 'hub.sqlite'), sqlite, resolve, { everyMs: 10 }),
    );
    expect(await failed).toMatch(/checkpoint thread/);
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    sqlite.close();
  });

  it('when the store closes, the hub connection closes last: the database file holds everything and the log is gone', async () => {
    for (const waitFirst of [true, false]) {
      const { file, sqlite } = walStore();
      let checkpointed!: () => void;
      const once = new Promise<void>((r) => (checkpointed = r));
      const cp = new Checkpointer(file, sqlite, undefined, { everyMs: 5, onCheckpoint: () => checkpointed() });
      const insert = sqlite.prepare('insert into t values (?, ?)');
      insert.run(0, 'first');
      if (waitFirst) await once; // the thread is running (else: closed before it even opened)
      insert.run(1, 'second'); // only in the log
      cp.stop();
      sqlite.close();
      expect(existsSync(`${file}-wal`)).toBe(false);
      const again = new SqliteDatabase(file, { readonly: true });
      expect(again.prepare('select pad from t order by n').pluck().all()).toEqual(['first', 'second']);
      again.close();
    }
  });
});
