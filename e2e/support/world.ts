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
 * Every browser context of every browser is traced; a failing test's trace and screenshots are kept
 * in `test-results/e2e/<spec>/` (world-trace.ts; open a trace with `npx playwright-core show-trace
 * <file>`). A test that passes keeps nothing. The options and fixture types are in world-options.ts,
 * the Xvfb screen and headed windows in world-screen.ts; this module builds the world and stays the
 * one specs import.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startHost, type Host } from '../../main/host/server.js';
import { tempDir } from '../../main/services/test-support/fixture.js';
import { createHub, type CreateHubOptions } from '../../server/src/app.js';
import { startTurnServer, type TurnServer } from '../../server/src/store/turn-server.js';
import { RENDERER_DIR, ensureRendererBuilt } from '../practitioner/harness.js';
import { launchBrowser } from './browser.js';
import { CONSOLE_DIST, ensureConsoleBuilt, signInToConsole } from './console.js';
import type { Fixtures, WorldHub, WorldOptions } from './world-options.js';
import { launchWindow, xvfbTest } from './world-screen.js';
import { closeBrowser, keepOnFailure, tracedPage, type Traced } from './world-trace.js';

export type { Rect, WorldHub, WorldOptions, Xvfb } from './world-options.js';
export { RESULTS } from './world-trace.js';

export const PASSWORD = 'cheval agrafe pile correcte';

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
    const screen: HubScreen = turn
      ? { ...options.hub?.screen, turn: { ...options.turn, urls: turn.urls, secret: turn.secret } }
      : options.hub?.screen;
    // The first start takes a port the system picks as it binds (no port probed then given: another
    // process could take it in between); a restart binds that same port again.
    const start = (port: number) =>
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
    let hub = await start(0);
    const port = hub.port;
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
        hub = await start(port);
        return hub;
      },
    };
    await use(world);
    await hub.close().catch(() => undefined);
    await dir.remove();
  }

  return xvfbTest(screenSize, needsX, scope).extend<Fixtures & { trace: void }>({
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
