/**
 * The audit view in the real console against a real hub: only supervisors and admins see it; it
 * filters by practice, technician, act and dates; one intervention is exported as a file; every
 * look is itself in the log. In French and English.
 */
import { describe, expect } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { InterventionExport, type HelpRequest, type Result, type ScreenSession } from '@vigie/common';
import { connectDevice, connectTech, emitAck, enrollDevice, loginTechnician, type Socket } from '../../server/src/test-support/sockets.js';
import { SCREENSHOTS } from '../support/browser.js';
import { signInToConsole } from '../support/console.js';
import { PASSWORD, worldTest } from '../support/world.js';
import { until } from '../practitioner/harness.js';

// One story: the tests continue on the same hub and the supervisor's console page (downloads allowed).
const test = worldTest({
  scope: 'file',
  practice: 'Cabinet du Parc',
  consoleViewport: { width: 1440, height: 900 },
  contextOptions: { locale: 'fr-FR', acceptDownloads: true },
});

function data<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`hub answered ${r.error.code}: ${r.error.message}`);
  return r.data;
}

let sophiePage: Page;
const sockets: Socket[] = [];
let julie: { id: string; login: string; totpSecret: string };
let sophie: { id: string; login: string; totpSecret: string };
let marc: { id: string; login: string; totpSecret: string };
let request: HelpRequest;

test.beforeAll(async ({ world, hub, console }) => {
  const parc = world.practice;
  const lac = await hub.admin.createPractice({ name: 'Cabinet du Lac' });
  julie = world.technician;
  sophie = await hub.admin.addTechnician({ login: 'sophie', displayName: 'Sophie Leroy', password: PASSWORD, role: 'supervisor' });
  const bruno = await hub.admin.addTechnician({ login: 'bruno', displayName: 'Bruno Durand', password: PASSWORD });
  marc = await hub.admin.addTechnician({ login: 'marc', displayName: 'Marc Lefort', password: PASSWORD });

  // Julie's intervention at the Parc: accepted, a screen share refused, a message, resolved.
  const devParc = await connectDevice(hub.url, (await enrollDevice(hub.url, parc.enrollmentCode, { name: 'Accueil' })).token);
  const devLac = await connectDevice(hub.url, (await enrollDevice(hub.url, lac.enrollmentCode, { name: 'Poste du Lac' })).token);
  const julieSock = await connectTech(hub.url, await loginTechnician(hub.url, 'julie', PASSWORD, julie.totpSecret));
  const brunoSock = await connectTech(hub.url, await loginTechnician(hub.url, 'bruno', PASSWORD, bruno.totpSecret));
  sockets.push(devParc, devLac, julieSock, brunoSock);
  request = data(
    await emitAck<{ request: HelpRequest }>(devParc, 'help:create', {
      clientId: randomUUID(),
      topic: 'printer',
      context: { os: 'linux', osVersion: 'Debian 12', appVersion: '0.1.0' },
    }),
  ).request;
  data(await emitAck(julieSock, 'help:accept', { requestId: request.id }));
  const session = data(await emitAck<ScreenSession>(julieSock, 'screen:request', { requestId: request.id }));
  data(await emitAck(devParc, 'screen:consent', { sessionId: session.id, phase: 'view', decision: 'refused' }));
  data(
    await emitAck(julieSock, 'chat:send', {
      requestId: request.id,
      id: randomUUID(),
      text: 'L’imprimante est repartie.',
      sentAt: new Date().toISOString(),
    }),
  );
  data(await emitAck(julieSock, 'help:resolve', { requestId: request.id, note: 'Pilote réinstallé.' }));
  // Bruno at the Lac.
  const other = data(
    await emitAck<{ request: HelpRequest }>(devLac, 'help:create', {
      clientId: randomUUID(),
      context: { os: 'windows', osVersion: '11', appVersion: '0.1.0' },
    }),
  ).request;
  data(await emitAck(brunoSock, 'help:accept', { requestId: other.id }));

  sophiePage = console;
});

test.afterAll(() => {
  for (const s of sockets) s.close();
});

describe('audit view', () => {
  test('is not offered to a technician, and says so if they go there', async ({ hub, newPage }) => {
    const page = await newPage('marc');
    await signInToConsole(page, hub.url, { ...marc, password: PASSWORD });
    expect(await page.getByRole('link', { name: 'Journal' }).count()).toBe(0);
    await page.goto(`${hub.url}/#/audit`);
    await page.getByText('Le journal d’audit est réservé aux superviseurs et aux administrateurs.').waitFor();
    await page.context().close();
  });

  test('a supervisor sees every act, newest first, and filters by practice, technician, act and date', async ({ hub }) => {
    const page = sophiePage;
    await signInToConsole(page, hub.url, { ...sophie, password: PASSWORD });
    await page.getByRole('link', { name: 'Journal' }).click();
    await page.getByRole('heading', { name: 'Journal d’audit', level: 1 }).waitFor();
    const table = page.getByTestId('audit-table');
    const rows = table.locator('tbody tr');
    await rows.filter({ hasText: 'Partage d’écran refusé' }).first().waitFor();
    const seqs = await page.evaluate<number[]>(
      `[...document.querySelectorAll('[data-testid="audit-table"] tbody tr')].map((tr) => Number(tr.getAttribute('data-seq')))`,
    );
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'audit-1440x900.png') });

    const filters = page.getByRole('search', { name: 'Filtres' });
    await filters.getByLabel('Cabinet', { exact: true }).selectOption({ label: 'Cabinet du Lac' });
    await filters.getByRole('button', { name: 'Filtrer' }).click();
    await rows.filter({ hasText: 'Demande prise en charge' }).filter({ hasText: 'Bruno Durand' }).waitFor();
    await until(
      () =>
        page.evaluate<boolean>(
          `[...document.querySelectorAll('[data-testid="audit-table"] tbody tr')].every((tr) => tr.children[3].textContent === 'Cabinet du Lac')`,
        ),
      'only the Lac',
    );
    expect(await rows.filter({ hasText: 'Julie Martin' }).count()).toBe(0);

    await filters.getByLabel('Cabinet', { exact: true }).selectOption({ label: 'Tous les cabinets' });
    await filters.getByLabel('Technicien').selectOption({ label: 'Julie Martin' });
    await filters.getByLabel('Acte', { exact: true }).selectOption({ label: 'Partages d’écran' });
    await filters.getByRole('button', { name: 'Filtrer' }).click();
    await rows.filter({ hasText: 'Partage d’écran demandé' }).waitFor();
    await until(() => page.evaluate<boolean>(`document.querySelectorAll('[data-testid="audit-table"] tbody tr').length === 1`), 'one row');

    // Tomorrow onwards: nothing yet.
    // The next calendar day (24 hours on is still today during the first hour of a 25-hour autumn day).
    const today = new Date();
    const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
    const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
    await filters.getByLabel('Du').fill(day);
    await filters.getByRole('button', { name: 'Filtrer' }).click();
    await page.getByText('Aucune entrée ne correspond à ces filtres.').waitFor();
    await filters.getByRole('button', { name: 'Effacer les filtres' }).click();
    await rows.filter({ hasText: 'Demande résolue' }).waitFor();

    // Each look is in the log, with what was looked for.
    const views = (await hub.services.audit.list(0, 100_000)).filter((e) => e.action === 'audit.view' && e.actorId === sophie.id);
    expect(views.map((v) => v.data)).toEqual(
      expect.arrayContaining([{ practiceId: expect.any(String) }, { technicianId: julie.id, act: 'screen' }]),
    );
  });

  test('exports one intervention as a file: the request, its conversation, its chain entries', async ({ hub, appDir }) => {
    const page = sophiePage;
    const row = page.getByTestId('audit-table').locator('tbody tr').filter({ hasText: 'Demande résolue' }).first();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('button', { name: /Exporter l’intervention/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`intervention-${request.id}.json`);
    const file = join(appDir, 'export.json');
    await download.saveAs(file);
    const x = InterventionExport.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(x.request).toMatchObject({ id: request.id, status: 'resolved', resolutionNote: 'Pilote réinstallé.' });
    expect(x.messages.map((m) => m.text)).toContain('L’imprimante est repartie.');
    expect(x.audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['help.create', 'help.accept', 'screen.request', 'screen.consent.refused', 'help.resolve']),
    );
    await page.getByText(`Intervention exportée : intervention-${request.id}.json`).waitFor();
    expect(
      (await hub.services.audit.list(0, 100_000)).some(
        (e) => e.action === 'audit.export' && e.actorId === sophie.id && e.subject === request.id,
      ),
    ).toBe(true);
  });

  test('in English too', async () => {
    const page = sophiePage;
    await page.getByLabel('Langue').selectOption('en');
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const filters = page.getByRole('search', { name: 'Filters' });
    await filters.getByLabel('Act', { exact: true }).selectOption({ label: 'Remote control' });
    await filters.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText('No entry matches these filters.').waitFor();
    await filters.getByRole('button', { name: 'Clear the filters' }).click();
    await page.getByTestId('audit-table').locator('tbody tr').filter({ hasText: 'Request resolved' }).first().waitFor();
    await page.getByLabel('Language').selectOption('fr');
  });
});
