import { describe, expect, it } from 'vitest';
import { createI18n } from '../i18n/index.js';
import { formatAccelerator, screenWindowOf } from './store.js';
import { screenEn, screenFr } from './strings.js';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

describe('remote screen in the renderer', () => {
  it('has every consent and banner string in English too', () => {
    const en = new Set(keys(screenEn));
    for (const k of keys(screenFr)) expect(en.has(k), k).toBe(true);
    const i18n = createI18n('fr');
    expect(i18n.t('screen.bannerViewing', { name: 'Julie Martin' })).toBe('Julie Martin voit votre écran');
    expect(i18n.t('screen.bannerControlling', { name: 'Julie Martin' })).toBe('Julie Martin contrôle votre ordinateur');
    void i18n.changeLanguage('en');
    expect(i18n.t('screen.endReasons.timeout')).toBe('No answer: sharing refused automatically.');
  });

  it('shows the stop shortcut as printed on the keyboard', () => {
    expect(formatAccelerator('CommandOrControl+Alt+S', false, 'fr')).toBe('Ctrl + Alt + S');
    expect(formatAccelerator('CommandOrControl+Shift+S', false, 'fr')).toBe('Ctrl + Maj + S');
    expect(formatAccelerator('CommandOrControl+Shift+S', false, 'en')).toBe('Ctrl + Shift + S');
    expect(formatAccelerator('CommandOrControl+Alt+S', true)).toBe('⌘ + ⌥ + S');
  });

  it('knows which Electron screen window it is from the URL fragment', () => {
    expect(screenWindowOf('#screen=consent')).toBe('consent');
    expect(screenWindowOf('#screen=banner')).toBe('banner');
    expect(screenWindowOf('#k=abcdef')).toBeNull();
    expect(screenWindowOf('#screen=other')).toBeNull();
    expect(screenWindowOf('')).toBeNull();
  });
});
