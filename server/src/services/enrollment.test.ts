/**
 * Enrollment codes as a table: when a new code stops enrolling (the lifetime asked, or the
 * configured one; refused beyond a year, at zero or below, or not a number), and what a code entered
 * on a device is worth at a given time (unknown, expired — its time reached, or none recorded — or
 * valid). limits-login.test.ts and the hub suites enroll through the real hub.
 */
import { describe, expect, it } from 'vitest';
import { codeState } from './enrollment.js';
import { codeExpiry } from './practices.js';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();

describe('enrollment codes', () => {
  it.each<[number | undefined, number, string | 'BAD_REQUEST']>([
    [undefined, 72, at(T0 + 72 * 3_600_000)],
    [1, 72, at(T0 + 3_600_000)],
    [0.5, 72, at(T0 + 1_800_000)],
    [24 * 366, 72, at(T0 + 24 * 366 * 3_600_000)],
    [24 * 366 + 1, 72, 'BAD_REQUEST'],
    [0, 72, 'BAD_REQUEST'],
    [-1, 72, 'BAD_REQUEST'],
    [Number.NaN, 72, 'BAD_REQUEST'],
    [Number.POSITIVE_INFINITY, 72, 'BAD_REQUEST'],
    [undefined, 0, 'BAD_REQUEST'],
  ])('a code asked for %s h (default %s h) expires at %s', (ttl, def, expected) => {
    if (expected === 'BAD_REQUEST') expect(() => codeExpiry(T0, ttl, def)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    else expect(codeExpiry(T0, ttl, def)).toBe(expected);
  });

  it.each<[string, { enrollment_code_expires_at: string | null } | undefined, 'unknown' | 'expired' | 'valid']>([
    ['no practice has it', undefined, 'unknown'],
    ['its time is to come', { enrollment_code_expires_at: at(T0 + 1) }, 'valid'],
    ['its time is now', { enrollment_code_expires_at: at(T0) }, 'expired'],
    ['its time has passed', { enrollment_code_expires_at: at(T0 - 60_000) }, 'expired'],
    ['it has no time recorded', { enrollment_code_expires_at: null }, 'expired'],
  ])('a code entered when %s is %s', (_name, practice, expected) => {
    expect(codeState(practice, T0)).toBe(expected);
  });
});
