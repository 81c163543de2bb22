#!/usr/bin/env node
// The whole test suite, exactly what CI runs: types, lint, formatting (Prettier), build (the e2e specs drive the real
// renderer and console builds), then every vitest project (unit, integration, end to end).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const steps = [
  ['typecheck', ['npm', 'run', '-s', 'typecheck']],
  ['lint', ['npm', 'run', '-s', 'lint']],
  ['format', ['npm', 'run', '-s', 'format:check']],
  ['build', ['npm', 'run', '-s', 'build']],
  [
    'vitest',
    [
      'npx',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${join('.tmp', 'vitest-results.json')}`,
      ...process.argv.slice(2),
    ],
  ],
];
const results = join(root, '.tmp', 'vitest-results.json');
mkdirSync(dirname(results), { recursive: true });
rmSync(results, { force: true });

/** The last line of every run: how many tests passed and failed (a step that failed before vitest counts as one failure). */
function summary(stepFailed) {
  let passed = 0;
  let failed = 0;
  try {
    const r = JSON.parse(readFileSync(results, 'utf8'));
    passed = r.numPassedTests ?? 0;
    failed = (r.numFailedTests ?? 0) + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0);
  } catch {
    // vitest did not run or wrote nothing
  }
  if (stepFailed && failed === 0) failed = 1;
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
}
const started = Date.now();
for (const [name, [cmd, ...args]] of steps) {
  const t0 = Date.now();
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`\n✗ ${name} failed (exit ${r.status ?? r.signal}) after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    summary(true);
    process.exit(r.status ?? 1);
  }
  process.stdout.write(`✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
}
process.stdout.write(`\nAll tests passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
summary(false);
