import { describe, expect, it } from 'vitest';
import { findJargon } from '@vigie/common';
import { MAIN_STRINGS, createMainI18n } from './i18n.js';

describe('the tray and notifications', () => {
  it('speak plain words in both languages (no command, tool or code names)', () => {
    expect(findJargon('fr', MAIN_STRINGS.fr)).toEqual([]);
    expect(findJargon('en', MAIN_STRINGS.en)).toEqual([]);
  });

  it('have every French text in English', () => {
    const keys = (o: object, p = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [p + k] : keys(v as object, `${p}${k}.`)));
    expect(keys(MAIN_STRINGS.en).sort()).toEqual(keys(MAIN_STRINGS.fr).sort());
    expect(createMainI18n('en').t('notify.messageFrom', { name: 'Julie Martin' })).toBe('Message from Julie Martin');
  });
});
