/**
 * Intervention receipts end to end, in Debian Chromium: a real hub, the browser host (the real
 * renderer and app services) and the console.
 * - the technician's photo (set with `user photo`) is on the practitioner's consent window;
 * - once the request is resolved, the technician downloads the receipt from the console (PDF and
 *   JSON), and the practitioner opens it from « Mes interventions » (saved in the receipts folder,
 *   handed to the system's viewer); both PDFs parse, carry the signed JSON and pass `receipt verify`.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { InterventionReceipt, RECEIPT_ATTACHMENT } from '@vigie/common';
import type { Hub } from '../../server/src/app.js';
import { runHubCli } from '../../server/src/test-support/fixture.js';
import type { Host } from '../../main/host/server.js';
import { createLogger } from '../../main/services/lib/logger.js';
import { PASSWORD, helpAccepted, worldTest } from '../support/world.js';
import { until } from '../practitioner/harness.js';
import { RecordingInjector } from '../screen/harness.js';
import { RecordingShell } from '../backup/harness.js';
import { pngPhoto } from '../../server/src/receipts/test-support/index.js';

const photo = () => pngPhoto(96, [200, 120, 40]);

const PRACTICE = 'Cabinet des Tilleuls';
const NOTE = 'Imprimante réinstallée, pilote « Brother » à jour.';

async function pdfFacts(pdf: Buffer): Promise<{ text: string; json: string }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    text += content.items.map((it) => ('str' in it ? `${it.str}${it.hasEOL ? ' ' : ''}` : '')).join('');
  }
  const attachments = (await doc.getAttachments()) as Record<string, { content: Uint8Array }>;
  await doc.destroy();
  return { text: text.replace(/\s+/g, ' '), json: Buffer.from(attachments[RECEIPT_ATTACHMENT]!.content).toString('utf8') };
}

/** `npm run hub:cli -- …` on the hub's data folder (as the administrator would, the hub running). */
const cli = (dataDir: string, ...args: string[]) => runHubCli(dataDir, args, { password: PASSWORD });

const shell = new RecordingShell();

// One story: the request is taken, the screen share refused, then resolved and its receipt fetched on both sides.
const test = worldTest({
  scope: 'file',
  practice: PRACTICE,
  hub: { screen: { providerName: 'InfoSanté Services' } },
  enroll: { deviceName: 'Poste accueil' },
  appViewport: { width: 1100, height: 900 },
  consoleViewport: { width: 1280, height: 1000 },
  contextOptions: { acceptDownloads: true },
  // Before the host starts: the technician's photo, set by the administrator's CLI.
  beforeHost: async ({ world }) => {
    const photoFile = join(dirname(world.dataDir), 'julie.png');
    await writeFile(photoFile, photo());
    expect((await cli(world.dataDir, 'user', 'photo', 'julie', photoFile)).rc).toBe(0);
  },
  host: () => ({
    logger: createLogger({ level: 'silent' }),
    health: false,
    backup: false,
    tripwire: false,
    screen: { injector: new RecordingInjector(), displays: { list: async () => [] } },
    interventions: { shell },
  }),
});

describe('intervention receipts in the real UIs', () => {
  let hub: Hub;
  let host: Host;
  let app: Page;
  let con: Page;
  /** The hub's temporary folder (its data folder inside) and the practice machine's data folder. */
  let hubDir: string;
  let hubDataDir: string;
  let appDataDir: string;

  test.beforeAll(async ({ world, host: h, app: a, console, appDir, signIn }) => {
    hub = world.hub;
    host = h;
    app = a;
    con = console;
    hubDataDir = world.dataDir;
    hubDir = dirname(hubDataDir);
    appDataDir = join(appDir, 'app');

    await helpAccepted({ app, console, host, signIn }, PRACTICE);
    await app.getByText('Julie Martin s’occupe de vous').waitFor();
  });

  test('the consent window shows the technician’s photo beside the verified name', async () => {
    await con.getByTestId('screen-panel').getByRole('button', { name: 'Voir l’écran' }).click();
    const dialog = app.getByRole('alertdialog', { name: 'Demande de partage d’écran' });
    await dialog.waitFor();
    const img = dialog.getByRole('img', { name: 'Photo de Julie Martin' });
    await img.waitFor();
    expect(await img.getAttribute('src')).toBe(`data:image/png;base64,${photo().toString('base64')}`);
    expect(await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(96);
    await dialog.getByRole('button', { name: 'Refuser' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  test('the technician resolves, then downloads the receipt from the console; it verifies', async () => {
    const requestId = decodeURIComponent(/#\/requests\/([^/?]+)/.exec(con.url())![1]!);
    await con.getByRole('button', { name: 'Résoudre' }).click();
    await con.getByLabel('Note de résolution (visible par le cabinet)').fill(NOTE);
    await con.getByRole('button', { name: 'Marquer comme résolue' }).click();
    await con.getByRole('heading', { name: 'File d’attente', level: 1 }).waitFor();
    // Back to the closed request (the device's history links to it): its receipt is there.
    await con.goto(`${hub.url}/#/requests/${encodeURIComponent(requestId)}`);
    await con.getByTestId('closed-notice').waitFor();
    const section = con.getByTestId('receipt-download');
    await section.getByRole('heading', { name: 'Reçu d’intervention' }).waitFor();
    const [download] = await Promise.all([
      con.waitForEvent('download'),
      section.getByRole('button', { name: 'Télécharger le reçu (PDF)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^recu-intervention-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}-v1-fr\.pdf$/);
    const file = join(hubDir, 'console-receipt.pdf');
    await download.saveAs(file);
    await section.getByText(`Reçu téléchargé : ${download.suggestedFilename()}`).waitFor();
    const { text, json } = await pdfFacts(await readFile(file));
    expect(text).toContain('Reçu d’intervention');
    expect(text).toContain('Julie Martin');
    expect(text).toContain(NOTE);
    const receipt = InterventionReceipt.parse(JSON.parse(json));
    expect(receipt.consents.map((c) => [c.kind, c.decision])).toEqual([['view', 'refused']]);
    expect(receipt.technician?.photoSha256).toMatch(/^[0-9a-f]{64}$/);
    const v = await cli(hubDataDir, 'receipt', 'verify', file);
    expect(v.err).toBe('');
    expect(v.rc).toBe(0);

    const [jsonDownload] = await Promise.all([
      con.waitForEvent('download'),
      section.getByRole('button', { name: 'Données signées (JSON)' }).click(),
    ]);
    const jsonFile = join(hubDir, 'console-receipt.json');
    await jsonDownload.saveAs(jsonFile);
    expect(await readFile(jsonFile, 'utf8')).toBe(json);
  });

  test('the practitioner opens « Mes interventions » and the receipt: saved in the receipts folder, opened, verified', async () => {
    await app.getByRole('tab', { name: 'Mes interventions' }).click();
    await app.getByRole('heading', { name: 'Mes interventions' }).waitFor();
    const item = app.getByTestId('intervention').first();
    await item.getByText('Intervenant : Julie Martin').waitFor();
    await item.getByText(`Note du technicien : ${NOTE}`).waitFor();
    await item.getByText(/1 accord demandé · pas de prise en main · aucun fichier restauré/).waitFor();
    await item.getByRole('button', { name: 'Ouvrir le reçu (PDF)' }).click();
    const saved = item.getByTestId('receipt-saved');
    await saved.waitFor();
    const folder = join(appDataDir, 'Interventions');
    const names = (await readdir(folder)).sort();
    expect(names).toHaveLength(2);
    const pdfName = names.find((n) => n.endsWith('.pdf'))!;
    expect(names.find((n) => n.endsWith('.json'))).toBeDefined();
    expect(await saved.textContent()).toBe(`Reçu enregistré dans le dossier des reçus : « ${pdfName} ».`);
    expect(shell.opened).toEqual([join(folder, pdfName)]);
    const pdf = await readFile(join(folder, pdfName));
    const { text } = await pdfFacts(pdf);
    expect(text).toContain('Reçu d’intervention');
    expect(text).toContain(PRACTICE);
    expect((await cli(hubDataDir, 'receipt', 'verify', join(folder, pdfName))).rc).toBe(0);

    // Opened again: the same file, nothing written twice.
    await item.getByRole('button', { name: 'Ouvrir le reçu (PDF)' }).click();
    await until(() => shell.opened.length === 2, 'the receipt opened a second time');
    expect((await readdir(folder)).sort()).toEqual(names);
    expect(shell.opened).toEqual([join(folder, pdfName), join(folder, pdfName)]);

    await app.getByRole('button', { name: 'Afficher le dossier des reçus' }).click();
    await app.getByText('Le dossier des reçus est ouvert.').waitFor();
    expect(shell.opened.at(-1)).toBe(folder);

    // In English, the same list.
    await app.getByRole('button', { name: 'English' }).click();
    await app.getByRole('heading', { name: 'My interventions' }).waitFor();
    await app.getByTestId('intervention').first().getByRole('button', { name: 'Open the receipt (PDF)' }).waitFor();
  });
});
