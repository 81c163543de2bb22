/**
 * The e2e world's evidence: every browser context of every browser is traced (Playwright tracing:
 * screenshots and DOM snapshots); when a test fails, its part of the trace and a screenshot of each
 * page are kept in `test-results/e2e/<spec>/<test>-<page>.zip|png`. A test that passes keeps nothing.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { TestContext } from 'vitest';
import { REPO } from '../practitioner/harness.js';

export const RESULTS = join(REPO, 'test-results', 'e2e');

/** A browser context of a world, with whether a trace chunk is open for the running test. */
export type Traced = { context: BrowserContext; label: string; chunk: boolean };

/** A new context of `browser`, traced from now on; its first page. */
export async function tracedPage(
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
export async function closeBrowser(traced: Traced[], browser: Browser): Promise<void> {
  for (let i = traced.length - 1; i >= 0; i--) if (traced[i]!.context.browser() === browser) traced.splice(i, 1);
  await browser.close().catch(() => undefined);
}

const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80) || 'test';

/** After each test: its trace chunk and page screenshots kept when it failed, dropped when it passed. */
export async function keepOnFailure(traced: Traced[], task: TestContext['task']): Promise<void> {
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
