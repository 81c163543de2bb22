import {
  HEALTH_REPORT_MAX_BYTES,
  HealthReport,
  VigieError,
  computeHealthSummary,
  fitHealthReport,
  healthReportBytes,
  type HealthSummary,
} from '@vigie/common';
import type { Executor } from '../store/db.js';
import { parseJson } from '../util.js';

/** What a `device:report` changes about security health; `undefined` leaves the stored value as it is. */
export interface HealthUpdate {
  health: HealthSummary | null | undefined;
  report: { json: string; bytes: number } | null | undefined;
}

const sameVerdict = (a: HealthSummary, b: HealthSummary) =>
  a.score === b.score &&
  a.worst === b.worst &&
  a.at === b.at &&
  a.counts.ok === b.counts.ok &&
  a.counts.warning === b.counts.warning &&
  a.counts.critical === b.counts.critical &&
  a.counts.unknown === b.counts.unknown;

/**
 * Decides what to store from a device's report (already parsed by the contract):
 * - a full report must agree with itself (its score, worst status and counts are those of its
 *   checks) and with the summary sent beside it, else BAD_REQUEST: the fleet page and the request
 *   workspace must never show a score that the details contradict;
 * - a report older than the stored summary (delivered late, after a newer one) changes nothing;
 * - the stored report is made to fit HEALTH_REPORT_MAX_BYTES (raw evidence cut first).
 */
export function healthUpdate(
  input: { health?: HealthSummary | null; healthReport?: HealthReport | null },
  previous: HealthSummary | null,
): HealthUpdate {
  const report = input.healthReport;
  if (report === undefined) {
    // Summary only (older apps): an explicit null clears the details as well.
    return { health: input.health, report: input.health === null ? null : undefined };
  }
  if (report === null) return { health: input.health ?? null, report: null };

  const own = computeHealthSummary({ checks: report.checks, finishedAt: report.finishedAt });
  if (!sameVerdict(own, report.summary) || report.score !== own.score || report.worst !== own.worst) {
    throw new VigieError('BAD_REQUEST', 'Rapport de sécurité incohérent : la note ne correspond pas aux vérifications.', {
      field: 'healthReport',
    });
  }
  if (input.health !== undefined && (input.health === null || !sameVerdict(input.health, report.summary))) {
    throw new VigieError('BAD_REQUEST', 'Le résumé de sécurité ne correspond pas au rapport envoyé.', { field: 'health' });
  }
  if (previous && Date.parse(report.finishedAt) < Date.parse(previous.at)) return { health: undefined, report: undefined };

  const fitted = fitHealthReport(report, HEALTH_REPORT_MAX_BYTES);
  if (!fitted)
    throw new VigieError('BAD_REQUEST', 'Rapport de sécurité trop volumineux.', {
      field: 'healthReport',
      maxBytes: HEALTH_REPORT_MAX_BYTES,
    });
  return { health: report.summary, report: { json: JSON.stringify(fitted), bytes: healthReportBytes(fitted) } };
}

/** The stored full report of a device and when the hub last heard from it; nulls when there is none (or it no longer reads). */
export async function loadHealthReport(
  db: Executor,
  deviceId: string,
): Promise<{ report: HealthReport | null; reportedAt: string | null }> {
  const row = await db
    .selectFrom('device_reports')
    .select(['health_report', 'reported_at'])
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  if (!row) return { report: null, reportedAt: null };
  const parsed = HealthReport.safeParse(parseJson<unknown>(row.health_report));
  return { report: parsed.success ? parsed.data : null, reportedAt: row.reported_at };
}
