import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CHECK_WEIGHTS,
  HEALTH_STRINGS,
  STATUS_SEVERITY,
  renderCheckMessage,
  renderTechnicalReason,
  type CheckResult,
  type Evidence,
  type HealthSummary,
  type Locale,
} from '@vigie/common';
import { useController } from '../app/context';
import { formatDateTime } from '../lib/time';
import { useFleet } from './hooks';
import './fleet.css';

const worstFirst = (a: CheckResult, b: CheckResult) =>
  STATUS_SEVERITY[b.status] - STATUS_SEVERITY[a.status] || CHECK_WEIGHTS[b.id] - CHECK_WEIGHTS[a.id];

function EvidenceBlock({ e }: { e: Evidence }) {
  const { t } = useTranslation();
  return (
    <div className="evidence">
      <p className="evidence__meta">
        <code className="evidence__command">{e.command}</code>{' '}
        <span className="muted">
          {e.exitCode === null ? t('deviceHealth.noExitCode') : t('deviceHealth.exitCode', { code: e.exitCode })} ·{' '}
          {t('deviceHealth.duration', { ms: Math.round(e.durationMs) })}
          {e.failure ? ` · ${t(`deviceHealth.failure.${e.failure}`)}` : ''}
          {e.truncated ? ` · ${t('deviceHealth.truncated')}` : ''}
        </span>
      </p>
      <p className="evidence__label">{t('deviceHealth.stdout')}</p>
      <pre className="evidence__out">{e.stdout || t('deviceHealth.empty')}</pre>
      {e.stderr ? (
        <>
          <p className="evidence__label">{t('deviceHealth.stderr')}</p>
          <pre className="evidence__out">{e.stderr}</pre>
        </>
      ) : null}
    </div>
  );
}

/** One check: the practitioner's words, then for an unverified one the technician's reason (tool, code, what was missing) beside the raw evidence. */
export function CheckItem({ check, locale }: { check: CheckResult; locale: Locale }) {
  const { t } = useTranslation();
  const text = renderCheckMessage(locale, check);
  const strings = HEALTH_STRINGS[locale];
  return (
    <li className={`dh-check dh-check--${check.status}`} data-check-id={check.id} data-status={check.status}>
      <p className="dh-check__head">
        <span className={`status-pill status-pill--${check.status}`}>{strings.status[check.status]}</span>{' '}
        <span className="muted">{strings.checks[check.id]}</span>
      </p>
      <p className="dh-check__title">{text.title}</p>
      <p className="dh-check__explanation">{text.explanation}</p>
      {text.remediation ? (
        <p className="dh-check__todo">
          <strong>{t('deviceHealth.remediation')}</strong> {text.remediation}
        </p>
      ) : null}
      {check.reason ? (
        <p className="dh-check__technical" data-testid="check-technical-reason">
          <strong>{t('deviceHealth.technicalReason')}</strong> {renderTechnicalReason(locale, check.reason)}
        </p>
      ) : null}
      <details className="dh-check__evidence">
        <summary>{t('deviceHealth.evidence', { count: check.evidence.length })}</summary>
        {check.evidence.length === 0 ? (
          <p className="muted">{t('deviceHealth.noEvidence')}</p>
        ) : (
          check.evidence.map((e, i) => <EvidenceBlock key={i} e={e} />)
        )}
      </details>
    </li>
  );
}

/**
 * The device's latest security report (request workspace, device page): worst first, raw evidence
 * on demand. Without a full report yet, the summary the device sent (`fallback`) is shown instead.
 */
export function DeviceHealthPanel({ deviceId, fallback = null }: { deviceId: string; fallback?: HealthSummary | null }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const entry = useFleet((s) => s.health[deviceId]);
  const locale: Locale = i18n.language === 'en' ? 'en' : 'fr';

  useEffect(() => {
    if (!controller.fleet.store.getState().health[deviceId]) void controller.fleet.loadHealth(deviceId);
  }, [controller, deviceId]);

  const report = entry?.report ?? null;
  const checks = report ? [...report.checks].sort(worstFirst) : [];
  const toHandle = checks.filter((c) => c.status !== 'ok');
  const fine = checks.filter((c) => c.status === 'ok');

  return (
    <section
      id="device-health"
      className="device-health"
      aria-labelledby="dh-title"
      data-testid="device-health"
      aria-busy={entry?.status === 'loading'}
    >
      <h2 id="dh-title" className="panel-title">
        {t('deviceHealth.title')}
      </h2>
      {!entry || (entry.status === 'loading' && !report) ? (
        <p className="muted" role="status">
          {t('deviceHealth.loading')}
        </p>
      ) : entry.status === 'error' && !report ? (
        <p className="notice notice--error" role="alert">
          {controller.errorText(entry.error ?? 'INTERNAL')}
        </p>
      ) : !report && fallback ? (
        <p className="dh-summary">
          <span className={`status-pill status-pill--${fallback.worst}`} data-testid="device-health-summary" data-score={fallback.score}>
            {t('deviceHealth.score', { score: fallback.score })}
          </span>{' '}
          <span className="muted">
            {t('deviceHealth.checkedAt', { date: formatDateTime(fallback.at, locale) })} · {t('deviceHealth.summaryOnly')}
          </span>
        </p>
      ) : !report ? (
        <p className="muted">{t('deviceHealth.none')}</p>
      ) : (
        <>
          <p className="dh-summary">
            <span className={`status-pill status-pill--${report.worst}`} data-testid="device-health-score" data-score={report.score}>
              {t('deviceHealth.score', { score: report.score })}
            </span>{' '}
            <span className="muted">
              {t('deviceHealth.checkedAt', { date: formatDateTime(report.finishedAt, locale) })} (
              {t(`deviceHealth.trigger.${report.trigger}`)}) · {t('deviceHealth.system', { name: report.os.name })}
            </span>
          </p>
          {toHandle.length > 0 ? (
            <>
              <h3 className="panel-subtitle">{t('deviceHealth.toFix', { count: toHandle.length })}</h3>
              <ul className="dh-checks">
                {toHandle.map((c) => (
                  <CheckItem key={c.id} check={c} locale={locale} />
                ))}
              </ul>
            </>
          ) : null}
          {fine.length > 0 ? (
            <details className="dh-ok">
              <summary>{t('deviceHealth.okChecks', { count: fine.length })}</summary>
              <ul className="dh-checks">
                {fine.map((c) => (
                  <CheckItem key={c.id} check={c} locale={locale} />
                ))}
              </ul>
            </details>
          ) : null}
        </>
      )}
    </section>
  );
}
