#!/usr/bin/env node
// The whole test suite, exactly what CI runs: types, lint, build (the e2e specs drive the real
// renderer and console builds), then every vitest project (unit, integration, end to end).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const steps = [
  ['typecheck', ['npm', 'run', '-s', 'typecheck']],
  ['lint', ['npm', 'run', '-s', 'lint']],
  ['build', ['npm', 'run', '-s', 'build']],
  ['vitest', ['npx', 'vitest', 'run', ...process.argv.slice(2)]],
];
const started = Date.now();
for (const [name, [cmd, ...args]] of steps) {
  const t0 = Date.now();
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`\n✗ ${name} failed (exit ${r.status ?? r.signal}) after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    process.exit(r.status ?? 1);
  }
  process.stdout.write(`✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
}
process.stdout.write(`\nAll tests passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
