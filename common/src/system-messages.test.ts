import { describe, expect, it } from 'vitest';
import { SYSTEM_MESSAGE_KEYS, SYSTEM_MESSAGE_STRINGS, renderSystemMessage, systemMessage, systemMessageText } from './system-messages.js';

describe('system chat lines', () => {
  it('every key is written in both languages, with real plural forms where it counts', () => {
    for (const key of SYSTEM_MESSAGE_KEYS) {
      const fr = SYSTEM_MESSAGE_STRINGS.fr[key];
      const en = SYSTEM_MESSAGE_STRINGS.en[key];
      expect(typeof fr, key).toBe(typeof en);
    }
    expect(systemMessage('backup.started', { name: 'Julie Martin', count: 1 }).text).toBe('Julie Martin restaure un élément sur ce poste.');
    expect(systemMessage('backup.done', { count: 3 }).text).toBe('Restauration terminée : les 3 éléments sont de retour.');
    expect(renderSystemMessage('en', { key: 'backup.failed', params: { count: 1 } })).toBe(
      'The restore of the item did not succeed; nothing was overwritten.',
    );
    expect(renderSystemMessage('en', { key: 'backup.cancelled', params: { count: 2 } })).toBe(
      'Restore of the 2 items cancelled; nothing was changed.',
    );
    expect(renderSystemMessage('fr', { key: 'backup.done', params: { count: 1200 } })?.replace(/\s/g, ' ')).toBe(
      'Restauration terminée : les 1 200 éléments sont de retour.',
    );
  });

  it('a key this version does not know, or a missing parameter, falls back to the hub’s text', () => {
    expect(systemMessageText('en', { text: 'Texte du hub', system: { key: 'help.someday', params: {} } })).toBe('Texte du hub');
    expect(systemMessageText('en', { text: 'Texte du hub', system: { key: 'help.accepted', params: {} } })).toBe('Texte du hub');
    expect(systemMessageText('en', { text: 'Texte du hub', system: { key: 'backup.done', params: { count: 'deux' } } })).toBe(
      'Texte du hub',
    );
    expect(systemMessageText('en', { text: 'Bonjour' })).toBe('Bonjour');
    expect(() => systemMessage('help.accepted')).toThrow();
  });
});
