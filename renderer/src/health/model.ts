import { CHECK_WEIGHTS, STATUS_SEVERITY, type CheckResult, type HealthReport } from '@vigie/common';

export type ScoreLevel = 'good' | 'fair' | 'poor';

/**
 * Plain-words level of a score: good from 80, fair from 50, poor below. A critical point never
 * reads "good", whatever the score.
 */
export function scoreLevel(report: Pick<HealthReport, 'score' | 'worst'>): ScoreLevel {
  if (report.score < 50) return 'poor';
  if (report.score < 80 || report.worst === 'critical') return 'fair';
  return 'good';
}

export interface CheckGroups {
  /** Critical first, then warnings; within a status, the heaviest check first. */
  toFix: CheckResult[];
  /** Could not be verified (each carries its reason). */
  toVerify: CheckResult[];
  allGood: CheckResult[];
}

const byImportance = (a: CheckResult, b: CheckResult) =>
  STATUS_SEVERITY[b.status] - STATUS_SEVERITY[a.status] || CHECK_WEIGHTS[b.id] - CHECK_WEIGHTS[a.id];

/** The panel's three groups: "À corriger", "À vérifier", "Tout va bien". */
export function groupChecks(checks: readonly CheckResult[]): CheckGroups {
  const sorted = [...checks].sort(byImportance);
  return {
    toFix: sorted.filter((c) => c.status === 'critical' || c.status === 'warning'),
    toVerify: sorted.filter((c) => c.status === 'unknown'),
    allGood: sorted.filter((c) => c.status === 'ok'),
  };
}
