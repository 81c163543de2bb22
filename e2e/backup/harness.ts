/**
 * Support for the backup specs: a real hub serving the console, the browser host (same renderer
 * and services as the Electron app, real restic) enrolled to it with a small practice folder, a
 * Chromium page for the practitioner, and the first backup made through the app's own tab.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Clock } from '@vigie/common';
import { createHub, type Hub } from '../../server/src/app.js';
import { startHost, type Host } from '../../main/host/server.js';
import type { Shell } from '../../main/services/backup/ports.js';
import { createLogger } from '../../main/services/lib/logger.js';
import { RecordingNotifier } from '../../main/services/test-support/fixture.js';
import { launchBrowser } from '../support/browser.js';
import { CONSOLE_DIST } from '../support/console.js';
import { RENDERER_DIR, tempDir } from '../practitioner/harness.js';

export const PASSWORD = 'cheval agrafe pile correcte';
export const PRACTICE = 'Cabinet des Tilleuls';
export const REPORT = 'Compte rendu de consultation — Mme Durand\nTension 12/8, revoir dans 3 mois.\n';
export const PRESCRIPTION = 'Paracétamol 1 g, 3 fois par jour pendant 5 jours.\n';

export class RecordingShell implements Shell {
  readonly opened: string[] = [];
  async openPath(path: string): Promise<string> {
    this.opened.push(path);
    return '';
  }
}

export interface World {
  hub: Hub;
  host: Host;
  browser: Browser;
  app: Page;
  docs: string;
  shell: RecordingShell;
  notifier: RecordingNotifier;
  dirs: Array<{ remove: () => Promise<void> }>;
  tech: { login: string; totpSecret: string };
}

export async function setUp(opts: { accessClock?: Clock } = {}): Promise<World> {
  const hubDir = await tempDir('backup-e2e-hub');
  const appDir = await tempDir('backup-e2e-app');
  const hub = await createHub({ dataDir: hubDir.path, port: 0, host: '127.0.0.1', logLevel: 'silent', consoleDir: CONSOLE_DIST, env: {} });
  const practice = await hub.admin.createPractice({ name: PRACTICE });
  const t = await hub.admin.addTechnician({ login: 'julie', displayName: 'Julie Martin', password: PASSWORD });
  // A small practice folder, with the names restic patterns would trip on.
  const docs = join(appDir.path, 'Documents');
  await mkdir(join(docs, 'Ordonnances'), { recursive: true });
  await writeFile(join(docs, 'Compte rendu [A].odt'), REPORT);
  await writeFile(join(docs, 'Ordonnances', 'Dupont 2025.txt'), PRESCRIPTION);
  const shell = new RecordingShell();
  const notifier = new RecordingNotifier();
  const host = await startHost({
    hubUrl: hub.url,
    dataDir: join(appDir.path, 'app'),
    rendererDir: RENDERER_DIR,
    logger: createLogger({ level: 'silent' }),
    notifier,
    health: false,
    enrollCode: practice.enrollmentCode,
    deviceName: 'Accueil',
    backup: {
      folders: [docs],
      shell,
      service: { resticCacheDir: join(appDir.path, 'cache'), restorePollMs: 50 },
      ...(opts.accessClock ? { accessClock: opts.accessClock } : {}),
    },
    hub: { ackTimeoutMs: 5000, connectTimeoutMs: 5000 },
  });
  const browser = await launchBrowser();
  const app = await (await browser.newContext({ viewport: { width: 440, height: 900 } })).newPage();
  return { hub, host, browser, app, docs, shell, notifier, dirs: [hubDir, appDir], tech: { login: t.login, totpSecret: t.totpSecret } };
}

export async function tearDown(w: World | undefined): Promise<void> {
  if (!w) return;
  await w.browser.close().catch(() => undefined);
  await w.host.close().catch(() => undefined);
  await w.hub.close().catch(() => undefined);
  for (const d of w.dirs) await d.remove();
}

/** The practitioner opens "Sauvegardes" and clicks "Sauvegarder maintenant" until all is backed up. */
export async function firstBackup(w: World): Promise<void> {
  await w.app.goto(w.host.url);
  await w.app.getByRole('tab', { name: 'Sauvegardes' }).click();
  await w.app.getByTestId('backup-headline').getByText('Attention : aucune sauvegarde pour l’instant').waitFor();
  await w.app.getByRole('button', { name: 'Sauvegarder maintenant' }).click();
  await w.app.getByTestId('backup-headline').getByText('Tout est sauvegardé').waitFor({ timeout: 120_000 });
  await w.app
    .getByTestId('backup-strip-summary')
    .getByText(/^1 jour sauvegardé/)
    .waitFor();
}
