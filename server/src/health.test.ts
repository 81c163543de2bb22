/**
 * Security health on the hub (issue 4): devices report their latest full report over a real
 * socket; the hub checks it, caps it, stores it (SQLite), pushes the summary to technicians and
 * serves it in devices:list, device:health and help:get. A device reports only for itself.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HEALTH_REPORT_MAX_BYTES,
  HealthReport,
  scoredReport,
  healthReportBytes,
  type CheckResult,
  type HealthSummary,
  type HelpDetail,
  type Result,
} from '@vigie/common';
import {
  code,
  context,
  createHelp,
  data,
  newDevice,
  newTech,
  startTestHub,
  type TestDevice,
  type TestHub,
  type TestTech,
} from './test-support/fixture.js';
import { connectDevice, emitAck, nextEvent } from './test-support/sockets.js';

type Listed = { id: string; appVersion: string; health: HealthSummary | null; reportedAt: string | null };

/**
 * A report as the app builds it (constructed here, not a recorded output): the statuses given,
 * each check with one piece of evidence of `evidenceChars` characters per stream.
 */
function makeReport(
  statuses: Partial<Record<CheckResult['id'], CheckResult['status']>>,
  finishedAt = new Date().toISOString(),
  evidenceChars = 50,
): HealthReport {
  const checks: CheckResult[] = Object.entries(statuses).map(([id, status]) => ({
    id: id as CheckResult['id'],
    status: status!,
    title: `Titre de ${id}`,
    explanation: `Explication de ${id}`,
    remediation: status === 'ok' ? null : `Que faire pour ${id}`,
    message: { key: `${id}.test`, params: {} },
    reason:
      status === 'unknown' ? { code: 'command-missing', params: { command: 'ufw' }, text: 'l’outil « ufw » n’est pas présent.' } : null,
    evidence: [
      {
        command: `probe ${id}`,
        stdout: 'o'.repeat(evidenceChars),
        stderr: 'e'.repeat(evidenceChars),
        exitCode: 0,
        durationMs: 5,
        truncated: false,
        failure: null,
      },
    ],
    durationMs: 5,
  }));
  return HealthReport.parse({
    version: 1,
    ...scoredReport(checks, finishedAt),
    startedAt: finishedAt,
    os: { family: 'linux', name: 'Debian GNU/Linux 12 (bookworm)', version: '6.1' },
    trigger: 'manual',
  });
}

const REPORT = makeReport({
  'disk-encryption': 'critical',
  antivirus: 'warning',
  firewall: 'unknown',
  'os-updates': 'ok',
  'backup-recency': 'ok',
});

let t: TestHub;
let dev: TestDevice;
let other: TestDevice;
let tech: TestTech;

async function listed(deviceId: string): Promise<Listed> {
  const all = data(await emitAck<Listed[]>(tech.socket, 'devices:list', {}));
  const d = all.find((x) => x.id === deviceId);
  if (!d) throw new Error(`device ${deviceId} not listed`);
  return d;
}
const storedReport = async (deviceId: string) =>
  data(await emitAck<{ report: HealthReport | null; reportedAt: string | null }>(tech.socket, 'device:health', { deviceId }));

beforeAll(async () => {
  t = await startTestHub();
  dev = await newDevice(t, 'Accueil');
  other = await newDevice(t, 'Cabinet 2');
  tech = await newTech(t);
});
afterAll(() => t.close());

describe('device health reports', () => {
  it('stores the full report, pushes its summary to technicians and serves both', async () => {
    const pushed = nextEvent<{ deviceId: string; health: HealthSummary | null; appVersion?: string }>(
      tech.socket,
      'device:report',
      (p) => p.deviceId === dev.deviceId,
    );
    expect(code(await emitAck(dev.socket, 'device:report', { healthReport: REPORT, appVersion: '0.2.0' }))).toBe('OK');

    const push = await pushed;
    expect(push.health).toEqual(REPORT.summary);
    expect(push.appVersion).toBe('0.2.0');

    const row = await listed(dev.deviceId);
    expect(row.health).toEqual(REPORT.summary);
    expect(row.appVersion).toBe('0.2.0');
    expect(row.reportedAt).not.toBeNull();

    const served = await storedReport(dev.deviceId);
    expect(served.report).toEqual(REPORT);
    expect(served.reportedAt).toBe(row.reportedAt);
    // The other device has no report: nothing leaked across.
    expect((await storedReport(other.deviceId)).report).toBeNull();
    expect((await listed(other.deviceId)).health).toBeNull();
  });

  it('help:get carries the device’s full report beside the summary of the request’s context', async () => {
    const { request } = await createHelp(dev, { context: { ...context, health: REPORT.summary } });
    const detail = data(await emitAck<HelpDetail>(tech.socket, 'help:get', { requestId: request.id }));
    expect(detail.request.context?.health).toEqual(REPORT.summary);
    expect(detail.healthReport).toEqual(REPORT);
    data(await emitAck(dev.socket, 'help:cancel', { requestId: request.id }));
  });

  it('a newer report replaces the older one; one delivered late changes nothing', async () => {
    const newer = makeReport({ 'disk-encryption': 'ok', antivirus: 'ok' }, new Date(Date.now() + 60_000).toISOString());
    data(await emitAck(dev.socket, 'device:report', { healthReport: newer, health: newer.summary }));
    expect((await storedReport(dev.deviceId)).report?.score).toBe(100);

    data(await emitAck(dev.socket, 'device:report', { healthReport: REPORT }));
    expect((await storedReport(dev.deviceId)).report).toEqual(newer);
    expect((await listed(dev.deviceId)).health).toEqual(newer.summary);
  });

  it('caps the stored size: the raw evidence is cut, the verdicts are kept', async () => {
    // A hub accepting larger socket messages than the default, so an oversized report reaches the store.
    const big = await startTestHub({ bodyLimit: 2_000_000 });
    try {
      const d = await newDevice(big);
      const bt = await newTech(big);
      const huge = makeReport(
        { 'disk-encryption': 'critical', antivirus: 'ok', firewall: 'ok', 'os-updates': 'warning', 'screen-lock': 'ok', 'time-sync': 'ok' },
        undefined,
        4000,
      );
      const many = { ...huge, checks: huge.checks.map((c) => ({ ...c, evidence: Array.from({ length: 4 }, () => c.evidence[0]!) })) };
      expect(healthReportBytes(many)).toBeGreaterThan(HEALTH_REPORT_MAX_BYTES);
      data(await emitAck(d.socket, 'device:report', { healthReport: many }));
      const served = data(await emitAck<{ report: HealthReport | null }>(bt.socket, 'device:health', { deviceId: d.deviceId })).report!;
      expect(healthReportBytes(served)).toBeLessThanOrEqual(HEALTH_REPORT_MAX_BYTES);
      expect(served.score).toBe(many.score);
      expect(served.checks.map((c) => [c.id, c.status, c.title])).toEqual(many.checks.map((c) => [c.id, c.status, c.title]));
      expect(served.checks.flatMap((c) => c.evidence).every((e) => e.truncated)).toBe(true);
    } finally {
      await big.close();
    }
  });

  it('an explicit null clears the summary and the details', async () => {
    const d = await newDevice(t);
    data(await emitAck(d.socket, 'device:report', { healthReport: REPORT }));
    data(await emitAck(d.socket, 'device:report', { health: null }));
    expect((await storedReport(d.deviceId)).report).toBeNull();
    expect((await listed(d.deviceId)).health).toBeNull();
    d.socket.close();
  });
});

describe('authorization and bad reports', () => {
  it('a device reports only for itself: naming another device is refused, and nothing of the other changes', async () => {
    const before = await storedReport(other.deviceId);
    const r = await emitAck(dev.socket, 'device:report', { deviceId: other.deviceId, healthReport: makeReport({ antivirus: 'ok' }) });
    expect(code(r)).toBe('BAD_REQUEST');
    expect(await storedReport(other.deviceId)).toEqual(before);
  });

  it('a device cannot read reports (technician events do not exist on /device)', async () => {
    expect(code(await emitAck(dev.socket, 'device:health', { deviceId: other.deviceId }))).toBe('UNKNOWN_EVENT');
    expect(code(await emitAck(dev.socket, 'devices:list', {}))).toBe('UNKNOWN_EVENT');
  });

  it('a revoked device can no longer report', async () => {
    const d = await newDevice(t);
    await t.hub.admin.revokeDevice(d.deviceId);
    const again = await connectDevice(t.hub.url, d.token).then(
      () => 'connected',
      (e: Error & { code?: string }) => e.code,
    );
    expect(again).toBe('REVOKED');
  });

  it('refuses malformed and self-contradicting reports, and stores none of them', async () => {
    const before = await storedReport(dev.deviceId);
    const listedBefore = await listed(dev.deviceId);
    const base = makeReport({ 'disk-encryption': 'critical', antivirus: 'ok' }, new Date(Date.now() + 120_000).toISOString());
    const bad: Array<[string, unknown]> = [
      ['score over 100', { healthReport: { ...base, score: 101 } }],
      ['unknown check', { healthReport: { ...base, checks: [{ ...base.checks[0]!, id: 'telepathy' }] } }],
      ['unknown status', { healthReport: { ...base, checks: [{ ...base.checks[0]!, status: 'fine' }] } }],
      ['wrong version', { healthReport: { ...base, version: 2 } }],
      ['not an object', { healthReport: 'all good' }],
      [
        'evidence too long',
        {
          healthReport: {
            ...base,
            checks: [{ ...base.checks[0]!, evidence: [{ ...base.checks[0]!.evidence[0]!, stdout: 'x'.repeat(5000) }] }],
          },
        },
      ],
      ['score not matching the checks', { healthReport: { ...base, score: 100, summary: { ...base.summary, score: 100 } } }],
      ['worst not matching the checks', { healthReport: { ...base, worst: 'ok', summary: { ...base.summary, worst: 'ok' } } }],
      [
        'counts not matching the checks',
        { healthReport: { ...base, summary: { ...base.summary, counts: { ok: 2, warning: 0, critical: 0, unknown: 0 } } } },
      ],
      ['summary beside it disagrees', { healthReport: base, health: { ...base.summary, score: 99 } }],
      ['null summary beside a report', { healthReport: base, health: null }],
      ['extra field', { healthReport: base, owner: 'someone' }],
    ];
    for (const [what, payload] of bad) {
      const r: Result<unknown> = await emitAck(dev.socket, 'device:report', payload);
      expect({ what, code: code(r) }).toEqual({ what, code: 'BAD_REQUEST' });
    }
    expect(await storedReport(dev.deviceId)).toEqual(before);
    expect((await listed(dev.deviceId)).health).toEqual(listedBefore.health);
  });

  it('device:health answers NOT_FOUND for an unknown device and BAD_REQUEST for a malformed id', async () => {
    expect(code(await emitAck(tech.socket, 'device:health', { deviceId: randomUUID() }))).toBe('NOT_FOUND');
    expect(code(await emitAck(tech.socket, 'device:health', { deviceId: 42 }))).toBe('BAD_REQUEST');
    expect(code(await emitAck(tech.socket, 'device:health', {}))).toBe('BAD_REQUEST');
  });
});
