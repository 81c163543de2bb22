import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';
import type { SuggestedFolder } from '@vigie/common';

/**
 * Where practice software usually keeps its data, per OS. These are the publishers' usual
 * default install locations, to be confirmed by the provider for each practice: a folder is only
 * ever suggested when it exists on the machine. Databases (PostgreSQL, SQL Server, HFSQL…)
 * should also be exported by the software's own dump tool into a folder listed here; the default
 * backup times (12:30, 20:00) are outside consultations so the files are not being written.
 */
export const PRACTICE_SOFTWARE: ReadonlyArray<{ name: string; windows?: string[]; macos?: string[]; linux?: string[] }> = [
  { name: 'Julie', windows: ['C:\\Julie'] },
  { name: 'Logos_w', windows: ['C:\\Logos_w'] },
  { name: 'Visiodent', windows: ['C:\\Visiodent'] },
  { name: 'HelloDoc', windows: ['C:\\HelloDoc'] },
  { name: 'AxiSanté', windows: ['C:\\AxiSante'] },
  { name: 'Médimust', windows: ['C:\\Medimust'], macos: ['~/Library/Application Support/Medimust'] },
  { name: 'MédiStory', macos: ['/Users/Shared/MédiStory', '~/Documents/MédiStory'] },
];

export interface SuggestOptions {
  platform?: NodeJS.Platform;
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** Is this an existing folder? (injectable for tests) */
  isDir?: (path: string) => Promise<boolean>;
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Where the user's Documents folder may be, most usual first. */
export function documentsCandidates(platform: NodeJS.Platform, home: string, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'win32') {
    const profile = env.USERPROFILE ?? home;
    // OneDrive "known folder move" redirects Documents.
    return [win32.join(profile, 'Documents'), ...(env.OneDrive ? [win32.join(env.OneDrive, 'Documents')] : [])];
  }
  if (platform === 'linux' && env.XDG_DOCUMENTS_DIR) return [env.XDG_DOCUMENTS_DIR.replace(/^\$HOME/, home)];
  return [join(home, 'Documents')];
}

/** The user's documents and the practice-software folders that exist here, in that order. */
export async function suggestFolders(opts: SuggestOptions = {}): Promise<SuggestedFolder[]> {
  const platform = opts.platform ?? process.platform;
  const home = opts.home ?? homedir();
  const env = opts.env ?? process.env;
  const isDir = opts.isDir ?? isDirectory;
  const out: SuggestedFolder[] = [];
  const seen = new Set<string>();
  const add = async (path: string, kind: SuggestedFolder['kind'], label: string) => {
    const key = platform === 'win32' || platform === 'darwin' ? path.toLowerCase() : path;
    if (seen.has(key) || !(await isDir(path))) return;
    seen.add(key);
    out.push({ path, kind, label });
  };
  for (const p of documentsCandidates(platform, home, env)) await add(p, 'documents', 'Documents');
  const os = platform === 'win32' ? 'windows' : platform === 'darwin' ? 'macos' : 'linux';
  for (const sw of PRACTICE_SOFTWARE) {
    for (const raw of sw[os] ?? []) {
      const p = raw.startsWith('~/') ? join(home, raw.slice(2)) : raw;
      await add(p, 'software', sw.name);
    }
  }
  return out;
}
