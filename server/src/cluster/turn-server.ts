/**
 * A throwaway coturn: `turnserver` on a free loopback port with the shared-secret scheme the hub
 * hands out time-limited credentials for (`use-auth-secret` + `static-auth-secret`, the hub's
 * `screen.turn.secret`), no database, its files in a temp folder. For `npm run demo:cluster`;
 * production runs coturn on a public address (docs/deploying.md).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../store/free-port.js';
import { tail, waitListening } from './haproxy.js';

export interface TurnServer {
  /** `turn:127.0.0.1:port` (UDP and TCP). */
  url: string;
  port: number;
  secret: string;
  realm: string;
  dir: string;
  stop(): Promise<void>;
}

/** The `turnserver` program: VIGIE_TURNSERVER, else on PATH. Null when there is none. */
export function findTurnServer(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.VIGIE_TURNSERVER) return env.VIGIE_TURNSERVER;
  const r = spawnSync('sh', ['-c', 'PATH="$PATH:/usr/sbin:/usr/local/sbin" command -v turnserver'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

/** Starts coturn on loopback with `secret` as its static-auth-secret. */
export async function startTurnServer(opts: { secret: string; realm?: string }): Promise<TurnServer> {
  const bin = findTurnServer();
  if (!bin) throw new Error('no turnserver found: install Debian\'s coturn package (node scripts/bootstrap.mjs --cluster), or set VIGIE_TURNSERVER');
  const realm = opts.realm ?? 'vigie.test';
  const dir = mkdtempSync(join(tmpdir(), 'vigie-turn-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const log = join(dir, 'turn.log');
    const conf = [
      `listening-ip=127.0.0.1`,
      `relay-ip=127.0.0.1`,
      `listening-port=${port}`,
      // No TLS listener in the throwaway server (production: turns: on 443/5349 with a certificate).
      'no-tls',
      'no-dtls',
      'no-cli',
      'fingerprint',
      'use-auth-secret',
      `static-auth-secret=${opts.secret}`,
      `realm=${realm}`,
      // Loopback relays only: nothing here may reach another network.
      'allow-loopback-peers',
      'no-multicast-peers',
      `min-port=${49152 + (port % 1000) * 10}`,
      `max-port=${49152 + (port % 1000) * 10 + 9}`,
      `pidfile=${join(dir, 'turn.pid')}`,
      `log-file=${log}`,
      'simple-log',
      `userdb=${join(dir, 'turn.db')}`,
    ].join('\n');
    const file = join(dir, 'turnserver.conf');
    writeFileSync(file, conf + '\n', { mode: 0o600 });
    const child = spawn(bin, ['-c', file], { cwd: dir, stdio: 'ignore' });
    if (!(await waitListening(port, child))) {
      const why = tail(log);
      if (attempt < 5 && /Address already in use|cannot bind/i.test(why)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`turnserver exited before listening: ${why}`);
    }
    let stopped: Promise<void> | null = null;
    return {
      url: `turn:127.0.0.1:${port}`,
      port,
      secret: opts.secret,
      realm,
      dir,
      stop: () =>
        (stopped ??= new Promise<void>((resolve) => {
          const finish = () => {
            rmSync(dir, { recursive: true, force: true });
            resolve();
          };
          if (child.exitCode !== null || child.signalCode !== null) return finish();
          child.once('exit', finish);
          child.kill('SIGTERM');
        })),
    };
  }
}
