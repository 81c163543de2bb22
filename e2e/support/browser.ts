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
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...QUIET_FLAGS, ...extraArgs], ...options });
}
