import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Shell } from '../../services/backup/ports.js';
import type { Logger } from '../ports.js';

export interface NodeShellOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}

/** The file manager's opener of this OS: `open` (macOS), `explorer.exe` (Windows), `xdg-open` (Linux, with a display). */
export function openerFor(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string | null {
  const cmd = platform === 'darwin' ? 'open' : platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  if (platform === 'win32') return cmd;
  if (platform !== 'darwin' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return join(dir, cmd);
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * "Ouvrir le dossier" for the browser host: the OS opener, started detached (Vigie does not wait
 * for the file manager). Where there is none (a server without a display), the request is recorded
 * and logged instead, so the flow still ends normally.
 */
export class NodeShell implements Shell {
  /** Folders asked to be opened while no opener was available. */
  readonly recorded: string[] = [];
  private readonly platform: NodeJS.Platform;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly log: Logger,
    opts: NodeShellOptions = {},
  ) {
    this.platform = opts.platform ?? process.platform;
    this.env = opts.env ?? process.env;
  }

  async openPath(path: string): Promise<string> {
    const opener = openerFor(this.platform, this.env);
    if (!opener) {
      this.recorded.push(path);
      this.log.info('no file manager to open the folder here: recorded', { path });
      return '';
    }
    return new Promise<string>((resolve) => {
      const child = spawn(opener, [path], { detached: true, stdio: 'ignore', windowsHide: false, shell: false });
      child.once('error', (e) => {
        this.log.warn('could not open the folder', { path, err: e });
        resolve(e.message);
      });
      child.once('spawn', () => {
        child.unref();
        resolve('');
      });
    });
  }
}
