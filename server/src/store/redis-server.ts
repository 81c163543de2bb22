/**
 * A throwaway Redis: `redis-server` on a free loopback port with a random password, no persistence
 * (no RDB, no AOF), its folder in a temp directory, stopped and removed by `stop()`. For the hub's
 * tests (the Postgres + Redis variant of the integration suite, the cluster test), the cluster demo
 * and benchmarks; production runs a managed Redis (docs/deploying.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort } from './free-port.js';
import { findProgram, stopper } from './throwaway.js';

export interface RedisServer {
  /** `redis://:password@127.0.0.1:port` */
  url: string;
  port: number;
  dir: string;
  /** The server process (tests kill it to see the hub survive a Redis restart). */
  process: ChildProcess;
  /** Kills the server at once (SIGKILL: what it held is gone) and starts it again on the same port and password once `resume` is called. */
  crash(): Promise<{ resume(): Promise<void> }>;
  stop(): Promise<void>;
}

/** The `redis-server` program: VIGIE_REDIS_SERVER, else on PATH. Null when there is none. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | null {
  return findProgram('redis-server', 'VIGIE_REDIS_SERVER', env);
}

/** Resolves once the server answers PING with PONG on the port (its log says why when it exits first). */
function waitReady(port: number, password: string, child: ChildProcess, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      let log = '';
      try {
        log = readFileSync(logFile, 'utf8').trim().slice(-1500);
      } catch {
        /* no log yet */
      }
      reject(Object.assign(new Error(`redis-server exited (${code ?? signal}) before answering: ${log}`), { log }));
    };
    child.once('exit', onExit);
    const attempt = () => {
      if (done) return;
      const sock = createConnection({ port, host: '127.0.0.1' });
      let buf = '';
      sock.on('connect', () => sock.write(`AUTH ${password}\r\nPING\r\n`));
      sock.on('data', (d) => {
        buf += d.toString();
        if (buf.includes('+PONG')) {
          sock.destroy();
          if (done) return;
          done = true;
          child.off('exit', onExit);
          resolve();
        } else if (buf.includes('-LOADING')) {
          sock.destroy();
          setTimeout(attempt, 50);
        }
      });
      sock.on('error', () => {
        sock.destroy();
        setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export interface StartRedisOptions {
  /** Extra directives, one per line in the config file (`maxmemory 64mb`, …). */
  settings?: Record<string, string | number>;
}

/** Starts a throwaway Redis on loopback. */
export async function startRedisServer(opts: StartRedisOptions = {}): Promise<RedisServer> {
  const bin = findRedisServer();
  if (!bin)
    throw new Error(
      "no redis-server found: install Debian's redis-server package (brew install redis on macOS), or set VIGIE_REDIS_SERVER",
    );
  const dir = mkdtempSync(join(tmpdir(), 'vigie-redis-'));
  const password = randomBytes(18).toString('hex');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const logFile = join(dir, 'server.log');
    const conf = {
      port,
      bind: '127.0.0.1',
      'protected-mode': 'yes',
      requirepass: password,
      dir,
      save: '""',
      appendonly: 'no',
      daemonize: 'no',
      logfile: logFile,
      unixsocket: '""',
      ...opts.settings,
    };
    const file = join(dir, 'redis.conf');
    writeFileSync(
      file,
      Object.entries(conf)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join('\n') + '\n',
      { mode: 0o600 },
    );
    const child = spawn(bin, [file], { cwd: dir, stdio: 'ignore' });
    try {
      await waitReady(port, password, child, logFile);
    } catch (e) {
      const log = (e as { log?: string }).log ?? '';
      if (attempt < 5 && /Address already in use/i.test(log)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
    const server: RedisServer = {
      url: `redis://:${password}@127.0.0.1:${port}`,
      port,
      dir,
      process: child,
      crash: async () => {
        const c = server.process;
        if (!exited(c)) await new Promise<void>((resolve) => (c.once('exit', () => resolve()), c.kill('SIGKILL')));
        return {
          resume: async () => {
            const again = spawn(bin, [file], { cwd: dir, stdio: 'ignore' });
            server.process = again;
            await waitReady(port, password, again, logFile);
          },
        };
      },
      stop: stopper(() => server.process, dir),
    };
    return server;
  }
}
