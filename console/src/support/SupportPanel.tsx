import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import {
  PhoneNumber,
  TimeZone,
  WEEKDAYS,
  formatDayRanges,
  parseDayRanges,
  type DayRanges,
  type SupportStatus,
  type Weekday,
  type WeekHours,
} from '@vigie/common';
import { useController, useQueue, useSession, useUi } from '../app/context';
import { DEFAULT_LOCALE, isLocale } from '../i18n';
import type { SupportState } from './controller';
import { hoursText } from './format';
import './support.css';

const useSupport = <T,>(sel: (s: SupportState) => T): T => useStore(useController().support.store, sel);

/**
 * On the queue page: the support as practices see it (open or closed and until when, technicians
 * available, the phone number given), this technician's break, and for admins the settings form.
 */
export function SupportPanel() {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const titleId = useId();
  const status = useQueue((s) => s.support);
  const role = useSession((s) => s.technician?.role);
  const available = useSupport((s) => s.available);
  const switching = useSupport((s) => s.switching);
  const now = useUi((s) => s.now);
  const [editing, setEditing] = useState(false);
  if (!status) return null;
  const locale = isLocale(i18n.language) ? i18n.language : DEFAULT_LOCALE;

  return (
    <section className="support-panel" aria-labelledby={titleId} data-testid="support-panel">
      <h2 id={titleId} className="support-panel__title">
        {t('support.panel.title')}
      </h2>
      <ul className="support-panel__facts">
        <li data-testid="support-hours">{hoursText(t, locale, status, now)}</li>
        <li data-testid="support-technicians">
          {t('support.panel.technicians', { count: status.techniciansAvailable, online: status.techniciansOnline })}
        </li>
        <li data-testid="support-phone">
          {status.settings.phone ? t('support.panel.phone', { phone: status.settings.phone }) : t('support.panel.noPhone')}
        </li>
      </ul>
      <div className="support-panel__me">
        <p className="support-panel__me-text" role="status">
          {available === false ? t('support.panel.onBreak') : available ? t('support.panel.available') : null}
        </p>
        <button
          type="button"
          className="btn btn--ghost"
          disabled={switching || available === null}
          onClick={() => void controller.support.setAvailable(available === false)}
        >
          {available === false ? t('support.panel.endBreak') : t('support.panel.takeBreak')}
        </button>
      </div>
      {role === 'admin' ? (
        editing ? (
          <SupportSettingsForm status={status} onDone={() => setEditing(false)} />
        ) : (
          <button type="button" className="btn btn--ghost" onClick={() => setEditing(true)}>
            {t('support.panel.edit')}
          </button>
        )
      ) : null}
    </section>
  );
}

type FieldError = 'format' | 'order' | 'tooMany' | 'noRange' | 'timeZone' | 'phone';

interface Draft {
  version: number;
  announce: boolean;
  timeZone: string;
  days: Record<Weekday, string>;
  phone: string;
}

const draftOf = (s: SupportStatus): Draft => ({
  version: s.version,
  announce: s.settings.hours !== null,
  timeZone: s.settings.timeZone,
  days: Object.fromEntries(WEEKDAYS.map((d) => [d, s.settings.hours ? formatDayRanges(s.settings.hours[d]) : ''])) as Record<
    Weekday,
    string
  >,
  phone: s.settings.phone ?? '',
});

/** The draft as the hub's settings, or what is wrong with each field (the same rules as the hub's). */
export function readDraft(
  d: Draft,
):
  | { ok: true; value: { timeZone: string; hours: WeekHours | null; phone: string | null } }
  | { ok: false; errors: Partial<Record<Weekday | 'hours' | 'timeZone' | 'phone', FieldError>> } {
  const errors: Partial<Record<Weekday | 'hours' | 'timeZone' | 'phone', FieldError>> = {};
  const week = {} as Record<Weekday, DayRanges>;
  if (d.announce) {
    for (const day of WEEKDAYS) {
      const r = parseDayRanges(d.days[day]);
      if (r.ok) week[day] = r.ranges;
      else errors[day] = r.error;
    }
    if (Object.keys(errors).length === 0 && WEEKDAYS.every((day) => week[day].length === 0)) errors.hours = 'noRange';
  }
  const tz = TimeZone.safeParse(d.timeZone);
  if (!tz.success) errors.timeZone = 'timeZone';
  const phone = d.phone.trim() === '' ? null : PhoneNumber.safeParse(d.phone);
  if (phone && !phone.success) errors.phone = 'phone';
  if (Object.keys(errors).length > 0 || !tz.success || (phone && !phone.success)) return { ok: false, errors };
  return { ok: true, value: { timeZone: tz.data, hours: d.announce ? week : null, phone: phone ? phone.data : null } };
}

function SupportSettingsForm({ status, onDone }: { status: SupportStatus; onDone: () => void }) {
  const { t } = useTranslation();
  const controller = useController();
  const saving = useSupport((s) => s.saving);
  const lastSave = useSupport((s) => s.lastSave);
  const [draft, setDraft] = useState<Draft>(() => draftOf(status));
  const [errors, setErrors] = useState<Partial<Record<string, FieldError>>>({});
  const [shownSave, setShownSave] = useState(lastSave?.id ?? 0);
  const ids = useId();

  // A save refused because someone changed the settings meanwhile: show theirs.
  useEffect(() => {
    if (lastSave && lastSave.id > shownSave && lastSave.kind === 'conflict') {
      setDraft(draftOf(status));
      setErrors({});
    }
  }, [lastSave, shownSave, status]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const read = readDraft(draft);
    if (!read.ok) {
      setErrors(read.errors);
      return;
    }
    setErrors({});
    setShownSave(lastSave?.id ?? 0);
    const r = await controller.support.save({ version: draft.version, ...read.value });
    if (r.ok) {
      controller.toast(t('support.form.saved'));
      onDone();
    }
  };

  const error = (key: string) => (errors[key] ? t(`support.form.errors.${errors[key]}`) : null);
  const field = (key: string, label: string, value: string, onChange: (v: string) => void, hint?: string) => {
    const id = `${ids}-${key}`;
    const err = error(key);
    return (
      <div className="field" key={key}>
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={err ? 'true' : undefined}
          aria-describedby={hint || err ? `${id}-note` : undefined}
        />
        {err ? (
          <p className="field__error" id={`${id}-note`}>
            {err}
          </p>
        ) : hint ? (
          <p className="field__hint" id={`${id}-note`}>
            {hint}
          </p>
        ) : null}
      </div>
    );
  };
  const failed = lastSave && lastSave.id > shownSave ? lastSave : null;

  return (
    <form className="form support-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>{t('support.form.title')}</h3>
      {failed?.kind === 'conflict' ? (
        <p className="notice notice--warn" role="alert">
          {t('support.form.conflict')}
        </p>
      ) : failed?.kind === 'failed' ? (
        <p className="notice notice--error" role="alert">
          {controller.errorText(failed.code)}
        </p>
      ) : Object.keys(errors).length > 0 ? (
        <p className="notice notice--error" role="alert">
          {t('support.form.invalid')}
        </p>
      ) : null}
      <label className="support-form__check">
        <input type="checkbox" checked={draft.announce} onChange={(e) => setDraft({ ...draft, announce: e.target.checked })} />{' '}
        {t('support.form.announceHours')}
      </label>
      {draft.announce ? (
        <fieldset className="support-form__days">
          <legend className="field__hint">{t('support.form.dayHint')}</legend>
          {WEEKDAYS.map((d) =>
            field(d, t(`support.form.days.${d}`), draft.days[d], (v) => setDraft({ ...draft, days: { ...draft.days, [d]: v } })),
          )}
          {errors.hours ? <p className="field__error">{error('hours')}</p> : null}
        </fieldset>
      ) : null}
      {field(
        'timeZone',
        t('support.form.timeZone'),
        draft.timeZone,
        (v) => setDraft({ ...draft, timeZone: v }),
        t('support.form.timeZoneHint'),
      )}
      {field('phone', t('support.form.phone'), draft.phone, (v) => setDraft({ ...draft, phone: v }), t('support.form.phoneHint'))}
      <div className="support-form__actions">
        <button type="submit" className="btn btn--primary" disabled={saving}>
          {saving ? t('support.form.saving') : t('support.form.save')}
        </button>
        <button type="button" className="btn btn--ghost" onClick={onDone}>
          {t('support.form.cancel')}
        </button>
      </div>
    </form>
  );
}
