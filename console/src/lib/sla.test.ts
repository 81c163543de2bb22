import { describe, expect, it } from 'vitest';
import { SLA } from '@vigie/common';
import { slaLevel, waitingMs } from './sla';

describe('slaLevel', () => {
  it('is green under 2 minutes, orange from 2 to 3, red beyond 3', () => {
    expect(slaLevel(0)).toBe('ok');
    expect(slaLevel(119_999)).toBe('ok');
    expect(slaLevel(SLA.warnMs)).toBe('warn');
    expect(slaLevel(150_000)).toBe('warn');
    expect(slaLevel(SLA.breachMs)).toBe('warn');
    expect(slaLevel(SLA.breachMs + 1)).toBe('breach');
    expect(slaLevel(3_600_000)).toBe('breach');
  });

  it('treats a negative wait (clock skew) as just arrived', () => {
    expect(slaLevel(-5000)).toBe('ok');
  });

  it('follows custom thresholds', () => {
    expect(slaLevel(10, { warnMs: 5, breachMs: 8 })).toBe('breach');
  });
});

describe('waitingMs', () => {
  const created = '2025-11-28T10:00:00.000Z';
  const t0 = Date.parse(created);

  it('counts from creation on the hub clock', () => {
    expect(waitingMs(created, t0 + 65_000)).toBe(65_000);
    // Local clock 10 s behind the hub: offset +10 s.
    expect(waitingMs(created, t0 + 55_000, 10_000)).toBe(65_000);
  });

  it('never goes negative and survives a bad date', () => {
    expect(waitingMs(created, t0 - 1000)).toBe(0);
    expect(waitingMs('not a date', t0)).toBe(0);
  });
});
