import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { fr } from './fr.js';
import { createI18n } from './index.js';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

describe('renderer strings', () => {
  it('English has every French key (and nothing French is left empty)', () => {
    const enKeys = new Set(keys(en));
    for (const k of keys(fr)) expect(enKeys.has(k), k).toBe(true);
    expect(keys(fr).every((k) => k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], fr) !== '')).toBe(true);
  });

  it('shows shared error and topic strings in both languages', () => {
    const i18n = createI18n('fr');
    expect(i18n.t('errors.OFFLINE')).toBe('Connexion perdue. Nouvel essai automatique.');
    expect(i18n.t('topics.printer')).toBe('Imprimante ou scanner');
    void i18n.changeLanguage('en');
    expect(i18n.t('errors.REVOKED')).toContain('no longer authorised');
    expect(i18n.t('chat.status.delivered')).toBe('received');
  });
});
