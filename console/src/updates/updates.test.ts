import { describe, expect, it } from 'vitest';
import { UPDATE_CHANNELS, UPDATE_FAILURE_REASONS, UPDATE_OUTCOMES, UPDATE_PLATFORMS } from '@vigie/common';
import { createI18n } from '../i18n';
import { raiseChoices } from './controller';
import { updatesEn, updatesFr } from './strings';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`)));
}

describe('updates admin page', () => {
  it('English has exactly the French keys, none empty; every channel, platform, outcome and reason is named', () => {
    expect(keys(updatesEn).sort()).toEqual(keys(updatesFr).sort());
    for (const lng of ['fr', 'en'] as const) {
      const i18n = createI18n(lng);
      for (const k of keys(updatesFr)) expect(i18n.t(`updates.${k}`, { count: 2 }).trim()).not.toBe('');
      for (const c of UPDATE_CHANNELS) expect(i18n.exists(`updates.channel.${c}`) && i18n.exists(`updates.channelHint.${c}`)).toBe(true);
      for (const p of UPDATE_PLATFORMS) expect(i18n.exists(`updates.platform.${p}`)).toBe(true);
      for (const o of UPDATE_OUTCOMES) expect(i18n.exists(`updates.outcome.${o}`)).toBe(true);
      for (const r of UPDATE_FAILURE_REASONS) expect(i18n.exists(`updates.reason.${r}`)).toBe(true);
    }
    expect(createI18n('fr').t('updates.versions.total', { count: 1 })).toBe('1 poste au total');
    expect(createI18n('en').t('updates.raised', { version: '2.0.0', channel: 'pilot', platform: 'Windows', percent: 50 })).toBe(
      'Rollout of 2.0.0 (pilot, Windows) widened to 50 %.',
    );
  });

  it('offers only wider shares; a halted rollout can resume at any of them, a full one not at all', () => {
    expect(raiseChoices(0)).toEqual([5, 10, 25, 50, 100]);
    expect(raiseChoices(10)).toEqual([25, 50, 100]);
    expect(raiseChoices(30)).toEqual([50, 100]);
    expect(raiseChoices(100)).toEqual([]);
  });
});
