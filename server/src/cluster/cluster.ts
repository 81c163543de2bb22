/**
 * A whole Vigie cluster on loopback, every part a real throwaway process: Postgres (pg-cluster),
 * Redis (redis-server), optionally coturn (turn-server), HAProxy (haproxy) and N hub nodes, each
 * its own OS process (`node --import tsx server/src/main.ts`, configured like production through
 * VIGIE_*), so a node can be killed with SIGKILL, drained with SIGTERM and started again.
 * Used by the cluster test (e2e/cluster), `npm run demo:cluster` and `npm run bench:cluster`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { HTTP } from '@vigie/common';
import { loadOrCreateHubKey } from '../hub-key.js';
import { startPgCluster, type PgCluster } from '../store/pg-cluster.js';
import { startRedisServer, type RedisServer } from '../store/redis-server.js';
import { freePort } from '../store/free-port.js';
import { startTurnServer, type TurnServer } from '../store/turn-server.js';
import { startHaproxy, type Haproxy } from './haproxy.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ClusterOptions {
  /** Hub nodes (default 2). */
  nodes?: number;
  /** The balancer's loopback port (default: a free one). */
  port?: number;
  /** Kept after stop() when given; a temp folder otherwise. */
  dir?: string;
  /** HAProxy health checks this far apart (default 200 ms: a dead node is out within ~0.5 s). */
  checkIntervalMs?: number;
  /** VIGIE_DRAIN_SECONDS of the nodes (default: a little more than the balancer needs to take a node out). */
  drainSeconds?: number;
  /** Start coturn too and give the nodes its shared secret (remote screen through the relay). */
  turn?: boolean;
  logLevel?: string;
  /** More environment for every node. */
  env?: Record<string, string>;
}

export interface HubNode {
  name: string;
  port: number;
  /** The node's own address (bypassing the balancer). */
  url: string;
  dataDir: string;
  readonly running: boolean;
  /** The process id while it runs (the cluster demo prints it: `kill -9` it to watch a failover). */
  readonly pid: number | null;
  /** Starts the node (again) and resolves when its /healthz answers. */
  start(): Promise<void>;
  /** SIGKILL (a crash) or SIGTERM (drain, then stop); resolves when the process is gone. */
  stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

export interface Cluster {
  /** The load balancer: where apps and consoles connect. */
  url: string;
  nodes: HubNode[];
  /** For an in-process hub on the same data (seeding, `audit verify`): same database, key, artifacts. */
  databaseUrl: string;
  keyFile: string;
  artifactsDir: string;
  redisUrl: string;
  turn: TurnServer | null;
  haproxy: Haproxy;
  dir: string;
  /** Resolves when HAProxy sees every node in `want` state (`UP`, or `DOWN` for a dead or draining node). */
  balancerSees(want: Record<string, 'UP' | 'DOWN'>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A hub node as its own OS process on `dataDir`, configured through VIGIE_* like production (`env`).
 * Its loopback port is picked at its first start, again if another process took it before the
 * node bound it (the node exits with EADDRINUSE: up to 5 tries, like pg-cluster, redis-server and
 * haproxy); every later start binds that same port. Also the chat-restart world's one hub (e2e).
 */
export function startHubNode(name: string, dataDir: string, env: Record<string, string>): HubNode {
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let port = 0;
  /** One process on `port`: resolves once /healthz answers, or with its stderr if it exits first. */
  async function spawnOn(port: number, url: string): Promise<{ up: true } | { up: false; stderr: string }> {
    // tsx as a loader in one process (its CLI would run the hub in a child a SIGKILL misses).
    const c = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'server', 'src', 'main.ts')], {
      cwd: REPO,
      env: { ...process.env, ...env, VIGIE_DATA_DIR: dataDir, VIGIE_PORT: String(port), VIGIE_HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    c.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child = c;
    let gone = false;
    exited = new Promise((res) =>
      c.once('exit', () => {
        gone = true;
        if (child === c) child = null;
        res();
      }),
    );
    for (;;) {
      if (gone) return { up: false, stderr };
      const ok = await fetch(url + HTTP.healthz).then(
        (r) => r.ok,
        () => false,
      );
      if (ok && !gone) return { up: true };
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const node: HubNode = {
    name,
    get port() {
      return port;
    },
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    dataDir,
    get running() {
      return child !== null;
    },
    get pid() {
      return child?.pid ?? null;
    },
    async start() {
      if (child) return;
      const first = port === 0;
      for (let attempt = 0; ; attempt++) {
        if (first) port = await freePort();
        const r = await spawnOn(port, node.url);
        if (r.up) return;
        if (first && attempt < 5 && /EADDRINUSE/.test(r.stderr)) continue;
        if (first) port = 0;
        throw new Error(`hub node ${name} exited at start: ${r.stderr}`);
      }
    },
    async stop(signal) {
      const c = child;
      if (!c) return;
      c.kill(signal);
      await exited;
    },
  };
  return node;
}

/** Starts Postgres, Redis, (coturn), HAProxy and the hub nodes; resolves when the balancer sees every node up. */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const count = opts.nodes ?? 2;
  const checkIntervalMs = opts.checkIntervalMs ?? 200;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'vigie-cluster-'));
  mkdirSync(dir, { recursive: true });
  const parts: Array<{ stop(): Promise<void> }> = [];
  const nodes: HubNode[] = [];
  const stopAll = async () => {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    for (const p of parts.reverse()) await p.stop().catch(() => undefined);
    if (!opts.dir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [pgc, redis, turn] = await Promise.all([
      startPgCluster(),
      startRedisServer(),
      opts.turn ? startTurnServer() : Promise.resolve(null),
    ]);
    parts.push(pgc as PgCluster, redis as RedisServer, ...(turn ? [turn] : []));
    const admin = new pg.Client({ connectionString: pgc.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE vigie');
    await admin.end();
    const databaseUrl = pgc.url('vigie');
    // One hub key for every node, made before any starts (hub-key.ts: never replaced once there).
    const keyFile = join(dir, 'hub.key');
    loadOrCreateHubKey(keyFile);
    const artifactsDir = join(dir, 'artifacts');
    mkdirSync(artifactsDir, { recursive: true });
    const names = Array.from({ length: count }, (_, i) => `node${i + 1}`);
    // Long enough for the balancer to take a draining node out (fall × inter) with room to spare.
    const drainSeconds = opts.drainSeconds ?? Math.max(1, Math.ceil((checkIntervalMs * 4) / 1000));
    const env: Record<string, string> = {
      VIGIE_DATABASE_URL: databaseUrl,
      VIGIE_REDIS_URL: redis.url,
      VIGIE_KEY_FILE: keyFile,
      VIGIE_ARTIFACTS_DIR: artifactsDir,
      VIGIE_DRAIN_SECONDS: String(drainSeconds),
      VIGIE_TRUST_PROXY: 'loopback',
      VIGIE_LOG_LEVEL: opts.logLevel ?? 'warn',
      ...opts.env,
    };
    names.forEach((name) => {
      const dataDir = join(dir, name);
      mkdirSync(dataDir, { recursive: true });
      if (turn)
        writeFileSync(join(dataDir, 'hub.json'), JSON.stringify({ screen: { turn: { urls: turn.urls, secret: turn.secret } } }, null, 2));
      nodes.push(startHubNode(name, dataDir, { ...env, VIGIE_AUDIT_CHECKPOINTS: join(dir, `${name}.audit-checkpoints.jsonl`) }));
    });
    // The first node migrates the database alone; the others start together after it. Each node
    // binds its port as it starts; the balancer is given them once they are bound.
    await nodes[0]!.start();
    await Promise.all(nodes.slice(1).map((n) => n.start()));
    const haproxy = await startHaproxy({
      backends: nodes.map((n) => ({ name: n.name, port: n.port })),
      checkIntervalMs,
      fall: 2,
      rise: 2,
      ...(opts.port ? { port: opts.port } : {}),
    });
    parts.push(haproxy);
    const balancerSees = async (want: Record<string, 'UP' | 'DOWN'>) => {
      for (;;) {
        const states = await haproxy.serverStates();
        if (Object.entries(want).every(([n, s]) => (states[n] ?? '').startsWith(s))) return;
        await new Promise((r) => setTimeout(r, Math.min(100, checkIntervalMs)));
      }
    };
    await balancerSees(Object.fromEntries(names.map((n) => [n, 'UP'])));
    return {
      url: haproxy.url,
      nodes,
      databaseUrl,
      keyFile,
      artifactsDir,
      redisUrl: redis.url,
      turn,
      haproxy,
      dir,
      balancerSees,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
