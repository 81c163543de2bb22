import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { AUDIT_ACTS, type AuditView } from '@vigie/common';
import { useController, useSession } from '../app/context';
import { ChoiceField, Field, type ChoiceOption } from '../components/Field';
import { saveFile } from '../lib/download';
import { routeHref } from '../lib/router';
import { formatDateTime } from '../lib/time';
import { NO_AUDIT_FILTERS, type AuditFilters } from './audit-controller';
import './workspace.css';

const ACTS = Object.keys(AUDIT_ACTS);
/** Data keys said elsewhere in the row (or ids that mean nothing to a reader). */
const HIDDEN = new Set(['requestId', 'deviceId', 'practiceId', 'technicianId', 'accessId', 'jobId', 'sessionId']);

/** The entry's own facts, short: what was asked, answered, why (ids left out, long values cut). */
function details(data: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(data)) {
    if (HIDDEN.has(k) || v === null || v === undefined) continue;
    const text =
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : Array.isArray(v) ? `${v.length}` : null;
    if (text !== null) parts.push(`${k}: ${text.length > 60 ? `${text.slice(0, 57)}…` : text}`);
  }
  return parts.join(' · ');
}

function Row({ e }: { e: AuditView }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const exporting = useStore(controller.audit.store, (s) => s.exporting);
  const who =
    e.actorType === 'technician'
      ? (e.actor?.name ?? t('audit.actors.unknown'))
      : e.actorType === 'device'
        ? t('audit.actors.device', { name: e.actor?.name ?? t('audit.actors.unknown') })
        : e.actorType === 'cli'
          ? t('audit.actors.cli')
          : t('audit.actors.system');
  const label = t(`audit.actions.${e.action.replace(/\./g, '_')}`, { defaultValue: e.action });
  const exportIt = async () => {
    if (!e.requestId) return;
    const r = await controller.audit.export(e.requestId);
    if (!r.ok) return;
    const file = `intervention-${e.requestId}.json`;
    saveFile(file, new Blob([JSON.stringify(r.data, null, 2)], { type: 'application/json' }));
    controller.toast(t('audit.exported', { file }));
  };
  return (
    <tr data-seq={e.seq} data-action={e.action}>
      <td>
        <time dateTime={e.at}>{formatDateTime(e.at, i18n.language)}</time>
      </td>
      <td>{who}</td>
      <th scope="row">
        {label}
        {e.act ? <span className="muted audit-act"> · {t(`audit.acts.${e.act}`)}</span> : null}
      </th>
      <td>{e.practice?.name ?? ''}</td>
      <td>{e.device ? <a href={routeHref({ name: 'device', id: e.device.id })}>{e.device.name}</a> : ''}</td>
      <td>
        <div className="audit-details">
          <span>{details(e.data)}</span>
          {e.requestId ? (
            <button
              type="button"
              className="btn btn--small btn--ghost"
              disabled={exporting === e.requestId}
              onClick={() => void exportIt()}
              aria-label={`${t('audit.export')} — ${t('audit.request')} ${e.requestId}`}
            >
              {exporting === e.requestId ? t('audit.exporting') : t('audit.export')}
            </button>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

/**
 * « Journal »: the audit log for supervisors and admins, newest first, filtered by practice,
 * technician, act and dates, older entries on demand, one intervention exported as a file. Every
 * look is written in the log by the hub.
 */
export function AuditPage() {
  const { t } = useTranslation();
  const controller = useController();
  const me = useSession((s) => s.technician);
  const st = useStore(controller.audit.store, (s) => s);
  const [form, setForm] = useState<AuditFilters>(NO_AUDIT_FILTERS);
  const privileged = me?.role === 'supervisor' || me?.role === 'admin';
  const ids = { practice: useId(), tech: useId(), act: useId(), from: useId(), to: useId() };

  useEffect(() => {
    if (!privileged) return;
    void controller.audit.loadOptions();
    void controller.audit.search(NO_AUDIT_FILTERS);
  }, [controller, privileged]);

  if (!privileged)
    return (
      <section className="page" aria-labelledby="audit-title">
        <h1 id="audit-title">{t('audit.title')}</h1>
        <p className="notice notice--warn" role="alert">
          {t('audit.forbidden')}
        </p>
      </section>
    );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void controller.audit.search(form);
  };
  const set = (k: keyof AuditFilters) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const choice = (key: 'practiceId' | 'technicianId' | 'act', id: string, label: string, all: string, options: ChoiceOption[]) => (
    <ChoiceField id={id} label={label} all={all} options={options} value={form[key]} onChange={set(key)} />
  );

  return (
    <section className="page audit" aria-labelledby="audit-title">
      <div className="page__head">
        <h1 id="audit-title">{t('audit.title')}</h1>
      </div>
      <p className="muted">{t('audit.intro')}</p>
      <form className="fleet-filters audit-filters" role="search" aria-label={t('audit.filters')} onSubmit={submit}>
        {choice(
          'practiceId',
          ids.practice,
          t('audit.practice'),
          t('audit.allPractices'),
          (st.options?.practices ?? []).map((p) => ({ value: p.id, label: p.name })),
        )}
        {choice(
          'technicianId',
          ids.tech,
          t('audit.technician'),
          t('audit.allTechnicians'),
          (st.options?.technicians ?? []).map((x) => ({ value: x.id, label: x.name })),
        )}
        {choice(
          'act',
          ids.act,
          t('audit.act'),
          t('audit.allActs'),
          ACTS.map((a) => ({ value: a, label: t(`audit.acts.${a}`) })),
        )}
        <Field id={ids.from} label={t('audit.from')}>
          <input id={ids.from} type="date" value={form.from} onChange={set('from')} />
        </Field>
        <Field id={ids.to} label={t('audit.to')}>
          <input id={ids.to} type="date" value={form.to} onChange={set('to')} />
        </Field>
        <button type="submit" className="btn btn--primary" disabled={st.status === 'loading'}>
          {t('audit.apply')}
        </button>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() => {
            setForm(NO_AUDIT_FILTERS);
            void controller.audit.search(NO_AUDIT_FILTERS);
          }}
        >
          {t('audit.reset')}
        </button>
      </form>

      {st.error ? (
        <p className="notice notice--error" role="alert" data-testid="audit-error">
          {controller.errorText(st.error)}
        </p>
      ) : null}
      {st.status === 'loading' && st.entries.length === 0 ? (
        <p className="muted" role="status">
          {t('audit.loading')}
        </p>
      ) : st.status !== 'idle' && st.entries.length === 0 && !st.next ? (
        <p className="empty-state" role="status">
          {t('audit.empty')}
        </p>
      ) : (
        <div className="fleet-table-wrap">
          <table className="fleet-table audit-table" data-testid="audit-table">
            <caption className="visually-hidden">{t('audit.title')}</caption>
            <thead>
              <tr>
                {(['at', 'who', 'act', 'practice', 'device', 'details'] as const).map((c) => (
                  <th key={c} scope="col" className="audit-th">
                    {t(`audit.columns.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {st.entries.map((e) => (
                <Row key={e.seq} e={e} />
              ))}
            </tbody>
          </table>
          {st.entries.length === 0 && st.next ? <p className="muted">{t('audit.scanned')}</p> : null}
        </div>
      )}
      {st.next ? (
        <button
          type="button"
          className="btn btn--ghost audit-more"
          disabled={st.status === 'loading'}
          onClick={() => void controller.audit.more()}
        >
          {t('audit.more')}
        </button>
      ) : null}
    </section>
  );
}
