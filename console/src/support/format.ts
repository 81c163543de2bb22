import type { i18n as I18n } from 'i18next';
import type { Locale, QueuePosition, SupportStatus } from '@vigie/common';
import { describeMoment } from '../../../web/wait';

type T = I18n['t'];

const when = (t: T, iso: string, timeZone: string, nowMs: number, locale: Locale): string => {
  const m = describeMoment(iso, timeZone, nowMs, locale);
  return t(`support.when.${m.day}`, { weekday: m.weekday, date: m.date, time: m.time });
};

/**
 * What a waiting practice is told, in the technician's words: the same message (key and facts)
 * the hub pushed to the practice, so both sides always say the same thing. Null when the hub sent none.
 */
export function toldText(t: T, locale: Locale, position: QueuePosition | undefined, nowMs: number): string | null {
  const w = position?.wait;
  if (!w) return null;
  const p = w.params;
  const phone = p.phone ? ` — ${t('support.wait.phone', { phone: p.phone })}` : '';
  switch (w.key) {
    case 'estimate':
      return t('support.wait.estimate', { minutes: p.etaMinutes ?? 1, count: p.samples });
    case 'noEstimate':
      return t('support.wait.noEstimate');
    case 'overdue':
      return (p.position <= 1 ? t('support.wait.overdueFirst') : t('support.wait.overdueNth', { position: p.position })) + phone;
    case 'noTechnician':
      return t('support.wait.noTechnician') + phone;
    case 'closed':
      return (
        (p.opensAt ? t('support.wait.closed', { when: when(t, p.opensAt, p.timeZone, nowMs, locale) }) : t('support.wait.closedUnknown')) +
        phone
      );
  }
}

/** « Ouvert — ferme aujourd’hui à 18:30. » / « Fermé — rouvre demain à 08:30. » / no hours. */
export function hoursText(t: T, locale: Locale, s: SupportStatus, nowMs: number): string {
  if (s.open === null) return t('support.panel.noHours');
  const at = s.nextChangeAt;
  if (s.open) return at ? t('support.panel.openUntil', { when: when(t, at, s.settings.timeZone, nowMs, locale) }) : t('support.panel.open');
  return at ? t('support.panel.closedUntil', { when: when(t, at, s.settings.timeZone, nowMs, locale) }) : t('support.panel.closed');
}
