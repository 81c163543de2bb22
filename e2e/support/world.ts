/**
 * The one e2e world: a real hub on loopback (with the built console), the browser host (the same
 * renderer build and services as the Electron app), headless Chromium with a practitioner page and
 * a technician page — as vitest fixtures (`test.extend`): a spec asks for what it uses (`hub`,
 * `host`, `app`, `console`…) and only that is built, torn down in reverse after the test (or after
 * the file, `scope: 'file'`, for specs whose tests continue one story).
 *
 * Every browser context is traced (Playwright tracing: screenshots and DOM snapshots); when a test
 * fails, its part of the trace and a screenshot of each page are kept in
 * `test-results/e2e/<spec>/<test>-<page>.zip|png` (gitignored; open a trace with
 * `npx playwright-core show-trace <file>`). A test that passes keeps nothing.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { test as base, type TestContext } from 'vitest';
import { startHost, type Host, type HostOptions } from '../../main/host/server.js';
import { tempDir } from '../../main/services/test-support/fixture.js';
import { createHub, type CreateHubOptions, type Hub } from '../../server/src/app.js';
import { freePort } from '../../server/src/store/free-port.js';
import { REPO, RENDERER_DIR, ensureRendererBuilt } from '../practitioner/harness.js';
import { launchBrowser } from './browser.js';
import { CONSOLE_DIST, ensureConsoleBuilt, signInToConsole } from './console.js';

export const PASSWORD = 'cheval agrafe pile correcte';
export const RESULTS = join(REPO, 'test-results', 'e2e');

export interface WorldOptions {
  /** The practice created on the hub (default « Cabinet des Lilas »). */
  practice?: string;
  /** The technician account (default julie / Julie Martin / technician). */
  technician?: { login?: string; displayName?: string; role?: 'technician' | 'supervisor' | 'admin' };
  /** More hub options (a clock, limits…). */
  hub?: Partial<CreateHubOptions>;
  /** The host enrolls with the practice's code at start (default false: the spec enrolls through the UI). */
  enroll?: boolean | { deviceName?: string };
  /**
   * More browser-host options (capabilities, a notifier…). `appDir` is the practice machine's
   * temporary root: the host's data folder is `<appDir>/app`, a spec's own folders (a home, its
   * documents) go beside it.
   */
  host?: (dirs: { appDir: string }) => Partial<HostOptions>;
  /**
   * Setup the practice machine needs before the host starts (its documents, another device already
   * waiting, the hub's settings…): run once the hub is up and `appDir` exists, just before `startHost`.
   */
  beforeHost?: (ctx: { world: WorldHub; appDir: string }) => Promise<void> | void;
  /** Chromium flags (fake media devices…). */
  browserArgs?: string[];
  appViewport?: { width: number; height: number };
  consoleViewport?: { width: number; height: number };
  /** More options for every browser context of the world (a locale, downloads…). */
  contextOptions?: Omit<BrowserContextOptions, 'viewport'>;
  /** 'test' (default): a fresh world per test; 'file': one world for the whole spec file. */
  scope?: 'test' | 'file';
}

export interface WorldHub {
  hub: Hub;
  /** The hub's data folder and port: a restart on the same data and port finds everything again. */
  dataDir: string;
  port: number;
  practice: { id: string; name: string; enrollmentCode: string };
  technician: { id: string; login: string; displayName: string; password: string; totpSecret: string };
  /** Stops the hub (if running) and starts it again on the same data folder and port. */
  restart(): Promise<Hub>;
}

interface Fixtures {
  world: WorldHub;
  hub: Hub;
  /** The practice machine's temporary root (the host's data folder is `<appDir>/app`). */
  appDir: string;
  host: Host;
  browser: Browser;
  /** The practitioner's page, not yet opened (`app.goto(host.url)`). */
  app: Page;
  /** The technician's page, not signed in (`signIn()` does it). */
  console: Page;
  /** Signs the world's technician in to the console page; lands on the queue. */
  signIn: () => Promise<void>;
  /** Another traced page in its own browser context (a second technician, another console…). */
  newPage: (label: string, viewport?: { width: number; height: number }) => Promise<Page>;
}

/** Browser contexts of this spec file, with whether a trace chunk is open for the running test. */
const traced: Array<{ context: BrowserContext; label: string; chunk: boolean }> = [];

async function tracedPage(
  browser: Browser,
  label: string,
  viewport: { width: number; height: number },
  options: Omit<BrowserContextOptions, 'viewport'> = {},
): Promise<Page> {
  const context = await browser.newContext({ ...options, viewport });
  await context.tracing.start({ screenshots: true, snapshots: true, title: label });
  await context.tracing.startChunk();
  const entry = { context, label, chunk: true };
  traced.push(entry);
  // A context the test closes takes its trace with it.
  context.on('close', () => traced.splice(traced.indexOf(entry), 1));
  return context.newPage();
}

const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80) || 'test';

/** After each test: its trace chunk and page screenshots kept when it failed, dropped when it passed. */
async function keepOnFailure(task: TestContext['task']): Promise<void> {
  const failed = task.result?.state === 'fail';
  const dir = join(RESULTS, basename(task.file.name).replace(/\.spec\.ts$/, ''));
  if (failed) mkdirSync(dir, { recursive: true });
  for (const t of traced) {
    if (!t.chunk) continue;
    t.chunk = false;
    const stem = join(dir, `${slug(task.name)}-${t.label}`);
    if (!failed) {
      await t.context.tracing.stopChunk().catch(() => undefined);
      continue;
    }
    for (const [i, page] of t.context.pages().entries())
      await page.screenshot({ path: `${stem}${i ? `-${i}` : ''}.png`, fullPage: true }).catch(() => undefined);
    await t.context.tracing.stopChunk({ path: `${stem}.zip` }).catch(() => undefined);
  }
}

/**
 * The fixtures of one world, for `options`. Usage:
 *   const test = worldTest({ practice: 'Maison de santé des Lilas' });
 *   test('…', async ({ host, app, console, signIn }) => { … });
 */
export function worldTest(options: WorldOptions = {}) {
  const scope = options.scope ?? 'test';
  return base.extend<Fixtures & { trace: void }>({
    world: [
      // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none
      async ({}, use) => {
        ensureConsoleBuilt();
        // The data folder inside the temporary one: the hub key and the audit checkpoints sit beside it, removed with it.
        const dir = await tempDir('world-hub');
        const dataDir = join(dir.path, 'data');
        const port = await freePort();
        const start = () =>
          createHub({ dataDir, port, host: '127.0.0.1', logLevel: 'silent', consoleDir: CONSOLE_DIST, env: {}, ...options.hub });
        let hub = await start();
        const practice = await hub.admin.createPractice({ name: options.practice ?? 'Cabinet des Lilas' });
        const who = { login: 'julie', displayName: 'Julie Martin', role: 'technician' as const, ...options.technician };
        const t = await hub.admin.addTechnician({ login: who.login, displayName: who.displayName, password: PASSWORD, role: who.role });
        const world: WorldHub = {
          get hub() {
            return hub;
          },
          dataDir,
          port,
          practice: { id: practice.id, name: practice.name, enrollmentCode: practice.enrollmentCode },
          technician: { id: t.id, login: t.login, displayName: who.displayName, password: PASSWORD, totpSecret: t.totpSecret },
          async restart() {
            await hub.close(); // idempotent: a hub the test already stopped stays stopped
            hub = await start();
            return hub;
          },
        };
        await use(world);
        await hub.close().catch(() => undefined);
        await dir.remove();
      },
      { scope },
    ],
    hub: [async ({ world }, use) => use(world.hub), { scope }],
    appDir: [
      // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none
      async ({}, use) => {
        const dir = await tempDir('world-app');
        await use(dir.path);
        await dir.remove();
      },
      { scope },
    ],
    host: [
      async ({ world, appDir }, use) => {
        ensureRendererBuilt();
        await options.beforeHost?.({ world, appDir });
        const enroll = options.enroll
          ? {
              enrollCode: world.practice.enrollmentCode,
              deviceName: (typeof options.enroll === 'object' && options.enroll.deviceName) || 'Accueil',
            }
          : {};
        // The host's own logger: its rotating log files in the data folder, nothing on stderr.
        const host = await startHost({
          hubUrl: world.hub.url,
          dataDir: join(appDir, 'app'),
          rendererDir: RENDERER_DIR,
          logLevel: 'info',
          logToStderr: false,
          hub: { ackTimeoutMs: 5000, connectTimeoutMs: 5000 },
          ...enroll,
          ...options.host?.({ appDir }),
        });
        await use(host);
        await host.close().catch(() => undefined);
      },
      { scope },
    ],
    browser: [
      // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none
      async ({}, use) => {
        const browser = await launchBrowser(options.browserArgs ?? []);
        await use(browser);
        traced.splice(0);
        await browser.close().catch(() => undefined);
      },
      { scope },
    ],
    app: [
      async ({ browser }, use) =>
        use(await tracedPage(browser, 'app', options.appViewport ?? { width: 420, height: 760 }, options.contextOptions)),
      { scope },
    ],
    console: [
      async ({ browser }, use) =>
        use(await tracedPage(browser, 'console', options.consoleViewport ?? { width: 1280, height: 900 }, options.contextOptions)),
      { scope },
    ],
    newPage: [
      async ({ browser }, use) =>
        use((label, viewport) =>
          tracedPage(browser, label, viewport ?? options.consoleViewport ?? { width: 1280, height: 900 }, options.contextOptions),
        ),
      { scope },
    ],
    signIn: [async ({ world, console: page }, use) => use(() => signInToConsole(page, world.hub.url, world.technician)), { scope }],
    // Per test, always: a fresh trace chunk in every traced context; kept only if the test fails.
    trace: [
      async ({ task }, use) => {
        for (const t of traced) {
          if (t.chunk) continue;
          await t.context.tracing.startChunk();
          t.chunk = true;
        }
        await use();
        await keepOnFailure(task);
      },
      { auto: true },
    ],
  });
}

/**
 * The practitioner asks for help from the app page (opened on the host), the world's technician
 * signs in and accepts it: the request's workspace is open in the console.
 */
export async function helpAccepted(
  w: { app: Page; console: Page; host: Host; signIn: () => Promise<void> },
  practice: string,
): Promise<void> {
  await w.app.goto(w.host.url);
  await w.app.getByRole('button', { name: 'Demander de l’aide' }).click();
  await w.app.getByRole('heading', { name: 'Demande envoyée' }).waitFor();
  await w.signIn();
  await w.console.locator('li.queue-card').filter({ hasText: practice }).getByRole('button', { name: 'Accepter' }).click();
  await w.console.getByRole('heading', { name: `Demande — ${practice}` }).waitFor();
}
