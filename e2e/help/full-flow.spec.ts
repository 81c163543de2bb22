/**
 * The foundation's promise, end to end with both real UIs in Chromium against a real hub:
 * the practitioner (browser host: same renderer build and services as the Electron app) enrolls and
 * asks for help in one click; the technician logs in to the console with a real TOTP code, sees the
 * request arrive, accepts; they chat both ways; the practitioner sees the technician's name; the
 * technician resolves. A second spec stops the hub mid-conversation and starts it again on the same
 * data folder and port: what both typed during the outage arrives exactly once on both sides.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { Host } from '../../main/host/server.js';
import { worldTest, type WorldHub } from '../support/world.js';

const test = worldTest({
  practice: 'Maison de santé des Lilas',
  appViewport: { width: 420, height: 720 },
  consoleViewport: { width: 1280, height: 800 },
});

/** Enrollment through the practitioner UI, then one click on the big button. */
async function practitionerAsksForHelp(app: Page, host: Host, world: WorldHub): Promise<void> {
  await app.goto(host.url);
  await app.getByLabel('Code du cabinet').fill(world.practice.enrollmentCode);
  await app.getByRole('button', { name: 'Relier cet ordinateur' }).click();
  await app.getByRole('heading', { name: 'Besoin d’aide ?' }).waitFor();
  await app.getByRole('button', { name: 'Demander de l’aide' }).click();
  await app.getByRole('heading', { name: 'Demande envoyée' }).waitFor();
}

/** Login with password and the real TOTP code of the moment, then accept the practice's request. */
async function technicianAccepts(console: Page, signIn: () => Promise<void>): Promise<void> {
  await signIn();
  const card = console.locator('li.queue-card').filter({ hasText: 'Maison de santé des Lilas' });
  await card.getByText('Dans les temps').waitFor();
  await card.getByRole('button', { name: 'Accepter' }).click();
  await console.getByRole('heading', { name: 'Demande — Maison de santé des Lilas' }).waitFor();
}

async function say(page: Page, label: string, text: string): Promise<void> {
  const input = page.getByLabel(label);
  await input.fill(text);
  await input.press('Enter');
}

const APP_INPUT = 'Votre message';
const CONSOLE_INPUT = 'Votre message';

test.describe('help request and chat across the practitioner app, the hub and the console', () => {
  test('one click, the technician sees it, accepts, both chat, the name shows, resolve', async ({ world, host, app, console, signIn }) => {
    const w = { app, console, code: world.practice.enrollmentCode };
    await practitionerAsksForHelp(app, host, world);
    await technicianAccepts(console, signIn);

    // The practitioner sees who is helping.
    await w.app.getByText('Julie Martin s’occupe de vous').waitFor();

    // Chat both ways.
    await say(w.app, APP_INPUT, 'Bonjour, l’imprimante ne répond plus.');
    await w.console.getByRole('log').getByText('Bonjour, l’imprimante ne répond plus.').waitFor();
    await say(w.console, CONSOLE_INPUT, 'Bonjour ! Je regarde tout de suite.');
    await w.app.getByRole('log').getByText('Bonjour ! Je regarde tout de suite.').waitFor();

    // The technician reads the device's technical log (redacted at the source); the practitioner is told.
    await w.console.getByRole('button', { name: 'Afficher les dernières lignes' }).click();
    await w.console.getByTestId('device-logs-lines').getByText('browser host ready', { exact: false }).waitFor();
    expect(await w.console.getByTestId('device-logs-lines').textContent()).not.toContain(w.code);
    await w.app.getByRole('log').getByText('Julie Martin a consulté le journal technique de ce poste.').waitFor();

    // Resolve with a note; the practitioner gets the confirmation.
    await w.console.getByRole('button', { name: 'Résoudre' }).click();
    await w.console.getByLabel('Note de résolution (visible par le cabinet)').fill('Imprimante relancée.');
    await w.console.getByRole('button', { name: 'Marquer comme résolue' }).click();
    await w.console.getByRole('heading', { name: 'File d’attente', level: 1 }).waitFor();
    await w.app.getByText('Imprimante relancée.').first().waitFor();

    const audit = await world.hub.admin.verifyAudit();
    expect(audit.ok).toBe(true);
  });

  test('the hub stops mid-conversation and comes back: messages typed meanwhile arrive exactly once on both sides', async ({
    world,
    host,
    app,
    console,
    signIn,
  }) => {
    const w = { app, console };
    await practitionerAsksForHelp(app, host, world);
    await technicianAccepts(console, signIn);
    await say(w.app, APP_INPUT, 'Avant la coupure');
    await w.console.getByRole('log').getByText('Avant la coupure').waitFor();

    await world.hub.close();
    // Both sides see the outage and can still type.
    await w.app.getByText('Connexion perdue — vos messages partiront dès le retour du réseau').waitFor();
    await w.console.getByText('Connexion perdue — reconnexion…').waitFor();
    await say(w.app, APP_INPUT, 'Écrit par le cabinet pendant la coupure');
    await say(w.console, CONSOLE_INPUT, 'Écrit par la technicienne pendant la coupure');

    // Same data folder, same port: the app and the console reconnect by themselves.
    await world.restart();

    for (const page of [w.app, w.console]) {
      const log = page.getByRole('log');
      await log.getByText('Écrit par le cabinet pendant la coupure').waitFor({ timeout: 120_000 });
      await log.getByText('Écrit par la technicienne pendant la coupure').waitFor({ timeout: 120_000 });
    }
    // Exactly once, also after the resync settles: a fresh reload of each page reads the hub's history.
    await w.console.reload();
    await w.console.getByRole('log').getByText('Écrit par la technicienne pendant la coupure').waitFor();
    for (const page of [w.app, w.console]) {
      const log = page.getByRole('log');
      expect(await log.getByText('Écrit par le cabinet pendant la coupure').count()).toBe(1);
      expect(await log.getByText('Écrit par la technicienne pendant la coupure').count()).toBe(1);
      expect(await log.getByText('Avant la coupure').count()).toBe(1);
    }
  });
});
