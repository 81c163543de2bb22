import { describe, expect, it } from 'vitest';
import { CHECK_IDS, computeHealthSummary, type CheckResult } from '@vigie/common';
import { createI18n } from '../i18n/index.js';
import { groupChecks, scoreLevel } from './model.js';
import { healthEn, healthFr } from './strings.js';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

/** Constructed check results (statuses only matter here). */
const check = (id: CheckResult['id'], status: CheckResult['status']): CheckResult => ({
  id,
  status,
  title: id,
  explanation: '',
  remediation: null,
  message: { key: 'unknown', params: {} },
  reason: status === 'unknown' ? { code: 'command-missing', params: { command: 'x' }, text: '' } : null,
  evidence: [],
  durationMs: 1,
});

describe('"Sécurité" panel', () => {
  it('groups checks: critical then warnings (heaviest first), then the unverified, then the good ones', () => {
    const checks = [
      check('guest-account', 'warning'),
      check('firewall', 'ok'),
      check('time-sync', 'unknown'),
      check('os-updates', 'critical'),
      check('antivirus', 'warning'),
      check('disk-encryption', 'critical'),
      check('screen-lock', 'ok'),
    ];
    const g = groupChecks(checks);
    expect(g.toFix.map((c) => c.id)).toEqual(['disk-encryption', 'os-updates', 'antivirus', 'guest-account']);
    expect(g.toVerify.map((c) => c.id)).toEqual(['time-sync']);
    expect(g.allGood.map((c) => c.id)).toEqual(['firewall', 'screen-lock']);
    expect(g.toFix.length + g.toVerify.length + g.allGood.length).toBe(checks.length);
  });

  it('says the level in plain words; a critical point is never "well protected"', () => {
    expect(scoreLevel({ score: 95, worst: 'warning' })).toBe('good');
    expect(scoreLevel({ score: 95, worst: 'critical' })).toBe('fair');
    expect(scoreLevel({ score: 60, worst: 'warning' })).toBe('fair');
    expect(scoreLevel({ score: 35, worst: 'critical' })).toBe('poor');
    const all = CHECK_IDS.map((id) => check(id, 'ok'));
    expect(scoreLevel(computeHealthSummary({ checks: all, finishedAt: '2025-11-28T10:00:00.000Z' }))).toBe('good');
  });

  it('has every text in English too, none empty, reachable through the renderer’s i18n', () => {
    expect(keys(healthEn).sort()).toEqual(keys(healthFr).sort());
    expect(keys(healthFr).every((k) => k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], healthFr) !== '')).toBe(
      true,
    );
    const i18n = createI18n('fr');
    expect(i18n.t('health.scanNow')).toBe('Vérifier maintenant');
    expect(i18n.t('health.count', { count: 2 })).toBe('2 points');
    expect(i18n.t('tabs.security')).toBe('Sécurité');
    void i18n.changeLanguage('en');
    expect(i18n.t('health.scanNow')).toBe('Check now');
    expect(i18n.t('health.groups.toFix')).toBe('To fix');
    expect(i18n.t('health.unverified', { count: 1, names: 'Firewall' })).toBe(
      'Vigie could not check one point (Firewall): your provider can.',
    );
    void i18n.changeLanguage('fr');
    expect(i18n.t('health.unverified', { count: 3, names: 'Pare-feu, Horloge et Sauvegardes' })).toBe(
      'Vigie n’a pas pu vérifier 3 points (Pare-feu, Horloge et Sauvegardes) : votre prestataire peut le faire.',
    );
  });
});
