import { describe, expect, it } from 'vitest';
import { createI18n as consoleI18n } from '../../../console/src/i18n/index.js';
import { elisionTemplates, formatBytes, formatNumber, formatPercent, withElision } from '../../../web/format.js';
import { createI18n } from './index.js';

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('numbers, sizes and elisions as people write them (web/format, both UIs)', () => {
  it('French numbers, percentages and sizes', () => {
    expect(plain(formatPercent(41.66, 'fr'))).toBe('41,7 %');
    expect(formatPercent(41.66, 'en')).toBe('41.7%');
    expect(plain(formatNumber(1234.5, 'fr'))).toBe('1 234,5');
    expect(plain(formatBytes(1.2 * 1024 ** 3, 'fr'))).toBe('1,2 Go');
    expect(formatBytes(512, 'fr')).toBe('512 octets');
    expect(formatBytes(1536, 'en')).toBe('1.5 KB');
  });

  it('elides « de » and « que » only where a name goes, before a vowel', () => {
    expect(withElision('de', 'Avast')).toBe('d’Avast');
    expect(withElision('de', 'Accueil')).toBe('d’Accueil');
    expect(withElision('de', 'Julie Martin')).toBe('de Julie Martin');
    expect(withElision('que', 'ESET')).toBe('qu’ESET');
    expect(withElision('de', '')).toBe('');
    // The sentence around a name is never touched (« le ou les »), only « de {{x}} ».
    expect(elisionTemplates({ a: 'cochez le ou les éléments de {{name}}', b: 'De {{x}} à {{y}}' })).toEqual({
      a: 'cochez le ou les éléments {{name, elisionde}}',
      b: '{{x, elisiondecap}} à {{y}}',
    });
  });

  it('the practitioner app and the console write « d’Accueil » in French, « of Accueil » stays English', () => {
    const app = createI18n('fr');
    expect(app.t('screen.consentBody', { name: 'Julie Martin', provider: 'Info Santé' })).toContain('Julie Martin');
    const con = consoleI18n('fr');
    expect(con.t('screen.viewing', { device: 'Accueil' })).toBe('Vous voyez l’écran d’Accueil.');
    expect(con.t('screen.viewing', { device: 'Cabinet 2' })).toBe('Vous voyez l’écran de Cabinet 2.');
    void con.changeLanguage('en');
    expect(con.t('screen.viewing', { device: 'Accueil' })).not.toContain('’Accueil');
  });
});
