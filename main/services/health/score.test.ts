import { describe, expect, it } from 'vitest';
import {
  CHECK_IDS,
  CHECK_WEIGHTS,
  HEALTH_STRINGS,
  computeHealthScore,
  computeHealthSummary,
  renderCheckMessage,
  trayColour,
  worstStatus,
  type CheckId,
  type HealthStatus,
  type HealthText,
} from '@vigie/common';
import { judgeLinux, judgeMacos, judgeWindows } from './parsers/eol.js';
import { judgeBackup } from './scan.js';

const all = (status: HealthStatus, over: Partial<Record<CheckId, HealthStatus>> = {}) =>
  CHECK_IDS.map((id) => ({ id, status: over[id] ?? status, title: id }));

describe('health score, worst status and tray colour', () => {
  it('weights add up to 100 and the four main checks make most of them', () => {
    expect(Object.values(CHECK_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
    const main = CHECK_WEIGHTS['disk-encryption'] + CHECK_WEIGHTS.antivirus + CHECK_WEIGHTS['os-updates'] + CHECK_WEIGHTS['backup-recency'];
    expect(main).toBeGreaterThanOrEqual(70);
  });

  it('scores 100 when all is fine, 0 when all is critical, half for unknowns', () => {
    expect(computeHealthScore(all('ok'))).toBe(100);
    expect(computeHealthScore(all('critical'))).toBe(0);
    expect(computeHealthScore(all('unknown'))).toBe(50);
    expect(computeHealthScore([])).toBe(0);
  });

  it('lets encryption, antivirus, updates and backups dominate', () => {
    const unencrypted = computeHealthScore(all('ok', { 'disk-encryption': 'critical' }));
    const guestOn = computeHealthScore(all('ok', { 'guest-account': 'critical' }));
    expect(unencrypted).toBe(80);
    expect(guestOn).toBe(99);
    const bigFour = computeHealthScore(
      all('ok', { 'disk-encryption': 'critical', antivirus: 'critical', 'os-updates': 'critical', 'backup-recency': 'critical' }),
    );
    const allOthers = computeHealthScore(
      all('critical', { 'disk-encryption': 'ok', antivirus: 'ok', 'os-updates': 'ok', 'backup-recency': 'ok' }),
    );
    expect(bigFour).toBeLessThan(allOthers);
  });

  it('worst status and tray colour', () => {
    expect(worstStatus(['ok', 'unknown', 'warning'])).toBe('warning');
    expect(worstStatus(['ok', 'critical', 'warning'])).toBe('critical');
    expect(worstStatus(['ok', 'unknown'])).toBe('unknown');
    expect(worstStatus(['ok'])).toBe('ok');
    expect(trayColour('ok')).toBe('green');
    expect(trayColour('unknown')).toBe('orange');
    expect(trayColour('warning')).toBe('orange');
    expect(trayColour('critical')).toBe('red');
  });

  it('summary counts statuses and names the check to fix first (most severe, then heaviest)', () => {
    const checks = all('ok', { 'guest-account': 'critical', 'disk-encryption': 'critical', firewall: 'warning', 'time-sync': 'unknown' });
    const s = computeHealthSummary({ checks, finishedAt: '2026-11-28T10:00:00.000Z' });
    expect(s.counts).toEqual({ ok: 12, warning: 1, critical: 2, unknown: 1 });
    expect(s.worst).toBe('critical');
    expect(s.worstCheck).toEqual({ id: 'disk-encryption', title: 'disk-encryption', status: 'critical' });
    expect(computeHealthSummary({ checks: all('ok'), finishedAt: s.at }).worstCheck).toBeUndefined();
  });
});

describe('health texts', () => {
  it('French and English have the same messages with the same placeholders', () => {
    const fr = HEALTH_STRINGS.fr.messages;
    const en = HEALTH_STRINGS.en.messages;
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    // A plural text: the number it follows, and the placeholders of each of its forms.
    const holes = (t: HealthText | null) => {
      const of = (x: string) => [...x.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      if (t === null || typeof t === 'string') return of(t ?? '');
      return { plural: t.plural, zero: t.zero === undefined ? null : t.zero.length > 0, one: of(t.one), other: of(t.other) };
    };
    for (const k of Object.keys(fr) as Array<keyof typeof fr>) {
      const f: { title: HealthText; explanation: HealthText; remediation: HealthText | null } = fr[k];
      expect(holes(en[k].title), k).toEqual(holes(f.title));
      expect(holes(en[k].explanation), k).toEqual(holes(f.explanation));
      expect(holes(en[k].remediation), k).toEqual(holes(f.remediation));
      expect(en[k].remediation === null, k).toBe(f.remediation === null);
    }
  });

  it('renders a result in English, dates in the reader’s language', () => {
    const check = {
      id: 'os-supported' as const,
      message: { key: 'os-supported.extended', params: { name: 'Debian 12 (bookworm)', untilDate: '2028-06-30' } },
      reason: null,
    };
    expect(renderCheckMessage('en', check).explanation).toBe(
      'Debian 12 (bookworm) only receives limited extended fixes, until 30 June 2028.',
    );
    expect(renderCheckMessage('fr', check).explanation).toBe(
      'Debian 12 (bookworm) ne reçoit plus que des correctifs prolongés, limités, jusqu’au 30 juin 2028.',
    );
    const unknown = {
      id: 'time-sync' as const,
      message: { key: 'unknown', params: {} },
      reason: { code: 'command-missing' as const, params: { command: 'timedatectl' }, text: '' },
    };
    expect(renderCheckMessage('en', unknown)).toEqual({
      title: 'Could not check: Computer time',
      explanation: 'Vigie could not check this point: the tool needed to check it is not installed on this computer.',
      remediation: 'If this happens again, your provider can look at the technical details.',
    });
  });
});

describe('end-of-life table against the clock', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  it('Windows by build and edition', () => {
    expect(judgeWindows(26100, 'Professional', now)).toMatchObject({ status: 'critical', key: 'os-supported.ended' });
    expect(judgeWindows(26100, 'Enterprise', now)).toMatchObject({ status: 'ok' });
    expect(judgeWindows(26200, 'Core', now)).toMatchObject({ status: 'ok' });
    expect(judgeWindows(22631, 'Education', now)).toMatchObject({ status: 'critical' });
    // Windows 10 after 2025-10-14: ended unless this computer shows a paid extension (ESU).
    expect(judgeWindows(19045, 'Professional', new Date('2026-03-01T00:00:00Z'))).toMatchObject({
      status: 'critical',
      key: 'os-supported.ended',
      params: { sinceDate: '2025-10-14' },
    });
    expect(judgeWindows(19045, 'Professional', new Date('2026-03-01T00:00:00Z'), { licensedYears: [1], ubr: 6575 })).toMatchObject({
      status: 'warning',
      key: 'os-supported.esu',
      params: { untilDate: '2026-10-13' },
    });
    expect(judgeWindows(19045, 'Core', now, { licensedYears: [], ubr: 6575 })).toMatchObject({
      status: 'warning',
      key: 'os-supported.esu',
      params: { untilDate: '2027-10-12' },
    });
    expect(judgeWindows(19045, 'Core', now, { licensedYears: [], ubr: 6456 })).toMatchObject({
      status: 'critical',
      key: 'os-supported.ended',
    });
    // Enterprise editions have no consumer programme: an ESU-only update without a licence visible proves nothing more.
    expect(judgeWindows(19045, 'Enterprise', now, { licensedYears: [], ubr: 6691 })).toMatchObject({
      status: 'critical',
      key: 'os-supported.ended',
    });
    expect(judgeWindows(19045, 'Enterprise', now, { licensedYears: [1, 2, 3], ubr: 6691 })).toMatchObject({
      status: 'warning',
      params: { untilDate: '2028-10-10' },
    });
    expect(judgeWindows(19045, 'Enterprise', new Date('2028-10-11T00:00:00Z'), { licensedYears: [1, 2, 3], ubr: 6691 })).toMatchObject({
      status: 'critical',
      params: { sinceDate: '2028-10-10' },
    });
    // ESU is Windows 10 22H2 only: Windows 11 ignores it.
    expect(judgeWindows(22631, 'Professional', now, { licensedYears: [1], ubr: 9999 })).toMatchObject({
      status: 'critical',
      key: 'os-supported.ended',
    });
    expect(judgeWindows(19044, 'EnterpriseS', now)).toMatchObject({ status: 'warning', key: 'os-supported.ending-soon' });
    expect(judgeWindows(27000, 'Professional', now)).toMatchObject({ status: 'ok', key: 'os-supported.recent' });
    expect(judgeWindows(10240, 'Professional', now)).toMatchObject({ status: 'critical' });
  });
  it('Debian, Ubuntu, macOS', () => {
    expect(judgeLinux('debian', '12', 'Debian 12', now)).toMatchObject({ status: 'warning', key: 'os-supported.extended' });
    expect(judgeLinux('debian', '13', 'Debian 13', now)).toMatchObject({ status: 'ok' });
    expect(judgeLinux('debian', '10', 'Debian 10', now)).toMatchObject({ status: 'critical' });
    expect(judgeLinux('ubuntu', '22.04', 'Ubuntu', new Date('2027-04-15T00:00:00Z'))).toMatchObject({
      status: 'warning',
      key: 'os-supported.ending-soon',
    });
    expect(judgeLinux('fedora', '40', 'Fedora Linux 40', now)).toMatchObject({ status: 'unknown', reason: { code: 'not-supported' } });
    expect(judgeMacos('15.5', now)).toMatchObject({ status: 'ok', key: 'os-supported.ok-estimated' });
    expect(judgeMacos('14.7.1', now)).toMatchObject({ status: 'critical' });
    expect(judgeMacos('10.14.6', now)).toMatchObject({ status: 'critical' });
  });
});

describe('backup recency', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  const base = { lastRunAt: null, nextRunAt: null, sizeBytes: null, filesChangedLastRun: null } as const;
  const ago = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
  it('from the backup summary', () => {
    expect(judgeBackup(null, now)).toMatchObject({ status: 'unknown', reason: { code: 'no-backup-provider' } });
    expect(judgeBackup({ ...base, headline: 'not-configured', lastSuccessAt: null }, now)).toMatchObject({
      status: 'critical',
      key: 'backup-recency.not-configured',
    });
    expect(judgeBackup({ ...base, headline: 'ok', lastSuccessAt: ago(3) }, now)).toMatchObject({ status: 'ok', params: { hours: 3 } });
    expect(judgeBackup({ ...base, headline: 'stale', lastSuccessAt: ago(50) }, now)).toMatchObject({
      status: 'warning',
      key: 'backup-recency.stale',
    });
    expect(judgeBackup({ ...base, headline: 'stale', lastSuccessAt: ago(24 * 9) }, now)).toMatchObject({
      status: 'critical',
      params: { days: 9 },
    });
    expect(judgeBackup({ ...base, headline: 'failed', lastSuccessAt: ago(2) }, now)).toMatchObject({
      status: 'warning',
      key: 'backup-recency.failed',
    });
    expect(judgeBackup({ ...base, headline: 'failed', lastSuccessAt: null }, now)).toMatchObject({
      status: 'critical',
      key: 'backup-recency.failed',
    });
    expect(judgeBackup({ ...base, headline: 'running', lastSuccessAt: null }, now)).toMatchObject({
      status: 'warning',
      key: 'backup-recency.never',
    });
  });
});
