import { describe, expect, it } from 'vitest';
import { durationParts, formatBytes, formatClock, formatDateTime, formatTimeOfDay } from './time';

describe('formatClock', () => {
  it('shows m:ss under an hour and h:mm:ss beyond', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(7_400)).toBe('0:07');
    expect(formatClock(125_000)).toBe('2:05');
    expect(formatClock(59 * 60_000 + 59_999)).toBe('59:59');
    expect(formatClock(3_725_000)).toBe('1:02:05');
  });

  it('clamps negative durations to zero', () => {
    expect(formatClock(-3000)).toBe('0:00');
  });
});

describe('durationParts', () => {
  it('splits into whole hours, minutes, seconds', () => {
    expect(durationParts(3_725_999)).toEqual({ hours: 1, minutes: 2, seconds: 5 });
  });
});

describe('locale formatting', () => {
  it('formats times and dates in the UI language, empty for bad input', () => {
    expect(formatTimeOfDay('2025-11-28T10:05:00.000Z', 'fr')).toMatch(/\d{2}:\d{2}/);
    expect(formatTimeOfDay('nope', 'fr')).toBe('');
    expect(formatDateTime('2025-11-28T10:05:00.000Z', 'fr')).toMatch(/28\/11\/2025/);
    expect(formatDateTime('nope', 'en')).toBe('');
  });

  it('formats sizes with French or English units', () => {
    expect(formatBytes(512, 'fr')).toBe('512 octets');
    expect(formatBytes(1536, 'en')).toBe('1.5 KB');
    expect(formatBytes(1.2 * 1024 ** 3, 'fr')).toBe('1,2 Go');
  });
});
