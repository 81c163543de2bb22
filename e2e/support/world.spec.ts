/**
 * The world fixture keeps a failing test's evidence and nothing of a passing one: a Playwright trace
 * chunk (screenshots, DOM snapshots) and a screenshot of each page, under test-results/e2e/world/ —
 * in a world with one browser, and in one where the practitioner has a headed Chromium of its own
 * on a private Xvfb screen (as the real-screen specs have), for both browsers.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { RESULTS, worldTest } from './world.js';

const test = worldTest({ scope: 'file' });
const dir = join(RESULTS, 'world');
const stem = (name: string, page = 'app') => join(dir, `${name}-${page}`);

/** A file is a Playwright trace (a zip holding `.trace` entries) or a PNG; the PNG's width. */
const isTrace = (file: string) => {
  const zip = readFileSync(file);
  return zip.subarray(0, 2).toString('latin1') === 'PK' && zip.includes(Buffer.from('.trace'));
};
const pngWidth = (file: string) => {
  const png = readFileSync(file);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return png.readUInt32BE(16);
};

test('a passing test keeps nothing', async ({ app }) => {
  rmSync(dir, { recursive: true, force: true });
  await app.setContent('<h1>Tout va bien</h1>');
  await app.getByRole('heading', { name: 'Tout va bien' }).waitFor();
});

// Expected to fail: it is the failure whose evidence the next test finds.
test.fails('a failing test leaves its trace and screenshots', async ({ app }) => {
  await app.setContent('<h1>Le cabinet attend</h1>');
  await app.getByRole('heading', { name: 'Le cabinet attend' }).waitFor();
  throw new Error('failure on purpose');
});

test('the failed test’s trace (a zip) and screenshot (a PNG) are in test-results', async ({ app }) => {
  const failed = stem('a-failing-test-leaves-its-trace-and-screenshots');
  // (Checked here: an assertion inside the failing test could not fail it.)
  expect(existsSync(stem('a-passing-test-keeps-nothing') + '.zip')).toBe(false);
  // A zip file starts with PK, a PNG with its signature.
  expect(
    readFileSync(failed + '.zip')
      .subarray(0, 2)
      .toString('latin1'),
  ).toBe('PK');
  expect(
    readFileSync(failed + '.png')
      .subarray(1, 4)
      .toString('latin1'),
  ).toBe('PNG');
  // Playwright's trace format: the entry names are plain in the zip.
  expect(readFileSync(failed + '.zip').includes(Buffer.from('.trace'))).toBe(true);
  expect(app.context().pages()).toHaveLength(1);
  rmSync(dir, { recursive: true, force: true });
});

// A world per test (a file-scoped one would share the fixtures above by name).
const WINDOW = { x: 0, y: 0, width: 640, height: 480 };
const twoBrowsers = worldTest({ practitionerBrowser: { window: WINDOW } });
/** The practitioner window's inner width in the failing test, which its screenshot must have. */
let appWidth = 0;

twoBrowsers.describe('the practitioner’s own headed browser (Xvfb) and the console’s', () => {
  twoBrowsers('a passing test keeps nothing of either browser', async ({ app, console }) => {
    rmSync(dir, { recursive: true, force: true });
    // Two browsers: the practitioner's is headed, a window on the X screen; the console's is headless.
    expect(app.context().browser()).not.toBe(console.context().browser());
    expect(await app.evaluate<string>('navigator.userAgent')).not.toContain('Headless');
    expect(await console.evaluate<string>('navigator.userAgent')).toContain('Headless');
    await app.setContent('<h1>Poste du cabinet</h1>');
    await console.setContent('<h1>Console</h1>');
    await app.getByRole('heading', { name: 'Poste du cabinet' }).waitFor();
  });

  twoBrowsers.fails('a failing test with two browsers leaves both traces and screenshots', async ({ app, console }) => {
    await app.setContent('<h1>Le poste attend</h1>');
    await console.setContent('<h1>La console attend</h1>');
    await app.getByRole('heading', { name: 'Le poste attend' }).waitFor();
    appWidth = await app.evaluate<number>('window.innerWidth');
    throw new Error('failure on purpose');
  });

  twoBrowsers('both browsers’ traces (zips) and screenshots (PNGs) of the failed test are in test-results', async () => {
    const failed = 'a-failing-test-with-two-browsers-leaves-both-traces-and-screenshots';
    // (Checked here: an assertion inside the failing test could not fail it.)
    for (const page of ['app', 'console'])
      for (const ext of ['.zip', '.png'])
        expect(existsSync(stem('a-passing-test-keeps-nothing-of-either-browser', page) + ext)).toBe(false);
    for (const page of ['app', 'console']) expect(isTrace(stem(failed, page) + '.zip'), page).toBe(true);
    // The practitioner's screenshot is its window's page; the console's, its 1280-wide viewport.
    expect(appWidth).toBeGreaterThan(0);
    expect(appWidth).toBeLessThanOrEqual(WINDOW.width);
    expect(pngWidth(stem(failed, 'app') + '.png')).toBe(appWidth);
    expect(pngWidth(stem(failed, 'console') + '.png')).toBe(1280);
    rmSync(dir, { recursive: true, force: true });
  });
});
