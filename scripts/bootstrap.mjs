#!/usr/bin/env node
// Makes a fresh checkout ready and runs the project's commands on its Node: checks the Node that starts
// it (20.19 or newer), provides the project's runtime, Node 24 (this Node when it is 24 or newer, otherwise
// the pinned Node 24 LTS of scripts/node/, installed from the npm registry into .tools/node/), installs
// npm dependencies when the lock changed, checks that the one native module (better-sqlite3) loads on it
// and, with --test, the system tools the tests need (Chromium, Xvfb, restic, rclone, and the cluster's parts:
// Postgres, Redis, HAProxy, coturn), or with --cluster only the cluster's parts. Installs them with apt-get
// when root on Debian/Ubuntu; otherwise stops with one line saying what to install.
//   node scripts/bootstrap.mjs [--test | --cluster] [-- command args…]
// After `--`, the command runs with the runtime first on PATH (.tools/node/bin), so `node`, `tsx`, `npx`
// and every script they start run on Node 24; its exit code is the bootstrap's. Plain Node, no dependencies.
import { createHash } from 'node:crypto';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dash = process.argv.indexOf('--', 2);
const flags = dash === -1 ? process.argv.slice(2) : process.argv.slice(2, dash);
const command = dash === -1 ? [] : process.argv.slice(dash + 1);
const forTests = flags.includes('--test');
const forCluster = flags.includes('--cluster');
// Progress goes to stderr: the command after `--` owns stdout (`npm run -s hub:cli -- … > file`).
const say = (m) => process.stderr.write(`[bootstrap] ${m}\n`);
const stop = (m) => {
  process.stderr.write(`[bootstrap] ${m}\n`);
  process.exit(1);
};

const [maj, min] = process.versions.node.split('.').map(Number);
if (maj < 20 || (maj === 20 && min < 19)) stop(`Node ${process.versions.node} is too old: install Node 20.19 or newer.`);

// 0. The runtime: Node 24 or newer. .tools/node/bin/node always points at it, so one PATH entry serves
// both cases (a developer's shell too: export PATH="$PWD/.tools/node/bin:$PATH").
const RUNTIME_MAJOR = 24;
const toolsDir = join(root, '.tools', 'node');
const pinDir = join(root, 'scripts', 'node');
const binDir = join(toolsDir, 'bin');
let runtime = process.execPath;
if (maj < RUNTIME_MAJOR) {
  const pinHash = createHash('sha256')
    .update(readFileSync(join(pinDir, 'package.json')))
    .update(readFileSync(join(pinDir, 'package-lock.json')))
    .digest('hex');
  const pinStamp = join(toolsDir, '.vigie-pin-sha256');
  const pinned = join(toolsDir, 'node_modules', '.bin', 'node');
  if (!existsSync(pinned) || !existsSync(pinStamp) || readFileSync(pinStamp, 'utf8') !== pinHash) {
    say(`installing the pinned Node ${RUNTIME_MAJOR} (scripts/node/) into .tools/node/ — this Node is ${process.versions.node}…`);
    rmSync(toolsDir, { recursive: true, force: true });
    mkdirSync(toolsDir, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) writeFileSync(join(toolsDir, f), readFileSync(join(pinDir, f)));
    // Only the package for this platform installs (each declares its os and cpu); none runs a script.
    const r = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: toolsDir,
      stdio: 'inherit',
    });
    if (r.status !== 0) stop(`installing the pinned Node failed (exit ${r.status}).`);
    if (!existsSync(pinned))
      stop(
        `no pinned Node ${RUNTIME_MAJOR} for ${process.platform}-${process.arch} in scripts/node/: install Node ${RUNTIME_MAJOR} LTS and try again.`,
      );
    writeFileSync(pinStamp, pinHash);
  }
  runtime = realpathSync(pinned);
}
const version = spawnSync(runtime, ['-p', 'process.versions.node'], { encoding: 'utf8' });
if (version.status !== 0 || Number(version.stdout.split('.')[0]) < RUNTIME_MAJOR)
  stop(`${runtime} does not run as Node ${RUNTIME_MAJOR}: remove .tools/node/ and try again.`);
// Windows (a release build machine, with its own Node 24) gets the runtime's folder on PATH instead of a link.
const pathDir = process.platform === 'win32' ? dirname(runtime) : binDir;
if (process.platform !== 'win32') {
  mkdirSync(binDir, { recursive: true });
  const link = join(binDir, 'node');
  let current = null;
  try {
    current = readlinkSync(link);
  } catch {
    // not there yet
  }
  if (current !== runtime) {
    rmSync(link, { force: true });
    symlinkSync(runtime, link);
  }
}
// Every npm, npx and tsx started from here runs on the runtime (their shebang is `env node`).
const env = { ...process.env, PATH: `${pathDir}${delimiter}${process.env.PATH ?? ''}` };

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...opts });
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

// 2. better-sqlite3, the one native module: its package ships Node-API bindings for Linux (glibc and musl),
// macOS and Windows on x64 and arm64, built once for every Node from 22 on; nothing is compiled here.
const sqlite = spawnSync(runtime, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
  cwd: join(root, 'server'),
  encoding: 'utf8',
});
if (sqlite.status !== 0) {
  process.stderr.write(sqlite.stderr);
  stop(
    `better-sqlite3 does not load on Node ${version.stdout.trim()} (${process.platform}-${process.arch}): its package has bindings for Linux, macOS and Windows on x64 and arm64 only.`,
  );
}

// 3. System tools for the tests (all of them) or for the cluster demo (its parts).
if (forTests || forCluster) systemTools();

function systemTools() {
  const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
  // Debian keeps the server's programs off PATH, under /usr/lib/postgresql/<version>/bin (server/src/store/pg-cluster.ts finds them there).
  const hasPostgres = () =>
    has('initdb') ||
    (existsSync('/usr/lib/postgresql') &&
      readdirSync('/usr/lib/postgresql').some((v) => existsSync(join('/usr/lib/postgresql', v, 'bin', 'initdb'))));
  const tools = [
    {
      bin: 'chromium',
      check: () => existsSync('/usr/bin/chromium'),
      deb: 'chromium',
      mac: 'Chromium at /usr/bin/chromium (or set VIGIE_CHROMIUM=/path/to/chromium)',
    },
    { bin: 'Xvfb', check: () => process.platform !== 'linux' || has('Xvfb'), deb: 'xvfb', mac: '' },
    { bin: 'restic', check: () => has('restic'), deb: 'restic', mac: 'restic (brew install restic)' },
    { bin: 'rclone', check: () => has('rclone'), deb: 'rclone', mac: 'rclone (brew install rclone)' },
    {
      bin: 'initdb',
      check: hasPostgres,
      deb: 'postgresql',
      mac: 'PostgreSQL server programs (brew install postgresql@16, initdb on PATH)',
      cluster: true,
    },
    { bin: 'redis-server', check: () => has('redis-server'), deb: 'redis-server', mac: 'Redis (brew install redis)', cluster: true },
    {
      bin: 'haproxy',
      check: () => has('haproxy') || existsSync('/usr/sbin/haproxy'),
      deb: 'haproxy',
      mac: 'HAProxy (brew install haproxy)',
      cluster: true,
    },
    { bin: 'turnserver', check: () => has('turnserver'), deb: 'coturn', mac: 'coturn (brew install coturn)', cluster: true },
  ].filter((t) => forTests || t.cluster);
  if (forTests && process.env.VIGIE_CHROMIUM && existsSync(process.env.VIGIE_CHROMIUM)) tools[0].check = () => true;
  const missing = tools.filter((t) => !t.check());
  if (missing.length === 0) return;

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.platform === 'linux' && isRoot && has('apt-get')) {
    const pkgs = missing.map((t) => t.deb);
    say(`installing ${pkgs.join(', ')} with apt-get…`);
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env: aptEnv, stdio: ['ignore', 'ignore', 'inherit'] });
    // The packages' own system services (postgresql, redis-server, haproxy, coturn) are not started: tests and
    // demos run throwaway processes on loopback. Debian's policy-rc.d refuses service starts during the install.
    const policy = '/usr/sbin/policy-rc.d';
    const ownPolicy = !existsSync(policy);
    if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    try {
      run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env: aptEnv, stdio: ['ignore', 'ignore', 'inherit'] });
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
    return;
  }
  const names = missing.map((t) => (process.platform === 'darwin' && t.mac ? t.mac : t.deb)).filter(Boolean);
  if (names.length === 0) return;
  stop(
    process.platform === 'linux'
      ? `missing system tools: run "sudo apt-get install ${missing.map((t) => t.deb).join(' ')}" and try again.`
      : `missing system tools: install ${names.join(', ')} and try again.`,
  );
}

// 4. The command after `--`, on the runtime. Ctrl-C reaches it directly (same process group); a SIGTERM or
// SIGHUP sent to the bootstrap alone is passed on. Its exit code or signal becomes the bootstrap's.
if (command.length > 0) {
  const child = spawn(command[0], command.slice(1), { cwd: process.cwd(), stdio: 'inherit', env });
  const pass = (signal) => () => child.kill(signal);
  process.on('SIGINT', () => {});
  process.on('SIGTERM', pass('SIGTERM'));
  process.on('SIGHUP', pass('SIGHUP'));
  child.on('error', (e) => stop(`"${command.join(' ')}" could not start: ${e.message}`));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}
