/**
 * The tags of safety snapshots (issue 12) and the retention rule that keeps them: every safety
 * snapshot carries SAFETY_TAG, the tag of its day (UTC) and the intervention it belongs to;
 * retention keeps (`forget --keep-tag`) every snapshot tagged with one of the last
 * SAFETY_KEEP_DAYS + 1 days, so none is forgotten before 30 days; after that it follows the normal
 * policy like any other snapshot. Stateless: nothing to rewrite in the repository, nothing to
 * remember between runs.
 */
import { createHash } from 'node:crypto';

/** On every safety snapshot (besides VIGIE_TAG, so the normal policy applies once the 30 days are over). */
export const SAFETY_TAG = 'vigie-safety';
/** A safety snapshot is never forgotten before this many days. */
export const SAFETY_KEEP_DAYS = 30;

const DAY_MS = 86_400_000;

/** "vigie-safety-2025-05-03" (the UTC day of `at`). */
export function safetyDayTag(at: Date): string {
  return `${SAFETY_TAG}-${at.toISOString().slice(0, 10)}`;
}

/** The day tags retention keeps at `now`: today and the SAFETY_KEEP_DAYS days before (so at least 30 full days). */
export function safetyKeepTags(now: Date, days: number = SAFETY_KEEP_DAYS): string[] {
  const out: string[] = [];
  for (let d = 0; d <= days; d++) out.push(safetyDayTag(new Date(now.getTime() - d * DAY_MS)));
  return out;
}

/**
 * "before-intervention-<request id>" / "after-intervention-<request id>". restic splits `--tag` on
 * commas, so an id that is not plain letters, digits, '-' or '_' is replaced by its hash: the tag
 * is always one tag, whatever the hub sent.
 */
export function interventionTag(when: 'before' | 'after', requestId: string): string {
  const safe = /^[A-Za-z0-9_-]{1,64}$/.test(requestId) ? requestId : createHash('sha256').update(requestId).digest('hex').slice(0, 32);
  return `${when}-intervention-${safe}`;
}

/** All the tags of a safety snapshot taken at `at` for `requestId`. */
export function safetyTags(when: 'before' | 'after', requestId: string, at: Date): string[] {
  return [SAFETY_TAG, safetyDayTag(at), interventionTag(when, requestId)];
}
