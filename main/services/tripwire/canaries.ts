import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STAGING_PREFIX } from '../backup/staging.js';

/**
 * Control files (« canaries »): small documents with plausible names that Vigie places in each
 * practice folder and in its first subfolders, hidden where the system allows it (a leading dot on
 * macOS and Linux, the hidden attribute on Windows), and named to come first in a listing (where
 * ransomware starts). Nobody opens them; nothing but ransomware rewrites them. Vigie never
 * overwrites a file to place one (created with O_EXCL), recognises its own by content hash, and
 * keeps them out of backups (exact-path excludes: never in the restore browser or the counts).
 */

export interface Canary {
  path: string;
  folder: string;
  sha256: string;
}

export type CanaryKind = 'pdf' | 'csv';

/** The control files of one folder, by platform (hidden by name where a dot hides). */
export function canaryNames(platform: NodeJS.Platform): Array<{ name: string; kind: CanaryKind }> {
  const dot = platform === 'win32' ? '' : '.';
  return [
    { name: `${dot}000 - Archives 2019.pdf`, kind: 'pdf' },
    { name: `${dot}000 - Inventaire 2018.csv`, kind: 'csv' },
  ];
}

/** A small valid PDF (one page of text) or a CSV; `token` makes this installation's content its own. */
export function canaryContent(kind: CanaryKind, token: string): Buffer {
  if (kind === 'csv') {
    const lines = [
      'Date;Libellé;Quantité;Montant',
      '03/01/2018;Fournitures de bureau;12;84,20',
      '17/01/2018;Gants d’examen (boîtes);20;131,00',
      '02/02/2018;Papier pour table d’examen;6;47,40',
      `28/02/2018;Réf. ${token};1;0,00`,
    ];
    return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
  }
  const text = `(Archives 2019 - ref ${token}) Tj`;
  const stream = `BT /F1 12 Tf 72 720 Td ${text} ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * The folders that get control files: each practice folder, then its first-level subfolders in
 * name order (not hidden, not Vigie's restore staging, not links), `max` folders in all.
 */
export async function canaryFolders(roots: readonly string[], max: number): Promise<string[]> {
  const out: string[] = [];
  for (const r of roots) {
    if (out.length >= max) break;
    if ((await lstat(r).catch(() => null))?.isDirectory()) out.push(r);
  }
  for (const r of roots) {
    if (out.length >= max) break;
    const entries = await readdir(r, { withFileTypes: true }).catch(() => []);
    const subs = entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith(STAGING_PREFIX))
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b, 'fr'));
    for (const name of subs) {
      if (out.length >= max) break;
      out.push(join(r, name));
    }
  }
  return out;
}

/**
 * Places the control files of `folders` that are not there yet: created exclusively (never over
 * a file), hidden through `hide` (Windows), recognised as ours when one with our content already
 * stands there. A name taken by a file of the user's is left alone (that folder gets one less).
 */
export async function plantCanaries(
  folders: readonly string[],
  o: { platform: NodeJS.Platform; token: string; hide?: (path: string) => Promise<void> },
): Promise<Canary[]> {
  const planted: Canary[] = [];
  for (const folder of folders) {
    for (const { name, kind } of canaryNames(o.platform)) {
      const path = join(folder, name);
      const content = canaryContent(kind, o.token);
      const c = await plantOne(path, content, o.hide);
      if (c) planted.push({ path, folder, sha256: c });
    }
  }
  return planted;
}

/** Writes one control file with `content` unless something is there; its hash when it is ours. */
export async function plantOne(path: string, content: Buffer, hide?: (path: string) => Promise<void>): Promise<string | null> {
  const digest = sha256(content);
  try {
    const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
    try {
      await fh.writeFile(content);
    } finally {
      await fh.close();
    }
    await hide?.(path).catch(() => undefined);
    return digest;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return null;
    return (await canaryDigest(path)) === digest ? digest : null;
  }
}

/** The hash of a control file as it is now; null when it is gone or no longer a plain file. */
export async function canaryDigest(path: string): Promise<string | null> {
  const st = await lstat(path).catch(() => null);
  if (!st || !st.isFile()) return null;
  // Control files are a few hundred bytes: one grown huge is changed, no need to read it all.
  if (st.size > 64 * 1024) return 'too-big';
  return sha256(await readFile(path).catch(() => Buffer.alloc(0)));
}

/** What became of a control file. */
export async function checkCanary(c: Canary): Promise<'ok' | 'changed' | 'deleted'> {
  const st = await lstat(c.path).catch(() => null);
  if (!st) return 'deleted';
  const d = await canaryDigest(c.path);
  return d === c.sha256 ? 'ok' : 'changed';
}

/**
 * A restic `--exclude` pattern matching exactly this path: the characters restic's patterns give a
 * meaning to are put in a character class (`[` → `[[]`, `*` → `[*]`, `?` → `[?]`; on macOS and
 * Linux a backslash is escaped), so a folder named « Patients [2019] » is matched as written.
 */
export function excludePattern(path: string, platform: NodeJS.Platform): string {
  let out = '';
  for (const ch of path) {
    if (ch === '[' || ch === '*' || ch === '?') out += `[${ch}]`;
    else if (ch === '\\' && platform !== 'win32') out += '\\\\';
    else out += ch;
  }
  return out;
}
