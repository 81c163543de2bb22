import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempDir } from '../test-support/fixture.js';
import { JsonFile, readJsonFile, writeFileAtomic } from './files.js';

const Doc = z.object({ n: z.number() });

describe('atomic JSON files', () => {
  it('writes atomically with 0600 and leaves no temp file behind', async () => {
    const dir = await tempDir('files');
    try {
      const p = join(dir.path, 'sub', 'a.json');
      await writeFileAtomic(p, '{"n":1}');
      await writeFileAtomic(p, '{"n":2}');
      expect(await readFile(p, 'utf8')).toBe('{"n":2}');
      if (process.platform !== 'win32') expect((await stat(p)).mode & 0o777).toBe(0o600);
      expect(await readdir(join(dir.path, 'sub'))).toEqual(['a.json']);
    } finally {
      await dir.remove();
    }
  });

  it('coalesces concurrent saves; the last value wins and every save resolves', async () => {
    const dir = await tempDir('files');
    try {
      const f = new JsonFile(join(dir.path, 'doc.json'), Doc);
      await Promise.all(Array.from({ length: 50 }, (_, i) => f.save({ n: i })));
      expect(await f.load()).toEqual({ n: 49 });
    } finally {
      await dir.remove();
    }
  });

  it('sets an unreadable file aside instead of discarding it', async () => {
    const dir = await tempDir('files');
    try {
      const p = join(dir.path, 'doc.json');
      await writeFile(p, '{"n": "not a number"');
      expect(await readJsonFile(p, Doc)).toBeNull();
      const names = await readdir(dir.path);
      expect(names.some((n) => n.startsWith('doc.json.corrupt-'))).toBe(true);
      expect(await readJsonFile(join(dir.path, 'missing.json'), Doc)).toBeNull();
    } finally {
      await dir.remove();
    }
  });
});
