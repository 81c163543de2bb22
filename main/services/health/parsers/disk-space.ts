import type { Finding, Parser } from '../types.js';
import { clean, critical, ok, unknown, unparseable, warning } from './util.js';

/**
 * Free disk space: the thresholds every system shares (the Windows parser reads them too) and
 * `df -Pk` as Linux and macOS print it.
 */

// ---------- disk-space: df -Pk (Linux and macOS) ----------
export const DISK_CRITICAL = { percent: 5, bytes: 2 * 1024 ** 3 };
export const DISK_WARNING = { percent: 10, bytes: 10 * 1024 ** 3 };
const WATCHED_MOUNTS = ['/', '/home', '/System/Volumes/Data'];

export const parseDfPk: Parser = ({ stdout, exitCode }) => {
  const lines = clean(stdout)
    .split('\n')
    .filter((l) => l.trim());
  if (!lines[0] || !/^Filesystem\s+1024-blocks\s+Used\s+Avail(able)?\s+Capacity\s+Mounted on/.test(lines[0])) {
    return exitCode === 0 ? unparseable('df -Pk') : unknown('command-failed', { command: 'df -Pk', exitCode: exitCode ?? -1 });
  }
  let worst: Finding | null = null;
  const rank = { ok: 0, warning: 1, critical: 2, unknown: -1 } as const;
  for (const line of lines.slice(1)) {
    const m = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)%\s+(\/.*)$/.exec(line);
    if (!m) return unparseable('df -Pk');
    const mount = m[6] ?? '';
    if (!WATCHED_MOUNTS.includes(mount)) continue;
    const used = Number(m[3]) * 1024;
    const avail = Number(m[4]) * 1024;
    if (used + avail === 0) continue;
    const percent = Math.floor((1000 * avail) / (used + avail)) / 10;
    const params = { freeBytes: avail, percent, mount };
    const f =
      percent < DISK_CRITICAL.percent || avail < DISK_CRITICAL.bytes
        ? critical('disk-space.full', params)
        : percent < DISK_WARNING.percent || avail < DISK_WARNING.bytes
          ? warning('disk-space.low', params)
          : ok('disk-space.ok', params);
    if (!worst || rank[f.status] > rank[worst.status]) worst = f;
  }
  return worst ?? unknown('nothing-found', { detail: 'aucun disque système dans la liste' });
};
