import { describe, expect, it } from 'vitest';
import type { HealthStatus } from '@vigie/common';
import { NO_FILTER, RISK_FIRST, filterDevices, nextSort, practicesOf, sortDevices, worstLabel, type FleetDevice } from './model';
import { parseRoute, routeHref } from '../lib/router';
import { relativeAge } from './format';
import { deviceHealthEn, deviceHealthFr, fleetEn, fleetFr } from './strings';

const AT = '2025-11-28T10:00:00.000Z';

function device(
  id: string,
  over: Partial<FleetDevice> & { score?: number; worst?: HealthStatus; worstId?: string; worstStatus?: HealthStatus } = {},
): FleetDevice {
  const { score, worst, worstId, worstStatus, ...rest } = over;
  return {
    id,
    practiceId: 'p1',
    practiceName: 'Cabinet A',
    name: `Poste ${id}`,
    os: 'linux',
    osVersion: 'Debian 12',
    model: '',
    appVersion: '0.1.0',
    online: true,
    enrolledAt: AT,
    lastSeenAt: AT,
    revoked: false,
    health:
      score === undefined
        ? null
        : {
            score,
            worst: worst ?? 'ok',
            counts: { ok: 1, warning: 0, critical: 0, unknown: 0 },
            ...(worstId ? { worstCheck: { id: worstId, title: `Titre ${worstId}`, status: worstStatus ?? worst ?? 'warning' } } : {}),
            at: AT,
          },
    backup: null,
    reportedAt: score === undefined ? null : AT,
    ...rest,
  };
}

const ids = (ds: FleetDevice[]) => ds.map((d) => d.id);

describe('fleet page model', () => {
  const fleet = [
    device('ok', { score: 100, worst: 'ok' }),
    device('crit-high', { score: 70, worst: 'critical', worstId: 'disk-encryption' }),
    device('none'),
    device('warn', { score: 80, worst: 'warning', worstId: 'antivirus', practiceId: 'p2', practiceName: 'Cabinet B', online: false }),
    device('crit-low', { score: 20, worst: 'critical', worstId: 'os-updates', appVersion: '0.10.0' }),
    device('unk', { score: 90, worst: 'unknown', worstId: 'firewall', online: false }),
  ];

  it('"critiques d’abord": critical (lowest score first), warnings, no report yet, unverified, all good', () => {
    expect(ids(sortDevices(fleet, RISK_FIRST, 'fr'))).toEqual(['crit-low', 'crit-high', 'warn', 'none', 'unk', 'ok']);
  });

  it('sorts by each column both ways; devices without a value stay last', () => {
    expect(ids(sortDevices(fleet, { key: 'score', dir: 'asc' }, 'fr'))).toEqual(['crit-low', 'crit-high', 'warn', 'unk', 'ok', 'none']);
    expect(ids(sortDevices(fleet, { key: 'score', dir: 'desc' }, 'fr'))).toEqual(['ok', 'unk', 'warn', 'crit-high', 'crit-low', 'none']);
    expect(ids(sortDevices(fleet, { key: 'practice', dir: 'desc' }, 'fr'))[0]).toBe('warn');
    expect(
      ids(sortDevices(fleet, { key: 'online', dir: 'asc' }, 'fr'))
        .slice(0, 2)
        .sort(),
    ).toEqual(['unk', 'warn']);
    expect(ids(sortDevices(fleet, { key: 'appVersion', dir: 'desc' }, 'fr'))[0]).toBe('crit-low'); // 0.10.0 > 0.1.0
    expect(
      ids(sortDevices(fleet, { key: 'worst', dir: 'desc' }, 'fr'))
        .slice(0, 2)
        .sort(),
    ).toEqual(['crit-high', 'crit-low']);
    expect(ids(sortDevices(fleet, { key: 'worst', dir: 'asc' }, 'fr')).at(-1)).toBe('none');
    expect(ids(sortDevices(fleet, { key: 'lastReport', dir: 'desc' }, 'fr')).at(-1)).toBe('none');
    const withBackup = [
      device('b1', {
        backup: { headline: 'failed', lastSuccessAt: null, lastRunAt: null, nextRunAt: null, sizeBytes: null, filesChangedLastRun: null },
      }),
      device('b0'),
    ];
    expect(ids(sortDevices(withBackup, { key: 'backup', dir: 'asc' }, 'fr'))).toEqual(['b1', 'b0']);
  });

  it('a header starts in its natural direction and flips when activated again', () => {
    expect(nextSort(RISK_FIRST, 'score')).toEqual({ key: 'score', dir: 'asc' });
    expect(nextSort({ key: 'score', dir: 'asc' }, 'score')).toEqual({ key: 'score', dir: 'desc' });
    expect(nextSort(RISK_FIRST, 'lastReport')).toEqual({ key: 'lastReport', dir: 'desc' });
  });

  it('filters by practice, offline state and text (device, practice, point to fix in the UI language, version)', () => {
    expect(ids(filterDevices(fleet, NO_FILTER, 'fr'))).toHaveLength(fleet.length);
    expect(ids(filterDevices(fleet, { ...NO_FILTER, practiceId: 'p2' }, 'fr'))).toEqual(['warn']);
    expect(ids(filterDevices(fleet, { ...NO_FILTER, offlineOnly: true }, 'fr'))).toEqual(['warn', 'unk']);
    expect(ids(filterDevices(fleet, { ...NO_FILTER, text: 'chiffrement' }, 'fr'))).toEqual(['crit-high']);
    expect(ids(filterDevices(fleet, { ...NO_FILTER, text: 'ENCRYPTION' }, 'en'))).toEqual(['crit-high']);
    expect(ids(filterDevices(fleet, { ...NO_FILTER, text: '0.10' }, 'fr'))).toEqual(['crit-low']);
    expect(ids(filterDevices(fleet, { ...NO_FILTER, text: 'cabinet b' }, 'fr'))).toEqual(['warn']);
    expect(ids(filterDevices(fleet, { practiceId: 'p1', text: '', offlineOnly: true }, 'fr'))).toEqual(['unk']);
  });

  it('names the worst point in the UI language and lists practices by name', () => {
    expect(worstLabel(fleet[1]!, 'fr')).toBe('Chiffrement du disque');
    expect(worstLabel(fleet[1]!, 'en')).toBe('Disk encryption');
    expect(worstLabel(device('x', { score: 50, worst: 'warning', worstId: 'future-check' }), 'fr')).toBe('Titre future-check');
    expect(worstLabel(fleet[0]!, 'fr')).toBe('');
    expect(practicesOf(fleet)).toEqual([
      { id: 'p1', name: 'Cabinet A' },
      { id: 'p2', name: 'Cabinet B' },
    ]);
  });

  it('says how long ago in plain words', () => {
    const now = Date.parse(AT);
    expect(relativeAge(new Date(now - 5 * 60_000).toISOString(), now, 'fr')).toBe('il y a 5 minutes');
    expect(relativeAge(new Date(now - 3 * 3_600_000).toISOString(), now, 'en')).toBe('3 hours ago');
    expect(relativeAge(null, now, 'fr')).toBe('');
  });

  it('has its own route', () => {
    expect(parseRoute('#/fleet')).toEqual({ name: 'fleet' });
    expect(parseRoute(routeHref({ name: 'fleet' }))).toEqual({ name: 'fleet' });
  });

  it('has every text in English too', () => {
    const keys = (o: object, p = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [p + k] : keys(v as object, `${p}${k}.`)));
    expect(keys(fleetEn).sort()).toEqual(keys(fleetFr).sort());
    expect(keys(deviceHealthEn).sort()).toEqual(keys(deviceHealthFr).sort());
  });
});
