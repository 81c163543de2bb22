/**
 * Backups end to end with real restic, a real hub, the browser host (same renderer and services as
 * the Electron app) and the console, both in Chromium:
 * 1. the practitioner backs up, deletes a file, gets it back from the "Sauvegardes" tab with
 *    visible progress, and "Ouvrir le dossier" opens the restored file's folder (Shell port
 *    recorded here);
 * 2. the technician restores a deleted file on the practice machine from the request workspace;
 *    the practitioner sees it happen (native notification + progress with the technician's name)
 *    and the file is back, as it was.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { PRACTICE, PRESCRIPTION, REPORT, backupTest, firstBackup } from './harness.js';

// A fresh world (hub, host with its practice folder, browser) for each test.
const test = backupTest();

describe('backups and restore, end to end', () => {
  test('the practitioner deletes a file and gets it back from the panel, with progress, then opens its folder', async ({ w }) => {
    await firstBackup(w);
    const file = join(w.docs, 'Compte rendu [A].odt');
    await rm(file);

    const app = w.app;
    await app.getByRole('button', { name: 'Récupérer un fichier' }).click();
    await app.getByRole('heading', { name: 'De quand date la version que vous voulez ?' }).waitFor();
    // One backup: its plain date is the one button of the list.
    await app.locator('.backup-list .backup-choice').first().click();
    await app.getByRole('heading', { name: 'Choisissez ce qu’il faut récupérer' }).waitFor();
    await app.getByRole('navigation', { name: 'Emplacement' }).getByText('Documents').waitFor();
    await app.getByRole('checkbox', { name: 'Choisir Compte rendu [A].odt' }).check();
    await app.getByRole('button', { name: 'Continuer' }).click();

    await app.getByRole('heading', { name: 'Où remettre « Compte rendu [A].odt » ?' }).waitFor();
    // The file was deleted: the obvious choice is to put it back, under its own name, at its place.
    await app.locator('fieldset.backup-modes[data-suggested="in-place"]').waitFor();
    expect(await app.getByRole('radio', { name: /Remettre à sa place/ }).isChecked()).toBe(true);
    await app.getByText('L’élément n’y est plus : il revient sous son nom, à sa place, dans Documents.').waitFor();
    await app.getByRole('button', { name: 'Restaurer' }).click();

    // The progress step: a progress bar that reaches the end, then the result.
    const bar = app.locator('.backup-wizard progress');
    await bar.first().waitFor();
    await app.getByRole('heading', { name: 'Restauration terminée' }).waitFor({ timeout: 120_000 });
    expect(await bar.getAttribute('value')).toBe('100');
    // Said as places (never the system path), with the backup's date as « version du … ».
    await app.getByText(/^Version du .+ à \d{2}:\d{2}, remise ici : Documents › Compte rendu \[A\]\.odt$/).waitFor();
    expect(await app.locator('.backup-wizard').textContent()).not.toContain(w.docs);
    expect(await readFile(file, 'utf8')).toBe(REPORT);

    await app.getByRole('button', { name: 'Ouvrir le dossier' }).click();
    await app.getByText('Le dossier a été ouvert.').waitFor();
    expect(w.shell.opened).toEqual([w.docs]);
    // A practitioner's own restore raises no native notification.
    expect(w.notifier.seen.filter((n) => n.tag?.startsWith('restore-'))).toEqual([]);
  });

  test('the technician restores a file on the practice machine from the console; the practitioner sees it and the file is back', async ({
    w,
    console: con,
    signIn,
  }) => {
    await firstBackup(w);
    const file = join(w.docs, 'Ordonnances', 'Dupont 2025.txt');
    await rm(file);

    // The practitioner asks for help; the technician accepts.
    await w.app.getByRole('tab', { name: 'Assistance' }).click();
    await w.app.getByRole('button', { name: 'Demander de l’aide' }).click();
    await w.app.getByRole('heading', { name: 'Demande envoyée' }).waitFor();
    await signIn();
    const card = con.locator('li.queue-card').filter({ hasText: PRACTICE });
    await card.getByRole('button', { name: 'Accepter' }).click();
    await con.getByRole('heading', { name: `Demande — ${PRACTICE}` }).waitFor();

    // The workspace asks the device: status and backups.
    const section = con.getByTestId('backup-section');
    await section.getByTestId('backup-status').getByText('Tout est sauvegardé').waitFor({ timeout: 120_000 });
    await section.getByRole('button', { name: 'Ouvrir Ordonnances' }).click();
    await section.getByRole('checkbox', { name: 'Choisir Dupont 2025.txt' }).check();
    await section
      .getByTestId('backup-choice')
      .getByText(/Choisi : « Dupont 2025\.txt »/)
      .waitFor();
    await section.getByRole('radio', { name: /Remettre à sa place/ }).check();
    await section.getByRole('button', { name: 'Restaurer sur le poste' }).click();

    // The practitioner sees who restores what, with the progress, then the end.
    const banner = w.app.getByTestId('technician-restore');
    await banner.getByRole('heading', { name: /Julie Martin (restaure|a restauré) « Dupont 2025\.txt » pour vous/ }).waitFor();
    await banner.locator('progress').waitFor();
    await banner.getByRole('heading', { name: 'Julie Martin a restauré « Dupont 2025.txt » pour vous' }).waitFor({ timeout: 120_000 });
    await banner.getByText(/remise ici : Documents › Ordonnances › Dupont 2025\.txt$/).waitFor();
    expect(await banner.textContent()).not.toContain(w.docs);
    // … and the console follows the same restore to its end.
    await section.getByTestId('backup-job').getByText('Restauration terminée').waitFor({ timeout: 120_000 });

    expect(await readFile(file, 'utf8')).toBe(PRESCRIPTION);
    const titles = w.notifier.seen.filter((n) => n.tag?.startsWith('restore-')).map((n) => n.title);
    expect(titles).toEqual([
      'Julie Martin restaure « Dupont 2025.txt » pour vous',
      'Julie Martin a restauré « Dupont 2025.txt » pour vous',
    ]);
    // Both sides read it in the chat; the hub audited it.
    await w.app.getByRole('tab', { name: 'Assistance' }).click();
    await w.app.getByRole('log').getByText('Julie Martin restaure un élément sur ce poste.').waitFor();
    const actions = (await w.hub.services.audit.list()).map((a) => a.action).filter((a) => a.startsWith('backup.restore_'));
    expect(actions).toEqual(['backup.restore_requested', 'backup.restore_finished']);
    // The technician's looks at the device's backups (status, list, browse) are audited too.
    expect((await w.hub.services.audit.list()).some((a) => a.action === 'backup.read')).toBe(true);
    expect((await w.hub.admin.verifyAudit()).ok).toBe(true);
  });
});
