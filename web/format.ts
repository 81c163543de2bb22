import type { Locale } from '@vigie/common';

/**
 * Numbers, sizes, dates and French elisions the way people write them, for both UIs (the
 * practitioner app and the console): « 41,7 % », « 1,5 Go », « 12 mars 2025 à 14:05 »,
 * « la protection d’Avast ». Every function takes the UI's language.
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

function validDate(iso: string): Date | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** « mercredi 12 mars 2025 à 12:30 » / « Wednesday 12 March 2025 at 12:30 »; '' for an invalid date. */
export function formatLongDate(iso: string, locale: Locale | string): string {
  const d = validDate(iso);
  return d ? new Intl.DateTimeFormat(localeTag(locale), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d) : '';
}

/** « 12 mars 2025 à 14:05 » / « 12 March 2025 at 14:05 »; '' for an invalid date. */
export function formatDateTime(iso: string, locale: Locale | string): string {
  const d = validDate(iso);
  return d ? new Intl.DateTimeFormat(localeTag(locale), { dateStyle: 'long', timeStyle: 'short' }).format(d) : '';
}

/** French elides « de » and « que » before a vowel: « d’Avast », « d’Accueil », « qu’ESET ». */
const VOWEL_START = /^[aeiouyàâäéèêëîïôöûüæœ]/i;
const ELIDING = ['de', 'De', 'que', 'Que'] as const;

/** « de » + a name, the French way: « d’Accueil », « de Julie »; an empty name leaves the word out. */
export function withElision(word: (typeof ELIDING)[number], value: string): string {
  if (value === '') return '';
  return VOWEL_START.test(value) ? `${word.slice(0, -1)}’${value}` : `${word} ${value}`;
}

/**
 * French templates with « de {{x}} » / « que {{x}} » written « {{x, elisionde}} » (one formatter per word), so
 * the word is elided only where a name goes (« l’écran d’Accueil »), never in the sentence around
 * it (« le ou les »). Applied once to a UI's French resources; `addElisionFormatters` makes the
 * i18next instance understand the result.
 */
export function elisionTemplates<T>(resources: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/(^|[\s(«“])(de|De|que|Que) \{\{(\w+)\}\}/g, (_m, before: string, word: (typeof ELIDING)[number], name: string) => `${before}{{${name}, ${formatterName(word)}}}`);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(resources) as T;
}

/** i18next's name of the formatter for `word` (format names are not case-sensitive: « De » has its own). */
const formatterName = (word: (typeof ELIDING)[number]) => `elision${word.toLowerCase()}${word[0] === word[0]!.toUpperCase() ? 'cap' : ''}`;

/** The i18next formatters of elisionTemplates (« de », « De », « que », « Que »). */
export function addElisionFormatters(i18n: { services: { formatter?: { add(name: string, fn: (value: unknown) => string): void } } }): void {
  for (const word of ELIDING) i18n.services.formatter?.add(formatterName(word), (value) => withElision(word, value === undefined || value === null ? '' : String(value)));
}
