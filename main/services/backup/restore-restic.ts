import type { RestoreProgress } from '@vigie/common';
import { backupError } from './errors.js';
import { measureTree, processWrittenBytes } from './fsops.js';
import { sumFiles, type Expected } from './restore-expected.js';
import type { RepoTarget, Restic } from './restic/client.js';
import { parseRestoreLine } from './restic/parse.js';
import { includePatternFor } from './restic/paths.js';

/**
 * restic restoring a snapshot's paths into the staging folder (never at a target path), with the
 * job's progress meanwhile: restic's own (0.16+), or the staging folder measured (older restic).
 * Includes are escaped (restic/paths.ts); interrupted or killed, restic's stale lock is removed.
 */
export interface StagingRestore {
  restic: Restic;
  repo: RepoTarget;
  snapshotId: string;
  staging: string;
  paths: readonly string[];
  /** What the snapshot holds for these paths (its totals, once known, bound the measured progress). */
  expected: Promise<Map<string, Expected>>;
  platform: NodeJS.Platform;
  /** The job's: aborted, restic is interrupted and the restore ends as cancelled. */
  signal: AbortSignal;
  /** Shortest interval between two measurements of the staging folder (restic < 0.16). */
  pollMs?: number;
  onProgress: (p: RestoreProgress) => void;
  /** After restic was interrupted or killed: remove the lock it may have left (it is stale now). */
  afterInterrupt?: (repo: RepoTarget) => Promise<void>;
}

export async function restoreIntoStaging(o: StagingRestore): Promise<void> {
  const { restic, repo, snapshotId, staging } = o;
  const includes = o.paths.map((p) => includePatternFor(p, o.platform));
  const started = Date.now();
  let total: { bytes: number; files: number } | null = null;
  o.expected.then((m) => (total = sumFiles(m))).catch(() => undefined);
  let fromRestic = false;
  let pid: number | undefined;
  let measured = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const remaining = (done: number, tot: number | null): number | null => {
    const elapsed = (Date.now() - started) / 1000;
    if (!tot || done <= 0 || elapsed < 1) return null;
    return Math.max(0, ((tot - done) * elapsed) / done);
  };

  // restic < 0.16 prints no restore progress: measure the staging folder (bounded by what the
  // process has really written where the OS tells, since restic preallocates files).
  const poll = async () => {
    if (stopped || fromRestic) return;
    const t0 = Date.now();
    const m = await measureTree(staging);
    const written = await processWrittenBytes(pid);
    const t = total as { bytes: number; files: number } | null;
    let bytes = written === null ? m.bytes : Math.min(m.bytes, written);
    if (t) bytes = Math.min(bytes, t.bytes);
    measured = Math.max(measured, bytes);
    if (!stopped && !fromRestic) {
      o.onProgress({
        fraction: t && t.bytes > 0 ? Math.min(0.99, measured / t.bytes) : null,
        bytesDone: measured,
        totalBytes: t?.bytes ?? null,
        filesDone: m.files,
        totalFiles: t?.files ?? null,
        secondsRemaining: remaining(measured, t?.bytes ?? null),
        source: 'staging',
      });
    }
    // Measuring must stay cheap next to the restore itself: at most ~5% of the time.
    const cost = Date.now() - t0;
    if (!stopped) timer = setTimeout(() => void poll(), Math.max(o.pollMs ?? 500, cost * 20));
  };
  if (!restic.features?.restoreJson) timer = setTimeout(() => void poll(), o.pollMs ?? 500);

  const r = await restic
    .restore(repo, snapshotId, staging, includes, {
      signal: o.signal,
      onSpawn: (c) => {
        pid = c.pid;
      },
      onStdoutLine: (line) => {
        const s = parseRestoreLine(line);
        if (!s) return;
        fromRestic = true;
        const tot = s.total_bytes ?? null;
        const done = s.bytes_restored ?? 0;
        o.onProgress({
          fraction: s.percent_done !== undefined ? Math.min(1, s.percent_done) : tot ? Math.min(1, done / tot) : null,
          bytesDone: done,
          totalBytes: tot,
          filesDone: s.files_restored ?? null,
          totalFiles: s.total_files ?? null,
          secondsRemaining: s.seconds_remaining ?? remaining(done, tot),
          source: 'restic',
        });
      },
    })
    .finally(() => {
      stopped = true;
      if (timer) clearTimeout(timer);
    });
  if (r.aborted || r.signal) await o.afterInterrupt?.(repo);
  if (r.aborted || o.signal.aborted) throw backupError('cancelled');
  if (r.code !== 0) restic.fail(r, 'restore', repo);
}
