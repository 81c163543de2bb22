import type { TreeEntryType } from '@vigie/common';
import { backupError } from './errors.js';
import type { RepoTarget, Restic } from './restic/client.js';

/**
 * What a restore must produce: the snapshot's nodes under the requested paths (present, type,
 * size), from what was already listed when possible, else from `restic ls`. The restore checks
 * the staging folder against it (restore-verify.ts) and reports its totals.
 */

export interface Expected {
  path: string;
  type: TreeEntryType;
  size: number | null;
}

/** Files already listed from a snapshot (a snapshot never changes: no second `ls`). */
export type KnownEntries = (snapshotId: string, path: string) => { type: TreeEntryType; size: number | null } | null;

export function entryType(resticType: string): TreeEntryType {
  return resticType === 'file' || resticType === 'dir' || resticType === 'symlink' ? resticType : 'other';
}

/** The requested paths when they are all files already listed; null when restic must list them. */
export function knownFiles(
  known: KnownEntries | undefined,
  snapshotId: string,
  paths: readonly string[],
): Promise<Map<string, Expected>> | null {
  const out = new Map<string, Expected>();
  for (const p of paths) {
    const k = known?.(snapshotId, p);
    if (!k || k.type === 'dir') return null;
    out.set(p, { path: p, type: k.type, size: k.type === 'file' ? (k.size ?? 0) : null });
  }
  return Promise.resolve(out);
}

/** The snapshot's nodes under the requested paths (each path itself included). */
export async function listExpected(
  restic: Restic,
  repo: RepoTarget,
  snapshotId: string,
  paths: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, Expected>> {
  const out = new Map<string, Expected>();
  const wanted = new Set(paths);
  const under = (p: string) => paths.some((root) => p === root || p.startsWith(root + '/'));
  await restic.ls(repo, snapshotId, paths, {
    recursive: true,
    signal,
    onNode: (n) => {
      if (under(n.path)) out.set(n.path, { path: n.path, type: entryType(n.type), size: n.type === 'file' ? (n.size ?? 0) : null });
    },
  });
  for (const p of wanted) if (!out.has(p)) throw backupError('not-found', { details: { path: p } });
  return out;
}

export function sumFiles(m: Map<string, Expected>): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of m.values()) {
    if (e.type === 'file') {
      bytes += e.size ?? 0;
      files++;
    }
  }
  return { bytes, files };
}
