import type { TripwireReason } from '@vigie/common';
import type { DetectorConfig, DetectorState, Mark, MarkKind, Pending } from './detector-state.js';

/**
 * How the detector's marks become reasons to alert: documents replaced (an unreadable file
 * created beside a document deleted), old marks forgotten, and the rules themselves — which
 * signal is enough alone, and which only corroborates a stronger one (README, « Signals »).
 */

const DESTROYED = new Set<MarkKind>(['encrypted', 'wiped', 'replaced']);

/** An unreadable file created and a document deleted in the same folder within the window: the document was replaced. */
export function pair(s: DetectorState, now: number, cfg: DetectorConfig, mark: (m: Mark) => void): void {
  const since = now - cfg.burstWindowMs;
  s.opaque = s.opaque.filter((o) => o.at >= since);
  s.deleted = s.deleted.filter((d) => d.at >= since);
  if (s.opaque.length === 0 || s.deleted.length === 0) return;
  const used = new Set<Pending>();
  for (const o of s.opaque) {
    const d = s.deleted.find((x) => x.folder === o.folder && !used.has(x));
    if (!d) continue;
    used.add(d);
    used.add(o);
    mark({ at: Math.max(o.at, d.at), path: d.path, kind: 'replaced', entropy: o.entropy, folder: o.folder });
  }
  s.opaque = s.opaque.filter((o) => !used.has(o));
  s.deleted = s.deleted.filter((d) => !used.has(d));
}
export function prune(s: DetectorState, now: number, cfg: DetectorConfig): void {
  const keepFrom = now - Math.max(cfg.slowWindowMs, cfg.corroborationMs);
  s.marks = s.marks.filter((m) => m.at >= keepFrom);
  if (s.marks.length > cfg.maxMarks) s.marks = s.marks.slice(-cfg.maxMarks);
  if (s.opaque.length > cfg.maxMarks) s.opaque = s.opaque.slice(-cfg.maxMarks);
  if (s.deleted.length > cfg.maxMarks) s.deleted = s.deleted.slice(-cfg.maxMarks);
  if (s.backupAnomaly && now - s.backupAnomaly.atMs > cfg.backupMemoryMs) s.backupAnomaly = null;
}
export function reasonsNow(s: DetectorState, now: number, cfg: DetectorConfig): TripwireReason[] {
  const within = (ms: number, kinds: (k: MarkKind) => boolean) => s.marks.filter((m) => m.at >= now - ms && kinds(m.kind));
  const distinct = (ms: Mark[]) => new Set(ms.map((m) => m.path)).size;
  const reasons: TripwireReason[] = [];
  const destroyedBurst = distinct(within(cfg.burstWindowMs, (k) => DESTROYED.has(k)));
  const destroyedSlow = distinct(within(cfg.slowWindowMs, (k) => DESTROYED.has(k)));
  const destroyedRecent = distinct(within(cfg.corroborationMs, (k) => DESTROYED.has(k)));
  const extensions = distinct(within(cfg.burstWindowMs, (k) => k === 'extension'));
  const extensionsRecent = distinct(within(cfg.corroborationMs, (k) => k === 'extension'));
  const notes = within(cfg.corroborationMs, (k) => k === 'note').length;
  const noteNames = within(cfg.corroborationMs, (k) => k === 'note-name').length;
  const canaryHit = within(cfg.corroborationMs, (k) => k === 'canary').length;
  const canaryGone = within(cfg.corroborationMs, (k) => k === 'canary-deleted');
  const canaryGoneFolders = new Set(canaryGone.filter((m) => m.at >= now - cfg.burstWindowMs).map((m) => m.folder)).size;
  const strongSeen = destroyedRecent > 0 || notes + noteNames > 0 || extensionsRecent > 0;

  if (canaryHit > 0 || canaryGoneFolders >= 2 || (canaryGone.length > 0 && strongSeen)) reasons.push('canary');
  if (destroyedBurst >= cfg.burstThreshold) reasons.push('burst');
  if (destroyedSlow >= cfg.slowThreshold) reasons.push('slow');
  if (notes > 0 || (noteNames > 0 && (destroyedRecent > 0 || extensionsRecent > 0 || canaryGone.length > 0))) reasons.push('note');
  if (extensions >= cfg.extensionThreshold) reasons.push('extension');
  if (s.backupAnomaly && (destroyedSlow >= 2 || notes + noteNames > 0 || canaryGone.length > 0)) reasons.push('backup');
  return reasons;
}
