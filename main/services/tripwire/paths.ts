/**
 * Paths as the tripwire compares them, with no file system access: whether a path is inside a
 * watched folder (by whole names; Windows paths without case) and the folder a path is in.
 */

const sepOf = (p: string) => (p.includes('\\') && !p.includes('/') ? '\\' : '/');
const isWin = (p: string) => /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
const norm = (p: string) => (isWin(p) ? p.toLowerCase().replace(/\//g, '\\') : p);

/** `path` is `root` or below it (by whole names; Windows paths compared without case). */
export function isInside(path: string, root: string): boolean {
  const p = norm(path);
  const r = norm(root).replace(/[\\/]+$/, '');
  if (p === r) return true;
  return p.startsWith(r + sepOf(norm(root)));
}

export function parentOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i <= 0 ? path.slice(0, i + 1) : path.slice(0, i);
}
