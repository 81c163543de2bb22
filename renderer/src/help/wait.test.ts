import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { QueuePosition, type Locale } from '@vigie/common';
import { queuePosition as pos } from '@vigie/common/test-support/samples';
import { createI18n } from '../i18n/index.js';
import { WaitStatus } from './WaitStatus.js';
import { waitEn, waitFr, waitTexts } from './wait.js';

// Monday 6 January 2025, 21:00 in Paris.
const NOW = Date.parse('2025-01-06T20:00:00Z');

function texts(locale: Locale, position: QueuePosition | null) {
  const i18n = createI18n(locale);
  return waitTexts(i18n.t, locale, position, NOW);
}

function render(locale: Locale, position: QueuePosition | null, offline = false): string {
  const i18n = createI18n(locale);
  return renderToStaticMarkup(
    createElement(I18nextProvider, { i18n }, createElement(WaitStatus, { position, locale, offline, nowMs: NOW })),
  );
}

const ALL = (t: ReturnType<typeof texts>) => [t.position, t.main, ...t.details].filter(Boolean).join(' ');

describe('the practitioner’s waiting status', () => {
  it('an estimate says it is one, from the pickups it rests on', () => {
    const p = pos('estimate', { etaMinutes: 2, medianPickupSeconds: 95, samples: 12 });
    expect(texts('fr', p)).toEqual({
      key: 'estimate',
      position: 'Votre demande est la première de la file.',
      main: 'Un technicien devrait vous répondre dans environ 2 min.',
      details: ['C’est une estimation, d’après les 12 dernières demandes prises en charge.'],
    });
    expect(texts('en', p)).toEqual({
      key: 'estimate',
      position: 'Your request is first in line.',
      main: 'A technician should answer you in about 2 min.',
      details: ['This is an estimate, based on the last 12 requests picked up.'],
    });
    expect(texts('fr', pos('estimate', { etaMinutes: 4, samples: 1, position: 3, waiting: 3 })).details).toEqual([
      'C’est une estimation, d’après la dernière demande prise en charge.',
    ]);
    expect(texts('en', pos('estimate', { etaMinutes: 4, samples: 1, position: 3, waiting: 3 })).position).toBe(
      'Your request is number 3 in line.',
    );
  });

  it('without recorded pickups: technicians are there, no number is given', () => {
    expect(texts('fr', pos('noEstimate')).main).toBe('Un technicien est disponible : il prendra votre demande dès que possible.');
    expect(texts('fr', pos('noEstimate', { techniciansAvailable: 3 })).main).toBe(
      '3 techniciens sont disponibles : l’un d’eux prendra votre demande dès que possible.',
    );
    expect(texts('en', pos('noEstimate', { techniciansAvailable: 2 })).main).toBe(
      '2 technicians are available: one of them will take your request as soon as possible.',
    );
    for (const l of ['fr', 'en'] as const) expect(ALL(texts(l, pos('noEstimate')))).not.toMatch(/\d+\s*min/);
  });

  it('past 3 minutes: still first (or N-th), a technician was alerted, no countdown; the phone when there is one', () => {
    expect(texts('fr', pos('overdue', { waitedSeconds: 200 }))).toEqual({
      key: 'overdue',
      position: null,
      main: 'Votre demande est toujours la première ; un technicien a été alerté.',
      details: [],
    });
    expect(texts('fr', pos('overdue', { position: 2, waiting: 2, phone: '01 23 45 67 89' }))).toMatchObject({
      main: 'Votre demande est toujours en position 2 ; un technicien a été alerté.',
      details: ['Si c’est urgent, appelez le 01 23 45 67 89.'],
    });
    expect(texts('en', pos('overdue')).main).toBe('Your request is still first in line; a technician has been alerted.');
    expect(texts('en', pos('overdue', { position: 4, waiting: 5 })).main).toBe(
      'Your request is still number 4 in line; a technician has been alerted.',
    );
    for (const l of ['fr', 'en'] as const) expect(ALL(texts(l, pos('overdue', { position: 2, waiting: 2 })))).not.toMatch(/min/);
  });

  it('nobody available: says so, what happens next and the number to call', () => {
    const p = pos('noTechnician', { techniciansAvailable: 0, phone: '+33 1 23 45 67 89' });
    expect(texts('fr', p)).toEqual({
      key: 'noTechnician',
      position: 'Votre demande est la première de la file.',
      main: 'Aucun technicien n’est disponible pour le moment.',
      details: [
        'Votre demande est bien enregistrée et garde sa place : le premier technicien disponible la verra.',
        'Si c’est urgent, appelez le +33 1 23 45 67 89.',
      ],
    });
    expect(texts('en', p).details).toEqual([
      'Your request is saved and keeps its place: the first technician available will see it.',
      'If it is urgent, call +33 1 23 45 67 89.',
    ]);
    // No phone configured: no phone sentence.
    expect(texts('fr', pos('noTechnician', { techniciansAvailable: 0 })).details).toHaveLength(1);
  });

  it('closed: when the support opens again, in its time zone, relative to today', () => {
    const tomorrow = pos('closed', { techniciansAvailable: 0, opensAt: '2025-01-07T07:30:00.000Z', phone: '01 23 45 67 89' });
    expect(texts('fr', tomorrow)).toMatchObject({
      main: 'Le support est fermé en ce moment.',
      details: [
        'Il rouvre demain à 08:30. Votre demande garde sa place : un technicien vous répondra dès la réouverture.',
        'Si c’est urgent, appelez le 01 23 45 67 89.',
      ],
    });
    expect(texts('en', tomorrow).details[0]).toBe(
      'It opens again tomorrow at 08:30. Your request keeps its place: a technician will answer you as soon as it opens.',
    );
    // Friday evening → Monday; a zone other than the viewer's: Martinique 08:00 is 12:00 UTC.
    const friday = Date.parse('2025-01-10T20:00:00Z');
    const monday = pos('closed', { techniciansAvailable: 0, opensAt: '2025-01-13T12:00:00.000Z', timeZone: 'America/Martinique' });
    const i18n = createI18n('fr');
    expect(waitTexts(i18n.t, 'fr', monday, friday).details[0]).toBe(
      'Il rouvre lundi à 08:00. Votre demande garde sa place : un technicien vous répondra dès la réouverture.',
    );
    expect(waitTexts(createI18n('en').t, 'en', monday, friday).details[0]).toMatch(/^It opens again on Monday at 08:00\./);
    // Later the same day, and more than a week ahead.
    expect(
      waitTexts(i18n.t, 'fr', pos('closed', { opensAt: '2025-01-06T13:00:00.000Z' }), Date.parse('2025-01-06T11:45:00Z')).details[0],
    ).toMatch(/^Il rouvre aujourd’hui à 14:00\./);
    expect(waitTexts(i18n.t, 'fr', pos('closed', { opensAt: '2025-01-20T07:30:00.000Z' }), NOW).details[0]).toMatch(
      /^Il rouvre le lundi 20 janvier à 08:30\./,
    );
    // No opening known within the week.
    expect(texts('fr', pos('closed', { opensAt: null })).details).toEqual([
      'Votre demande est bien enregistrée et garde sa place : un technicien vous répondra dès la réouverture.',
    ]);
  });

  it('renders each state, and never an old estimate while the hub is out of reach', () => {
    const estimate = pos('estimate', { etaMinutes: 3, samples: 5 });
    const html = render('fr', estimate);
    expect(html).toContain('data-wait-key="estimate"');
    expect(html).toContain('role="status"');
    expect(html).toContain('environ 3 min');
    const offline = render('fr', estimate, true);
    expect(offline).not.toContain('min');
    expect(offline).toContain('Votre demande est bien arrivée');
    expect(render('en', pos('closed', { opensAt: '2025-01-07T07:30:00.000Z' }))).toContain('data-wait-key="closed"');
    expect(render('en', pos('overdue'))).toContain('a technician has been alerted');
    expect(render('fr', pos('noTechnician', { phone: '05 56 00 00 00' }))).toContain('appelez le 05 56 00 00 00');
    // A hub older than wait messages: where it stands, no number.
    const legacy = QueuePosition.parse({ requestId: 'r1', position: 2, waiting: 2, etaSeconds: 180 });
    expect(texts('fr', legacy)).toEqual({
      key: null,
      position: 'Votre demande est en position 2 dans la file.',
      main: 'Votre demande est bien arrivée ; elle est dans la file d’attente.',
      details: [],
    });
  });

  it('English has every French sentence', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
    expect(keys(waitEn).sort()).toEqual(keys(waitFr).sort());
  });
});
