import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { backupHeadlineKey, type AppState, type BackupDay, type BackupStatus, type Locale } from '@vigie/common';
import { useAttach } from '../store.js';
import { formatNumber, localeTag } from '../../../web/format.js';
import { longDate, relative, shortDay, size } from './format.js';
import { ErrorBlock } from './parts.js';
import { useBackup } from './store.js';
import './backup.css';

// The restore wizard is not on the first screen: its code loads when the practitioner opens it.
const RestoreWizard = lazy(() => import('./RestoreWizard.js').then((m) => ({ default: m.RestoreWizard })));

type T = ReturnType<typeof useTranslation>['t'];

/** The headline in the UI's language (the status' own sentence is in the app's language of the moment it was made). */
export function headlineText(t: T, s: BackupStatus, now = Date.now()): string {
  const h = backupHeadlineKey(s, now);
  return t(`backup.${h.key}`, h.vars);
}

/** « 12 jours sauvegardés, 1 avec des fichiers illisibles et 17 sans sauvegarde. » (only the kinds of day there were; days backed up always said). */
export function stripSummary(t: T, locale: Locale, n: Record<BackupDay['state'], number>): string {
  const parts = [
    t('backup.ui.strip.ok', { count: n.ok }),
    ...(['warning', 'failed', 'none'] as const).filter((k) => n[k] > 0).map((k) => t(`backup.ui.strip.${k}`, { count: n[k] })),
  ];
  return `${new Intl.ListFormat(localeTag(locale), { style: 'long', type: 'conjunction' }).format(parts)}.`;
}

/** The 30-day strip: coloured days for the eye, the same facts as a sentence for everyone. */
function DayStrip({ days, locale }: { days: BackupDay[]; locale: Locale }) {
  const { t } = useTranslation();
  const count = (s: BackupDay['state']) => days.filter((d) => d.state === s).length;
  return (
    <div className="backup-strip">
      <h2 id="backup-strip-title">{t('backup.ui.strip.title')}</h2>
      <ol className="backup-strip__days" aria-hidden="true">
        {days.map((d) => (
          <li
            key={d.date}
            className={`backup-strip__day backup-strip__day--${d.state}`}
            title={t('backup.ui.strip.day', { date: shortDay(d.date, locale), state: t(`backup.day.${d.state}`) })}
          />
        ))}
      </ol>
      <p className="backup-strip__summary" data-testid="backup-strip-summary">
        {stripSummary(t, locale, { ok: count('ok'), warning: count('warning'), failed: count('failed'), none: count('none') })}
      </p>
      <p className="hint">{t('backup.ui.strip.legend')}</p>
    </div>
  );
}

function Facts({ status, locale }: { status: BackupStatus; locale: Locale }) {
  const { t } = useTranslation();
  const unknown = <span className="muted">{t('backup.ui.unknown')}</span>;
  return (
    <dl className="backup-facts">
      <div>
        <dt>{t('backup.ui.lastSuccess')}</dt>
        <dd data-testid="backup-last-success">
          {status.lastSuccessAt
            ? t('backup.ui.lastSuccessValue', {
                age: relative(status.lastSuccessAt, locale, t),
                date: longDate(status.lastSuccessAt, locale),
              })
            : t('backup.ui.never')}
        </dd>
      </div>
      <div>
        <dt>{t('backup.ui.nextRun')}</dt>
        <dd>{status.nextRunAt ? longDate(status.nextRunAt, locale) : t('backup.ui.noNextRun')}</dd>
      </div>
      <div>
        <dt>{t('backup.ui.size')}</dt>
        <dd>{status.sizeBytes !== null ? size(status.sizeBytes, locale) : unknown}</dd>
      </div>
      <div>
        <dt>{t('backup.ui.changed')}</dt>
        <dd>{status.filesChangedLastRun !== null ? formatNumber(status.filesChangedLastRun, locale) : unknown}</dd>
      </div>
    </dl>
  );
}

/** The "Sauvegardes" tab: one headline, the facts, the 30-day strip, "Sauvegarder maintenant", "Récupérer un fichier". */
export function BackupPanel({ app }: { app: AppState }) {
  const { t } = useTranslation();
  const { status, loaded, unavailable, runNowBusy, runNowError, attach, runNow } = useBackup();
  const [wizard, setWizard] = useState(false);
  const [started, setStarted] = useState(false);
  const locale = app.locale;

  useAttach(attach);

  if (wizard)
    return (
      <Suspense fallback={null}>
        <RestoreWizard locale={locale} onClose={() => setWizard(false)} />
      </Suspense>
    );

  if (unavailable || (loaded && !status))
    return (
      <section className="panel backup" aria-labelledby="backup-title">
        <h1 id="backup-title">{t('backup.ui.title')}</h1>
        <p>{t('errors.UNAVAILABLE')}</p>
      </section>
    );
  if (!status)
    return (
      <section className="panel backup" aria-busy="true">
        <p role="status">{t('backup.ui.loading')}</p>
      </section>
    );

  const headline = headlineText(t, status);
  const percent = status.progress ? Math.round(status.progress.fraction * 100) : null;
  const onRunNow = async () => {
    setStarted(false);
    if (await runNow()) setStarted(true);
  };

  return (
    <section className="backup" aria-labelledby="backup-title">
      <div className={`panel backup-summary backup-summary--${status.headline}`} data-headline={status.headline}>
        <p className="backup-summary__kicker">{t('backup.ui.title')}</p>
        <h1 id="backup-title" className="backup-summary__headline" data-testid="backup-headline">
          {headline}
        </h1>
        {status.headline === 'not-configured' ? <p className="hint">{t('backup.ui.notConfiguredHint')}</p> : null}
        {status.running ? (
          <div className="backup-running">
            {percent === null ? (
              <progress aria-label={t('backup.headline.running')} />
            ) : (
              <progress max={100} value={percent} aria-label={t('backup.headline.running')} />
            )}
            {percent !== null ? <p className="hint">{t('backup.ui.runningProgress', { percent })}</p> : null}
          </div>
        ) : null}
        {status.lastError && status.headline === 'failed' ? <ErrorBlock error={status.lastError} /> : null}
        {status.configured ? <Facts status={status} locale={locale} /> : null}
        <div className="row backup-actions">
          <button
            type="button"
            className="primary"
            disabled={runNowBusy || status.running || !status.configured}
            onClick={() => void onRunNow()}
          >
            {t('backup.actions.runNow')}
          </button>
          <button type="button" className="secondary" disabled={!status.configured} onClick={() => setWizard(true)}>
            {t('backup.ui.recover')}
          </button>
        </div>
        <p className="hint" role="status">
          {started && status.running ? t('backup.ui.runStarted') : ''}
        </p>
        {runNowError ? <ErrorBlock error={runNowError} /> : null}
      </div>
      {status.configured ? (
        <div className="panel">
          <DayStrip days={status.days} locale={locale} />
        </div>
      ) : null}
    </section>
  );
}
