import type {
  TripwireAlert,
  TripwireBackupEvidence,
  TripwireFile,
  TripwireFileKind,
  TripwireReason,
  TripwireSnapshot,
} from '@vigie/common';
import { TRIPWIRE_LIMITS } from '@vigie/common';
import { expectedOf, isNoteName, judge, noteWords, ransomExtension, type FileSample } from './signals.js';

/**
 * The tripwire's decisions as one pure function, `decide(state, event) → { state, effects }`: no
 * I/O, no clock of its own (every event carries its time). The watcher and the sampler feed it
 * what they saw in the practice folders; the service carries out the effects (alert the hub,
 * freeze retention, show the practitioner what to do, put a deleted control file back).
 *
 * Signals, each cheap and each alone rarely wrong:
 * - a hidden control file (canary) changed or renamed: nobody but ransomware rewrites it;
 * - files whose content no longer matches what their name promises and now looks encrypted (high
 *   entropy, no header) or blanked, counted in a short window (`burst`) and over hours (`slow`);
 *   a known type deleted while an unreadable file appears in the same folder counts the same
 *   (`replaced`: encrypt-to-a-new-name-then-delete);
 * - ransom notes (name, and ransom words inside) and ransomware extensions;
 * - a backup whose counts (changed + gone) are far above the practice's usual ones.
 * What benign bulk activity does never trips them: importing thousands of scanned PDFs creates
 * files that are real PDFs; a software update rewrites executables (with their header) outside
 * the practice folders; a mail re-index rewrites its own store (a known format) and index blobs
 * whose names promise nothing. A backup anomaly alone (a practitioner reorganising folders) and a
 * single control file deleted alone (a tidy-up) are only corroboration.
 */

export interface DetectorConfig {
  /** Destroyed files within `burstWindowMs` that raise the alert. */
  burstWindowMs: number;
  burstThreshold: number;
  /** Destroyed files within `slowWindowMs` (a slow, careful attack). */
  slowWindowMs: number;
  slowThreshold: number;
  /** How far back a weak signal (note name only, one control file deleted, backup anomaly) looks for a strong one. */
  corroborationMs: number;
  /** Files renamed to a known ransomware extension within the burst window. */
  extensionThreshold: number;
  /** A backup is abnormal when it touched at least this many files… */
  backupMinTouched: number;
  /** …and this share of the previous backup's files… */
  backupMinShare: number;
  /** …and this many times what the practice usually touches (90th percentile of recent backups). */
  backupFactor: number;
  backupHistory: number;
  /** A backup anomaly corroborates for this long. */
  backupMemoryMs: number;
  /** Files kept in the alert's evidence (the first ones). */
  maxEvidence: number;
  /** Marks and pending files kept (bounded memory under any storm of events). */
  maxMarks: number;
}

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = {
  burstWindowMs: 2 * 60_000,
  burstThreshold: 5,
  slowWindowMs: 6 * 3_600_000,
  slowThreshold: 12,
  corroborationMs: 60 * 60_000,
  extensionThreshold: 3,
  backupMinTouched: 50,
  backupMinShare: 0.2,
  backupFactor: 3,
  backupHistory: 20,
  backupMemoryMs: 24 * 3_600_000,
  maxEvidence: TRIPWIRE_LIMITS.files,
  maxMarks: 5_000,
};

type MarkKind = TripwireFileKind | 'note-name' | 'canary-deleted';

/** Something suspicious seen about one file. */
export interface Mark {
  at: number;
  path: string;
  kind: MarkKind;
  entropy: number | null;
  /** The folder it is in (a canary deleted in two folders is not a tidy-up of one). */
  folder: string;
  /** The ransomware extension, for `extension` marks. */
  ext?: string;
}

interface Pending {
  at: number;
  path: string;
  folder: string;
  entropy: number | null;
}

export interface DetectorState {
  /** Prefix of alert ids (random per installation). */
  seed: string;
  /** Alerts raised so far (the next id's number). */
  raised: number;
  /** The watched practice folders: events elsewhere are ignored. */
  folders: string[];
  marks: Mark[];
  /** Unreadable files created, and known documents deleted, not paired yet (same folder, burst window). */
  opaque: Pending[];
  deleted: Pending[];
  /** Files touched (changed + gone) by recent normal backups. */
  backups: number[];
  lastBackup: { total: number; at: number } | null;
  backupAnomaly: (TripwireBackupEvidence & { atMs: number }) | null;
  alert: TripwireAlert | null;
}

export type DetectorEvent =
  | { type: 'folders'; folders: string[] }
  /** A file was created or rewritten (`sample`: what the sampler read of it). */
  | { type: 'written'; at: number; path: string; sample: FileSample }
  | { type: 'deleted'; at: number; path: string }
  /** One of Vigie's control files: its content changed, it is gone, or it reappeared under another name. */
  | { type: 'canary'; at: number; path: string; change: 'changed' | 'deleted' | 'renamed' }
  /** A backup finished, with its counts. */
  | { type: 'backup'; at: number; snapshotId: string | null; filesNew: number; filesChanged: number; filesUnmodified: number }
  /** The newest snapshot before the alert's first changed file (looked up by the service). */
  | { type: 'snapshot'; alertId: string; snapshot: TripwireSnapshot | null }
  /** The technician lifted the alert (the machine is clean). */
  | { type: 'lift'; at: number; alertId: string }
  /** Time passes (windows slide). */
  | { type: 'tick'; at: number };

export type DetectorEffect =
  /** A new alert: tell the hub, the practitioner, freeze retention, look up the last good snapshot. */
  | { type: 'raise'; alert: TripwireAlert }
  /** The standing alert has more evidence. */
  | { type: 'evidence'; alert: TripwireAlert }
  | { type: 'lifted'; alertId: string }
  /** A control file was deleted without anything else going on: put it back. */
  | { type: 'replant'; path: string };

export function initialState(seed: string): DetectorState {
  return {
    seed,
    raised: 0,
    folders: [],
    marks: [],
    opaque: [],
    deleted: [],
    backups: [],
    lastBackup: null,
    backupAnomaly: null,
    alert: null,
  };
}

const DESTROYED = new Set<MarkKind>(['encrypted', 'wiped', 'replaced']);

const sepOf = (p: string) => (p.includes('\\') && !p.includes('/') ? '\\' : '/');
const isWin = (p: string) => /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
const norm = (p: string) => (isWin(p) ? p.toLowerCase().replace(/\//g, '\\') : p);

/** `path` is `root` or below it (by whole names; Windows paths compared without case). */
export function isInside(path: string, root: string): boolean {
  const p = norm(path);
  const r = norm(root).replace(/[\\/]+$/, '');
  if (p === r) return true;
  return p.startsWith(r + sepOf(norm(root)));
}

export function parentOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i <= 0 ? path.slice(0, i + 1) : path.slice(0, i);
}

const iso = (ms: number) => new Date(ms).toISOString();

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/**
 * A file name as the alert carries it: at most `max` characters, and well-formed Unicode (a
 * Windows name may hold a lone surrogate, and a cut may split a pair; the hub refuses such text).
 */
export const evidenceText = (s: string, max: number = TRIPWIRE_LIMITS.path): string => s.slice(0, max).replace(LONE_SURROGATE, '\uFFFD');

function percentile90(values: readonly number[]): number | null {
  if (values.length < 3) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]!;
}

/**
 * One step of the detector. The state given is not changed; the new one is returned with what
 * to do. Unknown or malformed input never throws: a file outside the watched folders, an empty
 * sample, a lift for another alert are simply ignored.
 */
export function decide(
  state: DetectorState,
  event: DetectorEvent,
  cfg: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
): { state: DetectorState; effects: DetectorEffect[] } {
  const s: DetectorState = {
    ...state,
    marks: [...state.marks],
    opaque: [...state.opaque],
    deleted: [...state.deleted],
    backups: [...state.backups],
  };
  const effects: DetectorEffect[] = [];
  const fresh: Mark[] = [];
  const watched = (path: string) => s.folders.some((f) => isInside(path, f));
  const mark = (m: Mark) => {
    // One entry per file and kind: a file written twice is one file.
    if (s.marks.some((x) => x.path === m.path && x.kind === m.kind)) return;
    s.marks.push(m);
    fresh.push(m);
  };

  switch (event.type) {
    case 'folders':
      s.folders = [...new Set(event.folders)];
      return { state: s, effects };
    case 'snapshot':
      if (s.alert && s.alert.id === event.alertId) {
        s.alert = { ...s.alert, lastGoodSnapshot: event.snapshot };
        effects.push({ type: 'evidence', alert: s.alert });
      }
      return { state: s, effects };
    case 'lift':
      if (!s.alert || s.alert.id !== event.alertId) return { state: s, effects };
      effects.push({ type: 'lifted', alertId: s.alert.id });
      // What the attack left is known and handled: only what happens from now on counts.
      return { state: { ...s, alert: null, marks: [], opaque: [], deleted: [], backupAnomaly: null, lastBackup: null }, effects };
    case 'backup':
      onBackup(s, event, cfg);
      break;
    case 'written': {
      if (!watched(event.path)) return { state: s, effects };
      const folder = parentOf(event.path);
      if (isNoteName(event.path)) {
        mark({ at: event.at, path: event.path, kind: noteWords(event.sample.head) >= 2 ? 'note' : 'note-name', entropy: null, folder });
        break;
      }
      const j = judge(event.path, event.sample);
      const ext = ransomExtension(event.path);
      if (ext) mark({ at: event.at, path: event.path, kind: 'extension', entropy: j.entropy, folder, ext });
      if (j.verdict === 'encrypted' || j.verdict === 'wiped')
        mark({ at: event.at, path: event.path, kind: j.verdict, entropy: j.entropy, folder });
      else if (j.verdict === 'opaque') s.opaque.push({ at: event.at, path: event.path, folder, entropy: j.entropy });
      break;
    }
    case 'deleted':
      if (!watched(event.path)) return { state: s, effects };
      // Only documents of a known type count: a cache or a lock file going away says nothing.
      if (expectedOf(event.path).expected !== null)
        s.deleted.push({ at: event.at, path: event.path, folder: parentOf(event.path), entropy: null });
      break;
    case 'canary': {
      const folder = parentOf(event.path);
      mark({ at: event.at, path: event.path, kind: event.change === 'deleted' ? 'canary-deleted' : 'canary', entropy: null, folder });
      break;
    }
    case 'tick':
      break;
  }

  const now = 'at' in event ? event.at : 0;
  pair(s, now, cfg, mark);
  prune(s, now, cfg);

  const reasons = reasonsNow(s, now, cfg);
  if (event.type === 'canary' && event.change === 'deleted' && reasons.length === 0 && !s.alert)
    effects.push({ type: 'replant', path: event.path });

  if (reasons.length > 0 && !s.alert) {
    s.raised += 1;
    s.alert = buildAlert(s, `${s.seed}-${s.raised}`, now, reasons, cfg);
    effects.push({ type: 'raise', alert: s.alert });
  } else if (s.alert && (fresh.length > 0 || reasons.some((r) => !s.alert!.reasons.includes(r)))) {
    s.alert = extendAlert(s.alert, fresh, reasons, s, cfg);
    effects.push({ type: 'evidence', alert: s.alert });
  }
  return { state: s, effects };
}

/** An unreadable file created and a document deleted in the same folder within the window: the document was replaced. */
function pair(s: DetectorState, now: number, cfg: DetectorConfig, mark: (m: Mark) => void): void {
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

function prune(s: DetectorState, now: number, cfg: DetectorConfig): void {
  const keepFrom = now - Math.max(cfg.slowWindowMs, cfg.corroborationMs);
  s.marks = s.marks.filter((m) => m.at >= keepFrom);
  if (s.marks.length > cfg.maxMarks) s.marks = s.marks.slice(-cfg.maxMarks);
  if (s.opaque.length > cfg.maxMarks) s.opaque = s.opaque.slice(-cfg.maxMarks);
  if (s.deleted.length > cfg.maxMarks) s.deleted = s.deleted.slice(-cfg.maxMarks);
  if (s.backupAnomaly && now - s.backupAnomaly.atMs > cfg.backupMemoryMs) s.backupAnomaly = null;
}

function reasonsNow(s: DetectorState, now: number, cfg: DetectorConfig): TripwireReason[] {
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

function onBackup(s: DetectorState, e: Extract<DetectorEvent, { type: 'backup' }>, cfg: DetectorConfig): void {
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

function buildAlert(s: DetectorState, id: string, now: number, reasons: TripwireReason[], cfg: DetectorConfig): TripwireAlert {
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

function extendAlert(
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
