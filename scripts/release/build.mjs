#!/usr/bin/env node
// Builds Vigie's installers: `node scripts/release/build.mjs mac|win [--dry-run]`
// (npm run dist:mac / dist:win).
//   1. the signing guard (check-signing.mjs): no credentials → the build stops, loudly, unless
//      VIGIE_LOCAL_TEST_BUILD=1 (then everything is named and marked UNSIGNED);
//   2. build/generated/vigie.json with the hub URL the app enrolls with;
//   3. the pinned restic binaries must be in build/bin/<platform>-<arch>/ (scripts/fetch-restic.mjs);
//   4. electron-vite build, then electron-builder (--publish never: the hub CLI publishes).
// --dry-run prints the plan as JSON and runs nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkSigning, report } from './check-signing.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const TARGETS = {
  mac: { builderArgs: ['--mac', '--arm64', '--x64'], platform: 'darwin', arches: ['arm64', 'x64'], restic: 'restic' },
  win: { builderArgs: ['--win', '--x64'], platform: 'win32', arches: ['x64'], restic: 'restic.exe' },
};

/** Overrides that make a local test build unsigned and impossible to mistake for a release. */
export const LOCAL_TEST_OVERRIDES = [
  '-c.forceCodeSigning=false',
  '-c.mac.identity=null',
  '-c.mac.notarize=false',
  '-c.win.signExecutable=false',
  '-c.mac.artifactName=${productName}-${version}-${arch}-mac-UNSIGNED.${ext}',
  '-c.nsis.artifactName=${productName}-Setup-${version}-UNSIGNED.${ext}',
];

/** What a build would do, without doing it. */
export function plan(target, env = process.env) {
  const t = TARGETS[target];
  const signing = checkSigning(target, env);
  if (!t) return { ok: false, signing, missingRestic: [], steps: [] };
  const missingRestic = t.arches.map((a) => join('build', 'bin', `${t.platform}-${a}`, t.restic)).filter((p) => !existsSync(join(ROOT, p)));
  const builderEnv = signing.localTest ? { CSC_IDENTITY_AUTO_DISCOVERY: 'false' } : {};
  const steps = [
    { name: 'app', cmd: 'npm', args: ['run', '-s', 'build:app'], env: {} },
    {
      name: 'installers',
      cmd: 'npx',
      args: ['electron-builder', ...t.builderArgs, '--publish', 'never', ...(signing.localTest ? LOCAL_TEST_OVERRIDES : [])],
      env: builderEnv,
    },
  ];
  const ok = signing.ok && (signing.localTest || missingRestic.length === 0);
  return { ok, target, signing, missingRestic, steps };
}

function main() {
  const target = process.argv[2];
  const dryRun = process.argv.includes('--dry-run');
  const p = plan(target);
  if (dryRun) {
    process.stdout.write(JSON.stringify(p, null, 2) + '\n');
    process.exit(p.ok ? 0 : 1);
  }
  const code = report(target, p.signing);
  if (code !== 0) process.exit(code);
  if (p.missingRestic.length > 0) {
    const msg = `restic manquant : ${p.missingRestic.join(', ')}. Lancez « node scripts/fetch-restic.mjs » (binaires épinglés, empreintes vérifiées).`;
    if (!p.signing.localTest) {
      process.stderr.write(`✗ ${msg}\n`);
      process.exit(1);
    }
    process.stdout.write(`⚠ ${msg} Le build de test n’aura pas de sauvegarde.\n`);
  }
  const gen = join(ROOT, 'build', 'generated');
  mkdirSync(gen, { recursive: true });
  writeFileSync(join(gen, 'vigie.json'), JSON.stringify({ hubUrl: process.env.VIGIE_HUB_URL.trim().replace(/\/+$/, '') }, null, 2) + '\n');

  for (const step of p.steps) {
    process.stdout.write(`\n=== ${step.name}: ${step.cmd} ${step.args.join(' ')} ===\n`);
    const r = spawnSync(step.cmd, step.args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...step.env } });
    if (r.status !== 0) {
      process.stderr.write(`✗ ${step.name} a échoué (code ${r.status ?? r.signal}).\n`);
      process.exit(r.status ?? 1);
    }
  }
  if (p.signing.localTest) {
    writeFileSync(
      join(ROOT, 'dist', 'UNSIGNED-LOCAL-TEST-BUILD.txt'),
      'Ces installateurs sont un build de test local : NON SIGNÉS, NON NOTARISÉS.\nNe les distribuez pas ; le hub refuse de les publier.\n',
    );
  }
  process.stdout.write(`\n✓ Installateurs dans dist/${p.signing.localTest ? ' (NON SIGNÉS)' : ''}.\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
