import { describe, expect, it } from 'vitest';
import { PhoneNumber, WaitMessage } from './domain.js';
import { SupportSettingsUpdate, TimeZone, WEEKDAYS, WeekHours, formatDayRanges, parseDayRanges } from './support.js';
import { waitParams } from './test-support/samples.js';

describe('support settings contract', () => {
  it('reads a day’s ranges as people write them, and writes them back', () => {
    const ok = (s: string) => {
      const r = parseDayRanges(s);
      if (!r.ok) throw new Error(`${s}: ${r.error}`);
      return formatDayRanges(r.ranges);
    };
    expect(ok('08:30-12:30, 14:00-18:30')).toBe('08:30-12:30, 14:00-18:30');
    expect(ok('8h30-12h30;14h-18h30')).toBe('08:30-12:30, 14:00-18:30');
    expect(ok('8:30 – 12:30')).toBe('08:30-12:30');
    expect(ok('9-17')).toBe('09:00-17:00');
    expect(ok('20:00-24:00')).toBe('20:00-24:00');
    for (const closed of ['', '  ', '-', 'fermé', 'Fermé', 'closed']) expect(ok(closed)).toBe('');
    expect(parseDayRanges('le matin')).toEqual({ ok: false, error: 'format' });
    expect(parseDayRanges('25:00-26:00')).toEqual({ ok: false, error: 'format' });
    expect(parseDayRanges('24:00-24:30')).toEqual({ ok: false, error: 'format' });
    expect(parseDayRanges('18:00-08:00')).toEqual({ ok: false, error: 'order' });
    expect(parseDayRanges('09:00-09:00')).toEqual({ ok: false, error: 'order' });
    expect(parseDayRanges('09:00-12:00, 11:00-13:00')).toEqual({ ok: false, error: 'order' });
    expect(parseDayRanges('14:00-16:00, 09:00-12:00')).toEqual({ ok: false, error: 'order' });
    expect(parseDayRanges('8-9,9-10,10-11,11-12,12-13')).toEqual({ ok: false, error: 'tooMany' });
  });

  it('a week needs every day and one opening at least; nothing else gets in', () => {
    const week = Object.fromEntries(WEEKDAYS.map((d) => [d, d === 'mon' ? [{ from: '08:00', to: '12:00' }] : []]));
    expect(WeekHours.safeParse(week).success).toBe(true);
    expect(WeekHours.safeParse({ ...week, mon: [] }).success).toBe(false);
    expect(WeekHours.safeParse({ mon: week.mon }).success).toBe(false);
    expect(WeekHours.safeParse({ ...week, holiday: [] }).success).toBe(false);
    expect(WeekHours.safeParse({ ...week, mon: [{ from: '08:00', to: '12:00', note: 'x' }] }).success).toBe(false);
    expect(SupportSettingsUpdate.safeParse({ version: 0, hours: week, extra: 1 }).success).toBe(false);
  });

  it('time zones are IANA names this runtime knows; phone numbers are only digits and separators', () => {
    for (const tz of [
      'Europe/Paris',
      'America/Martinique',
      'Indian/Reunion',
      'Pacific/Noumea',
      'UTC',
      'Etc/GMT+4',
      'America/Argentina/Buenos_Aires',
    ])
      expect(TimeZone.safeParse(tz).success, tz).toBe(true);
    for (const tz of ['Mars/Olympus', '../etc/passwd', 'Europe/Paris;x', 'Europe/Pa ris', '', 'x'.repeat(65), 'Europe//Paris'])
      expect(TimeZone.safeParse(tz).success, tz).toBe(false);
    for (const p of ['01 23 45 67 89', '+33 1 23 45 67 89', '01.23.45.67.89', '+33 (0)1 23-45-67-89', '3615'])
      expect(PhoneNumber.safeParse(p).success, p).toBe(true);
    for (const p of ['appelez-nous', '01 23 <b>45</b>', 'javascript:1', '+', '12', '1'.repeat(21), '01 23 45 67 89\u202e', '０１ ２３'])
      expect(PhoneNumber.safeParse(p).success, p).toBe(false);
    expect(PhoneNumber.parse('  05 56 00 00 00 ')).toBe('05 56 00 00 00');
    expect(TimeZone.parse(' Europe/Paris\n')).toBe('Europe/Paris');
  });

  it('a wait message carries only known keys and well-formed facts', () => {
    const params = waitParams({ waitedSeconds: 0, techniciansAvailable: 0 });
    expect(WaitMessage.safeParse({ key: 'noTechnician', params }).success).toBe(true);
    expect(WaitMessage.safeParse({ key: 'soon', params }).success).toBe(false);
    expect(WaitMessage.safeParse({ key: 'estimate', params: { ...params, etaMinutes: 0 } }).success).toBe(false);
    expect(WaitMessage.safeParse({ key: 'closed', params: { ...params, phone: 'call me' } }).success).toBe(false);
  });
});
