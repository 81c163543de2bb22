/**
 * The world fixture keeps a failing test's evidence and nothing of a passing one: a Playwright trace
 * chunk (screenshots, DOM snapshots) and a screenshot of each page, under test-results/e2e/world/.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { RESULTS, worldTest } from './world.js';

const test = worldTest({ scope: 'file' });
const dir = join(RESULTS, 'world');
const stem = (name: string) => join(dir, `${name}-app`);

test('a passing test keeps nothing', async ({ app }) => {
  rmSync(dir, { recursive: true, force: true });
  await app.setContent('<h1>Tout va bien</h1>');
  await app.getByRole('heading', { name: 'Tout va bien' }).waitFor();
});

// Expected to fail: it is the failure whose evidence the next test finds.
test.fails('a failing test leaves its trace and screenshots', async ({ app }) => {
  expect(existsSync(stem('a-passing-test-keeps-nothing') + '.zip')).toBe(false);
  await app.setContent('<h1>Le cabinet attend</h1>');
  await app.getByRole('heading', { name: 'Le cabinet attend' }).waitFor();
  throw new Error('failure on purpose');
});

test('the failed test’s trace (a zip) and screenshot (a PNG) are in test-results', async ({ app }) => {
  const failed = stem('a-failing-test-leaves-its-trace-and-screenshots');
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
