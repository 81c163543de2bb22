import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type TripwireAlertRecord } from '@vigie/common';
import { createI18n } from '../i18n';
import { mergeRecord } from './controller';

const rec = (
  id: string,
  receivedAt: string,
  updatedAt: string,
  status: 'open' | 'lifted' = 'open',
  fileCount = 5,
): TripwireAlertRecord => ({
  alert: {
    id,
    raisedAt: receivedAt,
    firstChangeAt: receivedAt,
    reasons: ['burst'],
    files: [],
    fileCount,
    notes: [],
    extensions: [],
    lastGoodSnapshot: null,
    backup: null,
    folders: ['/home/dr/Documents'],
  },
  deviceId: 'd1',
  requestId: 'r1',
  receivedAt,
  updatedAt,
  status,
  liftedAt: status === 'lifted' ? updatedAt : null,
  liftedBy: status === 'lifted' ? 'Julie Martin' : null,
});

describe('tripwire evidence in the console', () => {
  it('keeps the newest alert first and the newest word on each', () => {
    let list = mergeRecord([], rec('a', '2025-03-03T10:00:00Z', '2025-03-03T10:00:00Z'));
    list = mergeRecord(list, rec('b', '2025-03-03T11:00:00Z', '2025-03-03T11:00:00Z'));
    list = mergeRecord(list, rec('a', '2025-03-03T10:00:00Z', '2025-03-03T10:05:00Z', 'open', 40));
    expect(list.map((r) => [r.alert.id, r.alert.fileCount])).toEqual([
      ['b', 5],
      ['a', 40],
    ]);
    // A late answer with older evidence does not take it back; a lifted alert stays lifted.
    list = mergeRecord(list, rec('a', '2025-03-03T10:00:00Z', '2025-03-03T10:01:00Z', 'open', 12));
    expect(list.find((r) => r.alert.id === 'a')!.alert.fileCount).toBe(40);
    list = mergeRecord(list, rec('a', '2025-03-03T10:00:00Z', '2025-03-03T10:06:00Z', 'lifted', 40));
    list = mergeRecord(list, rec('a', '2025-03-03T10:00:00Z', '2025-03-03T10:07:00Z', 'open', 41));
    expect(list.find((r) => r.alert.id === 'a')!.status).toBe('lifted');
  });
});

describe('what the console says about a hub error', () => {
  // Every view of the console, as written (Vite's glob, the same files the console is built from).
  const views = import.meta.glob<string>('../**/*.tsx', { query: '?raw', import: 'default', eager: true });

  it('never shows the hub’s own sentence (French) to the technician: every view says errors.<CODE> in its language', () => {
    expect(Object.keys(views)).toContain('./TripwireEvidence.tsx');
    const shown = Object.entries(views).flatMap(([file, text]) =>
      text
        .split('\n')
        .map((line, i) => ({ at: `${file}:${i + 1}`, line }))
        .filter(({ line }) => /(?:error|Error|err)\??\.message\b/.test(line)),
    );
    expect(Object.keys(views).length).toBeGreaterThan(20);
    expect(shown).toEqual([]);
  });

  it('has the lift’s refusals and the evidence’s labels in English as in French', () => {
    const en = createI18n('en');
    const fr = createI18n('fr');
    for (const code of ERROR_CODES) expect(en.t(`errors.${code}`)).not.toBe(fr.t(`errors.${code}`));
    expect(en.t('errors.CONFLICT')).toBe('This action is no longer possible: things have changed.');
    expect(en.t('punctuation.label', { label: en.t('tripwire.reasonsLabel') })).toBe('Signals:');
    expect(fr.t('punctuation.label', { label: fr.t('tripwire.reasonsLabel') })).toBe('Signaux :');
  });
});
