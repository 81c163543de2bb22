import type { Locale, SystemMessageRef } from './domain.js';

/**
 * The lines the hub writes in a request's chat, signed « Vigie », as message keys with parameters:
 * the hub stores the key and its parameters with the message (and a French `text` for clients that
 * predate keys); the practitioner app and the console each write it in their own language with
 * `systemMessageText`. A template given as { one, other } is chosen by the `count` parameter
 * (Intl plural rules: in French 0 and 1 are singular).
 *
 * Only what the hub knows goes into parameters (a technician's name as the hub has it, a count,
 * the technician's resolution note): never a text a device chose.
 */
type Template = string | { one: string; other: string };

export const SYSTEM_MESSAGE_KEYS = [
  'help.accepted',
  'help.resolved',
  'help.cancelled',
  'help.released',
  'help.reassigned',
  'backup.started',
  'backup.done',
  'backup.failed',
  'backup.cancelled',
  'screen.started',
  'screen.ended',
  'logs.viewed',
] as const;
export type SystemMessageKey = (typeof SYSTEM_MESSAGE_KEYS)[number];

export const SYSTEM_MESSAGE_STRINGS = {
  fr: {
    'help.accepted': '{{name}} a pris en charge votre demande.',
    'help.resolved': 'Demande résolue : {{note}}',
    'help.cancelled': 'Demande annulée.',
    'help.released': 'Votre demande est de nouveau dans la file d’attente.',
    'help.reassigned': 'Votre demande a été confiée à {{name}}.',
    'backup.started': { one: '{{name}} restaure un élément sur ce poste.', other: '{{name}} restaure {{count}} éléments sur ce poste.' },
    'backup.done': {
      one: 'Restauration terminée : l’élément est de retour.',
      other: 'Restauration terminée : les {{count}} éléments sont de retour.',
    },
    'backup.failed': {
      one: 'La restauration de l’élément n’a pas abouti ; rien n’a été écrasé.',
      other: 'La restauration des {{count}} éléments n’a pas abouti ; rien n’a été écrasé.',
    },
    'backup.cancelled': {
      one: 'Restauration de l’élément annulée ; rien n’a été modifié.',
      other: 'Restauration des {{count}} éléments annulée ; rien n’a été modifié.',
    },
    'screen.started': 'Partage d’écran commencé',
    'screen.ended': 'Partage d’écran terminé',
    'logs.viewed': '{{name}} a consulté le journal technique de ce poste.',
  },
  en: {
    'help.accepted': '{{name}} has taken charge of your request.',
    'help.resolved': 'Request resolved: {{note}}',
    'help.cancelled': 'Request cancelled.',
    'help.released': 'Your request is back in the queue.',
    'help.reassigned': 'Your request has been handed over to {{name}}.',
    'backup.started': {
      one: '{{name}} is restoring one item on this computer.',
      other: '{{name}} is restoring {{count}} items on this computer.',
    },
    'backup.done': { one: 'Restore finished: the item is back.', other: 'Restore finished: the {{count}} items are back.' },
    'backup.failed': {
      one: 'The restore of the item did not succeed; nothing was overwritten.',
      other: 'The restore of the {{count}} items did not succeed; nothing was overwritten.',
    },
    'backup.cancelled': {
      one: 'Restore of the item cancelled; nothing was changed.',
      other: 'Restore of the {{count}} items cancelled; nothing was changed.',
    },
    'screen.started': 'Screen sharing started',
    'screen.ended': 'Screen sharing ended',
    'logs.viewed': '{{name}} looked at the technical log of this computer.',
  },
} as const satisfies Record<Locale, Record<SystemMessageKey, Template>>;

const tagOf = (locale: Locale) => (locale === 'fr' ? 'fr-FR' : 'en-GB');

export function isSystemMessageKey(key: string): key is SystemMessageKey {
  return (SYSTEM_MESSAGE_KEYS as readonly string[]).includes(key);
}

/** The key's sentence in `locale`, or null when the key is unknown or a parameter it needs is missing. */
export function renderSystemMessage(locale: Locale, ref: SystemMessageRef): string | null {
  if (!isSystemMessageKey(ref.key)) return null;
  const template: Template = SYSTEM_MESSAGE_STRINGS[locale][ref.key];
  let chosen: string;
  if (typeof template === 'string') chosen = template;
  else {
    const count = ref.params.count;
    if (typeof count !== 'number') return null;
    chosen = new Intl.PluralRules(tagOf(locale)).select(count) === 'one' ? template.one : template.other;
  }
  let missing = false;
  const text = chosen.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    const v = ref.params[name];
    if (v === undefined) {
      missing = true;
      return '';
    }
    return typeof v === 'number' ? new Intl.NumberFormat(tagOf(locale)).format(v) : v;
  });
  return missing ? null : text;
}

/** What a chat line says in `locale`: its system key when it has one this version knows, else its text. */
export function systemMessageText(locale: Locale, m: { text: string; system?: SystemMessageRef | undefined }): string {
  return (m.system && renderSystemMessage(locale, m.system)) ?? m.text;
}

/** A system line for the hub to store: the key, its parameters and the French text for older clients. */
export function systemMessage(key: SystemMessageKey, params: SystemMessageRef['params'] = {}): { text: string; system: SystemMessageRef } {
  const system = { key, params };
  const text = renderSystemMessage('fr', system);
  if (text === null) throw new Error(`system message ${key}: missing parameter`);
  return { text, system };
}
