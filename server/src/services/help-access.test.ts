/**
 * Who may read, act on and release a help request, as a table: devices, technicians, supervisors and
 * admins against waiting, assigned and closed requests, theirs or someone else's, with the answer the
 * hub gives. help.test.ts runs the same rules through the real hub.
 */
import { describe, expect, it } from 'vitest';
import type { HelpRequest, HelpStatus, TechnicianRole } from '@vigie/common';
import { helpRequest } from '@vigie/common/test-support/samples';
import type { Actor, TechActor } from './actors.js';
import { actRefusal, canView, releaseRefusal } from './help-access.js';

const device = (id: string): Actor => ({ kind: 'device', id, name: 'Accueil', practiceId: 'p1', practiceName: 'Cabinet' });
const tech = (id: string, role: TechnicianRole = 'technician'): TechActor => ({ kind: 'technician', id, name: 'Julie', role });
function req(status: HelpStatus, holder: string | null): HelpRequest {
  return helpRequest({
    status,
    assignedAt: holder ? '2026-03-02T09:01:00.000Z' : null,
    closedAt: status === 'resolved' || status === 'cancelled' ? '2026-03-02T09:05:00.000Z' : null,
    technician: holder ? { id: holder, displayName: 'Julie Martin', initials: 'JM' } : null,
  });
}

describe('help request access', () => {
  it.each<[string, Actor, HelpRequest, boolean, 'ok' | 'FORBIDDEN']>([
    ['its device, waiting', device('dev1'), req('waiting', null), true, 'ok'],
    ['its device, closed', device('dev1'), req('resolved', 'tech1'), true, 'ok'],
    ['another device', device('dev2'), req('waiting', null), false, 'FORBIDDEN'],
    ['a technician, waiting', tech('tech2'), req('waiting', null), true, 'FORBIDDEN'],
    ['its technician', tech('tech1'), req('assigned', 'tech1'), true, 'ok'],
    ['its technician, resolved', tech('tech1'), req('resolved', 'tech1'), true, 'ok'],
    ['another technician, assigned', tech('tech2'), req('assigned', 'tech1'), false, 'FORBIDDEN'],
    ['another technician, closed', tech('tech2'), req('cancelled', null), false, 'FORBIDDEN'],
    ['a supervisor, assigned to another', tech('tech2', 'supervisor'), req('assigned', 'tech1'), true, 'FORBIDDEN'],
    ['an admin, closed', tech('tech2', 'admin'), req('resolved', 'tech1'), true, 'FORBIDDEN'],
  ])('%s: may read %s, may act: %s', (_name, actor, r, view, act) => {
    expect(canView(actor, r)).toBe(view);
    expect(actRefusal(actor, r)?.code ?? 'ok').toBe(act);
  });

  it.each<[string, TechActor, HelpRequest, string | undefined, 'ok' | 'FORBIDDEN' | 'CONFLICT', string?]>([
    ['its technician, back to the queue', tech('tech1'), req('assigned', 'tech1'), undefined, 'ok'],
    ['its technician, to another', tech('tech1'), req('assigned', 'tech1'), 'tech3', 'ok'],
    ['another technician', tech('tech2'), req('assigned', 'tech1'), undefined, 'FORBIDDEN'],
    ['another technician, on a waiting one', tech('tech2'), req('waiting', null), 'tech3', 'FORBIDDEN'],
    ['a supervisor, back to the queue', tech('tech2', 'supervisor'), req('assigned', 'tech1'), undefined, 'ok'],
    ['a supervisor, hands a waiting one', tech('tech2', 'supervisor'), req('waiting', null), 'tech3', 'ok'],
    ['an admin, hands a waiting one', tech('tech2', 'admin'), req('waiting', null), 'tech3', 'ok'],
    [
      'a supervisor, a waiting one to the queue',
      tech('tech2', 'supervisor'),
      req('waiting', null),
      undefined,
      'CONFLICT',
      'déjà dans la file',
    ],
    ['a supervisor, a closed one', tech('tech2', 'supervisor'), req('resolved', 'tech1'), 'tech3', 'CONFLICT', 'close'],
    ['its technician, closed', tech('tech1'), req('resolved', 'tech1'), undefined, 'CONFLICT', 'close'],
  ])('release — %s', (_name, actor, r, to, expected, words) => {
    const e = releaseRefusal(actor, r, to);
    expect(e?.code ?? 'ok').toBe(expected);
    if (words) expect(e?.message).toContain(words);
  });
});
