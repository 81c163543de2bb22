/**
 * The practitioner app tells one true story, in plain words, in French and English (browser host
 * with the real Linux security probes and real restic, the real renderer build in Chromium):
 * - « Sécurité » reads the backup service's live status: never « aucune sauvegarde » while
 *   « Sauvegardes » says all is backed up, and a backup that finishes refreshes the score;
 * - checks that could not be verified are one quiet line; no jargon on the Sécurité tab;
 * - restore defaults do the obvious thing: a copy beside (dated with the restore's time, « version
 *   du … » for the backup's date) only when a file with that name is there; places, never system
 *   paths; « restaurer ailleurs » with a folder picker.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { findJargon, type HealthReport } from '@vigie/common';
import type { Host } from '../../main/host/server.js';
import type { Page } from 'playwright-core';
import { nameStamp } from '../../main/services/backup/naming.js';
import { worldTest } from '../support/world.js';
import { until } from './harness.js';

const REPORT = 'Compte rendu de consultation — Mme Durand\n';
const LETTER = 'Lettre au confrère, version sauvegardée\n';

let host: Host;
let app: Page;
let home: string;
let docs: string;
const problems: string[] = [];

/** The practitioner's own folders, made before the host starts: a desktop with a patients folder; Documents is backed up. */
function folders(appDir: string) {
  home = join(appDir, 'home');
  docs = join(home, 'Documents');
  mkdirSync(join(home, 'Desktop', 'Dossier patients'), { recursive: true });
  mkdirSync(join(docs, 'Courriers'), { recursive: true });
  writeFileSync(join(docs, 'Compte rendu.odt'), REPORT);
  writeFileSync(join(docs, 'Courriers', 'Lettre.txt'), LETTER);
  return { backup: { folders: [docs], service: { home, resticCacheDir: join(appDir, 'cache'), restorePollMs: 50 } } };
}

// One world for the file: the tests tell one story on the same machine.
const test = worldTest({ enroll: true, host: ({ appDir }) => folders(appDir), appViewport: { width: 440, height: 900 }, scope: 'file' });

/** The world's host and practitioner page, for the helpers below. */
test.beforeEach(({ host: h, app: a }) => {
  if (host) return;
  host = h;
  app = a;
  app.on('pageerror', (e) => problems.push(e.message));
});

const backupCheck = () => app.locator('li[data-check-id="backup-recency"]');
const score = async () => Number(await app.getByTestId('health-score').getAttribute('data-score'));

test.describe('one story across tabs, in plain words, in French and English', () => {
  test('« Sécurité » follows « Sauvegardes »: no backup yet, then backed up — the score rises without a new check; unverified checks are one line; no jargon', async () => {
    const first = await until(() => host.health?.latest() ?? null, 'the first security report', 120_000);
    await app.goto(host.url);
    await app.getByRole('tab', { name: 'Sécurité' }).click();
    await until(
      async () =>
        (await app
          .getByTestId('health-score')
          .getAttribute('data-score')
          .catch(() => null)) === String(first.score),
      'the first score',
    );
    expect(await backupCheck().getAttribute('data-status')).toBe('critical');
    await backupCheck().getByText('Aucune sauvegarde n’a encore réussi').waitFor();
    const before = await score();

    // What could not be verified on this machine is one quiet line, not cards with tool names.
    const unknown = first.checks.filter((c) => c.status === 'unknown');
    expect(await app.locator('li[data-status="unknown"]').count()).toBe(0);
    expect(await app.getByTestId('health-unverified').count()).toBe(unknown.length > 0 ? 1 : 0);
    expect(findJargon('Sécurité', await app.locator('section.health').textContent())).toEqual([]);

    // « Sauvegarder maintenant » in the other tab.
    await app.getByRole('tab', { name: 'Sauvegardes' }).click();
    await app.getByRole('button', { name: 'Sauvegarder maintenant' }).click();
    await app.getByTestId('backup-headline').getByText('Tout est sauvegardé').waitFor({ timeout: 120_000 });
    await app
      .getByTestId('backup-strip-summary')
      .getByText(/^1 jour sauvegardé et 29 sans sauvegarde\.$/)
      .waitFor();

    // Back to « Sécurité »: the same story, and the score it earns — no « Vérifier maintenant » needed.
    const scans = (await host.health!.latest())!.trigger;
    await app.getByRole('tab', { name: 'Sécurité' }).click();
    await until(
      async () =>
        (await backupCheck()
          .getAttribute('data-status')
          .catch(() => null)) === 'ok',
      'the backup check in « Tout va bien »',
    );
    await backupCheck().getByText('La sauvegarde est récente').waitFor();
    expect(await app.locator('section.health').textContent()).not.toContain('Aucune sauvegarde');
    const after: HealthReport = (await host.health!.latest())!;
    expect(after.trigger).toBe(scans);
    expect(after.score).toBeGreaterThan(before);
    await until(async () => (await score()) === after.score, 'the new score on the tab');

    // In English, the same story.
    await app.getByRole('button', { name: 'English' }).click();
    await backupCheck().getByText('The backup is recent').waitFor();
    expect(findJargon('Security', await app.locator('section.health').textContent())).toEqual([]);
    await app.getByRole('tab', { name: 'Backups' }).click();
    await app.getByTestId('backup-headline').getByText('Everything is backed up').waitFor();
    await app
      .getByTestId('backup-strip-summary')
      .getByText(/^1 day backed up and 29 without a backup\.$/)
      .waitFor();
    await app.getByRole('button', { name: 'Français' }).click();
    await app.getByRole('tab', { name: 'Sauvegardes' }).waitFor();
  });

  test('restore defaults: a copy beside only when the name is taken, dated with the restore’s time; places, never paths; « restaurer ailleurs » with a folder picker (English)', async () => {
    // The letter was changed since the backup: its name is taken.
    const letter = join(docs, 'Courriers', 'Lettre.txt');
    await writeFile(letter, 'Lettre réécrite aujourd’hui\n');
    await app.getByRole('tab', { name: 'Sauvegardes' }).click();
    await app.getByRole('button', { name: 'Récupérer un fichier' }).click();
    await app.locator('.backup-list .backup-choice').first().click();
    const crumbs = app.getByRole('navigation', { name: 'Emplacement' });
    await crumbs.getByText('Documents').waitFor();
    await app.getByRole('button', { name: 'Ouvrir Courriers' }).click();
    await crumbs.getByText('Courriers').waitFor();
    await app.getByRole('checkbox', { name: 'Choisir Lettre.txt' }).check();
    await app.getByRole('button', { name: 'Continuer' }).click();
    await app.locator('fieldset.backup-modes[data-suggested="beside"]').waitFor();
    expect(await app.getByRole('radio', { name: /Restaurer une copie à côté/ }).isChecked()).toBe(true);
    await app
      .getByText(
        'Une copie est mise à côté de la version actuelle, dans Documents › Courriers, avec « restauré le » et la date d’aujourd’hui dans son nom. Rien n’est remplacé.',
      )
      .waitFor();
    const t0 = new Date();
    await app.getByRole('button', { name: 'Restaurer' }).click();
    await app.getByRole('heading', { name: 'Restauration terminée' }).waitFor({ timeout: 120_000 });
    const t1 = new Date();
    // « Version du <the backup's date> », the copy's name dated with the restore's own time.
    const line = (await app
      .getByText(/^Version du .+, remise ici : Documents › Courriers › Lettre \(restauré le .+\)\.txt$/)
      .textContent())!;
    const stamp = /\(restauré le (.+)\)\.txt$/.exec(line)![1]!;
    expect([nameStamp(t0), nameStamp(t1)]).toContain(stamp);
    expect(await readFile(join(docs, 'Courriers', `Lettre (restauré le ${stamp}).txt`), 'utf8')).toBe(LETTER);
    expect(await readFile(letter, 'utf8')).toBe('Lettre réécrite aujourd’hui\n');
    expect(await app.locator('.backup-wizard').textContent()).not.toContain(home);
    await app.getByRole('button', { name: 'Terminé' }).click();

    // In English: the report goes to a folder of the desktop, chosen in the picker, not typed.
    await app.getByRole('button', { name: 'English' }).click();
    await app.getByRole('button', { name: 'Get a file back' }).click();
    await app.locator('.backup-list .backup-choice').first().click();
    await app.getByRole('checkbox', { name: 'Choose Compte rendu.odt' }).check();
    await app.getByRole('button', { name: 'Continue' }).click();
    await app.locator('fieldset.backup-modes[data-suggested="beside"]').waitFor();
    await app.getByRole('radio', { name: /Restore to another folder/ }).check();
    expect(await app.getByRole('textbox').count()).toBe(0);
    await app.getByTestId('picker-chosen').getByText('Open the folder where the copy should go.').waitFor();
    expect(await app.getByRole('button', { name: 'Restore' }).isDisabled()).toBe(true);
    await app.getByRole('button', { name: 'Open Desktop' }).click();
    await app.getByRole('button', { name: 'Open Dossier patients' }).click();
    await app.getByTestId('picker-chosen').getByText('Chosen folder: Desktop › Dossier patients').waitFor();
    await app.getByRole('button', { name: 'Restore' }).click();
    await app.getByRole('heading', { name: 'Restore complete' }).waitFor({ timeout: 120_000 });
    await app.getByText(/^Version of .+, put back here: Desktop › Dossier patients › Compte rendu\.odt$/).waitFor();
    expect(await readdir(join(home, 'Desktop', 'Dossier patients'))).toEqual(['Compte rendu.odt']);
    expect(await readFile(join(home, 'Desktop', 'Dossier patients', 'Compte rendu.odt'), 'utf8')).toBe(REPORT);
    expect(await app.locator('.backup-wizard').textContent()).not.toContain(home);
    await app.getByRole('button', { name: 'Français' }).click();
    expect(problems).toEqual([]);
  });
});
