import type { TripwireAlert, TripwireFile, TripwireFileKind, TripwireReason } from '@vigie/common';
import { TRIPWIRE_LIMITS } from '@vigie/common';
import type { DetectorConfig, DetectorState, Mark } from './detector-state.js';

/**
 * What an alert carries: the files touched (the first ones, one entry per file, oldest first),
 * the ransom notes, the extensions, the backup anomaly — every text cut to the contract's limits
 * and made well-formed Unicode — for a new alert and for more evidence on the standing one.
 */

export const iso = (ms: number) => new Date(ms).toISOString();

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/**
 * A file name as the alert carries it: at most `max` characters, and well-formed Unicode (a
 * Windows name may hold a lone surrogate, and a cut may split a pair; the hub refuses such text).
 */
export const evidenceText = (s: string, max: number = TRIPWIRE_LIMITS.path): string => s.slice(0, max).replace(LONE_SURROGATE, '\uFFFD');

function toFile(m: Mark): TripwireFile {
  const kind: TripwireFileKind = m.kind === 'note-name' ? 'note' : m.kind === 'canary-deleted' ? 'canary' : m.kind;
  return { path: evidenceText(m.path), at: iso(m.at), kind, entropy: m.entropy };
}

/** One entry per file (its first mark), oldest first. */
function evidenceFiles(marks: readonly Mark[]): Mark[] {
  const seen = new Set<string>();
  const out: Mark[] = [];
  for (const m of [...marks].sort((a, b) => a.at - b.at)) {
    if (seen.has(m.path)) continue;
    seen.add(m.path);
    out.push(m);
  }
  return out;
}

function notesOf(marks: readonly Mark[]): string[] {
  return [...new Set(marks.filter((m) => m.kind === 'note' || m.kind === 'note-name').map((m) => evidenceText(m.path)))].slice(
    0,
    TRIPWIRE_LIMITS.notes,
  );
}

function extensionsOf(marks: readonly Mark[], previous: readonly string[] = []): string[] {
  return [...new Set([...previous, ...marks.filter((m) => m.kind === 'extension' && m.ext).map((m) => evidenceText(m.ext!, 40))])].slice(
    0,
    TRIPWIRE_LIMITS.extensions,
  );
}

export function buildAlert(s: DetectorState, id: string, now: number, reasons: TripwireReason[], cfg: DetectorConfig): TripwireAlert {
  const files = evidenceFiles(s.marks);
  const first = files.length ? files[0]!.at : now;
  const backup = s.backupAnomaly ? (({ atMs: _atMs, ...b }) => b)(s.backupAnomaly) : null;
  return {
    id,
    raisedAt: iso(now),
    firstChangeAt: iso(Math.min(first, s.backupAnomaly?.atMs ?? first)),
    reasons,
    files: files.slice(0, cfg.maxEvidence).map(toFile),
    fileCount: files.length,
    notes: notesOf(s.marks),
    extensions: extensionsOf(s.marks),
    lastGoodSnapshot: null,
    backup,
    folders: s.folders.slice(0, TRIPWIRE_LIMITS.folders).map((f) => evidenceText(f)),
  };
}
export function extendAlert(
  alert: TripwireAlert,
  fresh: readonly Mark[],
  reasons: readonly TripwireReason[],
  s: DetectorState,
  cfg: DetectorConfig,
): TripwireAlert {
  const known = new Set(alert.files.map((f) => f.path));
  const added = evidenceFiles(fresh).filter((m) => !known.has(evidenceText(m.path)));
  const room = Math.max(0, cfg.maxEvidence - alert.files.length);
  const notes = [...new Set([...alert.notes, ...notesOf(fresh)])].slice(0, TRIPWIRE_LIMITS.notes);
  const backup = alert.backup ?? (s.backupAnomaly ? (({ atMs: _atMs, ...b }) => b)(s.backupAnomaly) : null);
  return {
    ...alert,
    reasons: [...new Set([...alert.reasons, ...reasons])],
    files: [...alert.files, ...added.slice(0, room).map(toFile)],
    fileCount: alert.fileCount + added.length,
    notes,
    extensions: extensionsOf(fresh, alert.extensions),
    backup,
  };
}
