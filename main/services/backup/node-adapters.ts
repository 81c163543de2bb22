import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildLike, ProcessSpawner } from './ports.js';

/** child_process.spawn, no shell, no inherited environment beyond what the engine passes. */
export const nodeSpawner: ProcessSpawner = {
  spawn(command, args, options): ChildLike {
    return spawn(command, [...args], {
      env: options.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      shell: false,
    });
  },
};

/**
 * The restic to run: the pinned binary shipped in the app's resources (electron-builder
 * extraResources `{ from: "build/bin/${platform}-${arch}", to: "bin" }`, filled by
 * scripts/fetch-restic.mjs), else `restic` from PATH (Debian's package, Homebrew…).
 */
export function resticBinary(resourcesDir: string | undefined, platform: NodeJS.Platform = process.platform): string {
  if (resourcesDir) {
    const p = join(resourcesDir, 'bin', platform === 'win32' ? 'restic.exe' : 'restic');
    if (existsSync(p)) return p;
  }
  return 'restic';
}
