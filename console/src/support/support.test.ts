import { describe, expect, it } from 'vitest';
import { QueuePosition, SupportStatus, WEEKDAYS, type Locale, type QueueItem } from '@vigie/common';
import { helpRequest, queuePosition as pos } from '@vigie/common/test-support/samples';
import { createI18n } from '../i18n';
import type { Alerts } from '../lib/alerts';
import { createLogger } from '../lib/log';
import { createTechClient } from '../lib/socket';
import { createQueueStore } from '../stores/queue';
import { createUiStore } from '../stores/ui';
import { SupportController } from './controller';
import { hoursText, toldText } from './format';
import { readDraft } from './SupportPanel';
import { supportEn, supportFr } from './strings';

// Monday 6 January 2025, 21:00 in Paris.
const NOW = Date.parse('2025-01-06T20:00:00Z');

const told = (locale: Locale, p: QueuePosition | undefined, now = NOW) => toldText(createI18n(locale).t, locale, p, now);

describe('what the console says each practice is told', () => {
  it('every state, in French and in English, from the same message the practice got', () => {
    expect(told('fr', pos('estimate', { etaMinutes: 2, samples: 12 }))).toBe('environ 2 min (estimation sur 12 prises en charge)');
    expect(told('en', pos('estimate', { etaMinutes: 2, samples: 12 }))).toBe('about 2 min (estimate from 12 pickups)');
    expect(told('fr', pos('estimate', { etaMinutes: 5, samples: 1 }))).toBe('environ 5 min (estimation sur la dernière prise en charge)');
    expect(told('fr', pos('noEstimate'))).toBe('un technicien est disponible, sans délai chiffré');
    expect(told('en', pos('noEstimate'))).toBe('a technician is available, no time given');
    expect(told('fr', pos('overdue'))).toBe('toujours 1re de la file, un technicien a été alerté');
    expect(told('en', pos('overdue', { position: 3, waiting: 3, phone: '01 23 45 67 89' }))).toBe(
      'still number 3 in line, a technician has been alerted — number given: 01 23 45 67 89',
    );
    expect(told('fr', pos('noTechnician', { techniciansAvailable: 0, phone: '01 23 45 67 89' }))).toBe(
      'aucun technicien disponible — numéro donné : 01 23 45 67 89',
    );
    expect(told('en', pos('noTechnician', { techniciansAvailable: 0 }))).toBe('no technician available');
    expect(told('fr', pos('closed', { techniciansAvailable: 0, opensAt: '2025-01-07T07:30:00.000Z' }))).toBe(
      'support fermé, réouverture demain à 08:30',
    );
    expect(told('en', pos('closed', { techniciansAvailable: 0, opensAt: '2025-01-09T07:30:00.000Z' }))).toBe(
      'support closed, opens again on Thursday at 08:30',
    );
    expect(told('fr', pos('closed', { opensAt: null }))).toBe('support fermé');
    // A hub without wait messages: nothing is made up.
    expect(told('fr', QueuePosition.parse({ requestId: 'r1', position: 1, waiting: 1, etaSeconds: 60 }))).toBeNull();
    expect(told('fr', undefined)).toBeNull();
  });

  it('the support panel: open until, closed until, no hours', () => {
    const base = { version: 2, updatedAt: null, techniciansOnline: 2, techniciansAvailable: 1 };
    const settings = {
      timeZone: 'Europe/Paris',
      phone: null,
      hours: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ from: '08:30', to: '18:30' }]])),
    };
    const fr = createI18n('fr').t;
    const en = createI18n('en').t;
    const open = SupportStatus.parse({ ...base, settings, open: true, nextChangeAt: '2025-01-06T17:30:00.000Z' });
    expect(hoursText(fr, 'fr', open, Date.parse('2025-01-06T10:00:00Z'))).toBe('Ouvert — ferme aujourd’hui à 18:30.');
    expect(hoursText(en, 'en', open, Date.parse('2025-01-06T10:00:00Z'))).toBe('Open — closes today at 18:30.');
    const closed = SupportStatus.parse({ ...base, settings, open: false, nextChangeAt: '2025-01-07T07:30:00.000Z' });
    expect(hoursText(fr, 'fr', closed, NOW)).toBe('Fermé — rouvre demain à 08:30.');
    expect(hoursText(en, 'en', closed, NOW)).toBe('Closed — opens again tomorrow at 08:30.');
    expect(
      hoursText(fr, 'fr', SupportStatus.parse({ ...base, settings: { ...settings, hours: null }, open: null, nextChangeAt: null }), NOW),
    ).toBe('Aucun horaire annoncé aux cabinets.');
    expect(createI18n('fr').t('support.panel.technicians', { count: 1, online: 2 })).toBe('1 technicien disponible sur 2 en ligne.');
    expect(createI18n('en').t('support.panel.technicians', { count: 0, online: 1 })).toBe('0 technicians available out of 1 online.');
  });

  it('the admins’ form checks what the hub checks, field by field', () => {
    const days = Object.fromEntries(WEEKDAYS.map((d) => [d, ''])) as Record<(typeof WEEKDAYS)[number], string>;
    const draft = {
      version: 3,
      announce: true,
      timeZone: 'Europe/Paris',
      days: { ...days, mon: '08:30-12:30, 14h-18h30', sat: '9h-12h' },
      phone: ' 01 23 45 67 89 ',
    };
    const ok = readDraft(draft);
    expect(ok).toEqual({
      ok: true,
      value: {
        timeZone: 'Europe/Paris',
        phone: '01 23 45 67 89',
        hours: {
          ...Object.fromEntries(WEEKDAYS.map((d) => [d, []])),
          mon: [
            { from: '08:30', to: '12:30' },
            { from: '14:00', to: '18:30' },
          ],
          sat: [{ from: '09:00', to: '12:00' }],
        },
      },
    });
    expect(readDraft({ ...draft, announce: false, phone: '' })).toMatchObject({ ok: true, value: { hours: null, phone: null } });
    expect(
      readDraft({
        ...draft,
        days: { ...days, tue: '18:00-08:00', wed: 'le matin', thu: '8-9,9-10,10-11,11-12,12-13' },
        timeZone: 'Paris',
        phone: 'appelez-nous',
      }),
    ).toEqual({
      ok: false,
      errors: { tue: 'order', wed: 'format', thu: 'tooMany', timeZone: 'timeZone', phone: 'phone' },
    });
    expect(readDraft({ ...draft, days })).toEqual({ ok: false, errors: { hours: 'noRange' } });
  });

  it('English has exactly the French keys, none empty', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
    expect(keys(supportEn).sort()).toEqual(keys(supportFr).sort());
    const values = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === 'string' ? [v] : values(v as object)));
    for (const v of [...values(supportFr), ...values(supportEn)]) expect(v.trim()).not.toBe('');
  });
});

describe('the alert past 3 minutes', () => {
  function setUp(opts: { attention: boolean }) {
    const calls: string[] = [];
    const alerts: Alerts = {
      install: () => () => undefined,
      chime: (kind) => void calls.push(`chime:${kind}`),
      permission: () => 'granted',
      requestPermission: async () => 'granted',
      notify: (title, body, tag) => void calls.push(`notify:${title}|${body}|${tag}`),
    };
    const announced: string[] = [];
    const queue = createQueueStore();
    const ui = createUiStore({ soundEnabled: true, notificationPermission: 'granted' });
    // A real hub client that never connects: the alert is decided from the queue the hub pushed.
    const client = createTechClient({ url: 'http://127.0.0.1:9', log: createLogger() });
    const c = new SupportController({
      client,
      alerts,
      i18n: createI18n('fr'),
      log: createLogger(),
      queue,
      ui,
      hasAttention: () => opts.attention,
      navigate: () => undefined,
      announce: (t) => void announced.push(t),
    });
    const off = c.attach();
    return { c, calls, announced, queue, off };
  }
  const item = (id: string, practiceName: string): QueueItem => ({
    ...helpRequest({
      id,
      clientId: crypto.randomUUID(),
      deviceId: `d-${id}`,
      practiceId: 'p',
      practiceName,
      createdAt: '2025-01-06T19:56:00.000Z',
    }),
    deviceOnline: true,
  });

  it('chimes, announces and notifies once when a request becomes overdue; again only after it left that state', () => {
    const { calls, announced, queue, off } = setUp({ attention: false });
    const requests = [item('r1', 'Cabinet des Lilas'), item('r2', 'Cabinet du Parc')];
    queue.setState({
      requests,
      positions: [
        pos('estimate', { etaMinutes: 1, samples: 3 }, 'r1'),
        pos('estimate', { etaMinutes: 2, samples: 3, position: 2, waiting: 2 }, 'r2'),
      ],
    });
    expect(calls).toEqual([]);
    queue.setState({
      positions: [pos('overdue', {}, 'r1'), pos('estimate', { etaMinutes: 2, samples: 3, position: 2, waiting: 2 }, 'r2')],
    });
    expect(calls).toEqual(['chime:request', 'notify:Demande en attente depuis plus de 3 minutes|Cabinet des Lilas — Accueil|overdue-r1']);
    expect(announced).toEqual(['Demande en attente depuis plus de 3 minutes : Cabinet des Lilas, Accueil.']);
    // The same state pushed again: no second alert.
    queue.setState({
      positions: [
        pos('overdue', { waitedSeconds: 240 }, 'r1'),
        pos('estimate', { etaMinutes: 2, samples: 3, position: 2, waiting: 2 }, 'r2'),
      ],
    });
    expect(calls).toHaveLength(2);
    // r1 nobody-available then overdue again: alerted again; r2 overdue too.
    queue.setState({ positions: [pos('noTechnician', {}, 'r1'), pos('noTechnician', { position: 2, waiting: 2 }, 'r2')] });
    queue.setState({ positions: [pos('overdue', {}, 'r1'), pos('overdue', { position: 2, waiting: 2 }, 'r2')] });
    expect(calls.filter((c) => c.startsWith('chime'))).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith('notify'))).toHaveLength(3);
    off();
  });

  it('a technician on a break, or looking at the console, is not notified by the system', () => {
    const a = setUp({ attention: true });
    a.queue.setState({ requests: [item('r1', 'Cabinet des Lilas')], positions: [pos('overdue', {}, 'r1')] });
    expect(a.calls).toEqual(['chime:request']);
    expect(a.announced).toHaveLength(1);
    a.off();
    const b = setUp({ attention: false });
    b.c.store.setState({ available: false });
    b.queue.setState({ requests: [item('r1', 'Cabinet des Lilas')], positions: [pos('overdue', {}, 'r1')] });
    expect(b.calls).toEqual([]);
    b.off();
  });
});
