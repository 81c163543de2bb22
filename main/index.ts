/**
 * Electron main process: single-instance lock, app lifecycle, wiring of the shell. Nothing else.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import { createLogger } from './services/lib/logger.js';
import { Shell } from './shell/index.js';

const log = createLogger({ level: app.isPackaged ? 'info' : 'debug' });

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const mainDir = fileURLToPath(new URL('.', import.meta.url));
  const shell = new Shell({ mainDir, assetsDir: join(app.getAppPath(), 'assets') }, log);
  let stopping = false;

  app.on('second-instance', () => shell.open());
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (e) => {
    if (stopping) return;
    stopping = true;
    e.preventDefault();
    shell.stop().finally(() => app.exit(0));
  });

  app
    .whenReady()
    .then(() => shell.start())
    .catch((e: unknown) => {
      log.error('start failed', { err: e });
      app.exit(1);
    });
}
