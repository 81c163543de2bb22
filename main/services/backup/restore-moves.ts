import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RestoredItem, RestoreRequest, TreeEntryType } from '@vigie/common';
import { backupError } from './errors.js';
import { fsReason, moveNoReplace, TargetExistsError } from './fsops.js';
import { datedName, freeName } from './naming.js';
import type { Logger } from './ports.js';
import type { Expected } from './restore-expected.js';
import { treeBase, treeSegments } from './restic/paths.js';

/**
 * The last step of a restore: the verified items moved from the staging folder into place. Moves
 * never replace anything (fsops.ts); « à sa place » first renames the current version to a dated
 * « avant restauration » copy beside it; « à côté » and « ailleurs » take the item's own name when
 * free, else a dated « restauré le » one; a failed move rolls back the earlier ones.
 */
export interface MoveIntoPlace {
  staging: string;
  destDir: string;
  expected: Map<string, Expected>;
  req: RestoreRequest;
  /** The dated names' words, in the app's language. */
  names: { beforeRestore: string; restored: string };
  /** The time of this restore (in the dated names). */
  now: Date;
  log: Logger;
}

export async function moveIntoPlace({ staging, destDir, expected, req, names, now, log }: MoveIntoPlace): Promise<RestoredItem[]> {
  const done: Array<{ from: string; to: string; kind: 'file' | 'dir' | 'other' }> = [];
  const items: RestoredItem[] = [];
  const kindOf = (t: TreeEntryType) => (t === 'dir' ? 'dir' : t === 'file' ? 'file' : 'other') as 'file' | 'dir' | 'other';
  try {
    for (const p of req.paths) {
      const e = expected.get(p)!;
      const kind = kindOf(e.type);
      const isDir = e.type === 'dir';
      const src = join(staging, ...treeSegments(p));
      const base = treeBase(p);
      if (req.mode === 'in-place') {
        const dest = join(destDir, base);
        let previous: string | null = null;
        let cur;
        try {
          cur = await lstat(dest);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        if (cur) {
          // The current version (a symlink included: renamed as a link, never followed) is kept beside.
          const curKind = cur.isDirectory() ? 'dir' : cur.isFile() ? 'file' : 'other';
          const prevName = await freeName(destDir, (n) => datedName(base, names.beforeRestore, now, cur.isDirectory(), n));
          previous = join(destDir, prevName);
          await moveNoReplace(dest, previous, curKind);
          done.push({ from: dest, to: previous, kind: curKind });
        }
        await moveNoReplace(src, dest, kind);
        done.push({ from: src, to: dest, kind });
        items.push({ from: p, to: dest, previousVersion: previous });
      } else {
        // beside and folder: the item's own name when it is free (a deleted file comes back as it
        // was), else a name dated with the time of this restore (« restauré le … »).
        const candidate = (n: number) => (n === 1 ? base : datedName(base, names.restored, now, isDir, n - 1));
        let dest = '';
        for (let attempt = 0; ; attempt++) {
          dest = join(destDir, await freeName(destDir, candidate));
          try {
            await moveNoReplace(src, dest, kind);
            break;
          } catch (err) {
            // Someone created that name between our check and the move: take the next free one.
            if (!(err instanceof TargetExistsError) || attempt >= 5) throw err;
          }
        }
        done.push({ from: src, to: dest, kind });
        items.push({ from: p, to: dest, previousVersion: null });
      }
    }
    return items;
  } catch (e) {
    let rollbackFailed = false;
    for (const op of done.reverse()) {
      try {
        await moveNoReplace(op.to, op.from, op.kind);
      } catch (re) {
        rollbackFailed = true;
        log.error('restore rollback step failed', { from: op.to, to: op.from, err: re });
      }
    }
    const r = fsReason(e);
    throw backupError(r === 'in-use' || r === 'read-only' || r === 'disk-full' || r === 'path-too-long' ? r : 'move-failed', {
      details: { rollbackFailed, code: (e as NodeJS.ErrnoException)?.code },
    });
  }
}
