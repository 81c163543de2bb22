import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { backupError } from './errors.js';
import { exists } from './naming.js';
import type { Expected } from './restore-expected.js';
import { treeSegments } from './restic/paths.js';

/**
 * The check between restic and the destination: everything the snapshot lists is in the staging
 * folder with the right type and size, and restic restored something, before anything is moved.
 */
export async function verifyStaging(staging: string, expected: Map<string, Expected>, paths: readonly string[]): Promise<void> {
  let present = 0;
  const problems: string[] = [];
  for (const e of expected.values()) {
    const local = join(staging, ...treeSegments(e.path));
    let st;
    try {
      st = await lstat(local);
    } catch {
      if (e.type !== 'other') problems.push(`manquant : ${e.path}`);
      continue;
    }
    present++;
    const ok =
      e.type === 'file'
        ? st.isFile() && st.size === e.size
        : e.type === 'dir'
          ? st.isDirectory()
          : e.type === 'symlink'
            ? st.isSymbolicLink()
            : true;
    if (!ok) problems.push(`différent : ${e.path}`);
  }
  const roots = paths.filter((p) => expected.has(p));
  const rootsPresent = await Promise.all(roots.map((p) => exists(join(staging, ...treeSegments(p)))));
  if (present === 0 || rootsPresent.every((x) => !x)) throw backupError('restored-nothing', { details: { paths } });
  if (problems.length) throw backupError('verify-failed', { details: { count: problems.length, first: problems.slice(0, 5) } });
}
