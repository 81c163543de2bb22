import { onBackup } from './backup-anomaly.js';
import {
  DEFAULT_DETECTOR_CONFIG,
  type DetectorConfig,
  type DetectorEffect,
  type DetectorEvent,
  type DetectorState,
  type Mark,
} from './detector-state.js';
import { buildAlert, extendAlert } from './evidence.js';
import { isInside, parentOf } from './paths.js';
import { pair, prune, reasonsNow } from './rules.js';
import { isNoteName, noteWords, ransomExtension } from './ransom-names.js';
import { expectedOf, judge } from './signals.js';

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
 *
 * This module is the step itself; its state and events are in detector-state.ts, the rules that
 * turn marks into reasons in rules.ts, the backup counts in backup-anomaly.ts, what an alert
 * carries in evidence.ts, path comparisons in paths.ts.
 */

export { DEFAULT_DETECTOR_CONFIG, initialState } from './detector-state.js';
export type { DetectorConfig, DetectorEffect, DetectorEvent, DetectorState, Mark } from './detector-state.js';
export { evidenceText } from './evidence.js';
export { isInside, parentOf } from './paths.js';

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
