import { describe, expect, it } from 'vitest';
import { createI18n } from '../i18n/index.js';
import { telHref, tripwireWindowOf } from './store.js';

describe('the practitioner’s ransomware alert', () => {
  it('dials the provider’s number as written, and knows its own window', () => {
    expect(telHref('04 72 00 00 00')).toBe('tel:0472000000');
    expect(telHref('+33 (0)4.72.00.00.00')).toBe('tel:+330472000000');
    expect(tripwireWindowOf('#tripwire=alert')).toBe(true);
    expect(tripwireWindowOf('#screen=banner')).toBe(false);
  });

  it('says what to do in plain French, and in English', () => {
    const i18n = createI18n('fr');
    expect(i18n.t('tripwire.step1')).toBe('Débranchez le câble réseau de cet ordinateur et coupez le Wi-Fi.');
    expect(i18n.t('tripwire.files', { count: 12, time: '10:02' })).toBe('12 fichiers touchés depuis 10:02.');
    void i18n.changeLanguage('en');
    expect(i18n.t('tripwire.step1')).toBe('Unplug this computer’s network cable and turn Wi-Fi off.');
    expect(i18n.t('tripwire.files', { count: 1, time: '10:02' })).toBe('1 file affected since 10:02.');
  });
});
