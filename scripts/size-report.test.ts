import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chunksOf } from './size-report.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function build(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-size-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'assets'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const names = (files: string[], dir: string) => files.map((f) => f.slice(dir.length + 1)).sort();

describe('size report: which chunks a first load fetches', () => {
  it('follows the page scripts and their static imports; dynamic imports are "later", even when they import initial chunks', () => {
    // Shapes as rolldown emits them, minified.
    const dir = build({
      'index.html':
        '<script type="module" crossorigin src="./assets/index.js"></script><link rel="modulepreload" crossorigin href="./assets/rt.js">',
      'assets/index.js':
        'import{t as e}from"./jsx.js";import"./side.js";const a=()=>import("./lazy.js"),b=import(`./peer.js`);export{e as x}from"./reexp.js"',
      'assets/rt.js': 'var e=1;export{e as t}',
      'assets/jsx.js': 'import{t}from"./rt.js";export{t}',
      'assets/side.js': 'globalThis.x=1',
      'assets/reexp.js': 'export const e=1',
      'assets/lazy.js': 'import{t as e}from"./jsx.js";import{n}from"./lazy-dep.js";export{e,n}',
      'assets/lazy-dep.js': 'export const n=1',
      'assets/peer.js': 'export default 1',
    });
    const chunks = chunksOf(dir);
    expect(chunks).not.toBeNull();
    expect(names(chunks!.initial, dir)).toEqual(['assets/index.js', 'assets/jsx.js', 'assets/reexp.js', 'assets/rt.js', 'assets/side.js']);
    expect(names(chunks!.later, dir)).toEqual(['assets/lazy-dep.js', 'assets/lazy.js', 'assets/peer.js']);
  });

  it('says "not built" (null) when the folder has no page', () => {
    expect(chunksOf(build({ 'assets/index.js': '' }))).toBeNull();
  });
});
