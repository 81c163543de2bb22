import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { fr } from './fr.js';
import { createI18n, positionLine } from './index.js';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

describe('renderer strings', () => {
  it('English has every French key (and nothing French is left empty)', () => {
    const enKeys = new Set(keys(en));
    for (const k of keys(fr)) expect(enKeys.has(k), k).toBe(true);
    expect(keys(fr).every((k) => k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], fr) !== '')).toBe(true);
  });

  it('says the queue position and the wait in plain words', () => {
    const i18n = createI18n('fr');
    expect(positionLine(i18n.t, 2, 180)).toBe('Vous êtes 2e dans la file — environ 3 min');
    expect(positionLine(i18n.t, 1, 20)).toBe('Vous êtes en tête de la file — dans moins d’une minute');
    expect(positionLine(i18n.t, 5, 450)).toBe('Vous êtes 5e dans la file — environ 8 min');
    void i18n.changeLanguage('en');
    expect(positionLine(i18n.t, 2, 180)).toBe('You are 2nd in line — about 3 min');
    expect(positionLine(i18n.t, 3, 200)).toBe('You are 3rd in line — about 3 min');
    expect(positionLine(i18n.t, 11, 600)).toBe('You are 11th in line — about 10 min');
    expect(positionLine(i18n.t, 21, 600)).toBe('You are 21st in line — about 10 min');
    expect(positionLine(i18n.t, 1, 600)).toBe('You are next in line — about 10 min');
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
