import type { i18n as I18n } from 'i18next';
import type { Locale, QueuePosition, WaitMessage } from '@vigie/common';
import { describeMoment } from '../../../web/wait.js';

/**
 * What the practitioner reads while waiting, from the hub's wait message (key + facts): where the
 * request stands, what is true about the wait, what happens next. Never a number the hub did not
 * compute from facts; the estimate says it is one. Merged into the renderer's resources under `wait`.
 */
export const waitFr = {
  position: {
    first: 'Votre demande est la première de la file.',
    nth: 'Votre demande est en position {{position}} dans la file.',
  },
  estimate: {
    main: 'Un technicien devrait vous répondre dans environ {{minutes}} min.',
    basis_one: 'C’est une estimation, d’après la dernière demande prise en charge.',
    basis_other: 'C’est une estimation, d’après les {{count}} dernières demandes prises en charge.',
  },
  noEstimate: {
    main_one: 'Un technicien est disponible : il prendra votre demande dès que possible.',
    main_other: '{{count}} techniciens sont disponibles : l’un d’eux prendra votre demande dès que possible.',
  },
  overdue: {
    first: 'Votre demande est toujours la première ; un technicien a été alerté.',
    nth: 'Votre demande est toujours en position {{position}} ; un technicien a été alerté.',
  },
  noTechnician: {
    main: 'Aucun technicien n’est disponible pour le moment.',
    next: 'Votre demande est bien enregistrée et garde sa place : le premier technicien disponible la verra.',
  },
  closed: {
    main: 'Le support est fermé en ce moment.',
    next: 'Il rouvre {{when}}. Votre demande garde sa place : un technicien vous répondra dès la réouverture.',
    nextUnknown: 'Votre demande est bien enregistrée et garde sa place : un technicien vous répondra dès la réouverture.',
  },
  when: {
    today: 'aujourd’hui à {{time}}',
    tomorrow: 'demain à {{time}}',
    week: '{{weekday}} à {{time}}',
    later: 'le {{date}} à {{time}}',
  },
  phone: 'Si c’est urgent, appelez le {{phone}}.',
  recorded: 'Votre demande est bien arrivée ; elle est dans la file d’attente.',
};

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

export const waitEn: Strings<typeof waitFr> = {
  position: {
    first: 'Your request is first in line.',
    nth: 'Your request is number {{position}} in line.',
  },
  estimate: {
    main: 'A technician should answer you in about {{minutes}} min.',
    basis_one: 'This is an estimate, based on the last request picked up.',
    basis_other: 'This is an estimate, based on the last {{count}} requests picked up.',
  },
  noEstimate: {
    main_one: 'A technician is available and will take your request as soon as possible.',
    main_other: '{{count}} technicians are available: one of them will take your request as soon as possible.',
  },
  overdue: {
    first: 'Your request is still first in line; a technician has been alerted.',
    nth: 'Your request is still number {{position}} in line; a technician has been alerted.',
  },
  noTechnician: {
    main: 'No technician is available right now.',
    next: 'Your request is saved and keeps its place: the first technician available will see it.',
  },
  closed: {
    main: 'The support is closed right now.',
    next: 'It opens again {{when}}. Your request keeps its place: a technician will answer you as soon as it opens.',
    nextUnknown: 'Your request is saved and keeps its place: a technician will answer you as soon as the support opens.',
  },
  when: {
    today: 'today at {{time}}',
    tomorrow: 'tomorrow at {{time}}',
    week: 'on {{weekday}} at {{time}}',
    later: 'on {{date}} at {{time}}',
  },
  phone: 'If it is urgent, call {{phone}}.',
  recorded: 'Your request has arrived; it is in the queue.',
};

export interface WaitTexts {
  /** The hub's message key (null: the hub sent none). */
  key: WaitMessage['key'] | null;
  /** Where the request stands (absent when `main` already says it). */
  position: string | null;
  /** What is true about the wait now. */
  main: string;
  /** What it rests on and what happens next (estimate basis, reopening, phone). */
  details: string[];
}

/** The practitioner's sentences for a waiting request at `nowMs` (the day of a reopening is relative to it). */
export function waitTexts(t: I18n['t'], locale: Locale, position: QueuePosition | null, nowMs: number): WaitTexts {
  if (!position) return { key: null, position: null, main: t('wait.recorded'), details: [] };
  const where = position.position <= 1 ? t('wait.position.first') : t('wait.position.nth', { position: position.position });
  const w = position.wait;
  // A hub older than wait messages: where the request stands, no number.
  if (!w) return { key: null, position: where, main: t('wait.recorded'), details: [] };
  const p = w.params;
  const phone = p.phone ? [t('wait.phone', { phone: p.phone })] : [];
  switch (w.key) {
    case 'estimate':
      return {
        key: w.key,
        position: where,
        main: t('wait.estimate.main', { minutes: p.etaMinutes ?? 1 }),
        details: [t('wait.estimate.basis', { count: p.samples })],
      };
    case 'noEstimate':
      return { key: w.key, position: where, main: t('wait.noEstimate.main', { count: Math.max(1, p.techniciansAvailable) }), details: [] };
    case 'overdue':
      return {
        key: w.key,
        position: null,
        main: p.position <= 1 ? t('wait.overdue.first') : t('wait.overdue.nth', { position: p.position }),
        details: phone,
      };
    case 'noTechnician':
      return { key: w.key, position: where, main: t('wait.noTechnician.main'), details: [t('wait.noTechnician.next'), ...phone] };
    case 'closed': {
      const next = p.opensAt
        ? t('wait.closed.next', { when: openingWhen(t, p.opensAt, p.timeZone, nowMs, locale) })
        : t('wait.closed.nextUnknown');
      return { key: w.key, position: where, main: t('wait.closed.main'), details: [next, ...phone] };
    }
  }
}

function openingWhen(t: I18n['t'], opensAt: string, timeZone: string, nowMs: number, locale: Locale): string {
  const o = describeMoment(opensAt, timeZone, nowMs, locale);
  return t(`wait.when.${o.day}`, { weekday: o.weekday, date: o.date, time: o.time });
}
