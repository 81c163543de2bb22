import { describe, expect, it } from 'vitest';
import { ERROR_CODES, HELP_TOPICS } from '@vigie/common';
import { fr } from './fr';
import { en } from './en';
import { createI18n } from './index';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`)));
}

describe('console translations', () => {
  it('English has exactly the French keys, none empty', () => {
    expect(keys(en).sort()).toEqual(keys(fr).sort());
    for (const k of keys(en)) expect(k.length).toBeGreaterThan(0);
    const values = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === 'string' ? [v] : values(v as object)));
    for (const v of [...values(fr), ...values(en)]) expect(v.trim()).not.toBe('');
  });

  it('merges the shared error codes and topics in both languages, French by default', () => {
    const i18n = createI18n();
    expect(i18n.language).toBe('fr');
    for (const code of ERROR_CODES) expect(i18n.t(`errors.${code}`)).not.toBe(`errors.${code}`);
    for (const topic of HELP_TOPICS) expect(i18n.t(`topics.${topic}`)).not.toBe(`topics.${topic}`);
    expect(i18n.t('errors.CONFLICT')).toContain('n’est plus possible');
    const enI18n = createI18n('en');
    expect(enI18n.t('errors.LOCKED_OUT')).toBe('Too many attempts. Try again in a moment.');
    expect(enI18n.t('queue.waitingCount', { count: 2 })).toBe('2 requests waiting');
    expect(i18n.t('queue.waitingCount', { count: 1 })).toBe('1 demande en attente');
  });
});
