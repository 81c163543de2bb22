#!/usr/bin/env node
// Fetches the pinned restic for each platform the installers ship, verifies its SHA-256 against
// scripts/restic-checksums.txt, and unpacks it to build/bin/<platform>-<arch>/restic[.exe]
// (electron-builder: extraResources from "build/bin/${platform}-${arch}"). Plain Node, no
// dependencies. Offline builds: put the release files in build/cache/restic/ (they are verified too).
//
//   node scripts/fetch-restic.mjs                      all platforms
//   node scripts/fetch-restic.mjs --only darwin-arm64  one platform
//   node scripts/fetch-restic.mjs --verify FILE --asset restic_0.18.1_linux_amd64.bz2
//   options: --checksums FILE  --out DIR  --cache DIR  --base-url URL
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

export const RESTIC_VERSION = '0.18.1';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Installer platform (electron-builder's ${platform}-${arch}) → release asset. */
export const TARGETS = {
  'darwin-arm64': { asset: `restic_${RESTIC_VERSION}_darwin_arm64.bz2`, binary: 'restic' },
  'darwin-x64': { asset: `restic_${RESTIC_VERSION}_darwin_amd64.bz2`, binary: 'restic' },
  'win32-x64': { asset: `restic_${RESTIC_VERSION}_windows_amd64.zip`, binary: 'restic.exe' },
  'linux-x64': { asset: `restic_${RESTIC_VERSION}_linux_amd64.bz2`, binary: 'restic' },
};

class FetchError extends Error {}

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new FetchError(`unexpected argument "${a}"`);
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new FetchError(`${a} needs a value`);
    out[a.slice(2)] = v;
    i++;
  }
  return out;
}

/** Parses a SHA256SUMS file: "<64 hex>  <name>" per line, # comments. */
export function parseChecksums(text) {
  const map = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([0-9a-fA-F]{64})\s+\*?(\S+)$/.exec(line);
    if (!m) throw new FetchError(`malformed checksums line: "${line}"`);
    map.set(m[2], m[1].toLowerCase());
  }
  return map;
}

export function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

/** Throws unless `buf` is exactly the published `asset`. */
export function verify(buf, asset, sums) {
  const expected = sums.get(asset);
  if (!expected) throw new FetchError(`no pinned checksum for ${asset} in the checksums file`);
  const actual = sha256(buf);
  if (actual !== expected) throw new FetchError(`checksum mismatch for ${asset}: expected ${expected}, got ${actual} — refusing it`);
}

/** The single file of a restic Windows zip (stored or deflated). */
export function unzipSingle(buf, wanted) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new FetchError('not a zip archive');
  const entries = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new FetchError('corrupt zip central directory');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (!wanted(name)) continue;
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataStart, dataStart + csize);
    if (method === 0) return data;
    if (method === 8) return inflateRawSync(data);
    throw new FetchError(`unsupported zip compression method ${method}`);
  }
  throw new FetchError('restic executable not found in the zip');
}

function bunzip2(buf) {
  const r = spawnSync('bzip2', ['-dc'], { input: buf, maxBuffer: 512 * 1024 * 1024 });
  if (r.error || r.status !== 0)
    throw new FetchError('cannot decompress the .bz2 release: install bzip2 (it is on every macOS and Linux build machine)');
  return r.stdout;
}

async function download(url) {
  let res;
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(120_000) });
  } catch (e) {
    throw new FetchError(
      `cannot download ${url} (${e.cause?.code ?? e.cause?.message ?? e.message}): check the network, or put the release file in build/cache/restic/ and run again`,
    );
  }
  if (!res.ok) throw new FetchError(`cannot download ${url}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

async function fetchOne(platform, o) {
  const t = TARGETS[platform];
  if (!t) throw new FetchError(`unknown platform "${platform}" (known: ${Object.keys(TARGETS).join(', ')})`);
  const cached = join(o.cache, t.asset);
  const fromCache = existsSync(cached);
  const archive = fromCache ? readFileSync(cached) : await download(`${o.baseUrl}/v${RESTIC_VERSION}/${t.asset}`);
  try {
    verify(archive, t.asset, o.sums);
  } catch (e) {
    if (fromCache) rmSync(cached, { force: true });
    throw e;
  }
  mkdirSync(o.cache, { recursive: true });
  if (!existsSync(cached)) writeFileSync(cached, archive);
  const binary = t.asset.endsWith('.zip') ? unzipSingle(archive, (n) => n.toLowerCase().endsWith('.exe')) : bunzip2(archive);
  const dir = join(o.out, platform);
  mkdirSync(dir, { recursive: true });
  const dest = join(dir, t.binary);
  writeFileSync(`${dest}.tmp`, binary);
  chmodSync(`${dest}.tmp`, 0o755);
  renameSync(`${dest}.tmp`, dest);
  return dest;
}

async function main() {
  const a = args(process.argv.slice(2));
  const sums = parseChecksums(readFileSync(a.checksums ?? join(root, 'scripts', 'restic-checksums.txt'), 'utf8'));
  if (a.verify) {
    if (!a.asset) throw new FetchError('--verify needs --asset <release file name>');
    verify(readFileSync(a.verify), a.asset, sums);
    process.stdout.write(`[fetch-restic] ${a.asset}: checksum OK\n`);
    return;
  }
  const o = {
    sums,
    out: a.out ?? join(root, 'build', 'bin'),
    cache: a.cache ?? join(root, 'build', 'cache', 'restic'),
    baseUrl: (a['base-url'] ?? 'https://github.com/restic/restic/releases/download').replace(/\/+$/, ''),
  };
  const platforms = a.only ? a.only.split(',') : Object.keys(TARGETS);
  for (const p of platforms) {
    const dest = await fetchOne(p, o);
    process.stdout.write(`[fetch-restic] restic ${RESTIC_VERSION} ${p}: verified → ${dest}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    process.stderr.write(`[fetch-restic] ${e instanceof FetchError ? e.message : `failed: ${e?.message ?? e}`}\n`);
    process.exit(1);
  });
}
