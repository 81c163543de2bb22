import type { HealthReport } from './schema.js';

/** Security health on its way to the hub: the size a full report may have, and the report cut down to fit it. */

/**
 * Largest full report (UTF-8 JSON bytes) a device sends in `device:report` and the hub stores.
 * The hub's socket messages are capped at 64 KiB (HubSettings.bodyLimit); a report of this
 * machine weighs about 20 KB, the raw evidence being most of it.
 */
export const HEALTH_REPORT_MAX_BYTES = 48 * 1024;

const utf8Bytes = (s: string): number => new TextEncoder().encode(s).length;

/** Size of a report as it travels and is stored (UTF-8 JSON bytes). */
export function healthReportBytes(report: HealthReport): number {
  return utf8Bytes(JSON.stringify(report));
}

/**
 * The report made to fit in `maxBytes`: unchanged when it already fits; otherwise the raw
 * evidence is cut shorter and shorter (marked `truncated`), then dropped; the verdicts, texts
 * and score are never changed. Null when even the report without evidence is too large.
 */
export function fitHealthReport(report: HealthReport, maxBytes: number = HEALTH_REPORT_MAX_BYTES): HealthReport | null {
  if (healthReportBytes(report) <= maxBytes) return report;
  const cut = (s: string, max: number): string => (s.length <= max ? s : max === 0 ? '' : `${s.slice(0, max)}…`);
  for (const max of [2000, 1000, 500, 200, 0]) {
    const fitted: HealthReport = {
      ...report,
      checks: report.checks.map((c) => ({
        ...c,
        evidence: c.evidence.map((e) => {
          const stdout = cut(e.stdout, max);
          const stderr = cut(e.stderr, max);
          return {
            ...e,
            command: cut(e.command, Math.max(max, 200)),
            stdout,
            stderr,
            truncated: e.truncated || stdout !== e.stdout || stderr !== e.stderr,
          };
        }),
      })),
    };
    if (healthReportBytes(fitted) <= maxBytes) return fitted;
  }
  const bare: HealthReport = { ...report, checks: report.checks.map((c) => ({ ...c, evidence: [] })) };
  return healthReportBytes(bare) <= maxBytes ? bare : null;
}
