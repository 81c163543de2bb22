import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defaultKeyFile } from './hub-key.js';
import { ScreenSettings } from './screen/config.js';
import { isPostgresUrl } from './store/dialect.js';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export type LogLevel = z.infer<typeof LogLevel>;

/** One trusted proxy: an address, a CIDR range, or a proxy-addr name. */
const ProxyAddress = z.union([z.enum(['loopback', 'linklocal', 'uniquelocal']), z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);
const ProxyList = z.array(ProxyAddress).min(1).max(64);
/** `false`, the proxies' addresses (a list, or one string separated by commas), or a hop count; `true` (trust every client) is refused. */
const TrustProxy = z.union(
  [
    z.literal(false),
    z.number().int().min(1).max(10),
    ProxyList,
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      )
      .pipe(ProxyList),
  ],
  {
    error: () =>
      'expected false, a list of the proxies’ addresses/CIDR ranges, or a hop count (1–10); true would trust any client’s X-Forwarded-For',
  },
);

/** Tunables with defaults; every one can be set in `<dataDir>/hub.json`. */
export const HubSettings = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8750),
  publicUrl: z.url().optional(),
  logLevel: LogLevel.default('info'),
  consoleDir: z.string().min(1).optional(),
  /**
   * Update artifacts (installers, blockmaps): default `<dataDir>/updates/artifacts`. Several hub
   * nodes need one folder they all reach (NFS or another shared file system): a release published
   * through one node is downloaded from any (docs/deploying.md).
   */
  artifactsDir: z.string().min(1).optional(),
  /**
   * On SIGTERM, seconds the node answers 503 on /healthz (and refuses new sockets) before it closes
   * its sockets, so the load balancer has taken it out first and the clients reconnect elsewhere.
   * 0 (default): a single hub stops at once. Behind a balancer: more than its checks' `inter × fall`.
   */
  drainSeconds: z.number().min(0).max(600).default(0),
  /**
   * Behind a reverse proxy (TLS termination): whose `X-Forwarded-For` to believe for client IPs
   * (counters, audit). `false` (default): nobody's, the peer address is the client. A list of the
   * proxies' addresses or CIDR ranges (or `loopback`, `linklocal`, `uniquelocal`), or a hop count
   * (how many proxies stand in front of the hub). Never `true`: that would let every client choose
   * its own IP.
   */
  trustProxy: TrustProxy.default(false),
  /** Max HTTP JSON body and socket.io message size, in bytes. */
  bodyLimit: z
    .number()
    .int()
    .min(1024)
    .max(10_000_000)
    .default(64 * 1024),
  sqliteSynchronous: z.enum(['FULL', 'GROUP', 'NORMAL']).default('GROUP'),
  /** Postgres store (VIGIE_DATABASE_URL): connections each hub process keeps to the server. */
  postgresPoolSize: z.number().int().min(1).max(200).default(10),
  session: z
    .strictObject({
      idleMinutes: z.number().positive().default(120),
      absoluteHours: z.number().positive().default(12),
    })
    .prefault({}),
  login: z
    .strictObject({
      /** Failures allowed before back-off starts, per login (or known device) and per client IP. */
      freeAttemptsPerLogin: z.number().int().min(0).default(3),
      freeAttemptsPerIp: z.number().int().min(0).default(20),
      baseDelayMs: z.number().int().min(0).default(1000),
      maxDelayMs: z
        .number()
        .int()
        .min(0)
        .default(15 * 60_000),
      /** Failures are forgotten after this much quiet. */
      forgetAfterMs: z
        .number()
        .int()
        .min(0)
        .default(30 * 60_000),
      /** Logins being checked at the same time, per login and per client IP (argon2 is expensive). */
      maxInFlightPerLogin: z.number().int().min(1).default(2),
      maxInFlightPerIp: z.number().int().min(1).default(8),
      /** A browser that logged in is known for this long (cookie): its logins get their own counter. */
      knownDeviceDays: z.number().positive().max(400).default(90),
    })
    .prefault({}),
  enroll: z
    .strictObject({
      /** Enrollment attempts per client IP per minute (all attempts): the flood guard. */
      perMinutePerIp: z.number().positive().default(60),
      /** Wrong codes per client IP per minute; beyond it wrong codes get RATE_LIMITED (a valid code still enrolls). */
      failuresPerMinutePerIp: z.number().positive().default(10),
      /** Lifetime of an enrollment code (new practice, or `practice rotate-code`). */
      codeTtlHours: z
        .number()
        .positive()
        .max(24 * 366)
        .default(7 * 24),
    })
    .prefault({}),
  socket: z
    .strictObject({
      /**
       * Token bucket per device and per technician session (every socket of one device or one
       * session draws from the same bucket). Sized so a console resyncing 40 conversations after a
       * hub restart (about 3 events each, at once) is never refused, while a flood is.
       */
      ratePerSecond: z.number().positive().default(40),
      burst: z.number().positive().default(200),
      /** Refused events within 10 s (per device / session) after which the socket is closed. */
      floodDisconnectAfter: z.number().int().positive().default(200),
      /** Sockets open at the same time with one device token (app + remote screen + reconnects). */
      maxSocketsPerDevice: z.number().int().min(1).default(8),
    })
    .prefault({}),
  /** Remote screen: provider name on the consent window, STUN, TURN (coturn shared secret). */
  screen: ScreenSettings.prefault({}),
  eta: z
    .strictObject({
      /** Legacy `etaSeconds` only (apps before the wait messages) when no pickup was recorded yet: never shown as an estimate. */
      defaultPickupSeconds: z.number().nonnegative().default(90),
      /** Pickups the median is taken over (the most recent ones). */
      sampleSize: z.number().int().positive().default(20),
      /** The queue is looked at again at least this often (support hours and phone changed by the CLI reach practices then). */
      recheckSeconds: z.number().min(1).max(3600).default(60),
    })
    .prefault({}),
  /** The shared short-lived state of several hub nodes (VIGIE_REDIS_URL): see server/README.md « Redis ». */
  redis: z
    .strictObject({
      /** Prefix of every key and channel the hub uses (several hubs, or test runs, can share one Redis). */
      prefix: z
        .string()
        .regex(/^[A-Za-z0-9:_.-]{1,64}$/)
        .default('vigie:'),
      /** A node's presence (its devices and technicians online) is forgotten this long after its last heartbeat. */
      presenceTtlMs: z.number().int().min(500).max(600_000).default(10_000),
      /** How often a node renews its presence and removes the nodes that stopped doing so. */
      heartbeatMs: z.number().int().min(100).max(60_000).default(2_000),
      /** A Redis command not answered in this time fails (the counters then fall back to this node's memory). */
      commandTimeoutMs: z.number().int().min(50).max(60_000).default(2_000),
    })
    .refine((r) => r.heartbeatMs * 2 <= r.presenceTtlMs, {
      message: 'heartbeatMs must be at most half of presenceTtlMs',
      path: ['heartbeatMs'],
    })
    .prefault({}),
  audit: z
    .strictObject({
      /** A signed checkpoint of the audit chain's head is exported this often when it moved (and at start and stop). */
      checkpointMinutes: z.number().positive().default(10),
    })
    .prefault({}),
});
export type HubSettings = z.infer<typeof HubSettings>;

/**
 * The `trustProxy` setting as fastify takes it. A hop count trusts that many hops nearest to the
 * hub (fastify itself refuses a bare number): safe only when nothing but the proxy can reach the
 * hub, which is why the configuration accepts it only with a loopback `host`.
 */
export function fastifyTrustProxy(tp: HubSettings['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof tp === 'number') return (_address, hop) => hop < tp;
  return tp;
}

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/i;
export type HubSettingsInput = z.input<typeof HubSettings>;

export interface HubConfig extends HubSettings {
  dataDir: string;
  consoleDir: string;
  /** The hub key (outside the data folder): VIGIE_KEY_FILE, else `<dataDir>.key`. See hub-key.ts. */
  keyFile: string;
  /** Signed audit checkpoints, one JSON line each: VIGIE_AUDIT_CHECKPOINTS, else `<dataDir>.audit-checkpoints.jsonl`. */
  auditCheckpointFile: string;
  /** The Postgres store (`postgres://…`, VIGIE_DATABASE_URL); null: SQLite in the data folder. Never logged (it may hold a password). */
  databaseUrl: string | null;
  /** The Redis shared by the hub's nodes (`redis://…` or `rediss://…`, VIGIE_REDIS_URL); null: one node, everything in memory. Never logged. */
  redisUrl: string | null;
}

/**
 * Paths that only the environment or the caller may set, never hub.json (it lives in the data
 * folder: whoever can write there must not choose the key that vouches for the audit chain).
 */
export interface HubSecretPaths {
  keyFile?: string | undefined;
  auditCheckpointFile?: string | undefined;
  /** Not a path, but like them only from the environment or the caller: it may carry the database password. */
  databaseUrl?: string | undefined;
  /** Same for Redis: the URL may carry its password. */
  redisUrl?: string | undefined;
}

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DEFAULT_CONSOLE_DIR = join(repoRoot, 'console', 'dist');

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (env.VIGIE_HOST) out.host = env.VIGIE_HOST;
  if (env.VIGIE_PORT) out.port = Number(env.VIGIE_PORT);
  if (env.VIGIE_PUBLIC_URL) out.publicUrl = env.VIGIE_PUBLIC_URL;
  if (env.VIGIE_LOG_LEVEL) out.logLevel = env.VIGIE_LOG_LEVEL;
  if (env.VIGIE_CONSOLE_DIR) out.consoleDir = env.VIGIE_CONSOLE_DIR;
  if (env.VIGIE_ARTIFACTS_DIR) out.artifactsDir = env.VIGIE_ARTIFACTS_DIR;
  if (env.VIGIE_DRAIN_SECONDS) out.drainSeconds = Number(env.VIGIE_DRAIN_SECONDS);
  if (env.VIGIE_TRUST_PROXY)
    out.trustProxy = /^\d+$/.test(env.VIGIE_TRUST_PROXY)
      ? Number(env.VIGIE_TRUST_PROXY)
      : env.VIGIE_TRUST_PROXY === 'false'
        ? false
        : env.VIGIE_TRUST_PROXY;
  return out;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Resolves the configuration: defaults < `<dataDir>/hub.json` < environment < explicit overrides.
 * Throws a ConfigError naming the bad fields.
 */
export function loadConfig(
  opts: { dataDir?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown>; paths?: HubSecretPaths } = {},
): HubConfig {
  const env = opts.env ?? process.env;
  const dataDir = resolve(opts.dataDir ?? env.VIGIE_DATA_DIR ?? '.vigie-data');
  const file = join(dataDir, 'hub.json');
  let fileValues: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      fileValues = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof fileValues !== 'object' || fileValues === null || Array.isArray(fileValues))
      throw new ConfigError(`${file}: expected a JSON object`);
  }
  const defined = Object.fromEntries(Object.entries(opts.overrides ?? {}).filter(([, v]) => v !== undefined));
  const merged = { ...fileValues, ...fromEnv(env), ...defined };
  const r = HubSettings.refine((v) => typeof v.trustProxy !== 'number' || LOOPBACK_HOST.test(v.host), {
    path: ['trustProxy'],
    message:
      'a hop count is only trusted when the hub listens on loopback (only the proxy can reach it); give the proxy’s addresses instead',
  }).safeParse(merged);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid hub configuration (${existsSync(file) ? file + ', ' : ''}environment): ${issues}`);
  }
  const keyFile = resolve(opts.paths?.keyFile ?? env.VIGIE_KEY_FILE ?? defaultKeyFile(dataDir));
  const auditCheckpointFile = resolve(
    opts.paths?.auditCheckpointFile ?? env.VIGIE_AUDIT_CHECKPOINTS ?? `${dataDir}.audit-checkpoints.jsonl`,
  );
  for (const [name, p] of [
    ['VIGIE_KEY_FILE', keyFile],
    ['VIGIE_AUDIT_CHECKPOINTS', auditCheckpointFile],
  ] as const) {
    if (p === dataDir || p.startsWith(dataDir + sep)) throw new ConfigError(`${name} (${p}) must be outside the data folder ${dataDir}`);
  }
  const databaseUrl = opts.paths?.databaseUrl ?? (env.VIGIE_DATABASE_URL || undefined) ?? null;
  if (databaseUrl !== null && !isPostgresUrl(databaseUrl))
    throw new ConfigError(
      'VIGIE_DATABASE_URL must be a postgres:// (or postgresql://) URL; leave it unset for the SQLite file in the data folder',
    );
  const redisUrl = opts.paths?.redisUrl ?? (env.VIGIE_REDIS_URL || undefined) ?? null;
  if (redisUrl !== null && !/^rediss?:\/\/./i.test(redisUrl))
    throw new ConfigError('VIGIE_REDIS_URL must be a redis:// (or rediss://) URL; leave it unset for a single hub node');
  return {
    ...r.data,
    dataDir,
    consoleDir: resolve(r.data.consoleDir ?? DEFAULT_CONSOLE_DIR),
    artifactsDir: r.data.artifactsDir === undefined ? undefined : resolve(dataDir, r.data.artifactsDir),
    keyFile,
    auditCheckpointFile,
    databaseUrl,
    redisUrl,
  };
}
