import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppState, InterventionSummary, Locale } from '@vigie/common';
import { useStore } from '../store.js';
import { useInterventions } from './store.js';
import './receipts.css';

function formatDate(iso: string | null, locale: Locale): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' }).format(d);
}

/** The file's own name (the folder is « le dossier des reçus »). */
const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

function Intervention({ item, locale }: { item: InterventionSummary; locale: Locale }) {
  const { t } = useTranslation();
  const api = useStore((s) => s.api);
  const opening = useInterventions((s) => s.opening);
  const opened = useInterventions((s) => (s.opened?.requestId === item.requestId ? s.opened : null));
  const error = useInterventions((s) => (s.actionError?.requestId === item.requestId ? s.actionError.body : null));
  const open = useInterventions((s) => s.open);
  const r = item.receipt;
  const facts = r
    ? [
        t('interventions.consents', { count: r.consents }),
        t('interventions.control', { count: r.controlPeriods }),
        t('interventions.restores', { count: r.restores }),
        ...(r.safety ? [t('interventions.safety')] : []),
      ].join(' · ')
    : t('interventions.receiptPending');
  return (
    <li className="panel intervention" data-testid="intervention" data-request-id={item.requestId}>
      <p className="intervention__head">
        <span>{t('interventions.closedOn', { date: formatDate(item.closedAt, locale) })}</span>
        <span>{t(`interventions.status.${item.status}`)}</span>
      </p>
      <p className="intervention__facts">
        {t('interventions.by', { name: item.technician?.displayName ?? t('interventions.noTechnician') })}
        {item.topic ? ` · ${t(`topics.${item.topic}`)}` : ''}
      </p>
      <p className="hint intervention__facts">{facts}</p>
      {item.resolutionNote ? <p className="intervention__note">{t('interventions.note', { note: item.resolutionNote })}</p> : null}
      <div className="row">
        <button
          type="button"
          className="secondary"
          disabled={!api || opening !== null}
          onClick={() => api && void open(api, item.requestId)}
        >
          {opening === item.requestId ? t('interventions.opening') : t('interventions.open')}
        </button>
      </div>
      {opened ? (
        <p className="hint intervention__path" role="status" data-testid="receipt-saved">
          {t(opened.opened ? 'interventions.saved' : 'interventions.savedNotOpened', { name: fileName(opened.path) })}
        </p>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {t(`errors.${error.code}`)}
        </p>
      ) : null}
    </li>
  );
}

/**
 * « Mes interventions »: every closed intervention on this computer, newest first, with what it
 * involved, and its receipt (PDF saved in the receipts folder and opened). Refreshed when shown
 * and when a request of this computer closes.
 */
export function InterventionsPanel({ app }: { app: AppState }) {
  const { t } = useTranslation();
  const api = useStore((s) => s.api);
  const { items, more, load, error, opened, actionError, refresh, loadMore, openFolder } = useInterventions();
  const lastClosed = app.support.lastClosed?.id ?? null;
  const online = app.support.connection === 'online';

  useEffect(() => {
    if (api && online) void refresh(api);
  }, [api, refresh, lastClosed, online]);

  return (
    <section className="interventions" aria-labelledby="interventions-title" aria-busy={load === 'loading'}>
      <div className="panel">
        <h1 id="interventions-title">{t('interventions.title')}</h1>
        <p className="hint">{t('interventions.intro')}</p>
        <div className="interventions__actions">
          <button type="button" className="secondary" disabled={!api || load === 'loading'} onClick={() => api && void refresh(api)}>
            {t('interventions.refresh')}
          </button>
          <button type="button" className="secondary" disabled={!api} onClick={() => api && void openFolder(api)}>
            {t('interventions.openFolder')}
          </button>
        </div>
        {opened && opened.requestId === null ? (
          <p className="hint intervention__path" role="status">
            {t(opened.opened ? 'interventions.folderOpened' : 'interventions.folderNotOpened')}
          </p>
        ) : null}
        {actionError?.requestId === '' ? (
          <p className="error" role="alert">
            {t(`errors.${actionError.body.code}`)}
          </p>
        ) : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          {t(`errors.${error.code}`)}
        </p>
      ) : null}
      {load === 'loading' && items.length === 0 ? <p role="status">{t('interventions.loading')}</p> : null}
      {load === 'ready' && items.length === 0 ? <p className="hint">{t('interventions.empty')}</p> : null}
      {items.length > 0 ? (
        <ul className="interventions__list">
          {items.map((item) => (
            <Intervention key={item.requestId} item={item} locale={app.locale} />
          ))}
        </ul>
      ) : null}
      {more ? (
        <button type="button" className="link" disabled={load === 'loading'} onClick={() => api && void loadMore(api)}>
          {t('interventions.more')}
        </button>
      ) : null}
    </section>
  );
}
