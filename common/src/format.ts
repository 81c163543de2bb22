import type { Locale } from './domain.js';

/**
 * Numbers, sizes and French elisions the way people write them — one copy for the contract's own
 * texts (security-check messages) and for both UIs (web/format.ts adds dates and i18next glue).
 */

/** The BCP 47 tag of a UI language (French of France, British English: 24-hour clock, day before month). */
export const localeTag = (locale: Locale | string): string => (locale.startsWith('en') ? 'en-GB' : 'fr-FR');

/** « 1 234,5 » / « 1,234.5 »: at most `maxDigits` decimals (1 by default), none when they are zeros. */
export function formatNumber(n: number, locale: Locale | string, maxDigits = 1): string {
  return new Intl.NumberFormat(localeTag(locale), { maximumFractionDigits: maxDigits }).format(n);
}

/** « 41,7 % » (French: comma, non-breaking space before %) / « 41.7% ». `value` is the percentage itself (41.7, not 0.417). */
export function formatPercent(value: number, locale: Locale | string, maxDigits = 1): string {
  return new Intl.NumberFormat(localeTag(locale), { style: 'percent', maximumFractionDigits: maxDigits }).format(value / 100);
}

const UNITS: Record<'fr' | 'en', readonly string[]> = { fr: ['octets', 'Ko', 'Mo', 'Go', 'To'], en: ['bytes', 'KB', 'MB', 'GB', 'TB'] };

/** « 1,2 Go » / « 1.2 GB » (powers of 1024, one decimal under 100 of a unit, none above). */
export function formatBytes(bytes: number, locale: Locale | string): string {
  const units = UNITS[localeTag(locale) === 'en-GB' ? 'en' : 'fr'];
  let v = Math.max(0, bytes);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 0 : 1;
  return `${formatNumber(v, locale, digits)} ${units[i]}`;
}

/** French elides « de » and « que » before a vowel: « d’Avast », « d’Accueil », « qu’ESET ». */
export const VOWEL_START = /^[aeiouyàâäéèêëîïôöûüæœ]/i;
export const ELIDING = ['de', 'De', 'que', 'Que'] as const;

/** « de » + a name, the French way: « d’Accueil », « de Julie »; an empty name leaves the word out. */
export function withElision(word: (typeof ELIDING)[number], value: string): string {
  if (value === '') return '';
  return VOWEL_START.test(value) ? `${word.slice(0, -1)}’${value}` : `${word} ${value}`;
}
