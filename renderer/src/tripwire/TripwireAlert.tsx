import { useTranslation } from 'react-i18next';
import { useAttach } from '../store.js';
import { telHref, useTripwire } from './store.js';
import './tripwire.css';

/**
 * The ransomware alert, as wide as the screen: what is happening and what to do, in plain words
 * (unplug the network cable, do not switch off, call the provider on their number). In the app's
 * page (browser host, popover) it sits above everything; in Electron it also has its own
 * always-on-top window spanning the screen (`window`). The practitioner may fold it into a red
 * bar; it never goes away before the technician lifts the alert.
 */
export function TripwireAlert({ window: ownWindow = false }: { window?: boolean }) {
  const { t, i18n } = useTranslation();
  const state = useTripwire((s) => s.state);
  const folded = useTripwire((s) => s.folded);
  const fold = useTripwire((s) => s.fold);
  const attach = useTripwire((s) => s.attach);
  useAttach(attach);

  const alert = state?.status === 'alert' ? state.alert : null;
  if (!alert || !state) return null;
  const phone = state.supportPhone;
  const since = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' }).format(new Date(alert.firstChangeAt));
  if (folded === alert.id && !ownWindow) {
    return (
      <div className="tripwire-bar" role="alert" data-testid="tripwire-bar">
        <strong>{t('tripwire.title')}</strong>
        <button type="button" className="secondary" onClick={() => fold(null)}>
          {t('tripwire.unfold')}
        </button>
      </div>
    );
  }
  return (
    <section
      className={`tripwire-alert${ownWindow ? ' tripwire-alert--window' : ''}`}
      role="alert"
      aria-labelledby="tripwire-title"
      data-testid="tripwire-alert"
      data-alert-id={alert.id}
    >
      <p className="tripwire-alert__label">{t('tripwire.label')}</p>
      <h2 id="tripwire-title">{t('tripwire.title')}</h2>
      <p className="tripwire-alert__lead">{t('tripwire.lead')}</p>
      <ol className="tripwire-alert__steps">
        <li>{t('tripwire.step1')}</li>
        <li>{t('tripwire.step2')}</li>
        <li>
          {phone ? (
            <>
              {t('tripwire.call')}{' '}
              <a className="tripwire-alert__phone" href={telHref(phone)}>
                {phone}
              </a>
              .
            </>
          ) : (
            t('tripwire.step3')
          )}
        </li>
      </ol>
      <p>{state.reported ? t('tripwire.reported') : t('tripwire.notReported')}</p>
      <p>{t('tripwire.backups')}</p>
      <p className="tripwire-alert__files">{t('tripwire.files', { count: alert.fileCount, time: since })}</p>
      {ownWindow ? (
        <button type="button" className="secondary" onClick={() => window.close()}>
          {t('tripwire.understood')}
        </button>
      ) : (
        <button type="button" className="secondary" onClick={() => fold(alert.id)}>
          {t('tripwire.understood')}
        </button>
      )}
    </section>
  );
}
