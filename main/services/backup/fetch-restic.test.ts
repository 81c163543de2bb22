import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCommand, removeDir, tempDir } from './test-support/index.js';

const script = join(import.meta.dirname, '..', '..', '..', 'scripts', 'fetch-restic.mjs');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A one-entry zip with the deflate method, like restic's Windows release. */
function zipOne(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content);
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(n.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = local.length + n.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + n.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, n, data, central, n, end]);
}

describe('scripts/fetch-restic.mjs', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await removeDir(dir);
    dir = null;
  });

  it('pins real-looking SHA-256 values for the four platforms', async () => {
    const text = await readFile(join(import.meta.dirname, '..', '..', '..', 'scripts', 'restic-checksums.txt'), 'utf8');
    const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines.map((l) => l.split(/\s+/)[1])).toEqual([
      'restic_0.18.1_darwin_arm64.bz2',
      'restic_0.18.1_darwin_amd64.bz2',
      'restic_0.18.1_windows_amd64.zip',
      'restic_0.18.1_linux_amd64.bz2',
    ]);
    for (const l of lines) expect(l).toMatch(/^[0-9a-f]{64} {2}\S+$/);
  });

  it('verifies a local file against the checksums file', async () => {
    dir = await tempDir();
    const file = join(dir, 'restic_0.18.1_linux_amd64.bz2');
    const content = Buffer.from('not the real release');
    await writeFile(file, content);
    const bad = run('--verify', file, '--asset', 'restic_0.18.1_linux_amd64.bz2');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain(
      'checksum mismatch for restic_0.18.1_linux_amd64.bz2: expected 680838f19d67151adba227e1570cdd8af12c19cf1735783ed1ba928bc41f363d',
    );
    const sums = join(dir, 'sums.txt');
    await writeFile(sums, `${sha(content)}  restic_0.18.1_linux_amd64.bz2\n`);
    const good = run('--verify', file, '--asset', 'restic_0.18.1_linux_amd64.bz2', '--checksums', sums);
    expect(good).toMatchObject({ code: 0, stdout: '[fetch-restic] restic_0.18.1_linux_amd64.bz2: checksum OK\n' });
    expect(run('--verify', file, '--asset', 'restic_9.9.9_linux_amd64.bz2').stderr).toContain('no pinned checksum');
  });

  it('without network: fails with one clear line', async () => {
    dir = await tempDir();
    const r = run('--only', 'linux-x64', '--base-url', 'http://127.0.0.1:1', '--out', join(dir, 'bin'), '--cache', join(dir, 'cache'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^\[fetch-restic\] cannot download http:\/\/127\.0\.0\.1:1\/v0\.18\.1\/restic_0\.18\.1_linux_amd64\.bz2 .*build\/cache\/restic/,
    );
    expect(existsSync(join(dir, 'bin'))).toBe(false);
  });

  it.runIf(hasCommand('bzip2'))('unpacks verified archives from the cache; a tampered one is refused and dropped', async () => {
    dir = await tempDir();
    const cache = join(dir, 'cache');
    await mkdir(cache);
    const elf = Buffer.from('#!/bin/sh\necho restic\n');
    const bz = spawnSync('bzip2', ['-c'], { input: elf }).stdout;
    const zip = zipOne('restic_0.18.1_windows_amd64.exe', Buffer.from('MZ fake exe'));
    await writeFile(join(cache, 'restic_0.18.1_linux_amd64.bz2'), bz);
    await writeFile(join(cache, 'restic_0.18.1_windows_amd64.zip'), zip);
    const sums = join(dir, 'sums.txt');
    await writeFile(sums, `${sha(bz)}  restic_0.18.1_linux_amd64.bz2\n${sha(zip)}  restic_0.18.1_windows_amd64.zip\n`);
    const out = join(dir, 'bin');
    const r = run('--only', 'linux-x64,win32-x64', '--checksums', sums, '--cache', cache, '--out', out, '--base-url', 'http://127.0.0.1:1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await readFile(join(out, 'linux-x64', 'restic'))).toEqual(elf);
    expect((await stat(join(out, 'linux-x64', 'restic'))).mode & 0o777).toBe(0o755);
    expect(await readFile(join(out, 'win32-x64', 'restic.exe'), 'utf8')).toBe('MZ fake exe');

    await writeFile(join(cache, 'restic_0.18.1_linux_amd64.bz2'), Buffer.concat([bz, Buffer.from('x')]));
    const tampered = run('--only', 'linux-x64', '--checksums', sums, '--cache', cache, '--out', out, '--base-url', 'http://127.0.0.1:1');
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('checksum mismatch for restic_0.18.1_linux_amd64.bz2');
    expect(existsSync(join(cache, 'restic_0.18.1_linux_amd64.bz2'))).toBe(false);
  });
});
