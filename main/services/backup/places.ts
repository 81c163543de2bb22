import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FolderList, Place, RestorePlan, RestoreRequest } from '@vigie/common';
import { resolveRestoreTarget, type ContainmentPolicy } from './containment.js';
import { documentsCandidates } from './defaults.js';
import { exists } from './naming.js';
import { localToTree, treeBase, type Platform } from './restic/paths.js';

/**
 * Places in the practitioner's words: the user's well-known folders (Bureau, Documents,
 * Téléchargements, Images, the home folder) and the backed-up folders, so the UI writes
 * « Bureau › Dossier patients » instead of a system path; the default of a restore (« à sa
 * place » when nothing is there any more); and the folder picker of « restaurer ailleurs ». What
 * a restore may write into is decided by containment.ts alone — the picker offers exactly the
 * folders `resolveRestoreTarget` accepts.
 */

const api = (platform: Platform) => (platform === 'win32' ? path.win32 : path.posix);

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Linux: `XDG_<NAME>_DIR` from the environment or `~/.config/user-dirs.dirs` (« $HOME/Bureau » on a French desktop). */
async function xdgDirs(home: string, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let text = '';
  try {
    text = await readFile(path.posix.join(env.XDG_CONFIG_HOME ?? path.posix.join(home, '.config'), 'user-dirs.dirs'), 'utf8');
  } catch {
    /* no file: the English defaults below */
  }
  for (const m of text.matchAll(/^\s*XDG_([A-Z]+)_DIR\s*=\s*"([^"\n]*)"/gm)) out[m[1]!] = m[2]!;
  for (const [k, v] of Object.entries(env)) {
    const m = /^XDG_([A-Z]+)_DIR$/.exec(k);
    if (m && v) out[m[1]!] = v;
  }
  for (const k of Object.keys(out)) out[k] = out[k]!.replace(/^\$HOME(?=\/|$)/, home);
  return out;
}

export interface PlaceOptions {
  platform: Platform;
  home: string;
  env?: NodeJS.ProcessEnv;
  isDir?: (p: string) => Promise<boolean>;
}

/** The user's well-known folders that exist here (home last): candidates per OS, first found wins per kind. */
export async function userPlaces(o: PlaceOptions): Promise<Place[]> {
  const env = o.env ?? process.env;
  const isDir = o.isDir ?? isDirectory;
  const a = api(o.platform);
  const home = a.resolve(o.home);
  const named = (...names: string[]) => names.map((n) => a.join(home, n));
  let candidates: Record<'desktop' | 'documents' | 'downloads' | 'pictures', string[]>;
  if (o.platform === 'win32') {
    const profile = env.USERPROFILE ?? home;
    // OneDrive's "known folder move" puts the Desktop (« Bureau » on a French Windows) in OneDrive.
    const drive = env.OneDrive ? [a.join(env.OneDrive, 'Desktop'), a.join(env.OneDrive, 'Bureau')] : [];
    candidates = {
      desktop: [...drive, a.join(profile, 'Desktop')],
      documents: documentsCandidates('win32', home, env).reverse(),
      downloads: [a.join(profile, 'Downloads')],
      pictures: [...(env.OneDrive ? [a.join(env.OneDrive, 'Pictures'), a.join(env.OneDrive, 'Images')] : []), a.join(profile, 'Pictures')],
    };
  } else {
    const xdg = o.platform === 'linux' ? await xdgDirs(home, env) : {};
    const first = (key: string) => (xdg[key] ? [xdg[key]] : []);
    candidates = {
      desktop: [...first('DESKTOP'), ...named('Desktop', 'Bureau')],
      documents: [...first('DOCUMENTS'), ...named('Documents')],
      downloads: [...first('DOWNLOAD'), ...named('Downloads', 'Téléchargements')],
      pictures: [...first('PICTURES'), ...named('Pictures', 'Images')],
    };
  }
  const out: Place[] = [];
  for (const [kind, list] of Object.entries(candidates) as Array<[Place['kind'], string[]]>) {
    for (const p of list) {
      const full = a.resolve(p);
      // The home folder itself is never « Bureau » (XDG_DESKTOP_DIR=$HOME when there is no desktop folder).
      if (full !== home && (await isDir(full))) {
        out.push({ kind, path: full });
        break;
      }
    }
  }
  if (await isDir(home)) out.push({ kind: 'home', path: home });
  return out;
}

/** The default of a restore: the folder the items were in, which of them have something at their place, and the obvious mode. */
export async function restorePlan(
  req: Pick<RestoreRequest, 'snapshotId' | 'paths'>,
  snapshotPaths: readonly string[],
  policy: ContainmentPolicy,
): Promise<RestorePlan> {
  const target = await resolveRestoreTarget(
    { snapshotId: req.snapshotId, paths: req.paths, mode: 'in-place', origin: 'practitioner' },
    snapshotPaths,
    policy,
  );
  const a = api(policy.platform);
  const existing: string[] = [];
  // A folder still to create holds nothing yet.
  if (target.missing.length === 0) for (const p of req.paths) if (await exists(a.join(target.dir, treeBase(p)))) existing.push(p);
  return { folder: target.dir, existing, suggestedMode: existing.length > 0 ? 'beside' : 'in-place' };
}

export interface FolderListOptions {
  policy: ContainmentPolicy;
  /** The backed-up folders (a restore « ailleurs » may go into them, and into the user's home). */
  backedUp: readonly string[];
  /** The user's places, in the order the picker offers them first. */
  places: readonly Place[];
  /** Most sub-folders listed (default 300). */
  limit?: number;
}

/** Whether a practitioner's restore « ailleurs » may write into `dir`: containment.ts's own answer. */
export async function canRestoreInto(dir: string, o: Pick<FolderListOptions, 'policy' | 'backedUp'>): Promise<boolean> {
  const root = o.backedUp[0];
  if (!root) return false;
  const probe = `${localToTree(root, o.policy.platform).replace(/\/$/, '')}/x`;
  try {
    await resolveRestoreTarget(
      { snapshotId: '00000000', paths: [probe], mode: 'folder', targetDir: dir, origin: 'practitioner' },
      o.backedUp,
      o.policy,
    );
    return true;
  } catch {
    return false;
  }
}

/**
 * The picker's list: with no `dir`, the places a restore may go into (Bureau, Documents…, the
 * backed-up folders, the home folder); with `dir` (itself allowed), its sub-folders that are
 * real folders (not links), not hidden, and allowed, by name (French collation).
 */
export async function listFolders(dir: string | undefined, o: FolderListOptions): Promise<FolderList> {
  const a = api(o.policy.platform);
  const limit = o.limit ?? 300;
  const allowed = (p: string) => canRestoreInto(p, o);
  if (dir === undefined) {
    const seen = new Set<string>();
    const folders: FolderList['folders'] = [];
    const firstOnes = o.places.filter((p) => p.kind !== 'home');
    const home = o.places.filter((p) => p.kind === 'home');
    for (const p of [...firstOnes, ...o.backedUp.map((b) => ({ kind: 'backed-up' as const, path: a.resolve(b) })), ...home]) {
      if (seen.has(p.path) || !(await allowed(p.path))) continue;
      seen.add(p.path);
      folders.push({ name: a.basename(p.path) || p.path, path: p.path });
    }
    return { path: null, folders, truncated: false };
  }
  const here = a.resolve(dir);
  if (!(await allowed(here))) return { path: here, folders: [], truncated: false };
  let entries;
  try {
    entries = await readdir(here, { withFileTypes: true });
  } catch {
    return { path: here, folders: [], truncated: false };
  }
  const names = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort((x, y) => x.localeCompare(y, 'fr', { sensitivity: 'base', numeric: true }));
  const folders: FolderList['folders'] = [];
  let truncated = false;
  for (const name of names) {
    const p = a.join(here, name);
    if (!(await allowed(p))) continue;
    if (folders.length >= limit) {
      truncated = true;
      break;
    }
    folders.push({ name, path: p });
  }
  return { path: here, folders, truncated };
}
