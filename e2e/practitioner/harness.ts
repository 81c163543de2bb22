/**
 * Support for the practitioner end-to-end specs: the renderer build (built here when a spec runs
 * on its own); the real hub, technicians and waiting helpers are the app services' test fixture.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export { startHub, technician, tempDir, waitFor as until } from '../../main/services/test-support/fixture.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIR = join(REPO, 'out', 'renderer');

/** `npm test` builds the app first; a spec run on its own builds it here if it is missing. */
export function ensureRendererBuilt(): void {
  if (existsSync(join(RENDERER_DIR, 'index.html'))) return;
  const cli = join(REPO, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [cli, 'build', '--logLevel', 'warn'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error(`app build failed (exit ${r.status ?? r.signal})`);
}
