import type { TripwireAlert, TripwireBackupEvidence, TripwireFileKind, TripwireSnapshot } from '@vigie/common';
import { TRIPWIRE_LIMITS } from '@vigie/common';
import type { FileSample } from './signals.js';

/**
 * What the detector (detector.ts) works on: its thresholds, its state, the events it is fed and
 * the effects it asks for. Types and the starting values only; the decisions are in detector.ts,
 * rules.ts, backup-anomaly.ts and evidence.ts.
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

export type MarkKind = TripwireFileKind | 'note-name' | 'canary-deleted';

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

export interface Pending {
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
