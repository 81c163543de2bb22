/**
 * The one e2e world: a real hub on loopback (with the built console), the browser host (the same
 * renderer build and services as the Electron app), headless Chromium with a practitioner page and
 * a technician page — as vitest fixtures (`test.extend`): a spec asks for what it uses (`hub`,
 * `host`, `app`, `console`…) and only that is built, torn down in reverse after the test (or after
 * the file, `scope: 'file'`, for specs whose tests continue one story).
 *
 * The practitioner's page may have a Chromium of its own (`practitionerBrowser`): other flags, or
 * headed in a window on a private Xvfb screen (the real screen capture of the practice machine, the
 * real nut-js input there); a world may have a throwaway coturn on loopback that its hub relays
 * the remote screen through (`turn`).
 *
 * Every browser context of every browser is traced (Playwright tracing: screenshots and DOM
 * snapshots); when a test fails, its part of the trace and a screenshot of each page are kept in
 * `test-results/e2e/<spec>/<test>-<page>.zip|png` (gitignored; open a trace with
 * `npx playwright-core show-trace <file>`). A test that passes keeps nothing.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { test as base, type TestContext } from 'vitest';
import { startHost, type Host, type HostOptions } from '../../main/host/server.js';
import { startXvfb, type XvfbStart } from '../../main/platform/node/input-xvfb.js';
import { tempDir } from '../../main/services/test-support/fixture.js';
import { createHub, type CreateHubOptions, type Hub } from '../../server/src/app.js';
import type { ScreenSettingsInput } from '../../server/src/screen/config.js';
import { freePort } from '../../server/src/store/free-port.js';
import { startTurnServer, type TurnServer } from '../../server/src/store/turn-server.js';
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
  /**
   * The practitioner's page in a Chromium of its own (default: the world's one browser, which the
   * console pages share). `args`: its flags (instead of `browserArgs`); `window`: headed, a window at
   * that place and size on the world's Xvfb screen (see `xvfb`).
   */
  practitionerBrowser?: { args?: string[]; window?: Rect };
  /**
   * The size of the world's private Xvfb screen (default 1280×720), started before anything else
   * when the practitioner's browser is headed (or a spec asks for `xvfb`): this process's DISPLAY
   * is set to it, so the host's nut-js injects there. A machine where Xvfb cannot start skips the
   * test, saying why.
   */
  xvfb?: { width: number; height: number };
  /**
   * A throwaway coturn on loopback (server/src/store/turn-server.ts), started before the hub: the
   * hub's `screen.turn` has its URLs and secret, with these settings (lifetime, relay only).
   */
  turn?: Omit<NonNullable<ScreenSettingsInput['turn']>, 'urls' | 'secret'>;
  /** The practitioner's viewport (default 420×760); null: the window's own size (the default of a headed window). */
  appViewport?: { width: number; height: number } | null;
  consoleViewport?: { width: number; height: number };
  /** More options for every browser context of the world (a locale, downloads…). */
  contextOptions?: Omit<BrowserContextOptions, 'viewport'>;
  /** Scripts every page of the world runs before its own (a probe of the page's objects…). */
  initScripts?: string[];
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

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The world's Xvfb screen, once it is up. */
export type Xvfb = Extract<XvfbStart, { ok: true }> & { width: number; height: number };

interface Fixtures {
  world: WorldHub;
  hub: Hub;
  /** The world's throwaway coturn (only with the `turn` option). */
  turn: TurnServer;
  /** The practice machine's temporary root (the host's data folder is `<appDir>/app`). */
  appDir: string;
  host: Host;
  /** The world's browser: the console pages, and the practitioner's unless it has its own. */
  browser: Browser;
  /** The practitioner's browser: `browser`, or its own (`practitionerBrowser`). */
  appBrowser: Browser;
  /** The world's private X screen (see the `xvfb` option). */
  xvfb: Xvfb;
  /** Another traced page, in a headed Chromium window of its own at `window` on the Xvfb screen. */
  xvfbPage: (label: string, window: Rect, args?: string[]) => Promise<Page>;
  /** The practitioner's page, not yet opened (`app.goto(host.url)`). */
  app: Page;
  /** The technician's page, not signed in (`signIn()` does it). */
  console: Page;
  /** Signs the world's technician in to the console page; lands on the queue. */
  signIn: () => Promise<void>;
  /** Another traced page in its own browser context (a second technician, another console…). */
  newPage: (label: string, viewport?: { width: number; height: number }) => Promise<Page>;
}

/** A browser context of a world, with whether a trace chunk is open for the running test. */
type Traced = { context: BrowserContext; label: string; chunk: boolean };

/** A new context of `browser`, traced from now on; its first page. */
async function tracedPage(
  traced: Traced[],
  browser: Browser,
  label: string,
  viewport: { width: number; height: number } | null,
  options: Omit<BrowserContextOptions, 'viewport'> = {},
  initScripts: string[] = [],
): Promise<Page> {
  const context = await browser.newContext({ ...options, viewport });
  for (const script of initScripts) await context.addInitScript(script);
  await context.tracing.start({ screenshots: true, snapshots: true, title: label });
  await context.tracing.startChunk();
  const entry = { context, label, chunk: true };
  traced.push(entry);
  // A context the test closes takes its trace with it.
  context.on('close', () => {
    const i = traced.indexOf(entry);
    if (i >= 0) traced.splice(i, 1);
  });
  return context.newPage();
}

/** Closes `browser`, whose contexts' traces (the running test's are kept already) go with it. */
async function closeBrowser(traced: Traced[], browser: Browser): Promise<void> {
  for (let i = traced.length - 1; i >= 0; i--) if (traced[i]!.context.browser() === browser) traced.splice(i, 1);
  await browser.close().catch(() => undefined);
}

/** Headed Chromium, one window at `window` on the X screen of this process's DISPLAY (the world's Xvfb). */
function launchWindow(window: Rect, args: string[]): Promise<Browser> {
  return launchBrowser([...args, `--window-position=${window.x},${window.y}`, `--window-size=${window.width},${window.height}`], {
    headless: false,
    env: { ...process.env },
  });
}

const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80) || 'test';

/** After each test: its trace chunk and page screenshots kept when it failed, dropped when it passed. */
async function keepOnFailure(traced: Traced[], task: TestContext['task']): Promise<void> {
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

type HubScreen = CreateHubOptions['screen'];

/**
 * The fixtures of one world, for `options`. Usage:
 *   const test = worldTest({ practice: 'Maison de santé des Lilas' });
 *   test('…', async ({ host, app, console, signIn }) => { … });
 */
export function worldTest(options: WorldOptions = {}) {
  const scope = options.scope ?? 'test';
  /** The browser contexts of this world (traced, kept on failure). */
  const traced: Traced[] = [];
  const window = options.practitionerBrowser?.window;
  const needsX = Boolean(window || options.xvfb);
  const screenSize = options.xvfb ?? { width: 1280, height: 720 };
  const appArgs = options.practitionerBrowser?.args ?? options.browserArgs ?? [];
  const consoleViewport = options.consoleViewport ?? { width: 1280, height: 900 };

  /** A traced page of this world in a new context of `browser`. */
  const page = (browser: Browser, label: string, viewport: { width: number; height: number } | null) =>
    tracedPage(traced, browser, label, viewport, options.contextOptions, options.initScripts);

  /** A browser of the world's own, for a fixture's lifetime. */
  async function ownBrowser(launched: Promise<Browser>, use: (browser: Browser) => Promise<void>): Promise<void> {
    const browser = await launched;
    await use(browser);
    await closeBrowser(traced, browser);
  }

  /** The hub of the world, on `turn` when it has one. */
  async function startWorld(turn: TurnServer | null, use: (world: WorldHub) => Promise<void>): Promise<void> {
    ensureConsoleBuilt();
    // The data folder inside the temporary one: the hub key and the audit checkpoints sit beside it, removed with it.
    const dir = await tempDir('world-hub');
    const dataDir = join(dir.path, 'data');
    const port = await freePort();
    const screen: HubScreen = turn
      ? { ...options.hub?.screen, turn: { ...options.turn, urls: turn.urls, secret: turn.secret } }
      : options.hub?.screen;
    const start = () =>
      createHub({
        dataDir,
        port,
        host: '127.0.0.1',
        logLevel: 'silent',
        consoleDir: CONSOLE_DIST,
        env: {},
        ...options.hub,
        ...(screen ? { screen } : {}),
      });
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
  }

  return base
    .extend<{ xvfbStart: XvfbStart }>({
      // The world's X screen: started once, on first use. Not closed: a process that loaded nut-js
      // must let its own exit stop Xvfb (main/platform/node/input-xvfb.ts); this worker's exit does.
      xvfbStart: [
        // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none
        async ({}, use) => {
          const x = await startXvfb(screenSize);
          const display = process.env.DISPLAY;
          if (x.ok) process.env.DISPLAY = x.display;
          await use(x);
          if (!x.ok) return;
          if (display === undefined) delete process.env.DISPLAY;
          else process.env.DISPLAY = display;
        },
        { scope },
      ],
    })
    .extend<{ xvfbUp: void }>({
      // First of all, in a world with a headed window: the X screen is up before the host (nut-js)
      // and the browsers start, or the test is skipped, saying why. Nothing in other worlds.
      xvfbUp: [
        needsX
          ? async ({ xvfbStart, skip }, use) => {
              if (!xvfbStart.ok) {
                console.warn(`[world] skipped: Xvfb could not start here (${xvfbStart.reason})`);
                skip(`Xvfb could not start: ${xvfbStart.reason}`);
              }
              await use();
            }
          : // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none
            async ({}, use) => use(),
        { auto: true },
      ],
    })
    .extend<Fixtures & { trace: void }>({
      world: [
        options.turn
          ? async ({ turn }, use) => startWorld(turn, use)
          : // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none
            async ({}, use) => startWorld(null, use),
        { scope },
      ],
      hub: [async ({ world }, use) => use(world.hub), { scope }],
      turn: [
        // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none
        async ({}, use) => {
          if (!options.turn) throw new Error('this world has no TURN relay: give worldTest a `turn` option');
          const turn = await startTurnServer();
          await use(turn);
          await turn.stop();
        },
        { scope },
      ],
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
      xvfb: [
        async ({ xvfbStart }, use) => {
          if (!xvfbStart.ok) throw new Error(`Xvfb could not start: ${xvfbStart.reason}`);
          await use({ ...xvfbStart, ...screenSize });
        },
        { scope },
      ],
      browser: [
        // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none
        async ({}, use) => ownBrowser(launchBrowser(options.browserArgs ?? []), use),
        { scope },
      ],
      appBrowser: [
        !options.practitionerBrowser
          ? async ({ browser }, use) => use(browser)
          : window
            ? // On the world's X screen: `xvfb` is here as the dependency that starts it.
              async ({ xvfb: _up }, use) => ownBrowser(launchWindow(window, appArgs), use)
            : // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none
              async ({}, use) => ownBrowser(launchBrowser(appArgs), use),
        { scope },
      ],
      xvfbPage: [
        async ({ xvfb: _up }, use) => {
          const browsers: Browser[] = [];
          await use(async (label, at, args = []) => {
            const browser = await launchWindow(at, args);
            browsers.push(browser);
            return page(browser, label, null);
          });
          for (const browser of browsers) await closeBrowser(traced, browser);
        },
        { scope },
      ],
      // A headed window's page is the window's size, unless the spec says otherwise.
      app: [
        async ({ appBrowser }, use) =>
          use(
            await page(
              appBrowser,
              'app',
              options.appViewport !== undefined ? options.appViewport : window ? null : { width: 420, height: 760 },
            ),
          ),
        { scope },
      ],
      console: [async ({ browser }, use) => use(await page(browser, 'console', consoleViewport)), { scope }],
      newPage: [async ({ browser }, use) => use((label, viewport) => page(browser, label, viewport ?? consoleViewport)), { scope }],
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
          await keepOnFailure(traced, task);
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
