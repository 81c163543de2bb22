/**
 * Where a restore may write. One function, `resolveRestoreTarget`, decides it for the
 * practitioner's restores and the technician's (relayed by the hub) alike; the restore runs it
 * before any folder is created or restic starts, and again just before the final moves.
 *
 * - Every path asked for is equal to or under one of the snapshot's own folders (never a node
 *   above a backed-up folder); no `.`/`..` segment, no NUL, no Windows separator or stream colon
 *   inside a name.
 * - « à côté » / « à sa place »: the folder the item was in, walked from its backed-up folder down
 *   with lstat — a symbolic link below the backed-up folder (a parent replaced by a link after the
 *   backup) is refused, never followed. The backed-up folder itself may be a link (Documents moved
 *   to another disk). A backed-up folder restored as a whole goes into its parent.
 * - « restaurer ailleurs »: inside a backed-up folder, or (the practitioner only) inside the
 *   user's home; never into the home's hidden or application folders (~/.ssh, AppData,
 *   ~/Library), as spelled and as the system resolves it. A technician may only restore into the backed-up folders (so not a backed-up
 *   folder as a whole beside itself or in its place, which writes into its parent).
 * - Then the destination as the system resolves it (realpath of its nearest existing parent) must
 *   not be in a reserved folder: the restic repository, the app's data folder, restic's cache,
 *   the system's folders; « à sa place » never renames a folder that holds one of them.
 */
import { lstat, mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BackupMessageKey, RestoreRequest } from '@vigie/common';
import { backupError } from './errors.js';
import { fsReason } from './fsops.js';
import { localToTree, treeBase, treeParent, treeToLocal, type Platform } from './restic/paths.js';

export interface ContainmentPolicy {
  platform: Platform;
  /** The user's own folders: where « restaurer ailleurs » may write, besides the backed-up folders. */
  home: string;
  /** Never written into nor moved: the restic repository (when local), the app's data folder, restic's cache. */
  reserved: readonly string[];
  /** Windows system folders come from SystemRoot, ProgramFiles… (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface RestoreTarget {
  /** The folder the restored items go into (normalized, native). */
  dir: string;
  /** Where the walk started: the backed-up folder, the home folder, or the parent of a backed-up folder restored whole. */
  root: string;
  /** Folders to create, top-down, all at or below `root`. */
  missing: string[];
  /** `dir` as the system resolves it: realpath of its nearest existing parent, plus the missing part. */
  resolved: string;
}

const api = (platform: Platform) => (platform === 'win32' ? path.win32 : path.posix);
const folded = (platform: Platform) => platform === 'win32' || platform === 'darwin';
const fold = (p: string, platform: Platform) => (folded(platform) ? p.toLowerCase() : p);

/** `child` is `parent` or inside it, lexically (case-insensitive on Windows and macOS). */
export function isWithin(child: string, parent: string, platform: Platform): boolean {
  const a = api(platform);
  const c = fold(a.resolve(child), platform);
  const p = fold(a.resolve(parent), platform);
  return c === p || c.startsWith(p.endsWith(a.sep) ? p : p + a.sep);
}

function treeWithin(child: string, root: string, platform: Platform): boolean {
  const c = platform === 'win32' ? child.toLowerCase() : child;
  const r = platform === 'win32' ? root.toLowerCase() : root;
  return c === r || c.startsWith(r === '/' ? '/' : `${r}/`);
}

/** The names between `from` and `to` (`to` inside `from`). */
function segmentsBetween(from: string, to: string, platform: Platform): string[] {
  const a = api(platform);
  return a
    .resolve(to)
    .slice(a.resolve(from).length)
    .split(platform === 'win32' ? /[\\/]/ : '/')
    .filter((s) => s !== '');
}

/** A name that must never reach the file system: `.`/`..`, NUL; on Windows also separators, `:` (streams), trailing dot or space. */
function badName(s: string, platform: Platform): boolean {
  if (s === '' || s === '.' || s === '..' || s.includes('\0')) return true;
  return platform === 'win32' && (/[<>:"|?*\\/]/.test(s) || /[. ]$/.test(s) || [...s].some((c) => c.charCodeAt(0) < 32));
}

/** A path inside a snapshot ('/'-separated) whose every name is safe here. */
export function validTreePath(p: string, platform: Platform): boolean {
  if (!p.startsWith('/') || p.length > 4096) return false;
  return (
    p === '/' ||
    p
      .slice(1)
      .split('/')
      .every((s) => !badName(s, platform))
  );
}

/** An absolute local folder with no `.`/`..` part (Windows: drive or UNC share, no device namespace). */
export function validLocalDir(p: string, platform: Platform): boolean {
  if (p.includes('\0') || p.length > 4096) return false;
  let rest: string;
  if (platform === 'win32') {
    if (/^[\\/]{2}[?.][\\/]/.test(p)) return false;
    const m = /^(?:[A-Za-z]:[\\/]|[\\/]{2}[^\\/]+[\\/][^\\/]+(?:[\\/]|$))/.exec(p);
    if (!m) return false;
    rest = p.slice(m[0].length);
  } else {
    if (!p.startsWith('/')) return false;
    rest = p;
  }
  return rest
    .split(platform === 'win32' ? /[\\/]/ : '/')
    .filter((s) => s !== '')
    .every((s) => !badName(s, platform));
}

/** The system's own folders: never restored into. */
export function systemFolders(platform: Platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'win32') {
    const drive = (env.SystemDrive ?? 'C:').replace(/[\\/]+$/, '');
    const found = [
      env.SystemRoot,
      env.windir,
      env.ProgramFiles,
      env['ProgramFiles(x86)'],
      env.ProgramW6432,
      env.ProgramData && path.win32.join(env.ProgramData, 'Microsoft'),
    ];
    const usual = [
      'Windows',
      'Program Files',
      'Program Files (x86)',
      'ProgramData\\Microsoft',
      '$Recycle.Bin',
      'System Volume Information',
      'Recovery',
      'Boot',
    ].map((n) => `${drive}\\${n}`);
    return [...new Set([...found, ...usual].filter((p): p is string => !!p))];
  }
  const unix = [
    '/bin',
    '/boot',
    '/dev',
    '/etc',
    '/lib',
    '/lib32',
    '/lib64',
    '/libx32',
    '/proc',
    '/run',
    '/sbin',
    '/snap',
    '/sys',
    '/usr',
    '/var/cache',
    '/var/lib',
    '/var/log',
    '/var/mail',
    '/var/run',
    '/var/spool',
  ];
  return platform === 'darwin'
    ? [...unix, '/System', '/Library', '/Applications', '/cores', '/private/etc', '/private/var/db', '/private/var/log']
    : unix;
}

/** Inside the home folder, what is not the user's documents: hidden folders (~/.ssh, ~/.config), AppData, ~/Library. */
function reservedInHome(names: string[], platform: Platform): boolean {
  if (names.some((n) => n.startsWith('.'))) return true;
  const first = names[0]?.toLowerCase();
  return (platform === 'win32' && first === 'appdata') || (platform === 'darwin' && first === 'library');
}

function notAllowed(messageKey: BackupMessageKey, details: Record<string, unknown> = {}) {
  return backupError('not-allowed', { messageKey, details });
}

/** Refused at once, before a job exists: the shape of what a caller sent (the schema may have been bypassed). */
export function assertRestoreShape(req: Pick<RestoreRequest, 'paths' | 'mode' | 'targetDir'>, platform: Platform): void {
  const paths: unknown = req.paths;
  if (
    !Array.isArray(paths) ||
    paths.length === 0 ||
    !paths.every((p) => typeof p === 'string' && p !== '/' && validTreePath(p, platform))
  ) {
    throw notAllowed('invalidPath');
  }
  const parent = treeParent(paths[0] as string);
  if (!paths.every((p: string) => treeParent(p) === parent)) throw notAllowed('invalidPath');
  if (req.mode === 'folder' && (typeof req.targetDir !== 'string' || !validLocalDir(req.targetDir, platform)))
    throw notAllowed('invalidPath');
}

type Kind = 'dir' | 'missing' | 'link' | 'file';

async function kindOf(p: string, follow: boolean): Promise<Kind> {
  try {
    const st = follow ? await stat(p) : await lstat(p);
    return st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'file';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    if (code === 'ENOTDIR') return 'file';
    if (code === 'ELOOP') return 'link';
    throw backupError(fsReason(e), { details: { dir: p, code } });
  }
}

async function real(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch (e) {
    throw backupError(fsReason(e), { details: { dir: p, code: (e as NodeJS.ErrnoException).code } });
  }
}

/** Each reserved folder as given and as the system resolves it. */
async function reservedZones(policy: ContainmentPolicy): Promise<string[]> {
  const a = api(policy.platform);
  const zones: string[] = [];
  for (const z of [...policy.reserved, ...systemFolders(policy.platform, policy.env)]) {
    zones.push(a.resolve(z));
    const r = await realpath(z).catch(() => null);
    if (r) zones.push(r);
  }
  return zones;
}

/**
 * Where `req` may write, or a refusal (reason not-allowed, link-in-path, not-a-folder,
 * path-too-long, not-found) before anything is written. `snapshotPaths`: the folders the
 * snapshot was made of, as restic recorded them.
 */
export async function resolveRestoreTarget(
  req: RestoreRequest,
  snapshotPaths: readonly string[],
  policy: ContainmentPolicy,
): Promise<RestoreTarget> {
  const { platform } = policy;
  const a = api(platform);
  assertRestoreShape(req, platform);
  const roots = snapshotPaths.map((p) => localToTree(p, platform)).filter((t) => validTreePath(t, platform));
  const deepest = (list: string[]) => list.reduce<string | null>((best, x) => (best === null || x.length > best.length ? x : best), null);
  const rootOf = (p: string) => deepest(roots.filter((r) => treeWithin(p, r, platform)));
  for (const p of req.paths) if (!rootOf(p)) throw notAllowed('outsideBackedUpFolders', { path: p });
  const first = req.paths[0]!;
  const backedUp = roots.map((r) => a.resolve(treeToLocal(r, platform)));

  let dir: string;
  let start: string;
  if (req.mode !== 'folder') {
    const root = rootOf(first)!;
    dir = a.resolve(treeToLocal(treeParent(first)!, platform));
    // A backed-up folder restored as a whole: its copy (or itself, put back) goes into its parent,
    // which is not a backed-up folder: the practitioner's choice only.
    const whole = fold(first, platform) === fold(root, platform);
    if (whole && req.origin === 'technician') throw notAllowed('technicianBackedUpOnly', { path: first });
    start = whole ? dir : a.resolve(treeToLocal(root, platform));
  } else {
    dir = a.resolve(req.targetDir!);
    const home = a.resolve(policy.home);
    const found = deepest((req.origin === 'technician' ? backedUp : [...backedUp, home]).filter((c) => isWithin(dir, c, platform)));
    if (!found) throw notAllowed(req.origin === 'technician' ? 'technicianBackedUpOnly' : 'outsideUserFolders');
    start = found;
    // Somewhere else in the home folder, never its hidden or application folders (~/.ssh, ~/.config/autostart, AppData…).
    if (isWithin(dir, home, platform) && reservedInHome(segmentsBetween(home, dir, platform), platform)) throw notAllowed('reservedFolder');
  }

  // The walk: the starting folder may be a link; below it, every folder is a real one.
  const missing: string[] = [];
  const startKind = await kindOf(start, true);
  if (startKind === 'file') throw backupError('not-a-folder', { details: { dir: start } });
  if (startKind === 'link') throw backupError('link-in-path', { details: { at: start } });
  if (startKind === 'missing') {
    // A dangling link (the other disk is gone), or no parent to create it in.
    if ((await kindOf(start, false)) !== 'missing' || (await kindOf(a.dirname(start), true)) !== 'dir') {
      throw backupError('not-found', { messageKey: 'folderGone', details: { dir: start } });
    }
    missing.push(start);
  }
  let cur = start;
  for (const name of segmentsBetween(start, dir, platform)) {
    cur = a.join(cur, name);
    if (missing.length > 0) {
      missing.push(cur);
      continue;
    }
    const k = await kindOf(cur, false);
    if (k === 'missing') missing.push(cur);
    else if (k === 'link') throw backupError('link-in-path', { details: { at: cur } });
    else if (k === 'file') throw backupError('not-a-folder', { details: { dir: cur } });
  }

  const nearest = missing.length > 0 ? a.dirname(missing[0]!) : dir;
  const nearestReal = await real(nearest);
  const resolved = missing.length > 0 ? a.join(nearestReal, ...segmentsBetween(nearest, dir, platform)) : nearestReal;
  const startReal = startKind === 'missing' ? a.join(await real(a.dirname(start)), a.basename(start)) : await real(start);
  if (!isWithin(resolved, startReal, platform)) throw backupError('link-in-path', { details: { at: dir } });

  // « restaurer ailleurs »: the home's hidden and application folders are judged again on where
  // the system puts the destination, not only on how it was spelled (a Windows short name such as
  // APPDAT~1, a backed-up folder that is a link into ~/.config).
  if (req.mode === 'folder') {
    const home = a.resolve(policy.home);
    for (const h of new Set([home, await realpath(home).catch(() => home)])) {
      if (isWithin(resolved, h, platform) && reservedInHome(segmentsBetween(h, resolved, platform), platform))
        throw notAllowed('reservedFolder', { dir: resolved });
    }
  }

  const zones = await reservedZones(policy);
  const inZone = (p: string) => zones.some((z) => isWithin(p, z, platform));
  for (const d of new Set([dir, resolved])) {
    if (inZone(d)) throw notAllowed('reservedFolder', { dir: d });
    for (const p of req.paths) {
      const entry = a.join(d, treeBase(p));
      if (inZone(entry)) throw notAllowed('reservedFolder', { dir: entry });
      // Put back in place renames what is there: never a folder holding the repository, Vigie's data or the system's.
      if (req.mode === 'in-place' && zones.some((z) => isWithin(z, entry, platform))) throw notAllowed('reservedFolder', { dir: entry });
    }
  }
  return { dir, root: start, missing, resolved };
}

/**
 * The same checks again (just before the final moves): the folder must still be there, still
 * resolve to the same place, with no link below the starting folder.
 */
export async function recheckRestoreTarget(
  target: RestoreTarget,
  req: RestoreRequest,
  snapshotPaths: readonly string[],
  policy: ContainmentPolicy,
): Promise<void> {
  const again = await resolveRestoreTarget(req, snapshotPaths, policy);
  if (again.missing.length > 0) throw backupError('not-found', { messageKey: 'folderGone', details: { dir: again.missing[0] } });
  if (again.resolved !== target.resolved || again.dir !== target.dir) throw backupError('link-in-path', { details: { at: target.dir } });
}

/**
 * Creates the missing folders one level at a time (never `recursive`, never through a link):
 * each one created is recorded in `created` (removed again if the restore fails).
 */
export async function createFolders(missing: readonly string[], created: string[]): Promise<void> {
  for (const d of missing) {
    try {
      await mkdir(d);
      created.push(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw backupError(code === 'ENOTDIR' ? 'not-a-folder' : fsReason(e), { details: { dir: d, code } });
    }
    const k = await kindOf(d, false);
    if (k === 'link') throw backupError('link-in-path', { details: { at: d } });
    if (k !== 'dir') throw backupError('not-a-folder', { details: { dir: d } });
  }
}

/**
 * Where the staging folder goes: the highest folder from the starting folder down to `dir` that
 * is on `dir`'s disk (the final moves stay renames). restic writes the whole backed-up path below
 * it, so the higher it is, the deeper a path can be and still restore. Every folder on the way is
 * looked at again (lstat): one that became a link is refused, never built upon.
 */
export async function stagingParent(target: RestoreTarget, platform: Platform): Promise<string> {
  const a = api(platform);
  const dev = (await stat(target.dir)).dev;
  const found: Array<{ path: string; dev: number }> = [{ path: target.root, dev: (await stat(target.root)).dev }];
  let cur = target.root;
  for (const name of segmentsBetween(target.root, target.dir, platform)) {
    cur = a.join(cur, name);
    const st = await lstat(cur);
    if (st.isSymbolicLink()) throw backupError('link-in-path', { details: { at: cur } });
    if (!st.isDirectory()) throw backupError('not-a-folder', { details: { dir: cur } });
    found.push({ path: cur, dev: st.dev });
  }
  return found.find((f) => f.dev === dev)?.path ?? target.dir;
}
