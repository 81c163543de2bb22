/**
 * A « Parc » row opens the device: its facts, security, backups and history; and a technician
 * restore outside any request, asked to the practitioner first like screen sharing. Real restic,
 * a real hub, the browser host (the app's real services and renderer) and the console, in Chromium:
 * the practitioner refuses (the console says so), lets the consent run out (the app's clock moves
 * past 30 s; the console says « Pas de réponse »), then allows — the same code on both sides —, the
 * technician restores a deleted file from the device page, the practitioner sees it with the
 * technician's name and the file is back, then stops the access; the history and the audit trail
 * tell it. In French and English.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { ManualClock } from '@vigie/common/test-support/clock';
import { SCREENSHOTS } from '../support/browser.js';
import { PRACTICE, PRESCRIPTION, backupTest, firstBackup, type World } from './harness.js';

const clock = ManualClock.stepping();
// One story: the same world (consent clock moved by the test) from the device page to the stopped access.
const test = backupTest({ accessClock: clock, scope: 'file', consoleViewport: { width: 1440, height: 900 } });

describe('device page and backup access outside a request', () => {
  let w: World;
  let con: Page;

  const section = () => con.getByTestId('backup-section');
  const access = () => section().getByTestId('backup-access');
  const consent = () => w.app.getByRole('alertdialog', { name: 'Accès à vos sauvegardes' });

  /** « Demander l'accès au cabinet »: the console shows the code and the countdown, the app the same code. */
  async function ask(): Promise<string> {
    await access().getByRole('button', { name: 'Demander l’accès au cabinet' }).click();
    const code = (await access().getByTestId('access-code').locator('strong').textContent())!.trim();
    await access()
      .getByTestId('access-countdown')
      .getByText(/Refus automatique dans \d+ s/)
      .waitFor();
    await consent().waitFor();
    expect((await consent().locator('.screen-code').textContent())!.trim()).toBe(code);
    await consent()
      .getByText('Julie Martin (Vigie) souhaite consulter vos sauvegardes et, si besoin, restaurer des fichiers sur cet ordinateur.', {
        exact: false,
      })
      .waitFor();
    await consent()
      .getByText(/Refus automatique dans \d+ s/)
      .waitFor();
    return code;
  }

  test.beforeAll(async ({ w: world, console, signIn }) => {
    w = world;
    await firstBackup(w);
    con = console;
    await signIn();
  });

  test('a « Parc » row opens the device: facts, security, last reported backups, an empty history', async () => {
    await con.getByRole('link', { name: 'Parc' }).click();
    const row = con.locator('tr[data-device-id]').filter({ hasText: 'Accueil' });
    await row.getByText(PRACTICE).click();
    await con.getByRole('heading', { name: `Accueil — ${PRACTICE}` }).waitFor();
    expect(con.url()).toMatch(/#\/devices\//);
    await con.getByTestId('context').getByText('En ligne').waitFor();
    await con.getByTestId('device-health').waitFor();
    // What the device last reported, before anyone asks it anything live.
    await section().getByTestId('backup-reported').getByText('Tout est sauvegardé').waitFor();
    const history = con.getByTestId('device-history');
    await history.getByTestId('history-requests').getByText('Rien pour l’instant.').waitFor();
    await history.getByTestId('history-accesses').getByText('Rien pour l’instant.').waitFor();
    expect((await w.hub.services.audit.list(0, 100_000)).some((e) => e.action === 'device.history_view')).toBe(true);
  });

  test('the practitioner refuses: the console says « Le cabinet a refusé »; no answer: « Pas de réponse »', async () => {
    await ask();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await con.screenshot({ path: join(SCREENSHOTS, 'device-access-asked-1440x900.png') });
    await w.app.screenshot({ path: join(SCREENSHOTS, 'app-access-consent.png') });
    await consent().getByRole('button', { name: 'Refuser' }).click();
    await access().getByTestId('backup-access-ended').getByText('Le cabinet a refusé l’accès à ses sauvegardes.').waitFor();
    await consent().waitFor({ state: 'detached' });

    await ask();
    clock.advance(31_000);
    await access().getByTestId('backup-access-ended').getByText('Pas de réponse du cabinet : accès refusé automatiquement.').waitFor();
    await consent().waitFor({ state: 'detached' });
  });

  test('allowed: the technician restores a deleted file from the device page; the practitioner sees who, the file is back; « Arrêter l’accès » closes it', async () => {
    const file = join(w.docs, 'Ordonnances', 'Dupont 2025.txt');
    await rm(file);
    await ask();
    await consent().getByRole('button', { name: 'Autoriser' }).click();
    await w.app
      .getByTestId('backup-access')
      .getByRole('heading', { name: /Julie Martin a accès à vos sauvegardes jusqu’à \d{2}:\d{2}/ })
      .waitFor();
    await access()
      .getByText(/Le cabinet a autorisé l’accès jusqu’à \d{2}:\d{2}\./)
      .waitFor();

    // The device's backups, live, under the access.
    await section().getByTestId('backup-status').getByText('Tout est sauvegardé').waitFor();
    await section().getByRole('button', { name: 'Ouvrir Ordonnances' }).click();
    await section().getByRole('checkbox', { name: 'Choisir Dupont 2025.txt' }).check();
    await section()
      .getByRole('radio', { name: /Remettre à sa place/ })
      .check();
    await section().getByRole('button', { name: 'Restaurer sur le poste' }).click();

    const banner = w.app.getByTestId('technician-restore');
    await banner.getByRole('heading', { name: /Julie Martin a restauré « Dupont 2025\.txt » pour vous/ }).waitFor({ timeout: 120_000 });
    await section().getByTestId('backup-job').getByText('Restauration terminée').waitFor({ timeout: 120_000 });
    expect(await readFile(file, 'utf8')).toBe(PRESCRIPTION);
    await con.screenshot({ path: join(SCREENSHOTS, 'device-access-restored-1440x900.png'), fullPage: true });

    // The practitioner stops the access: the console says so, and asks nothing of the device any more.
    await w.app.getByTestId('backup-access').getByRole('button', { name: 'Arrêter l’accès' }).click();
    await w.app.getByText('Accès à vos sauvegardes terminé.').waitFor();
    await access().getByTestId('backup-access-ended').getByText('Le cabinet a arrêté l’accès.').waitFor();
    await access().getByRole('button', { name: 'Demander l’accès au cabinet' }).waitFor();

    // The history tells it; the audit trail holds every step.
    const history = con.getByTestId('device-history');
    await history
      .getByTestId('history-restores')
      .getByText(/Julie Martin : « Dupont 2025\.txt »/)
      .waitFor();
    await history
      .getByTestId('history-restores')
      .getByText(/hors demande, avec l’accord du cabinet/)
      .waitFor();
    await history.getByTestId('history-accesses').getByText('Le cabinet a arrêté l’accès.').waitFor();
    const actions = (await w.hub.services.audit.list(0, 100_000))
      .map((e) => e.action)
      .filter((a) => a.startsWith('backup.access.') || a.startsWith('backup.restore_'));
    expect(actions).toEqual([
      'backup.access.request',
      'backup.access.refused',
      'backup.access.end',
      'backup.access.request',
      'backup.access.refused',
      'backup.access.end',
      'backup.access.request',
      'backup.access.granted',
      'backup.restore_requested',
      'backup.restore_finished',
      'backup.access.end',
    ]);
    expect((await w.hub.admin.verifyAudit()).ok).toBe(true);
  });

  test('in English too', async () => {
    await con.getByLabel('Langue').selectOption('en');
    await con.getByRole('heading', { name: `Accueil — ${PRACTICE}` }).waitFor();
    await access().getByRole('button', { name: 'Ask the practice for access' }).waitFor();
    await access().getByTestId('backup-access-ended').getByText('The practice stopped the access.').waitFor();
    await con.getByTestId('device-history').getByRole('heading', { name: 'History' }).waitFor();
    await con
      .getByTestId('history-restores')
      .getByText(/outside a request, with the practice’s consent/)
      .waitFor();
    // Names in English quotes, never « » in the English console.
    await con
      .getByTestId('history-restores')
      .getByText(/Julie Martin: “Dupont 2025\.txt”/)
      .waitFor();
    expect(await con.getByTestId('device-history').textContent()).not.toMatch(/[«»]/);
    await con.getByLabel('Language').selectOption('fr');
  });
});
