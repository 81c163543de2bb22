/**
 * A throwaway Postgres cluster: `initdb` in a temp folder, `pg_ctl start` on a free loopback port
 * (no system service, no unix socket outside the folder), password login for one role, stopped and
 * removed by `stop()`. For the hub's tests (the Postgres variant of the integration suite) and
 * local tooling; production runs a managed Postgres (docs/deploying.md).
 *
 * Postgres refuses to run as root: as root, the cluster runs as the `postgres` system user (Debian's
 * package creates it), which owns the temp folder.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface PgCluster {
  /** Connection URL of the cluster's `postgres` database, as the cluster's owner role. */
  adminUrl: string;
  /** URL of database `name` on this cluster (same role). */
  url(name: string): string;
  /** The folder holding the cluster (data, log, socket). */
  dir: string;
  stop(): Promise<void>;
}

/**
 * The folder of `initdb` and `pg_ctl`: VIGIE_PG_BIN, else on PATH, else the newest Debian install
 * (/usr/lib/postgresql/<version>/bin). Null when there is none.
 */
export function findPgBin(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.VIGIE_PG_BIN) return existsSync(join(env.VIGIE_PG_BIN, 'initdb')) ? env.VIGIE_PG_BIN : null;
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) {
    const dir = onPath.stdout.trim().replace(/\/initdb$/, '');
    if (existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0]!, 'bin') : null;
}

/** uid/gid to run Postgres as: ourselves, or the `postgres` user when we are root. */
function runAs(): { uid: number; gid: number } | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'Postgres cannot run as root and there is no "postgres" user: install Debian\'s postgresql package (it creates the user) or run the tests as another user',
    );
  }
}

export interface StartPgClusterOptions {
  /** Extra server settings (`-c name=value`). */
  settings?: Record<string, string | number>;
  /** Role name (default `vigie`). */
  user?: string;
}

/**
 * Starts a throwaway cluster. Durability settings are off by default (fsync, full-page writes:
 * a test cluster is thrown away), which changes no transactional behaviour.
 */
export async function startPgCluster(opts: StartPgClusterOptions = {}): Promise<PgCluster> {
  const bin = findPgBin();
  if (!bin)
    throw new Error(
      "no Postgres server found (initdb, pg_ctl): install Debian's postgresql package, or set VIGIE_PG_BIN to the folder holding initdb",
    );
  const owner = runAs();
  // Run as another user, the folder must sit where that user can reach it (a TMPDIR under /root would not do).
  const dir = mkdtempSync(join(owner ? '/tmp' : tmpdir(), 'vigie-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'run');
  mkdirSync(sockets);
  const user = opts.user ?? 'vigie';
  const password = randomBytes(18).toString('base64url');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) for (const p of [dir, sockets, pwfile]) chownSync(p, owner.uid, owner.gid);
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(join(bin, cmd), args, { encoding: 'utf8', cwd: dir, ...(owner ?? {}), env: { ...process.env, LC_ALL: 'C' } });
    if (r.status !== 0)
      throw new Error(`${cmd} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim().slice(-2000)}`);
  };
  try {
    // Byte-order text comparison (C collation), UTF-8: the same ordering as SQLite's.
    run('initdb', [
      '-D',
      data,
      '-U',
      user,
      '--pwfile',
      pwfile,
      '--auth',
      'scram-sha-256',
      '--encoding',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    rmSync(pwfile, { force: true });
    const settings: Record<string, string | number> = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: sockets,
      fsync: 'off',
      full_page_writes: 'off',
      synchronous_commit: 'off',
      max_connections: 400,
      shared_buffers: '64MB',
      ...opts.settings,
    };
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const conf = Object.entries({ ...settings, port })
        .map(([k, v]) => `${k} = '${String(v)}'`)
        .join('\n');
      writeFileSync(join(data, 'postgresql.auto.conf'), `${conf}\n`);
      if (owner) chownSync(join(data, 'postgresql.auto.conf'), owner.uid, owner.gid);
      try {
        run('pg_ctl', ['start', '-w', '-t', '120', '-D', data, '-l', join(dir, 'server.log')]);
      } catch (e) {
        // Another process took the port between the probe and the start: try another one.
        const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
        if (attempt < 5 && /could not bind|Address already in use/i.test(log)) continue;
        throw e;
      }
      const url = (name: string) =>
        `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(name)}`;
      let stopped = false;
      return {
        adminUrl: url('postgres'),
        url,
        dir,
        async stop() {
          if (stopped) return;
          stopped = true;
          try {
            run('pg_ctl', ['stop', '-m', 'fast', '-w', '-D', data]);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      };
    }
  } catch (e) {
    spawnSync(join(bin, 'pg_ctl'), ['stop', '-m', 'immediate', '-D', data], { cwd: dir, ...(owner ?? {}) });
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
