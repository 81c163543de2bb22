import { lstat } from 'node:fs/promises';
import { join } from 'node:path';

const pad = (n: number) => String(n).padStart(2, '0');

/** Local date and time as used in file names: "2024-05-03 12h30" (no ':' — Windows forbids it). */
export function nameStamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}h${pad(d.getMinutes())}`;
}

/** "rapport.final.pdf" → ["rapport.final", ".pdf"]; ".bashrc" → [".bashrc", ""]; folders keep their whole name. */
export function splitExtension(name: string, isDir: boolean): [string, string] {
  if (isDir) return [name, ''];
  const i = name.lastIndexOf('.');
  if (i <= 0 || i === name.length - 1) return [name, ''];
  const ext = name.slice(i);
  // "Compte rendu. Patient" is not an extension.
  if (ext.length > 16 || /\s/.test(ext)) return [name, ''];
  return [name.slice(0, i), ext];
}

const MAX_NAME_BYTES = 255;

function fitStem(stem: string, suffixBytes: number): string {
  let s = stem;
  while (s.length > 1 && Buffer.byteLength(s) + suffixBytes > MAX_NAME_BYTES) s = s.slice(0, -1);
  return s;
}

/**
 * `nom (label AAAA-MM-JJ HHhMM).ext`, with ` (n)` after the parenthesis from n = 2 on; the stem
 * is shortened when the whole name would exceed 255 bytes.
 */
export function datedName(name: string, label: string, at: Date, isDir: boolean, n = 1): string {
  const [stem, ext] = splitExtension(name, isDir);
  const suffix = ` (${label} ${nameStamp(at)})${n > 1 ? ` (${n})` : ''}${ext}`;
  return fitStem(stem, Buffer.byteLength(suffix)) + suffix;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** The first name from `candidate(1)`, `candidate(2)`… that is free in `dir` (lstat: a dangling symlink counts as taken). */
export async function freeName(dir: string, candidate: (n: number) => string): Promise<string> {
  for (let n = 1; n <= 1000; n++) {
    const name = candidate(n);
    if (!(await exists(join(dir, name)))) return name;
  }
  throw new Error('no free name');
}
