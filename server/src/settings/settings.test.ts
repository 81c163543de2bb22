/**
 * Hub settings of the support (hours, time zone, fallback phone): the hours against the clock
 * (summer time included), the CLI, the console's admin event — on a real hub and real SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueuePosition, QueueSnapshot, SupportSettingsRecord, WeekHours } from '@vigie/common';
import { code, createHelp, data, hubCli, newDevice, newTech, startTestHub, type TestHub, type TestTech } from '../test-support/fixture.js';
import { emitAck, nextEvent } from '../test-support/sockets.js';
import { isOpenAt, nextChangeAt } from './hours.js';
import { parseWeekSpec } from './cli.js';

const week = (spec: string): WeekHours => parseWeekSpec(spec);
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('support hours against the clock', () => {
  const office = week('mon-fri 08:30-12:30,14:00-18:30; sat 09:00-12:00');

  it('open inside a range, closed at lunch, at night and on Sunday (Paris, winter: UTC+1)', () => {
    expect(isOpenAt(office, 'Europe/Paris', at('2025-01-06T07:30:00Z'))).toBe(true); // Monday 08:30
    expect(isOpenAt(office, 'Europe/Paris', at('2025-01-06T07:29:59Z'))).toBe(false);
    expect(isOpenAt(office, 'Europe/Paris', at('2025-01-06T11:45:00Z'))).toBe(false); // 12:45, lunch
    expect(isOpenAt(office, 'Europe/Paris', at('2025-01-06T17:29:00Z'))).toBe(true); // 18:29
    expect(isOpenAt(office, 'Europe/Paris', at('2025-01-06T17:30:00Z'))).toBe(false); // 18:30: the end is excluded
    expect(isOpenAt(office, 'Europe/Paris', at('2025-01-12T10:00:00Z'))).toBe(false); // Sunday
  });

  it('the next change: lunch, the evening, the weekend', () => {
    expect(iso(nextChangeAt(office, 'Europe/Paris', at('2025-01-06T08:00:00Z')))).toBe('2025-01-06T11:30:00.000Z'); // closes at 12:30
    expect(iso(nextChangeAt(office, 'Europe/Paris', at('2025-01-06T12:00:00Z')))).toBe('2025-01-06T13:00:00.000Z'); // reopens 14:00
    expect(iso(nextChangeAt(office, 'Europe/Paris', at('2025-01-06T20:00:00Z')))).toBe('2025-01-07T07:30:00.000Z'); // Tuesday 08:30
    expect(iso(nextChangeAt(office, 'Europe/Paris', at('2025-01-11T12:00:00Z')))).toBe('2025-01-13T07:30:00.000Z'); // Saturday noon → Monday
  });

  it('follows summer time: the same 08:30 is 07:30 UTC in winter and 06:30 UTC in summer', () => {
    // Sunday 30 March 2025, clocks go forward at 02:00: Monday opens at 08:30 CEST.
    expect(iso(nextChangeAt(office, 'Europe/Paris', at('2025-03-29T12:00:00Z')))).toBe('2025-03-31T06:30:00.000Z');
    // Sunday 26 October 2025, clocks go back: Monday opens at 08:30 CET.
    expect(iso(nextChangeAt(office, 'Europe/Paris', at('2025-10-25T12:00:00Z')))).toBe('2025-10-27T07:30:00.000Z');
    // Another zone: New York, 08:30 EST = 13:30 UTC.
    expect(iso(nextChangeAt(office, 'America/New_York', at('2025-01-06T12:00:00Z')))).toBe('2025-01-06T13:30:00.000Z');
  });

  it('ranges that touch, and midnight, are one opening; always open never changes', () => {
    const touching = week('mon 08:00-12:00,12:00-18:00');
    expect(iso(nextChangeAt(touching, 'Europe/Paris', at('2025-01-06T08:00:00Z')))).toBe('2025-01-06T17:00:00.000Z');
    const night = week('mon 20:00-24:00; tue 00:00-06:00');
    expect(isOpenAt(night, 'Europe/Paris', at('2025-01-06T23:30:00Z'))).toBe(true); // Tuesday 00:30
    expect(iso(nextChangeAt(night, 'Europe/Paris', at('2025-01-06T20:00:00Z')))).toBe('2025-01-07T05:00:00.000Z');
    expect(nextChangeAt(week('mon-sun 00:00-24:00'), 'Europe/Paris', at('2025-01-06T20:00:00Z'))).toBeNull();
  });

  it('reads a week as written in the CLI, French or English day names; refuses what it cannot read', () => {
    expect(week('lun-ven 8h30-12h30, 14h-18h30')).toMatchObject({
      mon: [
        { from: '08:30', to: '12:30' },
        { from: '14:00', to: '18:30' },
      ],
      fri: [{ from: '08:30' }, { to: '18:30' }],
      sat: [],
      sun: [],
    });
    expect(week('mon,wed 09:00-17:00').wed).toEqual([{ from: '09:00', to: '17:00' }]);
    expect(() => week('mon 18:00-08:00')).toThrow(/ends after it starts/);
    expect(() => week('mon 08:00-12:00,11:00-14:00')).toThrow(/without overlap/);
    expect(() => week('funday 08:00-12:00')).toThrow(/unknown day/);
    expect(() => week('mon 08:00-12:00; mon 14:00-16:00')).toThrow(/twice/);
    expect(() => week('mon fermé')).toThrow(/no opening range/);
    expect(() => week('fri-mon 08:00-12:00')).toThrow(/Monday to Sunday/);
  });
});

describe('support settings on a running hub', () => {
  let t: TestHub;
  let admin: TestTech;
  let tech: TestTech;
  beforeAll(async () => {
    t = await startTestHub({ eta: { recheckSeconds: 1 }, socket: { ratePerSecond: 1000, burst: 1000 } });
    admin = await newTech(t, 'admin', 'Alice Admin');
    tech = await newTech(t, 'technician', 'Bruno Technicien');
  });
  afterAll(() => t.close());

  it('the CLI shows the defaults, sets hours, zone and phone, and refuses bad values', async () => {
    const shown = await hubCli(t, 'settings', 'show');
    expect(shown.rc).toBe(0);
    expect(shown.out).toContain('Time zone: Europe/Paris');
    expect(shown.out).toContain('(none announced)');
    expect(shown.out).toContain('Fallback phone: (none)');

    const set = await hubCli(t, 'settings', 'hours', 'set', 'lun-ven 08:30-12:30,14:00-18:30; sam 09:00-12:00');
    expect(set.rc).toBe(0);
    expect(set.out).toContain('mon  08:30-12:30, 14:00-18:30');
    expect(set.out).toContain('sat  09:00-12:00');
    expect(set.out).toContain('sun  closed');
    expect((await hubCli(t, 'settings', 'phone', 'set', '05', '56', '00', '00', '00')).out).toContain('Fallback phone: 05 56 00 00 00');
    expect((await hubCli(t, 'settings', 'timezone', 'set', 'America/Martinique')).out).toContain('Time zone: America/Martinique');

    await expect(hubCli(t, 'settings', 'phone', 'set', 'appelez-nous')).rejects.toThrow(/phone number/);
    await expect(hubCli(t, 'settings', 'phone', 'set', '<script>')).rejects.toThrow(/phone number/);
    await expect(hubCli(t, 'settings', 'timezone', 'set', 'Mars/Olympus')).rejects.toThrow(/time zone/);
    await expect(hubCli(t, 'settings', 'timezone', 'set', '../../etc/passwd')).rejects.toThrow(/time zone/);
    await expect(hubCli(t, 'settings', 'hours', 'set', 'mon 25:00-26:00')).rejects.toThrow(/HH:MM/);
    await expect(hubCli(t, 'settings', 'frobnicate')).rejects.toThrow(/usage/);
    // Nothing of the refused values was stored; each accepted change was audited once.
    const rec = await t.hub.settings.supportRecord();
    expect(rec).toMatchObject({ version: 3, settings: { timeZone: 'America/Martinique', phone: '05 56 00 00 00' } });
    const audited = (
      await t.hub.services.db
        .selectFrom('audit_log')
        .select(['action', 'actor_type', 'data'])
        .where('action', '=', 'settings.support')
        .execute()
    ).map((r) => ({ ...r, data: JSON.parse(r.data) as { changed: string[] } }));
    expect(audited.map((a) => [a.actor_type, a.data.changed])).toEqual([
      ['cli', ['hours']],
      ['cli', ['phone']],
      ['cli', ['timeZone']],
    ]);
    // Setting the same value again changes nothing and records nothing.
    expect((await hubCli(t, 'settings', 'phone', 'set', '05 56 00 00 00')).out).toContain('version 3');
    await hubCli(t, 'settings', 'timezone', 'set', 'Europe/Paris');
  });

  it('a CLI change reaches the practices waiting on a running hub (the queue is looked at again)', async () => {
    const dev = await newDevice(t);
    const { request } = await createHelp(dev);
    const told = nextEvent<QueuePosition>(
      dev.socket,
      'help:position',
      (p) => p.requestId === request.id && p.wait?.params.phone === '09 70 00 00 00',
    );
    const consoles = nextEvent<QueueSnapshot>(tech.socket, 'queue:updated', (s) => s.support.settings.phone === '09 70 00 00 00');
    expect((await hubCli(t, 'settings', 'phone', 'set', '09 70 00 00 00')).rc).toBe(0);
    await Promise.all([told, consoles]);
    data(await emitAck(dev.socket, 'help:cancel', { requestId: request.id }));
  });

  it('admins change them from the console; others may not; a stale form is refused, not applied', async () => {
    const before = await t.hub.settings.supportRecord();
    const hours = parseWeekSpec('mon-fri 09:00-17:00');
    expect(code(await emitAck(tech.socket, 'settings:support', { version: before.version, phone: '01 02 03 04 05' }))).toBe('FORBIDDEN');

    const dev = await newDevice(t);
    const { request } = await createHelp(dev);
    const told = nextEvent<QueuePosition>(
      dev.socket,
      'help:position',
      (p) => p.requestId === request.id && p.wait?.params.phone === '01 02 03 04 05',
    );
    const consoles = nextEvent<QueueSnapshot>(
      tech.socket,
      'queue:updated',
      (s) => s.support.settings.phone === '01 02 03 04 05' && s.support.version === before.version + 1,
    );
    const saved = data(
      await emitAck<SupportSettingsRecord>(admin.socket, 'settings:support', { version: before.version, phone: '01 02 03 04 05', hours }),
    );
    expect(saved).toMatchObject({ version: before.version + 1, settings: { phone: '01 02 03 04 05', hours, timeZone: 'Europe/Paris' } });
    await Promise.all([told, consoles]);

    // The same form sent again (another admin's tab, loaded before): refused, nothing overwritten.
    const stale = await emitAck(admin.socket, 'settings:support', { version: before.version, phone: '09 09 09 09 09' });
    expect(code(stale)).toBe('CONFLICT');
    expect((await t.hub.settings.supportRecord()).settings.phone).toBe('01 02 03 04 05');

    // Outside the contract: refused at the boundary.
    for (const bad of [
      { version: saved.version, phone: 'javascript:alert(1)' },
      { version: saved.version, timeZone: 'Nowhere/Land' },
      { version: saved.version, hours: { ...hours, mon: [{ from: '17:00', to: '09:00' }] } },
      {
        version: saved.version,
        hours: {
          ...hours,
          mon: [
            { from: '09:00', to: '12:00' },
            { from: '11:00', to: '13:00' },
          ],
        },
      },
      { version: saved.version, hours: { mon: [] } },
      { version: saved.version, hours: Object.fromEntries(Object.keys(hours).map((d) => [d, []])) },
      { version: -1 },
      { version: saved.version, colour: 'blue' },
    ]) {
      expect(code(await emitAck(admin.socket, 'settings:support', bad)), JSON.stringify(bad)).toBe('BAD_REQUEST');
    }
    // Back to no hours: the hub never says « fermé » then.
    const cleared = data(await emitAck<SupportSettingsRecord>(admin.socket, 'settings:support', { version: saved.version, hours: null }));
    expect(cleared.settings.hours).toBeNull();
    expect((await t.hub.realtime.snapshot()).support).toMatchObject({ open: null, nextChangeAt: null });
    const audit = await t.hub.services.db
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id'])
      .where('action', '=', 'settings.support')
      .orderBy('seq', 'desc')
      .limit(2)
      .execute();
    expect(audit).toEqual([
      { actor_type: 'technician', actor_id: admin.id },
      { actor_type: 'technician', actor_id: admin.id },
    ]);
  });
});
