import type { Locale } from '../domain.js';
import { ELIDING, formatBytes, withElision } from '../format.js';
import type { CheckResult, MessageParams, UnknownReason, UnknownReasonCode } from './schema.js';
import { FR_MESSAGES, type HealthMessageKey, type HealthText, type MessageText } from './messages-fr.js';
import { HEALTH_STRINGS, type HealthTerm } from './strings.js';

/**
 * Security health, the sentences as read: a check's message or an unknown reason rendered in a
 * locale from the string tables, its parameters written the way that locale writes numbers, sizes,
 * dates and lists, and reports of devices not yet updated read as this version writes them.
 */

const tagOf = (locale: Locale) => (locale === 'fr' ? 'fr-FR' : 'en-GB');

/** One code of HEALTH_TERMS written in `locale`; anything else (a product name) as is. */
function termText(code: string, locale: Locale): string {
  const terms: Record<string, string> = HEALTH_STRINGS[locale].terms;
  return Object.prototype.hasOwnProperty.call(terms, code) ? terms[code]! : code;
}

/** A `…List` parameter written in `locale`: known codes translated (HEALTH_TERMS), then joined (« A, B et C »). */
export function renderTermList(value: string, locale: Locale = 'fr'): string {
  const items = value
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => termText(c, locale));
  return new Intl.ListFormat(tagOf(locale), { style: 'long', type: 'conjunction' }).format(items);
}

/** A number as `locale` writes it: « 41,7 » / « 41.7 » (one decimal at most, no grouping: codes stay whole). */
function numberText(n: number, locale: Locale): string {
  return new Intl.NumberFormat(tagOf(locale), { maximumFractionDigits: 1, useGrouping: false }).format(n);
}

/** A parameter's value as `locale` writes it (see fillTemplate for the naming rules). */
function paramText(name: string, v: string | number, locale: Locale): string {
  if (typeof v === 'number') return name.endsWith('Bytes') ? formatBytes(v, locale) : numberText(v, locale);
  if (name.endsWith('List')) return renderTermList(v, locale);
  if (name.endsWith('Date') && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = new Date(`${v}T12:00:00Z`);
    return new Intl.DateTimeFormat(tagOf(locale), { dateStyle: 'long', timeZone: 'UTC' }).format(d);
  }
  return v;
}

/**
 * Replaces `{{name}}`. Numbers are written the way `locale` writes them; a parameter whose name
 * ends in `Bytes` is a size (« 12,3 Go »), in `Date` (YYYY-MM-DD) a date of `locale`, in `List` a
 * comma-separated list of codes (renderTermList). A « de » or « que » just before a parameter is
 * elided in French when the value starts with a vowel, and left out with an empty value (« la
 * session de {{user}} s’ouvre » → « la session s’ouvre »); empty parentheses and doubled spaces
 * left behind are closed.
 */
export function fillTemplate(template: string, params: MessageParams, locale: Locale = 'fr'): string {
  return template
    .replace(/(?:(?<=^|[\s(«“])(de|De|que|Que) )?\{\{(\w+)\}\}/g, (_m, word: string | undefined, name: string) => {
      const v = params[name];
      const text = v === undefined ? '' : paramText(name, v, locale);
      if (!word) return text;
      if (text === '') return '';
      if (locale === 'fr') return withElision(word as (typeof ELIDING)[number], text);
      return `${word} ${text}`;
    })
    .replace(/ ?\(\)/g, '')
    .replace(/ {2,}/g, ' ')
    .replace(/ ([.,)])/g, (_m, p: string) => p)
    .replace(/^ /, '');
}

/** The form of `text` that suits its number parameter (see PluralText), in `locale`. */
function chooseForm(text: HealthText, params: MessageParams, locale: Locale): string {
  if (typeof text === 'string') return text;
  const n = params[text.plural];
  if (typeof n !== 'number') return text.other;
  if (n === 0 && text.zero !== undefined) return text.zero;
  return new Intl.PluralRules(tagOf(locale)).select(n) === 'one' ? text.one : text.other;
}

export function isHealthMessageKey(key: string): key is HealthMessageKey {
  return Object.prototype.hasOwnProperty.call(FR_MESSAGES, key);
}

/** Windows editions as the end-of-life table names them (HEALTH_TERMS), and as older devices wrote them in French. */
const LEGACY_EDITIONS: ReadonlyArray<[RegExp, HealthTerm]> = [
  [/ Entreprise\/Éducation$/, 'win-enterprise'],
  [/ LTSC$/, 'win-ltsc'],
];

/**
 * Parameters as this version writes them, from reports of devices not yet updated: lists given as
 * ready-made French text (`services` / `profiles`) are shown as given; a size written by the device
 * (`free`) as given; a percentage written with its sign (« 37 % ») becomes a number; a Windows
 * edition glued to the system's name in French becomes its code.
 */
function withLegacyParams(params: MessageParams): MessageParams {
  const out: MessageParams = { ...params };
  if (out.servicesList === undefined && typeof out.services === 'string') out.servicesList = out.services;
  if (out.profilesList === undefined && typeof out.profiles === 'string') out.profilesList = out.profiles;
  if (out.freeBytes === undefined && typeof out.free === 'string') out.freeBytes = out.free;
  if (typeof out.percent === 'string') {
    const m = /^\s*(\d+(?:[.,]\d+)?)\s*%?\s*$/.exec(out.percent);
    if (m) out.percent = Number(m[1]!.replace(',', '.'));
  }
  if (out.edition === undefined && typeof out.name === 'string') {
    for (const [suffix, code] of LEGACY_EDITIONS) {
      if (suffix.test(out.name)) {
        out.name = out.name.replace(suffix, '');
        out.edition = code;
        break;
      }
    }
  }
  return out;
}

/** The system's name in `locale`: its product name, then its edition when it has one (« Windows 11 24H2 Entreprise ou Éducation »). */
function systemName(params: MessageParams, locale: Locale): string | number | undefined {
  const { name, edition } = params;
  return typeof name === 'string' && typeof edition === 'string' && edition ? `${name} ${termText(edition, locale)}` : name;
}

/** Plain sentence of an unknown reason in `locale`, for the practitioner (no tool, command or error code). */
export function renderUnknownReason(locale: Locale, code: UnknownReasonCode, params: MessageParams): string {
  return fillTemplate(HEALTH_STRINGS[locale].reasons[code], params, locale);
}

/**
 * The technician's sentence of an unknown reason in `locale`: which tool, which exit code, what was
 * missing (the raw output is in the check's evidence). Never shown to the practitioner.
 */
export function renderTechnicalReason(locale: Locale, reason: Pick<UnknownReason, 'code' | 'params'>): string {
  return fillTemplate(HEALTH_STRINGS[locale].technicalReasons[reason.code], reason.params, locale);
}

/**
 * Title, explanation and remediation of a check result in `locale`: the practitioner's words, the
 * same in the console. Unknown keys fall back to the generic "could not check" text.
 */
export function renderCheckMessage(
  locale: Locale,
  check: Pick<CheckResult, 'id' | 'message' | 'reason'>,
): { title: string; explanation: string; remediation: string | null } {
  const key: HealthMessageKey = isHealthMessageKey(check.message.key) ? check.message.key : 'unknown';
  const text: MessageText = HEALTH_STRINGS[locale].messages[key];
  const params: MessageParams = withLegacyParams(check.message.params);
  const name = systemName(params, locale);
  if (name !== undefined) params.name = name;
  params.label = HEALTH_STRINGS[locale].checks[check.id];
  if (key === 'unknown') {
    // Without a reason (a message this version does not know, from a newer device): not understood.
    params.reason = renderUnknownReason(locale, check.reason?.code ?? 'unparseable', check.reason?.params ?? {});
  }
  const fill = (t: HealthText) => fillTemplate(chooseForm(t, params, locale), params, locale);
  return {
    title: fill(text.title),
    explanation: fill(text.explanation),
    remediation: text.remediation === null ? null : fill(text.remediation),
  };
}
