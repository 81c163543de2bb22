#!/usr/bin/env node
// Size report, printed at the end of `npm run build`: for the practitioner window (out/renderer)
// and the technician console (console/dist), the JavaScript a first load fetches (the page's
// module scripts and everything they import statically) and the chunks loaded later on demand,
// raw and gzip. Also says whether any source map was produced. It measures, it never fails the
// build: budgets (issue 13: practitioner window's initial JS under 200 KB gzip) are read, not asserted.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const BUDGET_GZIP = 200_000;

const UIS = [
  { name: 'practitioner window (out/renderer)', dir: join(root, 'out/renderer'), budget: BUDGET_GZIP },
  { name: 'technician console (console/dist)', dir: join(root, 'console/dist') },
];
const MAP_DIRS = ['out/main', 'out/preload', 'out/renderer', 'console/dist'];

// Decimal kilobytes, as Vite prints them.
const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

/** Scripts named by the page itself: `<script type="module" src>` and `<link rel="modulepreload" href>`. */
function pageScripts(html) {
  const refs = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+\.js)"/g)) refs.push(m[1]);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+\.js)"/g)) refs.push(m[1]);
  return refs;
}

/** Relative static imports of an emitted chunk (`import … from "./x.js"`, `import "./x.js"`); `import("./x.js")` is not one. */
function staticImports(code) {
  const out = [];
  for (const m of code.matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g))
    out.push(m[1]);
  return out;
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

function sizes(file) {
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/**
 * The JavaScript of a built page: `initial` (its module scripts and, transitively, their static
 * imports) and `later` (every other .js file of the folder: dynamic imports). Null when not built.
 */
export function chunksOf(dir) {
  const html = join(dir, 'index.html');
  if (!existsSync(html)) return null;
  const initial = new Set();
  const queue = pageScripts(readFileSync(html, 'utf8')).map((ref) => join(dir, ref.replace(/^\.?\//, '')));
  while (queue.length) {
    const file = queue.shift();
    if (initial.has(file) || !existsSync(file)) continue;
    initial.add(file);
    for (const ref of staticImports(readFileSync(file, 'utf8'))) queue.push(resolve(dirname(file), ref));
  }
  return { initial: [...initial], later: walk(dir).filter((f) => f.endsWith('.js') && !initial.has(f)) };
}

function report(ui) {
  const chunks = chunksOf(ui.dir);
  if (!chunks) {
    console.log(`${ui.name}: not built`);
    return;
  }
  const line = (label, file) => {
    const s = sizes(file);
    console.log(`  ${label} ${relative(ui.dir, file).padEnd(36)} ${kb(s.raw).padStart(10)} raw ${kb(s.gzip).padStart(10)} gzip`);
    return s;
  };
  console.log(ui.name);
  let raw = 0;
  let gzip = 0;
  for (const f of chunks.initial) {
    const s = line('initial', f);
    raw += s.raw;
    gzip += s.gzip;
  }
  for (const f of chunks.later) line('later  ', f);
  const budget = ui.budget ? ` (budget ${kb(ui.budget)} gzip: ${gzip <= ui.budget ? 'within' : 'OVER'})` : '';
  console.log(`  initial JavaScript: ${kb(raw)} raw, ${kb(gzip)} gzip${budget}`);
}

function main() {
  console.log('\nBuild size report');
  for (const ui of UIS) report(ui);
  const maps = MAP_DIRS.flatMap((d) => walk(join(root, d))).filter((f) => f.endsWith('.map'));
  console.log(
    maps.length ? `source maps produced (should be none): ${maps.map((f) => relative(root, f)).join(', ')}` : 'source maps: none',
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
