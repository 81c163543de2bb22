import type { DetectorConfig, DetectorEvent, DetectorState } from './detector-state.js';
import { iso } from './evidence.js';

/**
 * A finished backup's counts (files changed plus files gone) against the practice's usual ones
 * (the 90th percentile of recent normal backups): an abnormal backup only corroborates.
 */

function percentile90(values: readonly number[]): number | null {
  if (values.length < 3) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]!;
}

export function onBackup(s: DetectorState, e: Extract<DetectorEvent, { type: 'backup' }>, cfg: DetectorConfig): void {
  const total = e.filesNew + e.filesChanged + e.filesUnmodified;
  const prev = s.lastBackup;
  s.lastBackup = { total, at: e.at };
  if (!prev) return;
  const gone = Math.max(0, prev.total - e.filesUnmodified - e.filesChanged);
  const touched = e.filesChanged + gone;
  const usual = percentile90(s.backups);
  const abnormal =
    touched >= cfg.backupMinTouched &&
    touched >= cfg.backupMinShare * prev.total &&
    (usual === null || touched >= cfg.backupFactor * Math.max(1, usual));
  if (abnormal) {
    s.backupAnomaly = {
      snapshotId: e.snapshotId,
      at: iso(e.at),
      atMs: e.at,
      filesNew: e.filesNew,
      filesChanged: e.filesChanged,
      filesUnmodified: e.filesUnmodified,
      touched,
      usualTouched: usual ?? 0,
    };
  }
  // The practice's normal pattern learns from normal backups only.
  if (!abnormal && !s.alert) {
    s.backups.push(touched);
    if (s.backups.length > cfg.backupHistory) s.backups.splice(0, s.backups.length - cfg.backupHistory);
  }
}
