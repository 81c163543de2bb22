/**
 * The request workspace on a 1440×900 screen, in Debian Chromium against a real hub: the
 * conversation (log, composer, send) is in view without scrolling, and stays in view while the
 * rest of the page scrolls; the device's facts are said once (no second « contexte » block). A
 * screenshot of the page is written for people to look at (VIGIE_SCREENSHOTS, else the temp folder).
 */
import { describe, expect } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { err, type HelpRequest, type Result } from '@vigie/common';
import { connectDevice, emitAck, enrollDevice, type Socket } from '../../server/src/test-support/sockets.js';
import { SCREENSHOTS } from '../support/browser.js';
import { worldTest } from '../support/world.js';
import { until } from '../practitioner/harness.js';

const VIEWPORT = { width: 1440, height: 900 };
// One story: the tests continue on the same hub, device and signed-in console page.
const test = worldTest({
  scope: 'file',
  practice: 'Cabinet du Parc',
  technician: { login: 'alice', displayName: 'Alice Martin' },
  consoleViewport: VIEWPORT,
  contextOptions: { locale: 'fr-FR' },
});

function data<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`hub answered ${r.error.code}: ${r.error.message}`);
  return r.data;
}

/** The element lies entirely inside the viewport as it is now (nothing to scroll to see it). */
async function inView(page: Page, l: Locator): Promise<boolean> {
  const box = await l.boundingBox();
  const vp = page.viewportSize()!;
  return !!box && box.y >= 0 && box.x >= 0 && box.y + box.height <= vp.height && box.x + box.width <= vp.width;
}

let page: Page;
let device: Socket;
let request: HelpRequest;

test.beforeAll(async ({ hub, world, console, signIn }) => {
  const practice = world.practice;
  const { token } = await enrollDevice(hub.url, practice.enrollmentCode, {
    name: 'Poste accueil',
    os: 'linux',
    osVersion: 'Debian 12.8',
    appVersion: '0.1.0',
  });
  device = await connectDevice(hub.url, token);
  // This device has no backups to show: it says so at once (the console shows what it last reported).
  device.on('backup:relay', (_call: unknown, ack: (r: unknown) => void) =>
    ack(err('UNAVAILABLE', 'Les sauvegardes ne sont pas disponibles sur cet ordinateur.')),
  );
  data(await emitAck(device, 'device:hello', {}));
  const now = new Date().toISOString();
  request = data(
    await emitAck<{ request: HelpRequest }>(device, 'help:create', {
      clientId: randomUUID(),
      topic: 'files',
      description: 'Le dossier « Comptabilité 2025 » a disparu du bureau ce matin, après la mise à jour.',
      context: {
        os: 'linux',
        osVersion: 'Debian 12.8',
        appVersion: '0.1.0',
        hostname: 'accueil-01',
        uptimeSeconds: 7_260,
        health: { score: 85, worst: 'warning', counts: { ok: 12, warning: 2, critical: 0, unknown: 1 }, at: now },
        backup: { headline: 'ok', lastSuccessAt: now, lastRunAt: now, nextRunAt: null, sizeBytes: 4_200_000_000, filesChangedLastRun: 12 },
      },
    }),
  ).request;
  // A long conversation: 30 lines from the practice.
  for (let i = 1; i <= 30; i++)
    data(
      await emitAck(device, 'chat:send', {
        requestId: request.id,
        id: randomUUID(),
        text: `Message ${i} du cabinet : toujours rien dans la corbeille.`,
        sentAt: new Date().toISOString(),
      }),
    );
  page = console;
  await signIn();
});

test.afterAll(() => {
  device?.close();
});

describe('request workspace at 1440×900', () => {
  test('shows the whole conversation column without scrolling, and keeps it in view while the page scrolls', async () => {
    await page.locator(`li.queue-card[data-request-id="${request.id}"]`).getByRole('button', { name: 'Accepter' }).click();
    await page.getByRole('heading', { name: 'Demande — Cabinet du Parc' }).waitFor();
    const log = page.getByRole('log');
    await log.getByText('Message 30 du cabinet : toujours rien dans la corbeille.').waitFor();
    const composer = page.getByLabel('Votre message');
    const send = page.getByRole('button', { name: 'Envoyer' });
    expect(await page.evaluate<number>('window.scrollY')).toBe(0);
    for (const l of [log, composer, send, page.getByRole('heading', { name: 'Conversation' })]) expect(await inView(page, l)).toBe(true);
    // The newest message is in view in the log, and the log is tall enough to read a conversation.
    expect(await inView(page, log.getByText('Message 30 du cabinet : toujours rien dans la corbeille.'))).toBe(true);
    expect((await log.boundingBox())!.height).toBeGreaterThan(400);

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.getByTestId('backup-section').getByText('Cette fonction n’est pas disponible sur cet ordinateur.').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'workspace-1440x900.png') });

    // Down to the backups: the conversation is still there, composer included.
    await page.getByTestId('backup-section').scrollIntoViewIfNeeded();
    expect(await page.evaluate<number>('window.scrollY')).toBeGreaterThan(0);
    for (const l of [log, composer, send]) expect(await inView(page, l)).toBe(true);
    await page.evaluate('window.scrollTo(0, 0)');
  });

  test('says each fact once: the request, the device, one security and one backup summary leading to their sections', async () => {
    const ctx = page.getByTestId('context');
    expect(await page.getByTestId('context').count()).toBe(1);
    expect(await page.getByTestId('device-info').count()).toBe(1);
    expect(await page.getByText('Contexte au moment de la demande').count()).toBe(0);
    await ctx.getByText('Fichiers perdus').waitFor();
    await ctx.getByText('Linux Debian 12.8').waitFor();
    await ctx.getByText('accueil-01').waitFor();
    await ctx.getByText('Score 85/100').waitFor();
    await ctx.getByText('À jour', { exact: true }).waitFor();
    // Each once in the page (the sections below hold the detail; the sidebar lists my requests apart).
    for (const text of ['Linux Debian 12.8', 'accueil-01', 'Fichiers perdus'])
      expect(await page.locator('main').getByText(text, { exact: true }).count(), text).toBe(1);
    // The security pill leads to the security section.
    await ctx.getByRole('button', { name: 'Voir le détail de la sécurité' }).click();
    await until(
      () =>
        page.evaluate<boolean>(
          `(() => { const r = document.getElementById('device-health')?.getBoundingClientRect(); return !!r && r.top >= 0 && r.top < window.innerHeight / 2; })()`,
        ),
      'the security section scrolled into view',
    );
    await page.evaluate('window.scrollTo(0, 0)');
  });

  test('in English too', async () => {
    await page.getByLabel('Langue').selectOption('en');
    await page.getByRole('heading', { name: 'Request — Cabinet du Parc' }).waitFor();
    const ctx = page.getByTestId('context');
    await ctx.getByText('Lost files').waitFor();
    await ctx.getByText('Up for').waitFor();
    await ctx.getByText('Up to date', { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Conversation' }).waitFor();
    expect(await inView(page, page.getByRole('button', { name: 'Send' }))).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'workspace-1440x900-en.png') });
    await page.getByLabel('Language').selectOption('fr');
  });
});
