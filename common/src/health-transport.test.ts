import { describe, expect, it } from 'vitest';
import { DeviceReportRequest, HelpDetail, TECH_EVENTS, TECH_PUSH } from './socket.js';
import { HEALTH_REPORT_MAX_BYTES, HealthReport, scoredReport, fitHealthReport, healthReportBytes, type CheckResult } from './health.js';

/** A constructed report (not a recorded output): two checks whose evidence is `evidenceChars` long. */
function report(evidenceChars: number): HealthReport {
  const finishedAt = '2025-11-28T10:00:00.000Z';
  const check = (id: CheckResult['id'], status: CheckResult['status']): CheckResult => ({
    id,
    status,
    title: `Titre ${id}`,
    explanation: 'Explication « accentuée » é',
    remediation: status === 'ok' ? null : 'Faites ceci.',
    message: { key: `${id}.x`, params: {} },
    reason: null,
    evidence: [
      {
        command: 'lsblk -J',
        stdout: 'é'.repeat(evidenceChars),
        stderr: 'x'.repeat(evidenceChars),
        exitCode: 0,
        durationMs: 12,
        truncated: false,
        failure: null,
      },
    ],
    durationMs: 12,
  });
  const checks = [check('disk-encryption', 'critical'), check('firewall', 'ok')];
  return HealthReport.parse({
    version: 1,
    ...scoredReport(checks, finishedAt),
    startedAt: finishedAt,
    os: { family: 'linux', name: 'Debian', version: '12' },
    trigger: 'manual',
  });
}

describe('health report transport', () => {
  it('leaves a report that fits untouched', () => {
    const r = report(100);
    expect(fitHealthReport(r)).toBe(r);
  });

  it('cuts the evidence of a report that is too large, keeping verdicts, texts and score', () => {
    const r = report(4000);
    const max = 12_000;
    expect(healthReportBytes(r)).toBeGreaterThan(max);
    const fitted = fitHealthReport(r, max);
    expect(fitted).not.toBeNull();
    expect(healthReportBytes(fitted!)).toBeLessThanOrEqual(max);
    expect(HealthReport.safeParse(fitted).success).toBe(true);
    expect(fitted!.score).toBe(r.score);
    expect(fitted!.checks.map((c) => [c.id, c.status, c.title, c.explanation])).toEqual(
      r.checks.map((c) => [c.id, c.status, c.title, c.explanation]),
    );
    expect(fitted!.checks.every((c) => c.evidence[0]!.truncated)).toBe(true);
    expect(fitted!.checks[0]!.evidence[0]!.stdout.length).toBeLessThan(4000);
  });

  it('drops the evidence when cutting is not enough, and gives up when even that is too large', () => {
    const r = report(4000);
    const bare = { ...r, checks: r.checks.map((c) => ({ ...c, evidence: [] })) };
    const fitted = fitHealthReport(r, healthReportBytes(bare) + 10);
    expect(fitted?.checks.every((c) => c.evidence.length === 0)).toBe(true);
    expect(fitHealthReport(r, 200)).toBeNull();
  });

  it('the default limit leaves room in a 64 KiB socket message', () => {
    expect(HEALTH_REPORT_MAX_BYTES).toBeLessThan(64 * 1024 - 8 * 1024);
  });

  it('the contract additions are optional (older devices and hubs keep working)', () => {
    expect(DeviceReportRequest.safeParse({ health: null }).success).toBe(true);
    expect(DeviceReportRequest.safeParse({ healthReport: report(10) }).success).toBe(true);
    expect(DeviceReportRequest.safeParse({ healthReport: { version: 2 } }).success).toBe(false);
    expect(DeviceReportRequest.safeParse({ deviceId: 'someone-else', health: null }).success).toBe(false);
    expect(
      TECH_PUSH['device:report'].safeParse({ deviceId: 'd1', health: null, backup: null, reportedAt: '2025-11-28T10:00:00.000Z' }).success,
    ).toBe(true);
    expect(TECH_EVENTS['device:health'].request.safeParse({ deviceId: 'd1' }).success).toBe(true);
    expect(HelpDetail.shape.healthReport.safeParse(undefined).success).toBe(true);
  });
});
