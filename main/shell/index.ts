import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { app, ipcMain, safeStorage, session, shell } from 'electron';
import { TRIPWIRE_STRINGS, trayColour, type HealthReport, type ScreenState, type TripwireState } from '@vigie/common';
import { ElectronAutoStart } from '../platform/electron/autostart.js';
import { ElectronNotifier } from '../platform/electron/notifier.js';
import { createSafeStorageSecretStore, safeStorageAvailable } from '../platform/electron/secret-store.js';
import { electronShell } from '../platform/electron/shell.js';
import { FileSecretStore } from '../platform/node/secret-store.js';
import { NodeSystemInfo } from '../platform/node/system-info.js';
import type { Logger, SecretStore } from '../platform/ports.js';
import { createApp, type VigieApp } from '../services/app.js';
import { createBackupCapability, defaultLocalRepository } from '../services/backup/capability.js';
import { resticBinary } from '../services/backup/node-adapters.js';
import { createNodeHealthCapability } from '../services/health/capability.js';
import { createTripwireCapability } from '../services/tripwire/capability.js';
import { hideFile } from '../platform/node/hide.js';
import { registerIpc } from './ipc.js';
import { Popover } from './popover.js';
import { ElectronDisplays } from '../platform/electron/input-displays.js';
import { NutInjector } from '../platform/node/input-nutjs.js';
import { screenCapability } from '../services/screen/capability.js';
import { interventionsCapability } from '../services/receipts/capability.js';
import { captureGate, consentedSource, ScreenWindows } from './screen.js';
import { hardenApp, hardenSession } from './security.js';
import { TrayController } from './tray.js';
import { TripwireWindow } from './tripwire.js';
import { isTrustedRendererUrl, rendererEntryUrl } from './trust.js';
import { createShellUpdater, updatesSupported } from './updates.js';
import type { AppUpdater } from '../services/updates/index.js';
import type { LogFile } from '../services/lib/log-file.js';

export interface ShellPaths {
  /** out/main (where the bundled main process runs from). */
  mainDir: string;
  /** assets/ (tray icons). */
  assetsDir: string;
}

/** Hub URL given by the installer (resources/vigie.json) or the environment; empty → asked on the enrollment screen. */
function defaultHubUrl(log: Logger): string {
  if (process.env.VIGIE_HUB_URL) return process.env.VIGIE_HUB_URL;
  try {
    const cfg = JSON.parse(readFileSync(join(process.resourcesPath, 'vigie.json'), 'utf8')) as { hubUrl?: unknown };
    if (typeof cfg.hubUrl === 'string') return cfg.hubUrl;
  } catch {
    log.debug('no resources/vigie.json');
  }
  return '';
}

function secretStore(dataDir: string, log: Logger): SecretStore {
  if (safeStorageAvailable(safeStorage)) return createSafeStorageSecretStore(join(dataDir, 'secrets.json'), safeStorage, log);
  log.warn('OS keychain unavailable: the device token is kept in a 0600 file');
  return new FileSecretStore(join(dataDir, 'secrets.plain.json'), log);
}

/** The app's data folder: Electron's userData, or VIGIE_DATA_DIR in development and the demo. */
export function shellDataDir(): string {
  return (!app.isPackaged && process.env.VIGIE_DATA_DIR) || app.getPath('userData');
}

/**
 * Hardening, the app services, the tray and the popover, wired together. Called once, before
 * `app.whenReady()` resolves for the hardening part.
 */
export class Shell {
  private vigie: VigieApp | null = null;
  private tray: TrayController | null = null;
  private popover: Popover | null = null;
  private unregisterIpc: (() => void) | null = null;
  private updater: AppUpdater | null = null;
  private screenWindows: ScreenWindows | null = null;
  private tripwireWindow: TripwireWindow | null = null;

  constructor(
    private readonly paths: ShellPaths,
    private readonly log: Logger,
    /** The rotating log files the logger writes (main/index.ts), read for the technician. */
    private readonly logFile: LogFile | null = null,
  ) {
    hardenApp(app, log);
  }

  async start(): Promise<void> {
    const log = this.log;
    const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
    const origin = { indexHtmlPath: join(this.paths.mainDir, '../renderer/index.html'), devServerUrl };
    // Remote screen: consent, capture gate, input through nut-js (loaded only where a display answers).
    // The safety backup before control (issue 12) is the backup capability's, built below.
    const screenCap = screenCapability({
      injector: new NutInjector({ logger: log }),
      displays: new ElectronDisplays(),
      safety: () => backup.safety,
    });
    const gate = captureGate(screenCap);
    hardenSession(
      session.defaultSession,
      {
        devServer: !!devServerUrl,
        capture: {
          allowed: () => gate.canCapture(),
          source: () => consentedSource(gate, log),
          trusted: (url) => isTrustedRendererUrl(url, origin),
        },
      },
      log,
    );
    if (process.platform === 'darwin') app.dock?.hide();
    if (process.platform === 'win32') app.setAppUserModelId('fr.vigie.app');

    // Development and demo only (scripts/demo.ts starts Electron this way): data dir and enrollment code from the environment.
    const devEnv = app.isPackaged
      ? {}
      : { enrollCode: process.env.VIGIE_ENROLL_CODE, backupFolders: process.env.VIGIE_BACKUP_FOLDERS?.split(delimiter).filter(Boolean) };
    const dataDir = shellDataDir();
    let popover: Popover | null = null;
    const notifier = new ElectronNotifier(() => this.open(), log);
    // Security health: scans at start and every 4 h; a point turning critical notifies through the same notifier.
    const secrets = secretStore(dataDir, log);
    // Ransomware tripwire on the backed-up folders; while an alert stands, retention forgets nothing.
    const tripwire = createTripwireCapability({
      dataDir,
      logger: log,
      notifier,
      locale: () => vigie.state().locale,
      backup: () => backup.service,
      service: { hide: hideFile },
    });
    // Backups with the installer's pinned restic; development and the demo back up into a local
    // repository of the data dir, the installed app into the provider's (set in the settings).
    const backup = createBackupCapability({
      dataDir,
      secrets,
      notifier,
      logger: log,
      shell: electronShell(shell),
      resticPath: resticBinary(app.isPackaged ? process.resourcesPath : undefined),
      defaultRepository: app.isPackaged ? null : defaultLocalRepository(dataDir),
      ...(devEnv.backupFolders?.length ? { folders: devEnv.backupFolders } : {}),
      locale: () => vigie.state().locale,
      service: tripwire.backupHooks(),
    });
    const health = createNodeHealthCapability({
      dataDir,
      notifier,
      logger: log,
      locale: () => vigie.state().locale,
      backup: backup.provider,
    });
    const vigie = createApp({
      dataDir,
      appVersion: app.getVersion(),
      defaultHubUrl: defaultHubUrl(log),
      logger: log,
      ports: {
        secrets,
        notifier,
        system: new NodeSystemInfo(),
        // Login items only for the installed app, never for a development Electron binary.
        ...(app.isPackaged ? { autoStart: new ElectronAutoStart(app) } : {}),
      },
      isUserLooking: () => popover?.isLooking() ?? false,
      healthSummary: () => health.summary(),
      backupSummary: () => backup.summary(),
      // Backup first: the health check [backup-recency] of the first scan reads its summary.
      // « Mes interventions »: receipts saved in Documents/Vigie/Interventions, the practice's register.
      logFile: this.logFile,
      capabilities: [
        backup,
        tripwire,
        health,
        screenCap,
        interventionsCapability({
          folder: join(app.getPath('documents'), 'Vigie', 'Interventions'),
          shell: electronShell(shell),
          locale: () => vigie.state().locale,
        }),
      ],
    });
    this.vigie = vigie;
    // The updater never installs while a backup or a restore runs (the screen capability registers
    // its session itself through ctx.activity).
    vigie.activity.register(() => backup.service.activity());
    popover = new Popover({
      preloadPath: join(this.paths.mainDir, '../preload/index.cjs'),
      entryUrl: rendererEntryUrl(origin),
      title: 'Vigie',
      log,
    });
    this.popover = popover;
    this.unregisterIpc = registerIpc(ipcMain, vigie.dispatch, (url) => isTrustedRendererUrl(url, origin), log);
    vigie.onPush((name, payload) => popover.send(name, payload));
    const screenWindows = new ScreenWindows({
      preloadPath: join(this.paths.mainDir, '../preload/index.cjs'),
      entryUrl: rendererEntryUrl(origin),
      screen: screenCap,
      log,
    });
    this.screenWindows = screenWindows;
    vigie.onPush((name, payload) => {
      screenWindows.send(name, payload);
      if (name === 'screen:state') screenWindows.update(payload as ScreenState);
    });
    const tripwireWindow = new TripwireWindow({
      preloadPath: join(this.paths.mainDir, '../preload/index.cjs'),
      entryUrl: rendererEntryUrl(origin),
      log,
    });
    this.tripwireWindow = tripwireWindow;

    this.tray = new TrayController(this.paths.assetsDir, {
      t: (k) => vigie.t(k),
      onClick: (bounds) => popover.toggle(bounds),
      open: () => this.open(),
      requestHelp: () => {
        void vigie.dispatch('support:requestHelp', {});
        this.open();
      },
      setLocale: (l) => void vigie.setLocale(l),
      quit: () => app.quit(),
    });
    const tray = this.tray;
    vigie.onState((s) => tray.update(s));
    // The icon's colour follows the worst security status of the latest report.
    let healthPushed = false;
    vigie.onPush((name, payload) => {
      if (name !== 'health:report') return;
      healthPushed = true;
      tray.setHealth(trayColour((payload as HealthReport).worst));
    });
    void health.latest().then((r) => {
      if (r && !healthPushed) tray.setHealth(trayColour(r.worst));
    });
    // A ransomware alert: the icon turns red and the full-width alert window opens.
    vigie.onPush((name, payload) => {
      tripwireWindow.send(name, payload);
      if (name !== 'tripwire:state') return;
      const s = payload as TripwireState;
      tray.setAlert(s.status === 'alert' ? TRIPWIRE_STRINGS[vigie.state().locale].tray : null);
      tripwireWindow.update(s);
    });
    await vigie.start();
    // Development and demo: the folders given in the environment are backed up once at start.
    if (devEnv.backupFolders?.length && !backup.service.status().lastSuccessAt) void backup.service.runBackup('manual');
    // Silent updates from the hub's feed (installed app only; the browser host never updates itself).
    if (updatesSupported()) {
      const updater = createShellUpdater(vigie, dataDir, log);
      this.updater = updater;
      updater.start().catch((e: unknown) => log.error('updater failed to start', { err: e }));
    }
    if (devEnv.enrollCode)
      await vigie.enrollIfNeeded({ code: devEnv.enrollCode, ...(process.env.VIGIE_HUB_URL ? { hubUrl: process.env.VIGIE_HUB_URL } : {}) });
    tray.update(vigie.state());
    if (!process.argv.includes('--hidden') && vigie.state().enrollment.status !== 'enrolled') this.open();
  }

  /** Shows the popover by the tray icon (second instance, notification click, menu). */
  open(): void {
    this.popover?.show(this.tray?.bounds());
  }

  /**
   * Quitting: installs the downloaded update on the way out when the policy allows it (then
   * electron-updater quits the app itself) and says so; false when there is nothing to install now.
   */
  updatesQuitting(): Promise<boolean> {
    return this.updater?.quitting() ?? Promise.resolve(false);
  }

  async stop(): Promise<void> {
    this.updater?.stop();
    this.unregisterIpc?.();
    this.tray?.destroy();
    this.popover?.destroy();
    this.screenWindows?.destroy();
    this.tripwireWindow?.destroy();
    await this.vigie?.stop();
  }
}
