import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../services/test-support/fixture.js';
import { FileSecretStore, type SecretCodec } from './secret-store.js';

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

  it('stores what the codec gives (the Electron adapter encrypts) and reads an undecodable value as absent', async () => {
    const dir = await tempDir('secrets');
    try {
      const p = join(dir.path, 'secrets.json');
      const rot13: SecretCodec = {
        backend: 'test-rot13',
        encode: (v) => v.replace(/[a-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - 97 + 13) % 26) + 97)),
        decode: (s) =>
          s.startsWith('!') ? null : s.replace(/[a-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - 97 + 13) % 26) + 97)),
      };
      const store = new FileSecretStore(p, undefined, rot13);
      await store.set('token', 'abc');
      expect(JSON.parse(await readFile(p, 'utf8'))).toEqual({ version: 1, backend: 'test-rot13', secrets: { token: 'nop' } });
      expect(await new FileSecretStore(p, undefined, rot13).get('token')).toBe('abc');
      await store.set('broken', 'x');
      const raw = JSON.parse(await readFile(p, 'utf8'));
      raw.secrets.broken = '!garbage';
      const { writeFileAtomic } = await import('../../services/lib/files.js');
      await writeFileAtomic(p, JSON.stringify(raw));
      expect(await new FileSecretStore(p, undefined, rot13).get('broken')).toBeNull();
    } finally {
      await dir.remove();
    }
  });
});
