/**
 * The ransomware tripwire end to end, in both real UIs (Chromium): a practice folder watched by
 * the browser host (same renderer and services as the Electron app) with real restic backups, a
 * real hub and its console. Files are encrypted one after the other; the practitioner's page
 * shows the full-width alert with what to do and the support's number; the console shows the
 * urgent request first in the queue, its evidence in the workspace (which files and when, the last
 * good backup), and lifting it ends the alert on the practice machine.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { connectDevice, emitAck, enrollDevice, type Socket } from '../../server/src/test-support/sockets.js';
import { createLogger } from '../../main/services/lib/logger.js';
import { RecordingNotifier } from '../../main/services/test-support/fixture.js';
import { until } from '../practitioner/harness.js';
import { worldTest } from '../support/world.js';

const PRACTICE = 'Cabinet des Lilas';

let other: Socket | undefined;
const files: string[] = [];

const test = worldTest({
  practice: PRACTICE,
  enroll: { deviceName: 'Cabinet 2' },
  appViewport: { width: 900, height: 900 },
  consoleViewport: { width: 1280, height: 1000 },
  // Before the host starts: the support's number, another machine of the practice already waiting, the practice folder.
  beforeHost: async ({ world, appDir }) => {
    const hub = world.hub;
    await hub.settings.updateSupport({ phone: '04 72 00 00 00' }, { type: 'cli', id: null });
    const accueil = await enrollDevice(hub.url, world.practice.enrollmentCode, { name: 'Accueil' });
    other = await connectDevice(hub.url, accueil.token);
    const waiting = await emitAck(other, 'help:create', {
      clientId: '0d5b0e57-7c1f-4f7e-a7a8-9d1c7b1e2f30',
      context: { os: 'linux', osVersion: 'Debian 12', appVersion: '0.1.0' },
    });
    expect(waiting.ok).toBe(true);
    const docs = join(appDir, 'Documents');
    files.splice(0);
    for (const sub of ['Patients', 'Courriers']) {
      await mkdir(join(docs, sub), { recursive: true });
      for (let i = 0; i < 15; i++) {
        const p = join(docs, sub, `document-${i}.txt`);
        await writeFile(p, `Compte rendu ${i}. Patient revu, traitement poursuivi.\n`.repeat(40));
        files.push(p);
      }
    }
  },
  host: ({ appDir }) => ({
    logger: createLogger({ level: 'silent' }),
    notifier: new RecordingNotifier(),
    health: false,
    screen: false,
    backup: { folders: [join(appDir, 'Documents')], service: { resticCacheDir: join(appDir, 'cache') } },
    tripwire: { reportEveryMs: 200 },
  }),
});

describe('ransomware tripwire, end to end', () => {
  afterEach(() => {
    other?.close();
  });

  test('the practitioner is told what to do, the technician gets an urgent request with the evidence and lifts it', async ({
    host,
    app,
    console: con,
    signIn,
  }) => {
    const h = host;
    await until(
      async () =>
        (await h.app.call('tripwire:getState', {})).ok &&
        h.tripwire!.service.state().status === 'watching' &&
        h.tripwire!.service.state().supportPhone !== null,
      'tripwire watching',
    );
    const good = await h.backup!.service.runBackup();
    expect(good.outcome).toBe('ok');

    await app.goto(h.url);
    await app.getByRole('tab', { name: 'Assistance' }).waitFor();
    expect(await app.getByTestId('tripwire-alert').count()).toBe(0);

    // The attack: files overwritten with random bytes and renamed, one after the other.
    for (const f of [...files].sort()) {
      if (h.tripwire!.service.holding()) break;
      await writeFile(f, randomBytes((await lstat(f)).size));
      await rename(f, `${f}.kq7z`);
    }
    await until(
      () => h.tripwire!.service.holding() || h.tripwire!.service.rescan().then(() => h.tripwire!.service.holding()),
      'alert on the device',
    );

    // The practitioner: a full-width alert saying what to do, with the support's number.
    const alert = app.getByTestId('tripwire-alert');
    await alert.getByRole('heading', { name: 'Alerte : vos fichiers sont peut-être en train d’être chiffrés' }).waitFor();
    await alert.getByText('Débranchez le câble réseau de cet ordinateur et coupez le Wi-Fi.').waitFor();
    await alert.getByText('N’éteignez pas l’ordinateur et n’ouvrez plus de fichiers.').waitFor();
    expect(await alert.getByRole('link', { name: '04 72 00 00 00' }).getAttribute('href')).toBe('tel:0472000000');
    await alert.getByText('Votre prestataire a reçu l’alerte : un technicien va vous rappeler en priorité.').waitFor();
    const box = await alert.boundingBox();
    const page = app.viewportSize()!;
    expect(box!.width).toBeGreaterThan(page.width * 0.9);
    // Folded into a red bar, never gone while the alert stands.
    await alert.getByRole('button', { name: 'J’ai compris' }).click();
    await app.getByTestId('tripwire-bar').waitFor();

    // The technician: the urgent request first in the queue, above the one that waited.
    await signIn();
    const first = con.locator('li.queue-card').first();
    await first.getByText('Urgent — alerte rançongiciel').waitFor();
    await first.getByText('Cabinet 2').waitFor();
    await expect.poll(() => con.locator('li.queue-card').count()).toBe(2);
    await first.getByRole('button', { name: 'Accepter' }).click();
    await con.getByRole('heading', { name: `Demande — ${PRACTICE}` }).waitFor();

    // Which files and when, the signals, the last good backup.
    const evidence = con.getByTestId('tripwire-evidence');
    await evidence.getByRole('heading', { name: 'Alerte rançongiciel' }).waitFor();
    await evidence
      .getByTestId('tripwire-last-good')
      .getByText(/^Dernière sauvegarde avant le premier fichier touché/)
      .waitFor();
    await evidence
      .getByRole('cell', { name: /document-\d+\.txt/ })
      .first()
      .waitFor();
    await evidence
      .getByText(/fichiers? touchés?$/)
      .first()
      .waitFor();

    // Lifted: the practice machine's alert goes away.
    await evidence.getByRole('button', { name: 'Lever l’alerte (poste sain)' }).click();
    await evidence.getByText(/^Alerte levée le .* par Julie Martin$/).waitFor();
    await app.getByTestId('tripwire-bar').waitFor({ state: 'detached' });
    expect(h.tripwire!.service.holding()).toBe(false);
  });
});
