import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/fixture.js';
import { LogFile } from './log-file.js';
import { createLogger } from './logger.js';

const bounds = { maxBytes: 1024 * 1024, maxLineChars: 2000 };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function open(o: { maxBytes?: number; files?: number } = {}) {
  const dir = await tempDir('logs');
  const file = new LogFile({ dir: join(dir.path, 'logs'), ...o });
  cleanups.push(dir.remove, () => file.close());
  return { dir: join(dir.path, 'logs'), file };
}

describe('LogFile: rotating files in the data folder', () => {
  it('lines written before the file opens are kept; tail gives the newest lines, oldest first', async () => {
    const { dir, file } = await open();
    const log = createLogger({ level: 'info', write: () => undefined, file });
    log.info('one');
    await file.open();
    log.info('two');
    log.debug('below the level: not written');
    const t = await file.tail(10, bounds);
    expect(t.lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['one', 'two']);
    expect(t.truncated).toBe(false);
    expect(await readdir(dir)).toEqual(['vigie.1.log']);
  });

  it('rolls once a file passes the size bound and keeps only `files` files, an earlier run’s included', async () => {
    const { dir, file } = await open({ maxBytes: 1024, files: 3 });
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'vigie.1.log'), JSON.stringify({ i: -1, run: 'earlier' }) + '\n');
    await file.open();
    const line = (i: number) => JSON.stringify({ i, pad: 'x '.repeat(100) });
    // Five lines of ~220 bytes pass 1 KiB: each round rolls once.
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 5; i++) file.write(line(round * 5 + i));
      await file.rolled(round + 1);
    }
    file.write(line(30));
    expect((await readdir(dir)).sort()).toEqual(['vigie.5.log', 'vigie.6.log', 'vigie.7.log']);
    for (const f of (await file.files()).slice(1)) expect((await stat(f)).size).toBeGreaterThanOrEqual(1024);
    const t = await file.tail(1000, bounds);
    // The newest lines survive, in order; the oldest went with their files (the earlier run's first).
    const seen = t.lines.map((l) => (JSON.parse(l) as { i: number }).i);
    expect(seen).toEqual(Array.from({ length: 11 }, (_, k) => 20 + k));
    expect(t.truncated).toBe(false);
  });

  it('tail is bounded in lines, bytes and line length, and redacts what it reads', async () => {
    const { dir, file } = await open();
    await file.open();
    for (let i = 0; i < 50; i++) file.write(JSON.stringify({ i }));
    file.write('{"msg":"old line","token":"abc","path":"/home/dr/Patients/Dupont.pdf","pad":"' + 'y '.repeat(2500) + '"}');
    const few = await file.tail(3, bounds);
    expect(few.truncated).toBe(true);
    expect(few.lines).toHaveLength(3);
    expect(few.lines[2]).toMatch(/^\{"msg":"old line","token":"\[redacted\]","path":"\/…\/…\/…\/….pdf","pad":"(y )+y?…$/);
    expect(few.lines[2]!.length).toBe(2001);
    const bytes = await file.tail(1000, { maxBytes: 5300, maxLineChars: 2000 });
    expect(bytes.truncated).toBe(true);
    expect(bytes.lines.length).toBeLessThan(51);
    // Not JSON: redacted as text.
    await writeFile(join(dir, 'vigie.1.log'), 'plain text with /srv/Patients/Martin Paul.docx\n', { flag: 'a' });
    const plain = await file.tail(1, bounds);
    expect(plain.lines).toEqual(['plain text with /…/…/….docx']);
  });
});
