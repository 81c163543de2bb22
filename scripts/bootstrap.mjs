#!/usr/bin/env node
// Makes a fresh checkout ready: checks Node, installs npm dependencies when the lock changed,
// builds the one native module (better-sqlite3) and, with --test, the system tools the tests
// need (Chromium, Xvfb, restic, rclone, and the cluster's parts: Postgres, Redis, HAProxy, coturn), or with
// --cluster only the cluster's parts (`npm run demo:cluster`). Installs them with apt-get when root on
// Debian/Ubuntu; otherwise stops with one line saying what to install. Plain Node, no dependencies.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--test');
const forCluster = process.argv.includes('--cluster');
const say = (m) => process.stdout.write(`[bootstrap] ${m}\n`);
const stop = (m) => {
  process.stderr.write(`[bootstrap] ${m}\n`);
  process.exit(1);
};

const [maj, min] = process.versions.node.split('.').map(Number);
if (maj < 20 || (maj === 20 && min < 19)) stop(`Node ${process.versions.node} is too old: install Node 20.19 or newer.`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) stop(`"${cmd} ${args.join(' ')}" failed (exit ${r.status}).`);
}

// 1. npm dependencies, re-installed only when package-lock.json changed.
const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.vigie-lock-sha256');
const lockHash = createHash('sha256').update(readFileSync(lock)).digest('hex');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
  say('installing npm dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
  writeFileSync(stamp, lockHash);
}

// 2. better-sqlite3's native binding (install scripts are off in .npmrc).
const canLoadSqlite = () =>
  spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: join(root, 'server') }).status === 0;
if (!canLoadSqlite()) {
  say('building better-sqlite3 for this Node…');
  run('npm', ['rebuild', 'better-sqlite3', '--ignore-scripts=false']);
  if (!canLoadSqlite()) stop('better-sqlite3 could not be built: install python3, make and a C++ compiler (g++ or Xcode tools).');
}

if (!forTests && !forCluster) process.exit(0);

// 3. System tools for the tests (all of them) or for the cluster demo (its parts).
const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
// Debian keeps the server's programs off PATH, under /usr/lib/postgresql/<version>/bin (server/src/store/pg-cluster.ts finds them there).
const hasPostgres = () =>
  has('initdb') || (existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(join('/usr/lib/postgresql', v, 'bin', 'initdb'))));
const tools = [
  { bin: 'chromium', check: () => existsSync('/usr/bin/chromium'), deb: 'chromium', mac: 'Chromium at /usr/bin/chromium (or set VIGIE_CHROMIUM=/path/to/chromium)' },
  { bin: 'Xvfb', check: () => process.platform !== 'linux' || has('Xvfb'), deb: 'xvfb', mac: '' },
  { bin: 'restic', check: () => has('restic'), deb: 'restic', mac: 'restic (brew install restic)' },
  { bin: 'rclone', check: () => has('rclone'), deb: 'rclone', mac: 'rclone (brew install rclone)' },
  { bin: 'initdb', check: hasPostgres, deb: 'postgresql', mac: 'PostgreSQL server programs (brew install postgresql@16, initdb on PATH)', cluster: true },
  { bin: 'redis-server', check: () => has('redis-server'), deb: 'redis-server', mac: 'Redis (brew install redis)', cluster: true },
  { bin: 'haproxy', check: () => has('haproxy') || existsSync('/usr/sbin/haproxy'), deb: 'haproxy', mac: 'HAProxy (brew install haproxy)', cluster: true },
  { bin: 'turnserver', check: () => has('turnserver'), deb: 'coturn', mac: 'coturn (brew install coturn)', cluster: true },
].filter((t) => forTests || t.cluster);
if (forTests && process.env.VIGIE_CHROMIUM && existsSync(process.env.VIGIE_CHROMIUM)) tools[0].check = () => true;
const missing = tools.filter((t) => !t.check());
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.platform === 'linux' && isRoot && has('apt-get')) {
  const pkgs = missing.map((t) => t.deb);
  say(`installing ${pkgs.join(', ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  // The packages' own system services (postgresql, redis-server, haproxy, coturn) are not started: tests and
  // demos run throwaway processes on loopback. Debian's policy-rc.d refuses service starts during the install.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  const still = missing.filter((t) => !t.check());
  if (still.length) stop(`still missing after apt-get: ${still.map((t) => t.bin).join(', ')}.`);
  try {
    say(`system tools ready${forTests ? ` (${execFileSync('restic', ['version']).toString().trim()})` : ''}`);
  } catch {
    /* informational only */
  }
  process.exit(0);
}
const names = missing.map((t) => (process.platform === 'darwin' && t.mac ? t.mac : t.deb)).filter(Boolean);
if (names.length === 0) process.exit(0);
stop(
  process.platform === 'linux'
    ? `missing system tools: run "sudo apt-get install ${missing.map((t) => t.deb).join(' ')}" and try again.`
    : `missing system tools: install ${names.join(', ')} and try again.`,
);
