import { Server } from 'socket.io';
import { Adapter } from 'socket.io-adapter';
import { SESSION_COOKIE, VigieError, type Clock, type TechnicianRole } from '@vigie/common';
import { loadConfig, type HubConfig, type HubSettingsInput } from './config.js';
import { createHttpServer } from './http/server.js';
import { createLogger, type Logger } from './logger.js';
import type { AuditVerifyResult } from './services/audit.js';
import { loadOrCreateHubKey } from './hub-key.js';
import { createServices, prepareServices, type Services } from './services/index.js';
import { createScreenHub, hubScreenDeps, migrateScreen, type ScreenHub } from './screen/index.js';
import type { PracticeRecord } from './services/devices.js';
import { openRedisParts } from './redis/index.js';
import { useSocketLimits } from './socket/dispatch.js';
import { revokedSocket, setupDeviceNamespace } from './socket/device.js';
import { Realtime, rooms } from './socket/realtime.js';
import type { QueueFlushPort } from './socket/queue-push.js';
import { endSession, setupTechNamespace } from './socket/tech.js';
import { describeStore, openHubStore, storeLocation, storeOutbound } from './store/db.js';
import { gatedAdapter, useOutbound } from './socket/outbound.js';
import { withMigrationLock } from './store/dialect.js';
import { createUpdatesService, migrateUpdates, registerUpdateRoutes, type UpdatesService } from './updates/index.js';
import { migrateSettings, SettingsService } from './settings/index.js';
import { createReceiptService, migrateReceipts, registerReceiptRoutes, type ReceiptService } from './receipts/index.js';
import { createTripwireHub } from './tripwire/index.js';
import { createBackupAccess, migrateBackupAccess, type BackupAccessHub } from './backup/index.js';
import { migrateHistory } from './history/index.js';
import { nowIso } from './util.js';

export interface CreateHubOptions extends Partial<Omit<HubSettingsInput, 'port' | 'host'>> {
  dataDir?: string;
  port?: number;
  host?: string;
  consoleDir?: string;
  logLevel?: HubConfig['logLevel'];
  /** Environment to read VIGIE_* from (default: process.env; pass {} to ignore it). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** The hub's clock for remote-screen consent expiry and for what practices are told about their wait; tests move it forward. */
  now?: Clock['now'];
  /** The hub key file (default VIGIE_KEY_FILE, else `<dataDir>.key`); never inside the data folder. */
  keyFile?: string;
  /** Signed audit checkpoints (default VIGIE_AUDIT_CHECKPOINTS, else `<dataDir>.audit-checkpoints.jsonl`). */
  auditCheckpointFile?: string;
  /** The Postgres store (default VIGIE_DATABASE_URL; none: SQLite in the data folder). */
  databaseUrl?: string;
  /** The Redis the hub's nodes share (default VIGIE_REDIS_URL; none: one node, all in memory). */
  redisUrl?: string;
  /**
   * Who computes and pushes the queue after a change (socket/queue-push.ts). Default: this node, or
   * with Redis one node of the cluster per burst (socket/queue-flush-redis.ts). Tests inject their own.
   */
  queueFlush?: QueueFlushPort;
}

export interface HubAdmin {
  createPractice(input: { name: string }): Promise<PracticeRecord>;
  addTechnician(input: {
    login: string;
    displayName: string;
    password: string;
    role?: TechnicianRole;
  }): Promise<{ id: string; login: string; totpSecret: string; otpauthUri: string }>;
  revokeDevice(deviceId: string): Promise<void>;
  verifyAudit(): Promise<AuditVerifyResult>;
}

export interface Hub {
  url: string;
  port: number;
  config: HubConfig;
  log: Logger;
  admin: HubAdmin;
  services: Services;
  realtime: Realtime;
  /** The update feed (releases, rollout, device reports): server/src/updates. */
  updates: UpdatesService;
  /** Remote screen sessions (server/src/screen): signaling relay, consent records, ICE. */
  screen: ScreenHub;
  /** Intervention receipts (server/src/receipts): issue, hand out, verify. */
  receipts: ReceiptService;
  /** Accesses to a device's backups outside a request, granted by the practitioner (server/src/backup/access.ts). */
  backupAccess: BackupAccessHub;
  /** Settings administrators change while the hub runs (server/src/settings): support hours, phone. */
  settings: SettingsService;
  /**
   * Takes this node out of a cluster without dropping a conversation: /healthz answers 503
   * "draining" and new sockets are refused, for `drainSeconds` (the balancer stops sending clients
   * here); then every socket's transport is closed — not a socket.io disconnect, so apps and
   * consoles reconnect by themselves, through the balancer, to another node. Call close() after.
   */
  drain(seconds?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts one hub: SQLite or Postgres store, fastify HTTP (API + console) and socket.io on the same port. */
export async function createHub(opts: CreateHubOptions = {}): Promise<Hub> {
  const { dataDir, env, logger, now, keyFile, auditCheckpointFile, databaseUrl, redisUrl, queueFlush, ...overrides } = opts;
  const cfg = loadConfig({ dataDir, env: env ?? process.env, overrides, paths: { keyFile, auditCheckpointFile, databaseUrl, redisUrl } });
  const log = logger ?? createLogger(cfg.logLevel);
  const key = loadOrCreateHubKey(cfg.keyFile);
  const db = await openHubStore(cfg, {
    onPoolError: (err) => log.error({ err }, 'database connection lost (the pool opens another)'),
    onCheckpointError: (why) => log.warn({ why }, 'store checkpoint thread'),
    onMessageError: (err) => log.error({ err }, 'a socket message held for the store sync failed when sent'),
  });
  // Several nodes: what they share that is short-lived (socket.io rooms, presence, counters) is in Redis (server/src/redis).
  const redis = cfg.redisUrl ? await openRedisParts({ redis: cfg.redis, redisUrl: cfg.redisUrl }, log.child({ part: 'redis' })) : null;
  const services = createServices(db, cfg, key, {
    onCheckpoint: (cp) => log.info({ auditCheckpoint: cp }, 'audit checkpoint'),
    ...(now ? { now } : {}),
    ...(redis ? { counters: redis.counters } : {}),
  });
  await prepareServices(services, key);
  // Every module's own migrator, one node at a time (store/dialect.ts).
  await withMigrationLock(db, async (conn) => {
    await migrateUpdates(conn);
    await migrateScreen(conn);
    await migrateBackupAccess(conn);
    await migrateHistory(conn);
    await migrateSettings(conn);
    await migrateReceipts(conn);
  });
  const settings = new SettingsService(db, services.audit);
  // Intervention receipts (server/src/receipts): issued when a request is resolved, times in the support's time zone.
  const receipts = createReceiptService({
    db,
    audit: services.audit,
    key,
    timeZone: () => settings.timeZone(),
    onError: (e, requestId) => log.error({ err: e, requestId }, 'receipt not issued'),
  });
  const updates = createUpdatesService({
    db,
    dataDir: cfg.dataDir,
    artifactsDir: cfg.artifactsDir,
    logger: log.child({ part: 'updates' }),
    audit: (ev) => services.audit.append(ev),
  });

  let realtime: Realtime | null = null;
  let draining = false;
  const app = await createHttpServer(cfg, services, log, {
    draining: () => draining,
    onLogout: (sessionId) => {
      realtime?.techNs
        .in(rooms.session(sessionId))
        .fetchSockets()
        .then(
          (socks) => socks.forEach((sock) => endSession(sock, 'logout')),
          () => undefined,
        );
    },
  });
  // Update feed (public, read-only) and the admin rollout API (session cookie, role admin).
  registerUpdateRoutes(app, {
    updates,
    authenticate: async (req) => {
      try {
        const session = await services.auth.authenticate(req.cookies[SESSION_COOKIE]);
        await services.auth.touch(session.sessionId);
        return { id: session.technician.id, role: session.technician.role };
      } catch (e) {
        if (e instanceof VigieError && e.code === 'UNAUTHORIZED') return null;
        throw e;
      }
    },
  });
  registerReceiptRoutes(app, { services, receipts });
  const io = new Server(app.server, {
    serveClient: false,
    maxHttpBufferSize: cfg.bodyLimit,
    pingInterval: 25_000,
    pingTimeout: 20_000,
    connectTimeout: 15_000,
    // Every emit and room change in the store's outbound line: nothing said before it is on disk (socket/outbound.ts).
    adapter: gatedAdapter(redis?.adapter ?? Adapter, () => storeOutbound(services.db)) as never,
    // A draining node takes no new connection (the client's next attempt goes to another node).
    allowRequest: (_req, callback) => callback(draining ? 'draining' : null, !draining),
  });
  useOutbound(io, storeOutbound(services.db));
  if (redis) useSocketLimits(io, { events: redis.counters.socketEvents, slots: redis.counters.socketSlots });
  realtime = new Realtime(io, services.help, settings, log.child({ part: 'realtime' }), {
    now,
    recheckMs: cfg.eta.recheckSeconds * 1000,
    flush: queueFlush ?? redis?.queueFlush,
    presence: redis?.presence,
  });
  const rt = realtime;
  const screen = createScreenHub({
    ...hubScreenDeps({ services, realtime: rt, settings: cfg.screen, log: log.child({ part: 'screen' }) }),
    ...(now ? { now } : {}),
  });
  screen.attach();
  // Ransomware tripwire alerts: urgent requests with their evidence (server/src/tripwire).
  const tripwire = createTripwireHub({
    services,
    realtime: rt,
    log: log.child({ part: 'tripwire' }),
    phone: async () => (await settings.supportRecord()).settings.phone,
  });
  // A technician's access to a device's backups outside a request, granted by the practitioner (server/src/backup/access.ts).
  const backupAccess = createBackupAccess({
    services,
    realtime: rt,
    log: log.child({ part: 'backup-access' }),
    providerName: cfg.screen.providerName,
    consentGraceMs: cfg.screen.consentGraceMs,
    sweepIntervalMs: cfg.screen.sweepIntervalMs,
    ...(now ? { now } : {}),
  });
  backupAccess.attach();
  setupDeviceNamespace(rt, services, cfg, log.child({ part: 'device' }), updates, screen, tripwire, backupAccess, receipts);
  setupTechNamespace(rt, services, cfg, log.child({ part: 'tech' }), screen, settings, tripwire, backupAccess, receipts);
  // Unused namespaces are refused by socket.io itself (only /device and /tech exist).
  io.of('/').use((_socket, next) => next(Object.assign(new Error('Espace inconnu.'), { data: { code: 'NOT_FOUND' } })));

  // Sweeps: expired sessions, devices revoked by another process (the CLI).
  let lastRevokeCheck = nowIso();
  const sweep = setInterval(() => {
    void (async () => {
      const since = lastRevokeCheck;
      lastRevokeCheck = nowIso();
      for (const id of await services.devices.revokedSince(since)) {
        for (const sock of await rt.devNs.local.in(rooms.device(id)).fetchSockets()) revokedSocket(sock as never);
      }
      // Each node sweeps its own sockets (every node runs this sweep).
      for (const sock of await rt.techNs.local.fetchSockets()) {
        const sid = (sock.data as { session?: { sessionId: string } }).session?.sessionId;
        if (sid && !(await services.auth.isSessionAlive(sid))) endSession(sock, 'expired');
      }
      await services.auth.purgeExpired();
    })().catch((e: unknown) => log.error({ err: e }, 'sweep failed'));
  }, 30_000);
  sweep.unref();
  // Signed head of the audit chain, exported outside the data folder (file + log line) when it moved.
  const checkpoint = () =>
    services.audit.checkpoint().catch((e: unknown) => log.error({ err: e, file: cfg.auditCheckpointFile }, 'audit checkpoint failed'));
  await checkpoint();
  const checkpoints = setInterval(() => void checkpoint(), cfg.audit.checkpointMinutes * 60_000);
  checkpoints.unref();
  const seenFlush = setInterval(
    () => void services.devices.flushSeen().catch((e: unknown) => log.error({ err: e }, 'last-seen flush failed')),
    5_000,
  );
  seenFlush.unref();

  await app.listen({ port: cfg.port, host: cfg.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.port;
  const url = `http://${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${port}`;
  log.info({ url, dataDir: cfg.dataDir, store: describeStore(storeLocation(cfg)), console: cfg.consoleDir }, 'hub listening');

  const admin: HubAdmin = {
    createPractice: ({ name }) => services.devices.createPractice(name),
    addTechnician: (input) => services.auth.addTechnician(input),
    revokeDevice: async (deviceId) => {
      await services.devices.revoke(deviceId);
      for (const sock of await rt.devNs.in(rooms.device(deviceId)).fetchSockets()) revokedSocket(sock as never);
    },
    verifyAudit: () => services.audit.verify(),
  };

  let drained: Promise<void> | null = null;
  const drain = (seconds = cfg.drainSeconds) =>
    (drained ??= (async () => {
      draining = true;
      log.info({ seconds }, 'draining: /healthz answers 503, new sockets refused');
      if (seconds > 0) await new Promise((r) => setTimeout(r, seconds * 1000));
      const open = io.engine.clientsCount;
      io.engine.close();
      log.info({ sockets: open }, 'drained: connections closed, clients reconnect through the load balancer');
    })());

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(sweep);
      rt.stop();
      await screen.close();
      await backupAccess.close();
      clearInterval(seenFlush);
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await app.close().catch(() => undefined);
      await rt.idle();
      await redis?.close();
      await services.devices.flushSeen().catch((e: unknown) => log.error({ err: e }, 'last-seen flush failed'));
      clearInterval(checkpoints);
      await checkpoint();
      await db.destroy();
      log.info('hub stopped');
    })());

  return { url, port, config: cfg, log, admin, services, realtime: rt, updates, screen, backupAccess, settings, receipts, drain, close };
}
