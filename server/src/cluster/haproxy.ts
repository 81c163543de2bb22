/**
 * A throwaway HAProxy in front of hub nodes: its configuration in a temp folder, one loopback port,
 * no system service. For the cluster test, `npm run demo:cluster` and `npm run bench:cluster`;
 * production runs its own (docs/deploying.md shows the same configuration with TLS).
 *
 * What the configuration does, and why:
 * - `balance leastconn`: socket.io connections are long-lived, so the node with fewer of them gets
 *   the next one (after a failover the survivor is the only one; a restarted node fills up again).
 * - Stickiness for long-polling: the app and the console open a WebSocket first (one TCP
 *   connection, no stickiness needed) and fall back to HTTP long-polling when a proxy blocks it;
 *   polling is a series of requests that must reach the node holding the session, so HAProxy adds a
 *   cookie (`cookie VIGIE_NODE insert indirect nocache`) naming the node. A node going down makes
 *   HAProxy send the cookie's holder elsewhere (`option redispatch 1`: every retry to another node),
 *   and connection errors mark a node down before its checks do (`observe layer4`).
 * - Health: `option httpchk GET /healthz`; a draining node answers 503, so it is taken out after
 *   `fall` checks `inter` apart while its open sockets stay up until the hub closes them.
 * - `timeout tunnel`: how long an upgraded WebSocket may stay silent (socket.io pings every 25 s).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { HTTP } from '@vigie/common';
import { freePort } from '../store/free-port.js';
import { findProgram, stopper } from '../store/throwaway.js';

export interface Backend {
  /** Server name in the configuration (letters, digits, dashes). */
  name: string;
  host?: string;
  port: number;
}

export interface HaproxyOptions {
  backends: Backend[];
  /** Loopback port to listen on (default: a free one). */
  port?: number;
  /** Health check interval (default 2 s; tests use 200 ms). */
  checkIntervalMs?: number;
  /** Failed checks before a node is out (default 2), successes before it is back in (default 2). */
  fall?: number;
  rise?: number;
}

export interface Haproxy {
  /** `http://127.0.0.1:port`: where clients connect. */
  url: string;
  port: number;
  dir: string;
  /** The rendered configuration (docs/deploying.md shows the production variant). */
  config: string;
  process: ChildProcess;
  /** What HAProxy thinks of each server right now (its admin socket): `UP`, `DOWN`, `MAINT`, `UP 1/2`… */
  serverStates(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** The `haproxy` program: VIGIE_HAPROXY, else on PATH, else Debian's /usr/sbin/haproxy (not on a user's PATH). Null when there is none. */
export function findHaproxy(env: NodeJS.ProcessEnv = process.env): string | null {
  return findProgram('haproxy', 'VIGIE_HAPROXY', env) ?? (existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : null);
}

const NAME = /^[A-Za-z0-9-]{1,32}$/;

/** The configuration for `backends` behind `port` on loopback. */
export function haproxyConfig(port: number, opts: HaproxyOptions, adminSocket?: string): string {
  const inter = Math.max(50, Math.round(opts.checkIntervalMs ?? 2000));
  const fall = opts.fall ?? 2;
  const rise = opts.rise ?? 2;
  for (const b of opts.backends) if (!NAME.test(b.name)) throw new Error(`bad backend name: ${b.name}`);
  return [
    'global',
    '  maxconn 9000',
    ...(adminSocket ? [`  stats socket ${adminSocket} mode 600 level admin`] : []),
    '',
    'defaults',
    '  mode http',
    '  option http-server-close',
    // The hub believes it from the balancer only (VIGIE_TRUST_PROXY): per-address limits and the audit see the client.
    '  option forwardfor',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // An upgraded WebSocket: socket.io pings every 25 s, so 60 s of silence means it is gone.
    '  timeout tunnel 60s',
    '  timeout http-request 10s',
    '  timeout queue 5s',
    '',
    'frontend vigie',
    `  bind 127.0.0.1:${port}`,
    '  default_backend hubs',
    '',
    'backend hubs',
    '  balance leastconn',
    '  cookie VIGIE_NODE insert indirect nocache httponly',
    // Every retry of a refused connection goes to another node (a killed node gets none while its checks catch up).
    '  option redispatch 1',
    '  retries 2',
    `  option httpchk GET ${HTTP.healthz}`,
    '  http-check expect status 200',
    // Live traffic marks a node down too: 10 connection errors in a row, without waiting for the checks.
    `  default-server inter ${inter} fastinter ${inter} downinter ${inter} fall ${fall} rise ${rise} observe layer4 error-limit 10 on-error mark-down`,
    ...opts.backends.map((b) => `  server ${b.name} ${b.host ?? '127.0.0.1'}:${b.port} check cookie ${b.name}`),
    '',
  ].join('\n');
}

/** Starts HAProxy on a free loopback port; resolves once it accepts connections. */
export async function startHaproxy(opts: HaproxyOptions): Promise<Haproxy> {
  const bin = findHaproxy();
  if (!bin)
    throw new Error("no haproxy found: install Debian's haproxy package (node scripts/bootstrap.mjs --cluster), or set VIGIE_HAPROXY");
  const dir = mkdtempSync(join(tmpdir(), 'vigie-haproxy-'));
  for (let attempt = 0; ; attempt++) {
    const port = opts.port ?? (await freePort());
    const adminSocket = join(dir, 'admin.sock');
    const config = haproxyConfig(port, opts, adminSocket);
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, config);
    const check = spawnSync(bin, ['-c', '-q', '-f', file], { encoding: 'utf8' });
    if (check.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`haproxy refused its configuration: ${(check.stderr || check.stdout).trim().slice(-1500)}`);
    }
    // -db: foreground, no daemon; stderr kept for errors.
    const child = spawn(bin, ['-db', '-f', file], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const ready = await waitListening(port, child);
    if (!ready) {
      if (attempt < 5 && opts.port === undefined && /cannot bind|Address already in use/i.test(stderr)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`haproxy exited before listening: ${stderr.trim()}`);
    }
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      dir,
      config,
      process: child,
      serverStates: () => serverStates(adminSocket),
      stop: stopper(child, dir),
    };
  }
}

/** `show stat` on the admin socket: the status column of each server of backend `hubs`. */
function serverStates(socket: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ path: socket });
    let buf = '';
    sock.on('connect', () => sock.write('show stat\n'));
    sock.on('data', (d) => (buf += d.toString()));
    sock.on('error', reject);
    sock.on('end', () => {
      const [head, ...rows] = buf.replace(/^# /, '').trim().split('\n');
      const cols = (head ?? '').split(',');
      const at = (name: string) => cols.indexOf(name);
      const out: Record<string, string> = {};
      for (const row of rows) {
        const f = row.split(',');
        if (f[at('pxname')] === 'hubs' && f[at('svname')] !== 'BACKEND') out[f[at('svname')]!] = f[at('status')] ?? '';
      }
      resolve(out);
    });
  });
}

/** True once `port` accepts a TCP connection, false when `child` exits first. */
function waitListening(port: number, child: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: boolean) => {
      if (done) return;
      done = true;
      child.off('exit', onExit);
      resolve(v);
    };
    const onExit = () => finish(false);
    child.once('exit', onExit);
    const attempt = () => {
      if (done) return;
      const sock = createConnection({ port, host: '127.0.0.1' });
      sock.once('connect', () => {
        sock.destroy();
        finish(true);
      });
      sock.once('error', () => {
        sock.destroy();
        setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}
