/**
 * A backup access's lifecycle as a table: every state against the practitioner's answers and the
 * ends by either side or the system, with the row after it and the audit entries in order; the
 * deadlines (consent with the hub's grace, the grant's end); what a technician's ask meets; how
 * often one may ask. access.test.ts runs the same rules through the real hub.
 */
import { describe, expect, it } from 'vitest';
import { BACKUP_ACCESS_LIMITS, type BackupAccessDecision } from '@vigie/common';
import { askRefusal, expired, liveAsk, overdue, transition, type AccessClock, type AccessEvent } from './access-lifecycle.js';
import { newAccessRow, type AccessRow } from './access-record.js';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const GRACE = 5_000;
const at = (ms: number) => new Date(ms).toISOString();
const clock = (ms: number): AccessClock => ({ now: ms, consentGraceMs: GRACE });
const asked = (patch: Partial<AccessRow> = {}): AccessRow => ({
  ...newAccessRow({ id: 'acc1', shortCode: 'K7Q2XA', deviceId: 'dev1', tech: { id: 'tech1', name: 'Julie Martin' }, nowMs: T0 }),
  ...patch,
});
const granted = (): AccessRow =>
  asked({
    state: 'granted',
    answered_at: at(T0 + 1000),
    decision: 'granted',
    granted_at: at(T0 + 1000),
    consent_expires_at: null,
    expires_at: at(T0 + 1000 + BACKUP_ACCESS_LIMITS.grantMs),
  });
const endedRow = (): AccessRow =>
  asked({ state: 'ended', consent_expires_at: null, ended_at: at(T0 + 2000), ended_by: 'technician', end_reason: 'technician-end' });
const answer = (decision: BackupAccessDecision, deviceId = 'dev1'): AccessEvent => ({ type: 'answer', deviceId, decision });
const consentEnd = T0 + BACKUP_ACCESS_LIMITS.consentTimeoutMs;

describe('backup access lifecycle', () => {
  it.each<[string, AccessRow, AccessEvent, number, string, string | null, string[]]>([
    ['granted in time', asked(), answer('granted'), T0 + 1000, 'granted', null, ['backup.access.granted']],
    ['granted within the grace', asked(), answer('granted'), consentEnd + GRACE, 'granted', null, ['backup.access.granted']],
    [
      'granted too late',
      asked(),
      answer('granted'),
      consentEnd + GRACE + 1,
      'ended',
      'timeout',
      ['backup.access.refused', 'backup.access.end'],
    ],
    ['refused', asked(), answer('refused'), T0 + 1000, 'ended', 'refused', ['backup.access.refused', 'backup.access.end']],
    [
      'refused too late',
      asked(),
      answer('refused'),
      consentEnd + GRACE + 1,
      'ended',
      'timeout',
      ['backup.access.refused', 'backup.access.end'],
    ],
    ['unavailable', asked(), answer('unavailable'), T0 + 1000, 'ended', 'unavailable', ['backup.access.refused', 'backup.access.end']],
    [
      'the device says it timed out',
      asked(),
      answer('timeout'),
      T0 + 1000,
      'ended',
      'timeout',
      ['backup.access.refused', 'backup.access.end'],
    ],
    [
      'ended by its technician',
      granted(),
      { type: 'end', by: 'technician', actorId: 'tech1', reason: 'technician-end' },
      T0 + 5000,
      'ended',
      'technician-end',
      ['backup.access.end'],
    ],
    [
      'stopped by the practitioner',
      granted(),
      { type: 'end', by: 'device', actorId: 'dev1', reason: 'practitioner-stop' },
      T0 + 5000,
      'ended',
      'practitioner-stop',
      ['backup.access.end'],
    ],
    [
      'the device went offline while asked',
      asked(),
      { type: 'end', by: 'system', actorId: null, reason: 'disconnect' },
      T0 + 5000,
      'ended',
      'disconnect',
      ['backup.access.end'],
    ],
    [
      'an end once ended changes nothing',
      endedRow(),
      { type: 'end', by: 'system', actorId: null, reason: 'expired' },
      T0 + 9000,
      'ended',
      'technician-end',
      [],
    ],
  ])('%s', (_name, r, e, now, state, reason, audit) => {
    const t = transition(r, e, clock(now));
    expect(t.state.state).toBe(state);
    expect(t.state.end_reason).toBe(reason);
    expect(t.audit.map((a) => a.action)).toEqual(audit);
    if (state === 'granted') {
      expect(t.state).toMatchObject({ granted_at: at(now), consent_expires_at: null, expires_at: at(now + BACKUP_ACCESS_LIMITS.grantMs) });
      expect(t.audit[0]).toMatchObject({ actorType: 'device', actorId: 'dev1', data: { accessId: 'acc1', technicianId: 'tech1' } });
    }
    if (state === 'ended' && audit.length) {
      expect(t.state).toMatchObject({ ended_at: at(now), consent_expires_at: null });
      expect(t.audit.at(-1)).toMatchObject({ subject: 'dev1', data: { accessId: 'acc1', from: r.state, reason } });
    }
    if (e.type === 'answer' && state === 'ended')
      expect(t.state).toMatchObject({ answered_at: at(now), decision: reason, ended_by: 'device' });
  });

  it.each<[string, AccessRow, AccessEvent, string]>([
    ['an answer from another device', asked(), answer('granted', 'dev2'), 'FORBIDDEN'],
    ['an answer once granted', granted(), answer('refused'), 'CONFLICT'],
    ['an answer once ended', endedRow(), answer('granted'), 'CONFLICT'],
  ])('refuses %s', (_name, r, e, code) => {
    expect(() => transition(r, e, clock(T0 + 1000))).toThrow(expect.objectContaining({ code }));
  });

  it.each<[string, AccessRow, number, boolean, 'timeout' | 'expired' | null]>([
    ['an ask within its time', asked(), consentEnd, false, null],
    ['an ask past the device’s 30 s, within the grace', asked(), consentEnd + GRACE, false, null],
    ['an ask past the grace', asked(), consentEnd + GRACE + 1, true, 'timeout'],
    ['a grant before its end', granted(), T0 + 1000 + BACKUP_ACCESS_LIMITS.grantMs - 1, false, null],
    ['a grant at its end', granted(), T0 + 1000 + BACKUP_ACCESS_LIMITS.grantMs, true, 'expired'],
    ['an ended access', endedRow(), T0 + 10 * BACKUP_ACCESS_LIMITS.grantMs, false, null],
  ])('deadline: %s', (_name, r, now, isExpired, reason) => {
    expect(expired(r, clock(now))).toBe(isExpired);
    expect(overdue(r, clock(now))).toBe(reason);
  });

  it('an ask meets nothing, the technician’s own live access, or another technician’s (busy); past-deadline ones are passed over', () => {
    const c = clock(T0 + 1000);
    expect(liveAsk([], 'tech1', c)).toBeNull();
    expect(liveAsk([asked()], 'tech1', c)?.id).toBe('acc1');
    expect(() => liveAsk([asked()], 'tech2', c)).toThrow(expect.objectContaining({ code: 'CONFLICT', details: { reason: 'busy' } }));
    expect(liveAsk([asked()], 'tech2', clock(consentEnd + GRACE + 1))).toBeNull();
  });

  it('a technician asks one device a limited number of times per window, unless an access of theirs is live', () => {
    const n = BACKUP_ACCESS_LIMITS.asksPerWindow;
    const times = Array.from({ length: n }, (_, i) => at(T0 + i * 1000));
    const now = T0 + n * 1000;
    expect(askRefusal(times.slice(0, n - 1), false, now)).toBeNull();
    expect(askRefusal(times, true, now)).toBeNull();
    const e = askRefusal(times, false, now);
    expect(e).toMatchObject({
      code: 'RATE_LIMITED',
      details: { reason: 'too-many-asks', retryAfterMs: T0 + BACKUP_ACCESS_LIMITS.askWindowMs - now },
    });
    // Never less than a second.
    expect(askRefusal(times, false, T0 + BACKUP_ACCESS_LIMITS.askWindowMs)?.details).toMatchObject({ retryAfterMs: 1000 });
  });
});
