/**
 * The safety backup before a technician acts, and undo (issue 12), end to end: real restic, real
 * files, a real hub, the browser host (same renderer and services as the Electron app, with its
 * backups and its remote screen) and the console, both in Chromium (a synthetic screen shared
 * through the real WebRTC path; input recorded by the host's injector).
 * 1. The consent says a safety backup comes first; control starts once it is done; the console
 *    says it; after the session both sides see the same changes; « Annuler les changements de
 *    l'intervention » puts the files back and keeps the technician's versions as dated copies.
 * 2. A slow safety backup (restic held at the door): control starts anyway, the banner and the
 *    console say it runs, then that it is done. A failed one (the repository gone): the consent
 *    says why, the console says the practice decides, « Autoriser sans sauvegarde » lets control
 *    start, the banner says it failed.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SAFETY_STRINGS, type DisplayInfo } from '@vigie/common';
import type { Hub } from '../../server/src/app.js';
import type { Host } from '../../main/host/server.js';
import { FileSecretStore } from '../../main/platform/node/secret-store.js';
import { repoTarget } from '../../main/services/backup/repository.js';
import { HeldBackups } from '../../main/services/backup/test-support/index.js';
import { createLogger } from '../../main/services/lib/logger.js';
import { RecordingNotifier } from '../../main/services/test-support/fixture.js';
import { helpAccepted, worldTest } from '../support/world.js';
import { FAKE_SCREEN_FLAGS, PAGE_PROBE, RecordingInjector, WEBRTC_FLAGS, decoded, until } from '../screen/harness.js';

const PRACTICE = 'Cabinet des Marronniers';
const S = SAFETY_STRINGS.fr;
/** The few seconds control waits for the safety backup (the app's default). */
const SAFETY_WAIT_FOR_SLOW = 5_000;
const DISPLAY: DisplayInfo = {
  id: 'screen-0',
  label: 'Écran principal',
  bounds: { x: 0, y: 0, width: 1280, height: 720 },
  scaleFactor: 1,
  primary: true,
};

interface World {
  hub: Hub;
  host: Host;
  browser: Browser;
  app: Page;
  con: Page;
  docs: string;
  dataDir: string;
  repoPath: string;
  held: HeldBackups;
  requestId: string;
}

/**
 * Hub + browser host with backups (first backup done) and remote screen; help asked, accepted in the
 * console (`w`). The practice folder is written before the host starts; restic can be held at the door.
 */
function safetyTest(safetyWaitMs: number) {
  let held: HeldBackups | undefined;
  const docsOf = (appDir: string) => join(appDir, 'Documents');
  return worldTest({
    practice: PRACTICE,
    hub: { screen: { providerName: 'InfoSanté Services' } },
    enroll: { deviceName: 'Accueil' },
    browserArgs: [...WEBRTC_FLAGS, ...FAKE_SCREEN_FLAGS],
    appViewport: { width: 1280, height: 900 },
    consoleViewport: { width: 1280, height: 1000 },
    initScripts: [PAGE_PROBE],
    beforeHost: async ({ appDir }) => {
      const docs = docsOf(appDir);
      await mkdir(join(docs, 'Patients'), { recursive: true });
      await writeFile(join(docs, 'Patients', 'Dupont.txt'), 'Tension 12/8, revoir dans 3 mois.\n');
      await writeFile(join(docs, 'Patients', 'Martin.txt'), 'Allergie à la pénicilline.\n');
      await writeFile(join(docs, 'Agenda.txt'), 'Lundi 9 h : Mme Durand.\n');
    },
    host: ({ appDir }) => {
      held = new HeldBackups(appDir);
      return {
        logger: createLogger({ level: (process.env.VIGIE_TEST_LOG as 'debug' | undefined) ?? 'silent' }),
        notifier: new RecordingNotifier(),
        health: false,
        backup: { folders: [docsOf(appDir)], service: { resticCacheDir: join(appDir, 'cache'), restorePollMs: 50, spawner: held } },
        screen: { injector: new RecordingInjector(), displays: { list: async () => [DISPLAY] }, safetyWaitMs },
      };
    },
  }).extend<{ w: World }>({
    w: async ({ world, host, browser, app, console: con, appDir, signIn }, use) => {
      const first = await host.backup!.service.runBackup('manual');
      if (first.outcome !== 'ok') throw new Error(`first backup: ${first.outcome}`);
      await helpAccepted({ app, console: con, host, signIn }, PRACTICE);
      const requestId = (await world.hub.services.help.listMine(world.technician.id))[0]!.id;
      const dataDir = join(appDir, 'app');
      const w: World = {
        hub: world.hub,
        host,
        browser,
        app,
        con,
        docs: docsOf(appDir),
        dataDir,
        repoPath: join(dataDir, 'sauvegardes'),
        held: held!,
        requestId,
      };
      await use(w);
      await w.held.release();
    },
  });
}

const screenPanel = (w: World) => w.con.getByTestId('screen-panel');
const safetyPanel = (w: World) => w.con.getByTestId('safety-panel');
const banner = (w: World) => w.app.getByRole('region', { name: 'Partage d’écran en cours' });

/** « Voir l'écran » consented, frames decoded, then « Prendre la main »: the control consent is shown. */
async function askControl(w: World, first = true) {
  if (first) {
    await screenPanel(w).getByRole('button', { name: 'Voir l’écran' }).click();
    await w.app.getByRole('alertdialog', { name: 'Demande de partage d’écran' }).getByRole('button', { name: 'Autoriser' }).click();
    await until(async () => (await decoded(w.con)).framesDecoded > 0, 'frames decoded by the technician');
  }
  await screenPanel(w).getByRole('button', { name: 'Prendre la main' }).click();
  const dialog = w.app.getByRole('alertdialog', { name: 'Demande de prise en main' });
  await dialog.waitFor();
  return dialog;
}

// Each test its own world: control waits long for the safety backup in the first, the app's few seconds in the second.
const longWait = safetyTest(120_000);
const shortWait = safetyTest(SAFETY_WAIT_FOR_SLOW);

describe('safety backup before a technician acts, end to end', () => {
  longWait(
    'control starts after the safety backup; after the session both sides see the same changes; the practitioner undoes them and keeps the technician’s versions',
    async ({ w }) => {
      const dialog = await askControl(w);
      // One sentence says a safety backup comes first.
      await dialog.getByText(S.consentSentence).waitFor();
      await dialog.getByRole('button', { name: 'Autoriser' }).click();
      await banner(w).getByText('Julie Martin contrôle votre ordinateur').waitFor();
      // Control started once the backup was done: the banner has nothing more to say about it.
      expect(await banner(w).getByText(S.running).count()).toBe(0);
      await safetyPanel(w)
        .getByTestId('safety-snapshot')
        .getByText(/^Sauvegarde de sécurité faite à \d{2}:\d{2} \(avant la prise en main\)\.$/)
        .waitFor();
      // Tagged for the intervention (the help request).
      const target = await repoTarget({ kind: 'local', path: w.repoPath }, new FileSecretStore(join(w.dataDir, 'secrets.json')));
      const tags = (await w.host.backup!.service.restic.snapshots(target)).flatMap((s) => s.tags ?? []);
      expect(tags).toContain(`before-intervention-${w.requestId}`);

      // What the technician does while in control.
      await writeFile(join(w.docs, 'Patients', 'Dupont.txt'), 'Tension 15/9 — modifié pendant l’intervention.\n');
      await rm(join(w.docs, 'Patients', 'Martin.txt'));
      await writeFile(join(w.docs, 'Nettoyage.txt'), 'Fichier laissé par le technicien.\n');
      await screenPanel(w).getByRole('button', { name: 'Terminer' }).click();

      // The practitioner sees what changed, the technician the same list.
      const changes = w.app.getByTestId('intervention-changes');
      await changes.getByRole('heading', { name: 'Changements faits pendant l’intervention de Julie Martin' }).waitFor();
      await changes.getByTestId('safety-changes').waitFor({ timeout: 120_000 });
      const session = safetyPanel(w).getByTestId('safety-session');
      await session.getByTestId('safety-changes').waitFor({ timeout: 120_000 });
      const lines = (root: ReturnType<Page['getByTestId']>) => root.getByTestId('safety-changes').locator('h3, li').allTextContents();
      const seen = await lines(changes);
      expect(seen).toEqual([
        'Supprimés : 1',
        join(w.docs, 'Patients', 'Martin.txt'),
        'Modifiés : 1',
        join(w.docs, 'Patients', 'Dupont.txt'),
        'Ajoutés : 1',
        join(w.docs, 'Nettoyage.txt'),
      ]);
      expect(await lines(session)).toEqual(seen);

      await changes.getByText(S.undoHint).waitFor();
      await changes.getByRole('button', { name: S.undo }).click();
      const undo = changes.getByTestId('safety-undo');
      await undo.getByText('2 éléments remis comme avant l’intervention.').waitFor({ timeout: 120_000 });
      await undo.getByText('1 version actuelle gardée à côté, sous un nom daté.').waitFor();
      expect(await readFile(join(w.docs, 'Patients', 'Dupont.txt'), 'utf8')).toBe('Tension 12/8, revoir dans 3 mois.\n');
      expect(await readFile(join(w.docs, 'Patients', 'Martin.txt'), 'utf8')).toBe('Allergie à la pénicilline.\n');
      const kept = (await readdir(join(w.docs, 'Patients'))).filter((n) =>
        /^Dupont \(avant restauration \d{4}-\d{2}-\d{2} \d{2}h\d{2}\)\.txt$/.test(n),
      );
      expect(kept).toHaveLength(1);
      expect(await readFile(join(w.docs, 'Patients', kept[0]!), 'utf8')).toBe('Tension 15/9 — modifié pendant l’intervention.\n');
      expect(await readFile(join(w.docs, 'Nettoyage.txt'), 'utf8')).toBe('Fichier laissé par le technicien.\n');
      // The console follows: the practice undid the changes.
      await safetyPanel(w).getByTestId('safety-undo').getByText('Le cabinet a annulé les changements de l’intervention.').waitFor();

      const actions = (await w.hub.services.audit.list(0, 5000))
        .filter((a) => a.action.startsWith('safety.'))
        .map((a) => [a.action, a.subject]);
      expect(actions).toEqual([
        ['safety.snapshot', w.requestId],
        ['safety.changes', w.requestId],
        ['safety.undo', w.requestId],
      ]);
      expect((await w.hub.admin.verifyAudit()).ok).toBe(true);
    },
  );

  shortWait(
    'a slow safety backup lets control start, said on both sides until it is done; a failed one lets the practitioner decide',
    async ({ w }) => {
      let dialog = await askControl(w);
      w.held.arm();
      await dialog.getByRole('button', { name: 'Autoriser' }).click();
      // restic is held: control starts anyway, and both sides say the safety backup runs.
      await banner(w).getByText('Julie Martin contrôle votre ordinateur').waitFor();
      await banner(w).getByTestId('banner-safety').getByText(S.running).waitFor();
      await safetyPanel(w).getByTestId('safety-snapshot').getByText('Sauvegarde de sécurité en cours (avant la prise en main)…').waitFor();
      await w.held.release();
      await safetyPanel(w)
        .getByTestId('safety-snapshot')
        .getByText(/^Sauvegarde de sécurité faite à /)
        .waitFor({ timeout: 120_000 });
      await banner(w).getByTestId('banner-safety').waitFor({ state: 'detached' });

      // Control handed back, asked again with the backups' disk gone: the safety backup fails.
      await screenPanel(w).getByRole('button', { name: 'Rendre la main' }).click();
      await rename(w.repoPath, w.repoPath + '-débranché');
      try {
        dialog = await askControl(w, false);
        await dialog.getByRole('button', { name: 'Autoriser' }).click();
        const why = dialog.getByTestId('consent-safety');
        await why.getByText(S.failed, { exact: false }).waitFor();
        await why.getByText('Aucune sauvegarde n’a été trouvée à l’emplacement prévu.', { exact: false }).waitFor();
        await why.getByText(S.decide).waitFor();
        // The technician is told, and that the practice decides; control has not started.
        await safetyPanel(w)
          .getByTestId('safety-snapshot')
          .getByText(
            'La sauvegarde de sécurité a échoué (avant la prise en main) : Aucune sauvegarde n’a été trouvée à l’emplacement prévu.',
          )
          .waitFor();
        await safetyPanel(w).getByText('Le cabinet décide s’il vous laisse la main sans sauvegarde de sécurité.').waitFor();
        expect(w.host.screen!.service!.state().phase).toBe('control-pending');
        // The practitioner lets it go on without it.
        await dialog.getByRole('button', { name: S.allowWithout }).click();
        await banner(w).getByText('Julie Martin contrôle votre ordinateur').waitFor();
        await banner(w).getByTestId('banner-safety').getByText(S.bannerFailed).waitFor();
        await banner(w).getByRole('button', { name: S.bannerKeepGoing }).click();
        await banner(w).getByTestId('banner-safety').waitFor({ state: 'detached' });
      } finally {
        await rename(w.repoPath + '-débranché', w.repoPath);
      }
      const rows = (await w.hub.services.audit.list(0, 5000)).filter((a) => a.action === 'safety.snapshot').map((a) => a.data.state);
      expect(rows).toEqual(['done', 'failed']);
    },
  );
});
