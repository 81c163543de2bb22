import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { BRIDGE, type BackupSummary, type HealthSummary } from '@vigie/common';
import { NutDisplays, NutInjector } from '../platform/node/input-nutjs.js';
import { LogNotifier } from '../platform/node/notifier.js';
import { NodeAutoStart } from '../platform/node/autostart.js';
import { hideFile } from '../platform/node/hide.js';
import { FileSecretStore } from '../platform/node/secret-store.js';
import { NodeShell } from '../platform/node/shell.js';
import { NodeSystemInfo } from '../platform/node/system-info.js';
import type { LogLevel, Logger, Notifier, SystemInfo } from '../platform/ports.js';
import { createApp, type AppOptions, type Capability, type VigieApp } from '../services/app.js';
import { createBackupCapability, type BackupCapability, type BackupCapabilityOptions } from '../services/backup/capability.js';
import type { BackupService } from '../services/backup/service.js';
import { createNodeHealthCapability, type HealthCapability } from '../services/health/capability.js';
import { createTripwireCapability, type TripwireCapability, type TripwireCapabilityOptions } from '../services/tripwire/capability.js';
import { hostCsp } from '../services/lib/csp.js';
import type { Clock } from '@vigie/common';
import type { InputInjector, SafetyGate, ScreenDisplays } from '../services/screen/ports.js';
import { screenCapability, type ScreenCapability } from '../services/screen/capability.js';
import { interventionsCapability } from '../services/receipts/capability.js';
import type { Shell } from '../services/backup/ports.js';
import { createLogger } from '../services/lib/logger.js';
import { LogFile } from '../services/lib/log-file.js';
import { Bridge } from './bridge.js';
import { serveStatic } from './static.js';

export interface HostOptions {
  /** Hub the app talks to (the enrollment screen's default). */
  hubUrl: string;
  /** Where settings, the outbox and the device token (0600 file) live. */
  dataDir: string;
  /** HTTP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Renderer build to serve (default: out/renderer of this checkout). */
  rendererDir?: string;
  /** Practice code: enrolls automatically on start when not enrolled yet (demo). */
  enrollCode?: string;
  deviceName?: string;
  appVersion?: string;
  /** The caller's logger: then the host writes no log file of its own (tests, mostly). */
  logger?: Logger;
  logLevel?: LogLevel;
  /**
   * Without `logger`: lines go to stderr (unless false) and to the rotating log files in
   * `<dataDir>/logs` (unless `logFile: false`), which the technician of the open request may read.
   */
  logToStderr?: boolean;
  logFile?: false;
  /** Replaces the log notifier (tests record notifications). */
  notifier?: Notifier;
  system?: SystemInfo;
  healthSummary?: () => Promise<HealthSummary | null>;
  backupSummary?: () => Promise<BackupSummary | null>;
  /** Health, backup, updates…: see Capability in services/app.ts. */
  capabilities?: Capability[];
  /** Security health of this machine (default: on — a first scan at start, then every 4 h); false leaves it out. */
  health?: boolean;
  /**
   * Backups (default: on — restic repository in `<dataDir>/sauvegardes`, the suggested folders,
   * "Ouvrir le dossier" through xdg-open/open, recorded when there is none); false leaves them out.
   */
  backup?: false | Pick<BackupCapabilityOptions, 'shell' | 'resticPath' | 'defaultRepository' | 'folders' | 'service' | 'accessClock'>;
  /**
   * Ransomware tripwire on the backed-up folders (default: on with backups; off without them);
   * false leaves it out. Tests bring their timings (watcher, report throttle).
   */
  tripwire?: false | Pick<TripwireCapabilityOptions, 'service' | 'reportEveryMs' | 'retryMs'>;
  /**
   * Remote screen (default: on — input through nut-js, loaded only when a real X display answers,
   * else control is refused as unavailable; one display, the whole screen); false leaves it out.
   * Tests bring their own injector, displays, clock or consent timeout.
   */
  screen?: false | { injector?: InputInjector; displays?: ScreenDisplays; clock?: Clock; consentTimeoutMs?: number; safetyWaitMs?: number };
  /**
   * « Mes interventions » (default: on — receipts saved in `<dataDir>/Interventions`, opened with
   * xdg-open/open, recorded when there is none); false leaves it out.
   */
  interventions?: false | { folder?: string; shell?: Shell };
  hub?: AppOptions['hub'];
  support?: AppOptions['support'];
}

export interface Host {
  /** Page URL with the per-launch secret in its fragment: http://127.0.0.1:PORT/#k=… */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  app: VigieApp;
  /** The security-health capability (null when turned off). */
  health: HealthCapability | null;
  /** The backup capability (null when turned off). */
  backup: BackupCapability | null;
  /** The ransomware tripwire (null when turned off, or without backups). */
  tripwire: TripwireCapability | null;
  /** The remote-screen capability (null when turned off); `screen.service` once started. */
  screen: ScreenCapability | null;
  close(): Promise<void>;
}

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(here('../../package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * The browser host: the same app services as Electron's main process, in plain Node, serving the
 * same renderer build on loopback with window.vigie carried by an authenticated WebSocket.
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const logFile = options.logger || options.logFile === false ? null : new LogFile({ dir: join(options.dataDir, 'logs') });
  const logger =
    options.logger ??
    createLogger({
      level: options.logLevel ?? 'info',
      ...(options.logToStderr === false ? { write: () => undefined } : {}),
      ...(logFile ? { file: logFile } : {}),
    });
  await logFile?.open();
  const log = logger.child({ svc: 'host' });
  const rendererDir = options.rendererDir ?? here('../../out/renderer/');
  const secret = randomBytes(32).toString('hex');
  const notifier = options.notifier ?? new LogNotifier(logger);
  const secrets = new FileSecretStore(join(options.dataDir, 'secrets.json'), logger);
  // The tripwire watches the backed-up folders and holds backup retention while an alert stands.
  const tripwire: TripwireCapability | null =
    options.backup === false || options.tripwire === false
      ? null
      : createTripwireCapability({
          dataDir: options.dataDir,
          logger,
          notifier,
          locale: () => app.state().locale,
          backup: (): BackupService | null => backup?.service ?? null,
          ...options.tripwire,
          service: { hide: hideFile, ...options.tripwire?.service },
        });
  const backup: BackupCapability | null =
    options.backup === false
      ? null
      : createBackupCapability({
          dataDir: options.dataDir,
          secrets,
          notifier,
          logger,
          shell: new NodeShell(logger),
          locale: () => app.state().locale,
          ...options.backup,
          service: { ...tripwire?.backupHooks(), ...options.backup?.service },
        });
  const health =
    options.health === false
      ? null
      : createNodeHealthCapability({
          dataDir: options.dataDir,
          notifier,
          logger,
          locale: () => app.state().locale,
          ...(backup ? { backup: backup.provider } : {}),
        });
  // The safety backup before control (issue 12) is the backup capability's, when backups are on.
  const screen = options.screen === false ? null : createHostScreen(options.screen ?? {}, logger, () => backup?.safety ?? null);
  const interventions =
    options.interventions === false
      ? null
      : interventionsCapability({
          folder: options.interventions?.folder ?? join(options.dataDir, 'Interventions'),
          shell: options.interventions?.shell ?? new NodeShell(logger),
          locale: () => app.state().locale,
        });
  const app = createApp({
    dataDir: options.dataDir,
    appVersion: options.appVersion ?? packageVersion(),
    defaultHubUrl: options.hubUrl,
    logger,
    ports: {
      secrets,
      notifier,
      system: options.system ?? new NodeSystemInfo(),
      autoStart: new NodeAutoStart(logger),
    },
    ...(options.healthSummary ? { healthSummary: options.healthSummary } : health ? { healthSummary: () => health.summary() } : {}),
    ...(options.backupSummary ? { backupSummary: options.backupSummary } : backup ? { backupSummary: () => backup.summary() } : {}),
    // Backup first: the health check [backup-recency] of the first scan reads its summary.
    capabilities: [
      ...(backup ? [backup] : []),
      ...(tripwire ? [tripwire] : []),
      ...(health ? [health] : []),
      ...(screen ? [screen] : []),
      ...(interventions ? [interventions] : []),
      ...(options.capabilities ?? []),
    ],
    ...(options.hub ? { hub: options.hub } : {}),
    ...(options.support ? { support: options.support } : {}),
    logFile,
  });

  let port = 0;
  const origins = () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const hosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const securityHeaders = () => ({
    'content-security-policy': hostCsp(port),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  });

  const bridge = new Bridge({ secret, origins, hosts, dispatch: app.dispatch, logger, greeting: () => [['app:state', app.state()]] });
  const stopPushes = app.onPush((name, payload) => bridge.push(name, payload));

  const server: Server = createServer((req, res) => {
    if (!req.headers.host || !hosts().includes(req.headers.host)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('Misdirected Request');
    }
    serveStatic(rendererDir, req, res, securityHeaders()).catch((e) => {
      log.error('static file error', { err: e });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('upgrade', (req, socket, head) => bridge.handleUpgrade(req, socket, head));
  server.on('clientError', (_e, socket) => socket.destroy());

  await app.start();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  if (options.enrollCode) {
    await app.enrollIfNeeded({
      code: options.enrollCode,
      hubUrl: options.hubUrl,
      ...(options.deviceName ? { deviceName: options.deviceName } : {}),
    });
  }

  const origin = `http://127.0.0.1:${port}`;
  log.info('browser host ready', { origin, dataDir: options.dataDir });
  let closed = false;
  return {
    url: `${origin}/#${BRIDGE.fragmentKey}=${secret}`,
    origin,
    app,
    health,
    backup,
    tripwire,
    screen,
    async close() {
      if (closed) return;
      closed = true;
      stopPushes();
      await bridge.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await app.stop();
      await logFile?.close();
    },
  };
}

/** The remote-screen capability of the browser host: nut-js on this process's DISPLAY unless given. */
function createHostScreen(
  o: Exclude<HostOptions['screen'], false | undefined>,
  logger: Logger,
  safety: () => SafetyGate | null,
): ScreenCapability {
  const nut = o.injector ? null : new NutInjector({ logger });
  const injector = o.injector ?? nut!;
  const displays = o.displays ?? (nut ? new NutDisplays(nut) : { list: async () => [] });
  return screenCapability({
    injector,
    displays,
    safety,
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.consentTimeoutMs ? { consentTimeoutMs: o.consentTimeoutMs } : {}),
    ...(o.safetyWaitMs !== undefined ? { safetyWaitMs: o.safetyWaitMs } : {}),
  });
}
