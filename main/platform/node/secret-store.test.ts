import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../services/testing/fixture.js';
import { FileSecretStore } from './secret-store.js';

describe('file secret store (Node adapter)', () => {
  it('stores, reads back after a restart and deletes secrets, in a 0600 file', async () => {
    const dir = await tempDir('secrets');
    try {
      const p = join(dir.path, 'secrets.json');
      const a = new FileSecretStore(p);
      expect(await a.get('token')).toBeNull();
      await Promise.all([a.set('token', 't1'), a.set('other', 'o1')]);
      const b = new FileSecretStore(p);
      expect(await b.get('token')).toBe('t1');
      expect(await b.get('other')).toBe('o1');
      await b.delete('token');
      expect(await new FileSecretStore(p).get('token')).toBeNull();
      expect(JSON.parse(await readFile(p, 'utf8'))).toEqual({ version: 1, secrets: { other: 'o1' } });
      if (process.platform !== 'win32') {
        expect((await stat(p)).mode & 0o777).toBe(0o600);
        await chmod(p, 0o644);
        expect(await new FileSecretStore(p).get('other')).toBe('o1');
        expect((await stat(p)).mode & 0o777).toBe(0o600);
      }
    } finally {
      await dir.remove();
    }
  });
});
