/**
 * Who may have a receipt, as a table: every kind of actor against requests open or closed, taken or
 * not, theirs or not, with the answer the hub gives; and the name a download is saved under.
 * receipts.test.ts runs the same rules through the real hub.
 */
import { describe, expect, it } from 'vitest';
import type { HelpStatus } from '@vigie/common';
import type { Actor } from '../services/actors.js';
import { receiptable, receiptFileName, refusal, type ReceiptRequest } from './policy.js';

const device = (id: string): Actor => ({ kind: 'device', id, name: 'Accueil', practiceId: 'p1', practiceName: 'Cabinet' });
const tech = (id: string, role: 'technician' | 'supervisor' | 'admin' = 'technician'): Actor => ({
  kind: 'technician',
  id,
  name: 'Julie',
  role,
});
const req = (status: HelpStatus, taken: boolean, patch: Partial<ReceiptRequest> = {}): ReceiptRequest => ({
  status,
  firstAssignedAt: taken ? '2026-03-02T09:00:00.000Z' : null,
  deviceId: 'dev1',
  technicianId: taken ? 'tech1' : null,
  ...patch,
});

describe('receipt policy', () => {
  it.each<[HelpStatus, boolean, boolean]>([
    ['resolved', true, true],
    ['cancelled', true, true],
    ['resolved', false, false],
    ['cancelled', false, false],
    ['waiting', true, false],
    ['assigned', true, false],
    ['waiting', false, false],
  ])('a request %s (taken: %s) has a receipt: %s', (status, taken, expected) => {
    expect(receiptable(req(status, taken))).toBe(expected);
  });

  it.each<[string, Actor, ReceiptRequest, 'ok' | 'FORBIDDEN' | 'CONFLICT']>([
    ['its device, closed', device('dev1'), req('resolved', true), 'ok'],
    ['another device', device('dev2'), req('resolved', true), 'FORBIDDEN'],
    ['another device, still open', device('dev2'), req('waiting', false), 'FORBIDDEN'],
    ['its device, still open', device('dev1'), req('assigned', true), 'CONFLICT'],
    ['its device, closed untaken', device('dev1'), req('cancelled', false), 'CONFLICT'],
    ['its technician', tech('tech1'), req('resolved', true), 'ok'],
    ['its technician, still open', tech('tech1'), req('assigned', true), 'CONFLICT'],
    ['another technician', tech('tech2'), req('resolved', true), 'FORBIDDEN'],
    ['a supervisor', tech('tech2', 'supervisor'), req('resolved', true), 'ok'],
    ['an admin', tech('tech2', 'admin'), req('cancelled', true), 'ok'],
    ['a supervisor, still open', tech('tech2', 'supervisor'), req('waiting', false), 'CONFLICT'],
    ['the technician who took it, reassigned', tech('tech1'), req('resolved', true, { technicianId: 'tech3' }), 'FORBIDDEN'],
  ])('%s', (_name, actor, r, expected) => {
    const e = refusal(actor, r);
    expect(e?.code ?? 'ok').toBe(expected);
  });

  it('names the file by day, request and version, in the chosen format and locale', () => {
    const o = { closedAt: '2026-03-02T09:30:00.000Z', issuedAt: '2026-03-02T09:31:00.000Z', requestId: 'abcdef12-3456', version: 2 };
    expect(receiptFileName(o, 'pdf', 'fr')).toBe('recu-intervention-2026-03-02-abcdef12-v2-fr.pdf');
    expect(receiptFileName(o, 'json', 'en')).toBe('recu-intervention-2026-03-02-abcdef12-v2.json');
    expect(receiptFileName({ ...o, closedAt: null }, 'pdf', 'en')).toBe('recu-intervention-2026-03-02-abcdef12-v2-en.pdf');
    // A request id is the hub's, but anything outside the safe set never reaches the name.
    expect(receiptFileName({ ...o, requestId: '../a b/c' }, 'json', 'fr')).toBe('recu-intervention-2026-03-02-..-a-b-c-v2.json');
  });
});
