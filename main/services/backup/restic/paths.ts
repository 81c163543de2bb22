/**
 * Paths inside a snapshot ("tree paths") versus paths on this machine, and restic's pattern
 * language. restic stores an absolute POSIX path as is, and a Windows path C:\Users\x as
 * /C/Users/x. Patterns (restore --include, find) are Go filepath.Match globs per path segment.
 */
export type Platform = NodeJS.Platform;

/** Native local path → tree path. */
export function localToTree(local: string, platform: Platform = process.platform): string {
  if (platform !== 'win32') return local.length > 1 ? local.replace(/\/+$/, '') : local;
  const m = /^([A-Za-z]):[\\/]?(.*)$/.exec(local);
  if (!m) return '/' + local.replace(/\\/g, '/').replace(/^\/+/, '');
  const rest = m[2]!.replace(/\\/g, '/').replace(/\/+$/, '');
  return `/${m[1]!.toUpperCase()}${rest ? '/' + rest : ''}`;
}

/** Tree path → native local path. */
export function treeToLocal(tree: string, platform: Platform = process.platform): string {
  if (platform !== 'win32') return tree;
  const m = /^\/([A-Za-z])(?:\/(.*))?$/.exec(tree);
  if (!m) return tree.replace(/\//g, '\\');
  return `${m[1]!.toUpperCase()}:\\${(m[2] ?? '').replace(/\//g, '\\')}`;
}

/** Relative form of a tree path, to join under a restore target ("/a/b" → ["a", "b"]). */
export function treeSegments(tree: string): string[] {
  return tree.split('/').filter((s) => s.length > 0);
}

export function treeParent(tree: string): string | null {
  if (tree === '/') return null;
  const i = tree.lastIndexOf('/');
  return i <= 0 ? '/' : tree.slice(0, i);
}

export function treeBase(tree: string): string {
  return tree.slice(tree.lastIndexOf('/') + 1);
}

/**
 * Makes a literal name safe inside a restic pattern: `\ * ? [ ]` would otherwise be pattern
 * syntax, and an unescaped `Patient [A]` silently matches nothing (restic then restores nothing
 * and still exits 0). POSIX: backslash escapes. Windows: filepath.Match has no escape character
 * (\ is the separator), so the special characters go into one-character classes; `]` outside a
 * class is literal there, and `\` cannot occur in a Windows file name.
 */
export function escapePattern(literal: string, platform: Platform = process.platform): string {
  if (platform === 'win32') return literal.replace(/[*?[]/g, (c) => `[${c}]`);
  return literal.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}

/**
 * An include pattern matching exactly this tree path (and, for a folder, everything under it).
 * restic matches includes against the tree location ("/C/Users/x" on Windows too, where Go's
 * filepath.Clean turns the separators into backslashes on both sides).
 */
export function includePatternFor(tree: string, platform: Platform = process.platform): string {
  return treeSegments(tree)
    .map((s) => escapePattern(s, platform))
    .reduce((acc, s) => `${acc}/${s}`, '');
}

/** A case-insensitive "name contains" pattern for `restic find --ignore-case`. */
export function containsPattern(query: string, platform: Platform = process.platform): string {
  return `*${escapePattern(query, platform)}*`;
}
