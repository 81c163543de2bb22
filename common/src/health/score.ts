import type { HealthStatus, HealthSummary } from '../domain.js';
import type { CheckId, CheckResult, HealthHistoryEntry, HealthReport } from './schema.js';

/**
 * Security health, the arithmetic: each check's weight, what each status earns, the score 0–100,
 * the worst status and check, the tray colour, the summary sent to the hub and the history entry.
 */

/**
 * Weight of each check in the score (they add up to 100). Disk encryption, antivirus, pending
 * updates and backups make 70 of the 100 points: they are what stops or undoes a ransomware
 * attack or a stolen laptop. The rest are hardening points.
 */
export const CHECK_WEIGHTS: Readonly<Record<CheckId, number>> = {
  'disk-encryption': 20,
  antivirus: 15,
  'os-updates': 15,
  'backup-recency': 20,
  firewall: 5,
  'os-supported': 5,
  'auto-updates': 3,
  'screen-lock': 3,
  'admin-user': 3,
  'auto-login': 2,
  'guest-account': 1,
  'remote-access': 2,
  smbv1: 1,
  'platform-integrity': 2,
  'disk-space': 1,
  'time-sync': 2,
};

/**
 * Share of a check's weight that each status earns. `unknown` earns half: a check we could not
 * verify is neither proof of safety nor proof of danger.
 */
export const STATUS_CREDIT: Readonly<Record<HealthStatus, number>> = { ok: 1, warning: 0.5, unknown: 0.5, critical: 0 };

/** Severity order used for "worst": critical > warning > unknown > ok. */
export const STATUS_SEVERITY: Readonly<Record<HealthStatus, number>> = { ok: 0, unknown: 1, warning: 2, critical: 3 };

type Scored = Pick<CheckResult, 'id' | 'status'>;

/** Weighted score 0–100 (see CHECK_WEIGHTS and STATUS_CREDIT); 0 checks → 0. */
export function computeHealthScore(checks: readonly Scored[]): number {
  let total = 0;
  let earned = 0;
  for (const c of checks) {
    const w = CHECK_WEIGHTS[c.id];
    total += w;
    earned += w * STATUS_CREDIT[c.status];
  }
  return total === 0 ? 0 : Math.round((100 * earned) / total);
}

/** The most severe status; `unknown` when there is nothing at all. */
export function worstStatus(statuses: readonly HealthStatus[]): HealthStatus {
  if (statuses.length === 0) return 'unknown';
  return statuses.reduce((a, b) => (STATUS_SEVERITY[b] > STATUS_SEVERITY[a] ? b : a), 'ok' as HealthStatus);
}

export type TrayColour = 'green' | 'orange' | 'red';
/** Tray icon colour for a worst status: red = something critical; orange = a warning or a point we could not verify. */
export function trayColour(worst: HealthStatus): TrayColour {
  if (worst === 'critical') return 'red';
  if (worst === 'ok') return 'green';
  return 'orange';
}

/** The check to fix first: the most severe, then the heaviest. */
export function worstCheck<T extends Scored>(checks: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const c of checks) {
    if (!best) best = c;
    else {
      const d = STATUS_SEVERITY[c.status] - STATUS_SEVERITY[best.status];
      if (d > 0 || (d === 0 && CHECK_WEIGHTS[c.id] > CHECK_WEIGHTS[best.id])) best = c;
    }
  }
  return best;
}

/** The summary the hub and the help request carry. */
export function computeHealthSummary(report: {
  checks: readonly Pick<CheckResult, 'id' | 'status' | 'title'>[];
  finishedAt: string;
}): HealthSummary {
  const counts = { ok: 0, warning: 0, critical: 0, unknown: 0 };
  for (const c of report.checks) counts[c.status] += 1;
  const worst = worstStatus(report.checks.map((c) => c.status));
  const w = worstCheck(report.checks);
  return {
    score: computeHealthScore(report.checks),
    worst,
    counts,
    ...(w && w.status !== 'ok' ? { worstCheck: { id: w.id, title: w.title.slice(0, 200), status: w.status } } : {}),
    at: report.finishedAt,
  };
}

/** A report's scored part, worked out from its checks (the hub works it out again from the checks it receives). */
export function scoredReport(
  checks: CheckResult[],
  finishedAt: string,
): Pick<HealthReport, 'checks' | 'score' | 'worst' | 'summary' | 'finishedAt'> {
  const summary = computeHealthSummary({ checks, finishedAt });
  return { checks, score: summary.score, worst: summary.worst, summary, finishedAt };
}

export function toHistoryEntry(report: Pick<HealthReport, 'finishedAt' | 'score' | 'worst' | 'checks'>): HealthHistoryEntry {
  const statuses: Partial<Record<CheckId, HealthStatus>> = {};
  for (const c of report.checks) statuses[c.id] = c.status;
  return { at: report.finishedAt, score: report.score, worst: report.worst, statuses };
}
