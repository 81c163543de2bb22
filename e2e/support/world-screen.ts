/**
 * The practice machine's screen in the e2e world: a private Xvfb screen (this process's DISPLAY while
 * it is up, so the host's nut-js injects there; a machine where Xvfb cannot start skips the test,
 * saying why) and headed Chromium windows on it.
 */
import type { Browser } from 'playwright-core';
import { test as base } from 'vitest';
import { startXvfb, type XvfbStart } from '../../main/platform/node/input-xvfb.js';
import { launchBrowser } from './browser.js';
import type { Rect } from './world-options.js';

/** Headed Chromium, one window at `window` on the X screen of this process's DISPLAY (the world's Xvfb). */
export function launchWindow(window: Rect, args: string[]): Promise<Browser> {
  return launchBrowser([...args, `--window-position=${window.x},${window.y}`, `--window-size=${window.width},${window.height}`], {
    headless: false,
    env: { ...process.env },
  });
}

/**
 * The world's base test: the X screen of `size`, started on first use (`xvfbStart`), and first of all
 * (`xvfbUp`) when the world `needsX` (a headed window).
 */
export function xvfbTest(size: { width: number; height: number }, needsX: boolean, scope: 'test' | 'file') {
  return base
    .extend<{ xvfbStart: XvfbStart }>({
      // The world's X screen: started once, on first use. Not closed: a process that loaded nut-js
      // must let its own exit stop Xvfb (main/platform/node/input-xvfb.ts); this worker's exit does.
      xvfbStart: [
        // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none
        async ({}, use) => {
          // A backstop of minutes, like every wait here: a busy machine starting Xvfb slowly is not one
          // where it cannot start (that is a skip, saying why; slowness would hide the test as passed).
          const x = await startXvfb({ ...size, timeoutMs: 120_000 });
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
    });
}
