import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defaultKeyFile } from './hub-key.js';
import { ScreenSettings } from './screen/config.js';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export type LogLevel = z.infer<typeof LogLevel>;

/** Tunables with defaults; every one can be set in `<dataDir>/hub.json`. */
export const HubSettings = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8750),
  publicUrl: z.url().optional(),
  logLevel: LogLevel.default('info'),
  consoleDir: z.string().min(1).optional(),
  /** Behind a reverse proxy (TLS termination): trust X-Forwarded-For for client IPs (rate limits, audit). */
  trustProxy: z.boolean().default(false),
  /** Max HTTP JSON body and socket.io message size, in bytes. */
  bodyLimit: z.number().int().min(1024).max(10_000_000).default(64 * 1024),
  sqliteSynchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
  session: z
    .strictObject({
      idleMinutes: z.number().positive().default(120),
      absoluteHours: z.number().positive().default(12),
    })
    .prefault({}),
  login: z
    .strictObject({
      /** Failures allowed before back-off starts, per login and per IP. */
      freeAttemptsPerLogin: z.number().int().min(0).default(3),
      freeAttemptsPerIp: z.number().int().min(0).default(20),
      baseDelayMs: z.number().int().min(0).default(1000),
      maxDelayMs: z.number().int().min(0).default(15 * 60_000),
      /** Failures are forgotten after this much quiet. */
      forgetAfterMs: z.number().int().min(0).default(30 * 60_000),
    })
    .prefault({}),
  enroll: z
    .strictObject({
      /** Enrollment attempts per IP per minute (all attempts), and failed attempts per IP per minute. */
      perMinutePerIp: z.number().positive().default(60),
      failuresPerMinutePerIp: z.number().positive().default(10),
    })
    .prefault({}),
  socket: z
    .strictObject({
      /** Token bucket per connection. */
      ratePerSecond: z.number().positive().default(20),
      burst: z.number().positive().default(40),
      /** Rejected events within 10 s after which the connection is closed. */
      floodDisconnectAfter: z.number().int().positive().default(100),
    })
    .prefault({}),
  /** Remote screen: provider name on the consent window, STUN, TURN (coturn shared secret). */
  screen: ScreenSettings.prefault({}),
  eta: z
    .strictObject({
      defaultPickupSeconds: z.number().nonnegative().default(90),
      sampleSize: z.number().int().positive().default(20),
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
export type HubSettingsInput = z.input<typeof HubSettings>;

export interface HubConfig extends HubSettings {
  dataDir: string;
  consoleDir: string;
  /** The hub key (outside the data folder): VIGIE_KEY_FILE, else `<dataDir>.key`. See hub-key.ts. */
  keyFile: string;
  /** Signed audit checkpoints, one JSON line each: VIGIE_AUDIT_CHECKPOINTS, else `<dataDir>.audit-checkpoints.jsonl`. */
  auditCheckpointFile: string;
}

/**
 * Paths that only the environment or the caller may set, never hub.json (it lives in the data
 * folder: whoever can write there must not choose the key that vouches for the audit chain).
 */
export interface HubSecretPaths {
  keyFile?: string | undefined;
  auditCheckpointFile?: string | undefined;
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
  return out;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Resolves the configuration: defaults < `<dataDir>/hub.json` < environment < explicit overrides.
 * Throws a ConfigError naming the bad fields.
 */
export function loadConfig(opts: { dataDir?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown>; paths?: HubSecretPaths } = {}): HubConfig {
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
    if (typeof fileValues !== 'object' || fileValues === null || Array.isArray(fileValues)) throw new ConfigError(`${file}: expected a JSON object`);
  }
  const defined = Object.fromEntries(Object.entries(opts.overrides ?? {}).filter(([, v]) => v !== undefined));
  const merged = { ...fileValues, ...fromEnv(env), ...defined };
  const r = HubSettings.safeParse(merged);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid hub configuration (${existsSync(file) ? file + ', ' : ''}environment): ${issues}`);
  }
  const keyFile = resolve(opts.paths?.keyFile ?? env.VIGIE_KEY_FILE ?? defaultKeyFile(dataDir));
  const auditCheckpointFile = resolve(opts.paths?.auditCheckpointFile ?? env.VIGIE_AUDIT_CHECKPOINTS ?? `${dataDir}.audit-checkpoints.jsonl`);
  for (const [name, p] of [['VIGIE_KEY_FILE', keyFile], ['VIGIE_AUDIT_CHECKPOINTS', auditCheckpointFile]] as const) {
    if (p === dataDir || p.startsWith(dataDir + sep)) throw new ConfigError(`${name} (${p}) must be outside the data folder ${dataDir}`);
  }
  return { ...r.data, dataDir, consoleDir: resolve(r.data.consoleDir ?? DEFAULT_CONSOLE_DIR), keyFile, auditCheckpointFile };
}
