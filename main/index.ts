/**
 * Electron main process: single-instance lock, app lifecycle, wiring of the shell. Nothing else.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import { LogFile } from './services/lib/log-file.js';
import { createLogger } from './services/lib/logger.js';
import { Shell, shellDataDir } from './shell/index.js';

// Rotating log files in the data folder (<data>/logs/vigie.<n>.log), redacted line by line.
const logFile = new LogFile({ dir: join(shellDataDir(), 'logs') });
const log = createLogger({ level: app.isPackaged ? 'info' : 'debug', file: logFile });
logFile.open().catch((e: unknown) => log.warn('log files unavailable', { err: e }));
/** Longest a quit may take: the updater's last look at the feed, then saving and disconnecting. */
const QUIT_TIMEOUT_MS = 15_000;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const mainDir = fileURLToPath(new URL('.', import.meta.url));
  const shell = new Shell({ mainDir, assetsDir: join(app.getAppPath(), 'assets') }, log, logFile);
  let stopping = false;

  app.on('second-instance', () => shell.open());
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (e) => {
    // A second quit (electron-updater quitting to install, or the user insisting) goes through.
    if (stopping) return;
    stopping = true;
    e.preventDefault();
    const fallback = setTimeout(() => app.exit(0), QUIT_TIMEOUT_MS);
    // The updater first: a downloaded update may be installed on the way out (it then quits the app itself).
    shell
      .updatesQuitting()
      .catch((err: unknown) => log.error('update at quit failed', { err }))
      .then(() => shell.stop())
      .then(() => logFile.close())
      .finally(() => {
        clearTimeout(fallback);
        app.exit(0);
      });
  });

  app
    .whenReady()
    .then(() => shell.start())
    .catch((e: unknown) => {
      log.error('start failed', { err: e });
      app.exit(1);
    });
}
