/**
 * `npm run demo`: the whole product on this machine, on loopback.
 * - builds the renderer and the console when their sources changed;
 * - starts the hub with a fresh data folder (.demo-data/), a demo practice and a demo technician
 *   (login, password and TOTP secret printed; press Enter for the current 6-digit code);
 * - starts the practitioner app: Electron when its binary is installed, otherwise the browser host,
 *   already enrolled in the demo practice;
 * - prints the URLs; Ctrl-C stops everything cleanly.
 * Options (environment): VIGIE_DEMO_PORT (hub, default 8750), VIGIE_DEMO_APP_PORT (browser host, default 8751).
 * `npm run demo:cluster` (scripts/demo-cluster.ts) runs the same demo on a cluster.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createHub } from '../server/src/app.js';
import { ensureBuilt, root, runDemo } from './demo-setup.js';

const dataDir = join(root, '.demo-data');
const hubPort = Number(process.env.VIGIE_DEMO_PORT ?? 8750);
const appPort = Number(process.env.VIGIE_DEMO_APP_PORT ?? 8751);

async function main(): Promise<void> {
  ensureBuilt();
  rmSync(dataDir, { recursive: true, force: true });
  const hub = await createHub({ dataDir: join(dataDir, 'hub'), port: hubPort, host: '127.0.0.1', logLevel: 'warn' });
  await runDemo({ hubUrl: hub.url, admin: hub.admin, dataDir, appPort, title: 'Vigie — démonstration', stop: () => hub.close() });
}

main().catch((e: unknown) => {
  process.stderr.write(`La démonstration n’a pas pu démarrer : ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
