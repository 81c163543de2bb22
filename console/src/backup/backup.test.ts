import { describe, expect, it } from 'vitest';
import { createI18n } from '../i18n';
import { backupConsoleEn, backupConsoleFr } from './strings';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

describe('console backup strings', () => {
  it('English has exactly the French keys', () => {
    expect(keys(backupConsoleEn).sort()).toEqual(keys(backupConsoleFr).sort());
  });

  it('are merged with the contract’s backup strings in both languages', () => {
    const i18n = createI18n('fr');
    expect(i18n.t('backup.ui.restore')).toBe('Restaurer sur le poste');
    expect(i18n.t('backup.modes.beside')).toBe('Restaurer une copie à côté');
    expect(i18n.t('backup.ui.chosen', { count: 1, names: '« a.pdf »', date: 'x' })).toBe('Choisi : « a.pdf » (sauvegarde du x)');
    void i18n.changeLanguage('en');
    expect(i18n.t('backup.ui.restore')).toBe('Restore on the device');
    expect(i18n.t('backup.restoreStates.done')).toBe('Restore complete');
  });
});
