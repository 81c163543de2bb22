import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's Chromium (installed by scripts/bootstrap.mjs), or VIGIE_CHROMIUM. Never a downloaded browser. */
export const CHROMIUM = process.env.VIGIE_CHROMIUM ?? '/usr/bin/chromium';

/** Where specs write screenshots for people to look at (VIGIE_SCREENSHOTS, else the temp folder). */
export const SCREENSHOTS = process.env.VIGIE_SCREENSHOTS ?? join(tmpdir(), 'vigie-screenshots');

/** Flags that keep Chromium quiet on a machine with a closed network. */
export const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches headless Chromium for an e2e spec; `extraArgs` for fake media devices and the like. */
export async function launchBrowser(extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run "node scripts/bootstrap.mjs --test"`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...QUIET_FLAGS, ...extraArgs], ...options });
  // Every page waits for what it expects (an element, a text, an event); this is only the backstop
  // for something that never comes, set far above what a busy 2-core machine needs.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser['newContext']>) => {
    const context = await newContext(...args);
    context.setDefaultTimeout(WAIT_BACKSTOP_MS);
    return context;
  };
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (...args: Parameters<Browser['newPage']>) => {
    const page = await newPage(...args);
    page.context().setDefaultTimeout(WAIT_BACKSTOP_MS);
    return page;
  };
  return browser;
}

/** How long a Playwright wait may last before it is a failure: a backstop, never a pace. */
export const WAIT_BACKSTOP_MS = 120_000;
