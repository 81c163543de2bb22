import { useTranslation } from 'react-i18next';
import { HEALTH_STRINGS, renderCheckMessage, type AppState, type CheckResult, type Locale } from '@vigie/common';
import { localeTag } from '../../../web/format.js';
import { useAttach } from '../store.js';
import { groupChecks, scoreLevel, type CheckGroups } from './model.js';
import { useHealth } from './store.js';
import './health.css';

function formatDate(iso: string, locale: Locale): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' }).format(d);
}

function Check({ check, locale }: { check: CheckResult; locale: Locale }) {
  const { t } = useTranslation();
  const text = renderCheckMessage(locale, check);
  const strings = HEALTH_STRINGS[locale];
  return (
    <li className={`check check--${check.status}`} data-check-id={check.id} data-status={check.status}>
      <p className="check__head">
        <span className={`check__status check__status--${check.status}`}>{strings.status[check.status]}</span>
        <span className="check__label">{strings.checks[check.id]}</span>
      </p>
      <h3 className="check__title">{text.title}</h3>
      <p className="check__explanation">{text.explanation}</p>
      {text.remediation ? (
        <p className="check__todo">
          <strong>{t('health.whatToDo')}</strong> {text.remediation}
        </p>
      ) : null}
    </li>
  );
}

const GROUPS: Array<Exclude<keyof CheckGroups, 'toVerify'>> = ['toFix', 'allGood'];

/** Checks Vigie could not verify: one quiet line (what they are), never their technical reasons — the technician sees those. */
function Unverified({ checks, locale }: { checks: CheckResult[]; locale: Locale }) {
  const { t } = useTranslation();
  if (checks.length === 0) return null;
  const names = new Intl.ListFormat(localeTag(locale), { style: 'long', type: 'conjunction' }).format(
    checks.map((c) => HEALTH_STRINGS[locale].checks[c.id]),
  );
  return (
    <p className="hint health__unverified" data-testid="health-unverified" data-count={checks.length}>
      {t('health.unverified', { count: checks.length, names })}
    </p>
  );
}

/** The "Sécurité" tab: the score in plain words, the checks to fix first, "Vérifier maintenant". */
export function HealthPanel({ app }: { app: AppState }) {
  const { t } = useTranslation();
  const { report, loaded, unavailable, scanning, done, error, attach, scan } = useHealth();
  const locale = app.locale;

  useAttach(attach);

  if (unavailable)
    return (
      <section className="panel health" aria-labelledby="health-title">
        <h1 id="health-title">{t('health.title')}</h1>
        <p>{t('health.unavailable')}</p>
      </section>
    );

  const groups = report ? groupChecks(report.checks) : null;
  const level = report ? scoreLevel(report) : null;
  return (
    <section className="health" aria-labelledby="health-title" aria-busy={scanning || !loaded}>
      <div className={`panel health__summary${level ? ` health__summary--${level}` : ''}`}>
        <h1 id="health-title">{t('health.title')}</h1>
        {report && level ? (
          <>
            <p className="score" data-testid="health-score" data-score={report.score}>
              <span className="score__value" aria-hidden="true">
                {report.score}
              </span>
              <span className="score__max" aria-hidden="true">
                {t('health.scoreOutOf')}
              </span>
              <span className="visually-hidden">{t('health.scoreSpoken', { score: report.score })}</span>
            </p>
            <p className="score__level">{t(`health.level.${level}`)}</p>
            <p className="hint">{t(`health.levelHint.${level}`)}</p>
            <p className="hint" data-testid="health-last-check">
              {t('health.lastCheck', { date: formatDate(report.finishedAt, locale) })}
            </p>
          </>
        ) : loaded ? (
          <p>{t('health.firstScan')}</p>
        ) : null}
        <button type="button" className="primary health__scan" disabled={scanning} aria-disabled={scanning} onClick={() => void scan()}>
          {scanning ? t('health.scanning') : t('health.scanNow')}
        </button>
        <p className="visually-hidden" role="status">
          {scanning ? t('health.scanning') : done ? t('health.scanDone', { score: done.score }) : ''}
        </p>
        {error ? (
          <p className="error" role="alert">
            {t(`errors.${error.code}`, { defaultValue: t('errors.INTERNAL') })}
          </p>
        ) : null}
      </div>

      {groups
        ? GROUPS.filter((g) => groups[g].length > 0).map((g) => (
            <section key={g} className={`panel health__group health__group--${g}`} aria-labelledby={`health-${g}`} data-group={g}>
              <h2 id={`health-${g}`}>
                {t(`health.groups.${g}`)} <span className="health__count">({t('health.count', { count: groups[g].length })})</span>
              </h2>
              <p className="hint">{t(`health.groupIntro.${g}`)}</p>
              <ul className="checks">
                {groups[g].map((c) => (
                  <Check key={c.id} check={c} locale={locale} />
                ))}
              </ul>
            </section>
          ))
        : null}
      {groups ? <Unverified checks={groups.toVerify} locale={locale} /> : null}
      {groups && groups.toFix.length > 0 ? <p className="hint health__help">{t('health.needHelp')}</p> : null}
    </section>
  );
}
