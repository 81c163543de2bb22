import { readFile, link, lstat, opendir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupReason } from '@vigie/common';

/** The backup reason of a file-system error code. */
export function fsReason(e: unknown): BackupReason {
  switch ((e as NodeJS.ErrnoException)?.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'disk-full';
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return 'read-only';
    case 'EBUSY':
    case 'ETXTBSY':
      return 'in-use';
    case 'ENOENT':
      return 'not-found';
    case 'ENAMETOOLONG':
      return 'path-too-long';
    case 'ENOTDIR':
      return 'not-a-folder';
    case 'ELOOP':
      return 'link-in-path';
    default:
      return 'unknown';
  }
}

export class TargetExistsError extends Error {
  constructor(readonly path: string) {
    super(`target exists: ${path}`);
    this.name = 'TargetExistsError';
  }
}

/**
 * Moves `src` to `dest` within one file system, never replacing anything at `dest`.
 * Regular files: link(2) then unlink — link fails with EEXIST if `dest` appeared, so there
 * is no window where an existing file could be overwritten; where hard links are not supported
 * (FAT, some network shares) it falls back to lstat + rename. When the link was made but the
 * original cannot be removed, the link is undone (only if it still is our file) and the error
 * thrown: a failed move leaves no second name behind. Folders and symlinks: lstat + rename
 * (rename never replaces a non-empty folder and fails on a file).
 */
export async function moveNoReplace(src: string, dest: string, kind: 'file' | 'dir' | 'other'): Promise<void> {
  // Only regular files take the link path: macOS link(2) would follow a symlink.
  if (kind === 'file') {
    let linked = false;
    try {
      await link(src, dest);
      linked = true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new TargetExistsError(dest);
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EMLINK', 'EINVAL'].includes(code ?? '')) throw e;
    }
    if (linked) {
      try {
        await unlink(src);
        return;
      } catch (e) {
        await undoLink(src, dest);
        throw e;
      }
    }
  }
  try {
    await lstat(dest);
    throw new TargetExistsError(dest);
  } catch (e) {
    if (e instanceof TargetExistsError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await rename(src, dest);
}

/** Removes the name `dest` made by link(src, dest), if it is still the same file as `src`. */
async function undoLink(src: string, dest: string): Promise<void> {
  const [a, b] = await Promise.all([lstat(src).catch(() => null), lstat(dest).catch(() => null)]);
  if (a && b && a.dev === b.dev && a.ino === b.ino) await unlink(dest).catch(() => undefined);
}

/** Bytes of the regular files under `dir` (lstat, symlinks not followed) and how many there are. */
export async function measureTree(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let it;
    try {
      it = await opendir(d);
    } catch {
      continue;
    }
    for await (const ent of it) {
      const p = join(d, ent.name);
      if (ent.isDirectory()) stack.push(p);
      else if (ent.isFile()) {
        try {
          const st = await lstat(p);
          bytes += st.size;
          files++;
        } catch {
          /* vanished */
        }
      }
    }
  }
  return { bytes, files };
}

/**
 * Bytes a process has written so far (Linux /proc/<pid>/io `wchar`); null elsewhere. restic 0.14
 * preallocates each file at its full size when it starts writing it, so the staging folder's size
 * runs ahead of the real progress on large files: the measured progress takes the smaller of both.
 */
export async function processWrittenBytes(pid: number | undefined | null): Promise<number | null> {
  if (!pid || process.platform !== 'linux') return null;
  try {
    const text = await readFile(`/proc/${pid}/io`, 'utf8');
    const m = /^wchar:\s*(\d+)/m.exec(text);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
