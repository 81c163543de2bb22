import { ELIDING, localeTag, withElision, type Locale } from '@vigie/common';

export { formatBytes, formatNumber, formatPercent, localeTag, withElision } from '@vigie/common';

/**
 * Numbers, sizes, dates and French elisions the way people write them, for both UIs (the
 * practitioner app and the console): « 41,7 % », « 1,5 Go », « 12 mars 2025 à 14:05 »,
 * « la protection d’Avast ». Every function takes the UI's language.
 */

function validDate(iso: string): Date | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** « mercredi 12 mars 2025 à 12:30 » / « Wednesday 12 March 2025 at 12:30 »; '' for an invalid date. */
export function formatLongDate(iso: string, locale: Locale | string): string {
  const d = validDate(iso);
  return d
    ? new Intl.DateTimeFormat(localeTag(locale), {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      }).format(d)
    : '';
}

/** « 12 mars 2025 à 14:05 » / « 12 March 2025 at 14:05 »; '' for an invalid date. */
export function formatDateTime(iso: string, locale: Locale | string): string {
  const d = validDate(iso);
  return d ? new Intl.DateTimeFormat(localeTag(locale), { dateStyle: 'long', timeStyle: 'short' }).format(d) : '';
}

/**
 * French templates with « de {{x}} » / « que {{x}} » written « {{x, elisionde}} » (one formatter per word), so
 * the word is elided only where a name goes (« l’écran d’Accueil »), never in the sentence around
 * it (« le ou les »). Applied once to a UI's French resources; `addElisionFormatters` makes the
 * i18next instance understand the result.
 */
export function elisionTemplates<T>(resources: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string')
      return v.replace(
        /(^|[\s(«“])(de|De|que|Que) \{\{(\w+)\}\}/g,
        (_m, before: string, word: (typeof ELIDING)[number], name: string) => `${before}{{${name}, ${formatterName(word)}}}`,
      );
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(resources) as T;
}

/** i18next's name of the formatter for `word` (format names are not case-sensitive: « De » has its own). */
const formatterName = (word: (typeof ELIDING)[number]) => `elision${word.toLowerCase()}${word[0] === word[0]!.toUpperCase() ? 'cap' : ''}`;

/** The i18next formatters of elisionTemplates (« de », « De », « que », « Que »). */
export function addElisionFormatters(i18n: {
  services: { formatter?: { add(name: string, fn: (value: unknown) => string): void } };
}): void {
  for (const word of ELIDING)
    i18n.services.formatter?.add(formatterName(word), (value) =>
      withElision(word, value === undefined || value === null ? '' : String(value)),
    );
}
