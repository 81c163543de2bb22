#!/usr/bin/env node
// Security review of the Electron app with Electronegativity (Doyensec): scans main/, preload/
// and renderer/ and fails on any HIGH or MEDIUM finding, printing each one.
//   node scripts/release/electronegativity.mjs [dir …] [--json]
// The directories are scanned together, as one application (the global checks — navigation
// limits, CSP, permission handler — look across main, preload and renderer at once).
// Tests and test support (*.test.ts, testing.ts) are not shipped and are left out of the verdict.
// Runs offline: the tool's translation download is replaced by its bundled English strings, and
// its one online check (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK, which downloads Electron's release
// list) is skipped; the Electron version is pinned in package.json and reviewed when upgraded.
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_DIRS = ['main', 'preload', 'renderer'];
export const FAILING = ['HIGH', 'MEDIUM'];
const OFFLINE_EXCLUDED = ['availablesecurityfixesglobalcheck'];
const NOT_SHIPPED = /(\.test\.[cm]?[jt]sx?$|\.spec\.[cm]?[jt]sx?$|(^|[\\/])testing\.ts$|(^|[\\/])__tests__[\\/])/;

const require = createRequire(import.meta.url);
let runner = null;

/** Loads Electronegativity's runner with its locale loader swapped for an offline one (same strings, no network). */
function loadRunner() {
  if (runner) return runner;
  const pkgDir = dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const egRequire = createRequire(join(pkgDir, 'package.json'));
  const i18n = egRequire('i18n');
  const localesDir = join(pkgDir, 'dist', 'locales');
  const offline = () => {
    i18n.configure({
      locales: ['en-US', 'es-ES', 'fr-FR'],
      defaultLocale: 'en-US',
      directory: localesDir,
      updateFiles: false,
      objectNotation: true,
      retryInDefaultLocale: true,
      register: global,
    });
    i18n.setLocale('en-US');
    return Promise.resolve();
  };
  const i18nModule = join(localesDir, 'i18n.js');
  require.cache[i18nModule] = {
    id: i18nModule,
    filename: i18nModule,
    loaded: true,
    exports: Object.assign(offline, { default: offline }),
    children: [],
    paths: [],
  };
  runner = egRequire('./dist/runner.js');
  return runner;
}

function electronVersion() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return String(pkg.devDependencies?.electron ?? pkg.dependencies?.electron ?? '').replace(/^[^\d]*/, '');
}

/**
 * Scans each directory; returns every finding (shipped files only) and the failing ones.
 * `dirs` are relative to the repository root unless absolute.
 */
export async function scan(dirs = DEFAULT_DIRS, { version = electronVersion() } = {}) {
  const run = loadRunner();
  // One application: the directories side by side under a temporary root (symbolic links).
  const app = mkdtempSync(join(tmpdir(), 'vigie-electronegativity-'));
  const roots = new Map();
  try {
    for (const d of dirs) {
      const abs = resolve(ROOT, d);
      if (!existsSync(abs)) continue;
      const name = relative(ROOT, abs) || 'app';
      const link = join(app, name.replace(/[\\/]/g, '__'));
      symlinkSync(abs, link, 'dir');
      roots.set(link, relative(ROOT, abs));
    }
    const toRepo = (file) => {
      for (const [link, rel] of roots) if (file === link || file.startsWith(link + sep)) return join(rel, file.slice(link.length + 1));
      return file;
    };
    const r = await run(
      {
        input: app,
        isRelative: false,
        electronVersionOverride: version,
        customScan: [],
        excludeFromScan: [...OFFLINE_EXCLUDED],
        parserPlugins: [],
      },
      false,
    );
    const errors = r.errors.filter((e) => !e.tolerable).map((e) => ({ file: toRepo(e.file), message: e.message }));
    const findings = [];
    for (const i of r.issues) {
      const file = i.file && i.file !== 'N/A' ? toRepo(i.file) : '(application)';
      if (NOT_SHIPPED.test(file)) continue;
      findings.push({
        id: i.id,
        severity: i.severity?.name ?? String(i.severity),
        confidence: i.confidence?.name ?? String(i.confidence),
        file: file === app ? '(application)' : file,
        line: i.location?.line ?? 0,
        column: i.location?.column ?? 0,
        manualReview: Boolean(i.manualReview),
        description: i.description ?? '',
        url: i.shortenedURL ?? '',
      });
    }
    const failing = findings.filter((f) => FAILING.includes(f.severity));
    return { findings, failing, errors };
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

export function format(result) {
  const lines = [];
  const order = { HIGH: 0, MEDIUM: 1, LOW: 2, INFORMATIONAL: 3 };
  const sorted = [...result.findings].sort(
    (a, b) => (order[a.severity] ?? 9) - (order[b.severity] ?? 9) || a.file.localeCompare(b.file) || a.line - b.line,
  );
  for (const f of sorted) {
    const mark = FAILING.includes(f.severity) ? '✗' : '·';
    lines.push(
      `${mark} ${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.id}  ${f.file}:${f.line}:${f.column}${f.manualReview ? '  (à revoir à la main)' : ''}`,
    );
    if (FAILING.includes(f.severity)) lines.push(`    ${f.description}${f.url ? `  ${f.url}` : ''}`);
  }
  for (const e of result.errors) lines.push(`! analyse impossible : ${e.file} : ${e.message}`);
  lines.push(
    result.failing.length === 0
      ? `✓ Electronegativity : aucune alerte HIGH ou MEDIUM (${result.findings.length} remarque(s) de niveau inférieur).`
      : `✗ Electronegativity : ${result.failing.length} alerte(s) HIGH ou MEDIUM.`,
  );
  return lines.join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const dirs = args.filter((a) => !a.startsWith('--'));
  const result = await scan(dirs.length ? dirs : DEFAULT_DIRS);
  process.stdout.write((json ? JSON.stringify(result, null, 2) : format(result)) + '\n');
  process.exit(result.failing.length === 0 && result.errors.length === 0 ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    process.stderr.write(`Electronegativity n’a pas pu tourner : ${e?.stack ?? e}\n`);
    process.exit(2);
  });
}
