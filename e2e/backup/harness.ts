/**
 * Support for the backup specs: a real hub serving the console, the browser host (same renderer
 * and services as the Electron app, real restic) enrolled to it with a small practice folder, a
 * Chromium page for the practitioner, and the first backup made through the app's own tab.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Clock } from '@vigie/common';
import type { Hub } from '../../server/src/app.js';
import type { Host } from '../../main/host/server.js';
import type { Shell } from '../../main/services/backup/ports.js';
import { createLogger } from '../../main/services/lib/logger.js';
import { RecordingNotifier } from '../../main/services/test-support/fixture.js';
import { worldTest } from '../support/world.js';

export { PASSWORD } from '../support/world.js';
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
  tech: { login: string; totpSecret: string };
}

/**
 * The world fixture for the backup specs: the host enrolled with a small practice folder (written
 * before it starts), real restic, the practitioner's page; `w` gathers what the specs use.
 */
export function backupTest(
  opts: { accessClock?: Clock; scope?: 'test' | 'file'; consoleViewport?: { width: number; height: number } } = {},
) {
  // The host's shell and notifier, fresh for each host the fixture starts.
  let ports = { shell: new RecordingShell(), notifier: new RecordingNotifier() };
  const docsOf = (appDir: string) => join(appDir, 'Documents');
  return worldTest({
    practice: PRACTICE,
    enroll: { deviceName: 'Accueil' },
    appViewport: { width: 440, height: 900 },
    consoleViewport: opts.consoleViewport ?? { width: 1280, height: 1000 },
    scope: opts.scope,
    // A small practice folder, with the names restic patterns would trip on.
    beforeHost: async ({ appDir }) => {
      const docs = docsOf(appDir);
      await mkdir(join(docs, 'Ordonnances'), { recursive: true });
      await writeFile(join(docs, 'Compte rendu [A].odt'), REPORT);
      await writeFile(join(docs, 'Ordonnances', 'Dupont 2025.txt'), PRESCRIPTION);
    },
    host: ({ appDir }) => {
      ports = { shell: new RecordingShell(), notifier: new RecordingNotifier() };
      return {
        logger: createLogger({ level: 'silent' }),
        notifier: ports.notifier,
        health: false,
        backup: {
          folders: [docsOf(appDir)],
          shell: ports.shell,
          service: { resticCacheDir: join(appDir, 'cache'), restorePollMs: 50 },
          ...(opts.accessClock ? { accessClock: opts.accessClock } : {}),
        },
      };
    },
  }).extend<{ w: World }>({
    w: [
      async ({ world, host, browser, app, appDir }, use) =>
        use({
          hub: world.hub,
          host,
          browser,
          app,
          docs: docsOf(appDir),
          ...ports,
          tech: { login: world.technician.login, totpSecret: world.technician.totpSecret },
        }),
      { scope: opts.scope ?? 'test' },
    ],
  });
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
