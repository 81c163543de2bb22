import { SAFETY_LIMITS, type SafetyChange, type SafetyChangeKind, type SafetyChanges } from '@vigie/common';
import type { ResticDiffChange } from './restic/parse.js';
import { treeParent, treeToLocal } from './restic/paths.js';

/**
 * An intervention's changes, pure: `restic diff` lines made plain changes, the change list both
 * sides see (a folder added or deleted is one entry), and what undo puts back, one restore per
 * folder and per 100 paths.
 */

/** One change as `restic diff` said it, a folder's path without its trailing '/'. */
export interface RawChange {
  kind: SafetyChangeKind;
  path: string;
  dir: boolean;
}

const ORDER: Record<SafetyChangeKind, number> = { deleted: 0, changed: 1, added: 2 };
/** A restore takes up to 100 paths of one folder (RestoreRequest). */
const PATHS_PER_RESTORE = 100;

function kindOf(modifier: string): SafetyChangeKind | null {
  if (modifier === '+') return 'added';
  if (modifier === '-') return 'deleted';
  // M: content changed; T: type changed (a file became a folder, a link…).
  if (modifier === 'M' || modifier === 'T') return 'changed';
  return null;
}

/** A diff line → a change; anything that is not an absolute tree path with plain parts is dropped. */
export function rawChange(c: ResticDiffChange): RawChange | null {
  const kind = kindOf(c.modifier);
  if (!kind) return null;
  const dir = c.path.endsWith('/');
  const path = dir ? c.path.slice(0, -1) : c.path;
  if (
    !path.startsWith('/') ||
    path.includes('\0') ||
    path
      .slice(1)
      .split('/')
      .some((s) => s === '' || s === '.' || s === '..')
  )
    return null;
  return { kind, path, dir };
}

/** The folders above `path`, nearest first ("/a/b/c" → "/a/b", "/a"). */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let p = treeParent(path); p !== null && p !== '/'; p = treeParent(p)) out.push(p);
  return out;
}

const depth = (p: string) => p.split('/').length;
const byPath = (a: string, b: string) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The change list: a folder added or deleted is one entry (what was inside counted, not listed),
 * deleted and changed first (what undo puts back), then added; at most SAFETY_LIMITS.items.
 */
export function summarizeChanges(
  raw: readonly RawChange[],
  platform: NodeJS.Platform = process.platform,
): Pick<SafetyChanges, 'counts' | 'items' | 'truncated'> {
  const entries: SafetyChange[] = [];
  // Folders added or deleted as a whole, by kind and path (parents come before their children).
  const folders = new Map<string, SafetyChange>();
  for (const c of [...raw].sort((a, b) => byPath(a.path, b.path))) {
    const parent = ancestors(c.path)
      .map((a) => folders.get(`${c.kind}\0${a}`))
      .find((x) => x !== undefined);
    if (parent) {
      parent.inside++;
      continue;
    }
    const e: SafetyChange = {
      kind: c.kind,
      path: c.path,
      localPath: treeToLocal(c.path, platform),
      type: c.dir ? 'dir' : 'file',
      inside: 0,
    };
    entries.push(e);
    if (c.dir && c.kind !== 'changed') folders.set(`${c.kind}\0${c.path}`, e);
  }
  const counts = { added: 0, changed: 0, deleted: 0 };
  for (const e of entries) counts[e.kind]++;
  entries.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { counts, items: entries.slice(0, SAFETY_LIMITS.items), truncated: entries.length > SAFETY_LIMITS.items };
}

/** What undo puts back: changed and deleted entries, the topmost only (a deleted folder comes back whole). */
export function undoTargets(raw: readonly RawChange[]): string[] {
  const paths = [...new Set(raw.filter((c) => c.kind !== 'added').map((c) => c.path))].sort(byPath);
  const kept = new Set<string>();
  for (const p of paths) if (!ancestors(p).some((a) => kept.has(a))) kept.add(p);
  return [...kept];
}

/** Paths grouped by folder, at most PATHS_PER_RESTORE per group: one restore each. */
export function restoreBatches(paths: readonly string[]): string[][] {
  const byParent = new Map<string, string[]>();
  for (const p of paths) {
    const parent = treeParent(p) ?? '/';
    const list = byParent.get(parent) ?? [];
    list.push(p);
    byParent.set(parent, list);
  }
  const out: string[][] = [];
  for (const list of byParent.values())
    for (let i = 0; i < list.length; i += PATHS_PER_RESTORE) out.push(list.slice(i, i + PATHS_PER_RESTORE));
  return out;
}
