import { describe, expect, it } from 'vitest';
import { TRIPWIRE_FILE_KINDS, TRIPWIRE_LIMITS, TRIPWIRE_REASONS, TRIPWIRE_STRINGS, TripwireAlert, fitTripwireAlert } from './tripwire.js';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o)
    .flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)))
    .sort();
}

const alert = (files: number, pathLength = 200): TripwireAlert => ({
  id: 'abc-1',
  raisedAt: '2025-03-03T10:00:05.000Z',
  firstChangeAt: '2025-03-03T10:00:00.000Z',
  reasons: ['burst', 'canary'],
  files: Array.from({ length: files }, (_, i) => ({
    path: `/home/dr/${String(i).padStart(pathLength - 10, 'x')}.pdf`,
    at: '2025-03-03T10:00:00.000Z',
    kind: 'encrypted' as const,
    entropy: 7.9,
  })),
  fileCount: files + 1000,
  notes: [],
  extensions: ['locked'],
  lastGoodSnapshot: null,
  backup: null,
  folders: ['/home/dr'],
});

describe('tripwire contract', () => {
  it('says every reason and every kind of file, in French and in English alike', () => {
    expect(keys(TRIPWIRE_STRINGS.en)).toEqual(keys(TRIPWIRE_STRINGS.fr));
    for (const l of ['fr', 'en'] as const) {
      expect(Object.keys(TRIPWIRE_STRINGS[l].console.reasons).sort()).toEqual([...TRIPWIRE_REASONS].sort());
      expect(Object.keys(TRIPWIRE_STRINGS[l].console.kinds).sort()).toEqual([...TRIPWIRE_FILE_KINDS].sort());
      expect(
        keys(TRIPWIRE_STRINGS[l]).every(
          (k) => k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], TRIPWIRE_STRINGS[l]) !== '',
        ),
      ).toBe(true);
    }
  });

  it('fits an alert into a socket message by dropping its latest files, keeping the count', () => {
    const big = alert(200, 1000);
    expect(new TextEncoder().encode(JSON.stringify(big)).length).toBeGreaterThan(TRIPWIRE_LIMITS.maxBytes);
    const fitted = fitTripwireAlert(big)!;
    expect(new TextEncoder().encode(JSON.stringify(fitted)).length).toBeLessThanOrEqual(TRIPWIRE_LIMITS.maxBytes);
    expect(fitted.files.length).toBeGreaterThan(10);
    expect(fitted.files).toEqual(big.files.slice(0, fitted.files.length));
    expect(fitted.fileCount).toBe(1200);
    expect(() => TripwireAlert.parse(fitted)).not.toThrow();
    const small = alert(3);
    expect(fitTripwireAlert(small)).toBe(small);
    expect(fitTripwireAlert(small, 50)).toBe(null);
  });
});
