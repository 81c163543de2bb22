import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { ErrorBody, TripwireAlertRecord } from '@vigie/common';
import { useController } from '../app/context';
import { formatDateTime, formatTimeOfDay } from '../lib/time';
import type { TripwireConsoleState } from './controller';
import './tripwire.css';

const useAlerts = <T,>(sel: (s: TripwireConsoleState) => T): T => useStore(useController().tripwire.store, sel);

function AlertRecord({ requestId, rec }: { requestId: string; rec: TripwireAlertRecord }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const [lifting, setLifting] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const a = rec.alert;
  const lang = i18n.language;
  // « Signaux : … » / “Signals: …”: the colon as the language writes it.
  const label = (key: string) => t('punctuation.label', { label: t(key) });
  const lift = async () => {
    setLifting(true);
    setError(null);
    const r = await controller.tripwire.lift(requestId, a.id);
    setLifting(false);
    if (!r.ok) setError(r.error);
  };
  return (
    <article className={`tw-alert tw-alert--${rec.status}`} data-testid="tripwire-record" data-alert-id={a.id} data-status={rec.status}>
      <h3 className="panel-subtitle">
        {rec.status === 'open'
          ? t('tripwire.open')
          : t('tripwire.lifted', { date: formatDateTime(rec.liftedAt ?? rec.updatedAt, lang), name: rec.liftedBy ?? '' })}
      </h3>
      <ul className="tw-facts">
        <li>{t('tripwire.raisedAt', { date: formatDateTime(a.raisedAt, lang) })}</li>
        <li>
          <strong>{t('tripwire.firstChange', { date: formatDateTime(a.firstChangeAt, lang) })}</strong>
        </li>
        <li data-testid="tripwire-last-good">
          {a.lastGoodSnapshot
            ? t('tripwire.lastGood', { date: formatDateTime(a.lastGoodSnapshot.time, lang), id: a.lastGoodSnapshot.id.slice(0, 8) })
            : t('tripwire.noGood')}
        </li>
        <li>
          {label('tripwire.reasonsLabel')} {a.reasons.map((r) => t(`tripwire.reasons.${r}`)).join(' · ')}
        </li>
        {a.backup ? <li>{t('tripwire.backup', { touched: a.backup.touched, usual: a.backup.usualTouched })}</li> : null}
      </ul>
      <p className="tw-count">{t('tripwire.files', { count: a.fileCount })}</p>
      {a.files.length > 0 ? (
        <>
          {a.files.length < a.fileCount ? <p className="muted">{t('tripwire.shown', { count: a.files.length })}</p> : null}
          <div className="tw-files">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('tripwire.when')}</th>
                  <th scope="col">{t('tripwire.file')}</th>
                  <th scope="col">{t('tripwire.what')}</th>
                  <th scope="col">{t('tripwire.entropy')}</th>
                </tr>
              </thead>
              <tbody>
                {a.files.map((f) => (
                  <tr key={`${f.path}-${f.kind}`}>
                    <td>
                      <time dateTime={f.at}>{formatTimeOfDay(f.at, lang)}</time>
                    </td>
                    <td className="tw-path">{f.path}</td>
                    <td>{t(`tripwire.kinds.${f.kind}`)}</td>
                    <td>{f.entropy === null ? '—' : f.entropy.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {a.notes.length > 0 ? (
        <p>
          {label('tripwire.notes')} <span className="tw-path">{a.notes.join(', ')}</span>
        </p>
      ) : null}
      {a.extensions.length > 0 ? (
        <p>
          {label('tripwire.extensions')} {a.extensions.map((e) => `.${e}`).join(', ')}
        </p>
      ) : null}
      <p className="muted">
        {label('tripwire.folders')} <span className="tw-path">{a.folders.join(', ')}</span>
      </p>
      {rec.status === 'open' ? (
        <div className="tw-lift">
          <button type="button" className="btn btn--primary" disabled={lifting} onClick={() => void lift()}>
            {lifting ? t('tripwire.lifting') : t('tripwire.lift')}
          </button>
          <span className="muted">{t('tripwire.liftHint')}</span>
        </div>
      ) : null}
      {error ? (
        <p className="notice notice--error" role="alert">
          {controller.errorText(error.code)}
        </p>
      ) : null}
    </article>
  );
}

/**
 * The evidence of a ransomware alert in the request workspace: which files and when, the signals,
 * the last snapshot before the first changed file, and « Lever l'alerte ». Nothing when the
 * request has no alert.
 */
export function TripwireEvidence({ requestId }: { requestId: string }) {
  const { t } = useTranslation();
  const controller = useController();
  const entry = useAlerts((s) => s.byRequest[requestId]);
  useEffect(() => {
    void controller.tripwire.load(requestId);
  }, [controller, requestId]);
  if (!entry || entry.records.length === 0) return null;
  return (
    <section className="tw-section" aria-labelledby={`tw-title-${requestId}`} data-testid="tripwire-evidence">
      <h2 id={`tw-title-${requestId}`} className="panel-title">
        {t('tripwire.title')}
      </h2>
      {entry.records.map((rec) => (
        <AlertRecord key={`${rec.deviceId}-${rec.alert.id}`} requestId={requestId} rec={rec} />
      ))}
    </section>
  );
}
