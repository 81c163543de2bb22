import { join } from 'node:path';
import { app, powerMonitor } from 'electron';
import electronUpdater from 'electron-updater';
import type { Logger } from '../platform/ports.js';
import type { VigieApp } from '../services/app.js';
import { AppUpdater, createElectronUpdaterEngine, fileUpdateStateStore } from '../services/updates/index.js';

/**
 * Only an installed Vigie on macOS or Windows updates itself: a development run has no signed
 * build to update from, and Linux is not a target.
 */
export function updatesSupported(): boolean {
  return app.isPackaged && (process.platform === 'darwin' || process.platform === 'win32');
}

/**
 * The Electron side of the updater, and nothing else: electron-updater's autoUpdater as the
 * engine, the OS idle time from powerMonitor, the state file in userData. The policy and the
 * wiring are in main/services/updates (AppUpdater, UpdateService), tested without Electron.
 */
export function createShellUpdater(vigie: VigieApp, dataDir: string, log: Logger): AppUpdater {
  return new AppUpdater({
    app: vigie,
    createEngine: (feed) => createElectronUpdaterEngine(electronUpdater.autoUpdater, { ...feed, logger: log }),
    currentVersion: app.getVersion(),
    idle: { systemIdleSeconds: () => powerMonitor.getSystemIdleTime() },
    store: fileUpdateStateStore(join(dataDir, 'updates.json'), log),
    logger: log,
  });
}
