/**
 * The foundation's promise, end to end with both real UIs in Chromium against a real hub:
 * the practitioner (browser host: same renderer build and services as the Electron app) enrolls and
 * asks for help in one click; the technician logs in to the console with a real TOTP code, sees the
 * request arrive, accepts; they chat both ways; the practitioner sees the technician's name; the
 * technician resolves. A second spec stops the hub mid-conversation and starts it again on the same
 * data folder and port: what both typed during the outage arrives exactly once on both sides.
 */
import { createServer } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Hub } from '../../server/src/app.js';
import { startHost, type Host } from '../../main/host/server.js';
import { launchBrowser } from '../support/browser.js';
import { signInToConsole } from '../support/console.js';
import { ensureConsoleBuilt, CONSOLE_DIST } from '../console/harness.js';
import { RENDERER_DIR, ensureRendererBuilt, tempDir } from '../practitioner/harness.js';
import { createHub } from '../../server/src/app.js';

const PASSWORD = 'cheval agrafe pile correcte';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface World {
  hub: Hub;
  host: Host;
  browser: Browser;
  app: Page;
  console: Page;
  dirs: Array<{ remove: () => Promise<void> }>;
  hubDir: string;
  port: number;
  code: string;
  tech: { login: string; totpSecret: string };
}

const startTheHub = (dataDir: string, port: number) =>
  createHub({ dataDir, port, host: '127.0.0.1', logLevel: 'silent', consoleDir: CONSOLE_DIST, env: {} });

async function setUp(): Promise<World> {
  const hubDir = await tempDir('flow-hub');
  const appDir = await tempDir('flow-app');
  const port = await freePort();
  const hub = await startTheHub(hubDir.path, port);
  const practice = await hub.admin.createPractice({ name: 'Maison de santé des Lilas' });
  const t = await hub.admin.addTechnician({ login: 'julie', displayName: 'Julie Martin', password: PASSWORD });
  const host = await startHost({
    hubUrl: hub.url,
    dataDir: appDir.path,
    rendererDir: RENDERER_DIR,
    // The host's own logger: its rotating log files in the data folder, nothing on stderr.
    logLevel: 'info',
    logToStderr: false,
    hub: { ackTimeoutMs: 5000, connectTimeoutMs: 5000 },
  });
  const browser = await launchBrowser();
  const app = await (await browser.newContext({ viewport: { width: 420, height: 720 } })).newPage();
  const consolePage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  return {
    hub,
    host,
    browser,
    app,
    console: consolePage,
    dirs: [hubDir, appDir],
    hubDir: hubDir.path,
    port,
    code: practice.enrollmentCode,
    tech: { login: t.login, totpSecret: t.totpSecret },
  };
}

async function tearDown(w: World | undefined): Promise<void> {
  if (!w) return;
  await w.browser.close().catch(() => undefined);
  await w.host.close().catch(() => undefined);
  await w.hub.close().catch(() => undefined);
  for (const d of w.dirs) await d.remove();
}

/** Enrollment through the practitioner UI, then one click on the big button. */
async function practitionerAsksForHelp(w: World): Promise<void> {
  await w.app.goto(w.host.url);
  await w.app.getByLabel('Code du cabinet').fill(w.code);
  await w.app.getByRole('button', { name: 'Relier cet ordinateur' }).click();
  await w.app.getByRole('heading', { name: 'Besoin d’aide ?' }).waitFor();
  await w.app.getByRole('button', { name: 'Demander de l’aide' }).click();
  await w.app.getByRole('heading', { name: 'Demande envoyée' }).waitFor();
}

/** Login with password and the real TOTP code of the moment, then accept the practice's request. */
async function technicianAccepts(w: World): Promise<void> {
  await signInToConsole(w.console, w.hub.url, { ...w.tech, password: PASSWORD });
  const card = w.console.locator('li.queue-card').filter({ hasText: 'Maison de santé des Lilas' });
  await card.getByText('Dans les temps').waitFor();
  await card.getByRole('button', { name: 'Accepter' }).click();
  await w.console.getByRole('heading', { name: 'Demande — Maison de santé des Lilas' }).waitFor();
}

async function say(page: Page, label: string, text: string): Promise<void> {
  const input = page.getByLabel(label);
  await input.fill(text);
  await input.press('Enter');
}

const APP_INPUT = 'Votre message';
const CONSOLE_INPUT = 'Votre message';

describe('help request and chat across the practitioner app, the hub and the console', () => {
  let w: World | undefined;
  beforeAll(() => {
    ensureRendererBuilt();
    ensureConsoleBuilt();
  });
  afterEach(async () => {
    await tearDown(w);
    w = undefined;
  });

  it('one click, the technician sees it, accepts, both chat, the name shows, resolve', async () => {
    w = await setUp();
    await practitionerAsksForHelp(w);
    await technicianAccepts(w);

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

    const audit = await w.hub.admin.verifyAudit();
    expect(audit.ok).toBe(true);
  });

  it('the hub stops mid-conversation and comes back: messages typed meanwhile arrive exactly once on both sides', async () => {
    w = await setUp();
    await practitionerAsksForHelp(w);
    await technicianAccepts(w);
    await say(w.app, APP_INPUT, 'Avant la coupure');
    await w.console.getByRole('log').getByText('Avant la coupure').waitFor();

    await w.hub.close();
    // Both sides see the outage and can still type.
    await w.app.getByText('Connexion perdue — vos messages partiront dès le retour du réseau').waitFor();
    await w.console.getByText('Connexion perdue — reconnexion…').waitFor();
    await say(w.app, APP_INPUT, 'Écrit par le cabinet pendant la coupure');
    await say(w.console, CONSOLE_INPUT, 'Écrit par la technicienne pendant la coupure');

    // Same data folder, same port: the app and the console reconnect by themselves.
    w.hub = await startTheHub(w.hubDir, w.port);

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
