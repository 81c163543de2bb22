import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { BackupAccess, DeviceHistory } from '@vigie/common';
import { useController, useSession } from '../app/context';
import { BackupBrowser, BackupErrorNotice, ReportedBackup } from '../backup/BackupSection';
import { scopeKey } from '../backup/controller';
import { ConsentCode } from '../components/ConsentCode';
import { quotedNames } from '../components/format';
import { DeviceFacts, SummaryPills } from '../components/ContextPanel';
import { DeviceStatus } from '../components/DeviceStatus';
import { DeviceHealthPanel } from '../fleet/DeviceHealthPanel';
import { useFleet } from '../fleet/hooks';
import { routeHref } from '../lib/router';
import { formatDateTime } from '../lib/time';
import './workspace.css';

const LIVE: ReadonlyArray<BackupAccess['state']> = ['consent-pending', 'granted'];

/**
 * « Sauvegardes » on the device page: without a request, the practitioner is asked first, like
 * for screen sharing — the code to read out and the countdown, then the device's backups live
 * (browse, search, restore) until the access ends; each refusal or end is said.
 */
function AccessPanel({ deviceId, online, report }: { deviceId: string; online: boolean; report: DeviceHistory['report'] }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const entry = useStore(controller.backup.store, (s) => s.access[deviceId]);
  useEffect(() => {
    void controller.backup.loadAccess(deviceId);
  }, [controller, deviceId]);
  const access = entry?.access ?? null;
  const live = !!access && LIVE.includes(access.state);
  const reported = { summary: report?.backup ?? null, at: report?.backup ? report.reportedAt : null };
  const time = (iso: string) => new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

  return (
    <section id="backups" className="bk-section" aria-labelledby="device-backups-title" data-testid="backup-section">
      <h2 id="device-backups-title" className="panel-title">
        {t('backup.ui.title')}
      </h2>
      <h3 className="panel-subtitle">{t('backup.ui.access.title')}</h3>
      <div className="bk-access" data-testid="backup-access" data-state={access?.state ?? 'none'}>
        {!live ? (
          <>
            {access?.state === 'ended' && access.endReason ? (
              <p className="notice notice--warn" role="status" data-testid="backup-access-ended">
                {t(`backup.ui.access.ended.${access.endReason}`)}
              </p>
            ) : null}
            <p className="muted">{online ? t('backup.ui.access.intro') : t('backup.ui.access.offline')}</p>
            <button
              type="button"
              className="btn btn--primary"
              disabled={!online || entry?.busy === 'ask'}
              onClick={() => void controller.backup.askAccess(deviceId)}
            >
              {entry?.busy === 'ask' ? t('backup.ui.access.asking') : t('backup.ui.access.ask')}
            </button>
          </>
        ) : access.state === 'consent-pending' ? (
          <>
            {access.consentExpiresAt ? (
              <ConsentCode
                testId="access"
                kind="access"
                label={t('backup.ui.access.code')}
                code={access.shortCode}
                expiresAt={access.consentExpiresAt}
              />
            ) : null}
            <p className="screen-status" role="status">
              {t('backup.ui.access.waiting')}
            </p>
          </>
        ) : (
          <div className="bk-access__granted">
            <p className="notice notice--info" role="status">
              {t('backup.ui.access.granted', { time: access.expiresAt ? time(access.expiresAt) : '' })}
            </p>
            <button
              type="button"
              className="btn btn--ghost"
              disabled={entry?.busy === 'end'}
              onClick={() => void controller.backup.endAccess(deviceId)}
            >
              {entry?.busy === 'end' ? t('backup.ui.access.ending') : t('backup.ui.access.end')}
            </button>
          </div>
        )}
        {live && access.state === 'consent-pending' ? (
          <button
            type="button"
            className="btn btn--ghost"
            disabled={entry?.busy === 'end'}
            onClick={() => void controller.backup.endAccess(deviceId)}
          >
            {t('backup.ui.access.cancel')}
          </button>
        ) : null}
        {entry?.error ? <BackupErrorNotice error={entry.error} access testId="backup-access-error" /> : null}
      </div>
      {access?.state === 'granted' ? (
        <BackupBrowser scope={{ accessId: access.id }} unavailable={null} reported={reported} />
      ) : (
        <ReportedBackup summary={reported.summary} at={reported.at} />
      )}
    </section>
  );
}

function HistoryList({ title, count, children, testId }: { title: string; count: number; children: ReactNode; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="device-history__block" data-testid={testId}>
      <h3 className="panel-subtitle">
        {title} ({count})
      </h3>
      {count === 0 ? <p className="muted">{t('devicePage.none')}</p> : <ul className="device-history__list">{children}</ul>}
    </div>
  );
}

/** Past requests, screen sessions, restores and accesses of the device, newest first. */
function History({ h }: { h: DeviceHistory }) {
  const { t, i18n } = useTranslation();
  const me = useSession((s) => s.technician);
  const privileged = me?.role === 'supervisor' || me?.role === 'admin';
  const when = (iso: string) => formatDateTime(iso, i18n.language);
  return (
    <section className="device-history" aria-labelledby="device-history-title" data-testid="device-history">
      <h2 id="device-history-title" className="panel-title">
        {t('devicePage.history')}
      </h2>
      <p className="muted">{t('devicePage.historyIntro', { limit: h.limit })}</p>
      <HistoryList title={t('devicePage.requests')} count={h.requests.length} testId="history-requests">
        {h.requests.map((r) => (
          <li key={r.id} data-request-id={r.id}>
            <span
              className={`status-pill status-pill--${r.status === 'resolved' ? 'ok' : r.status === 'cancelled' ? 'unknown' : 'warning'}`}
            >
              {t(`devicePage.request.status.${r.status}`)}
            </span>{' '}
            {privileged || r.technician?.id === me?.id ? (
              <a href={routeHref({ name: 'request', id: r.id })}>
                {t('devicePage.request.line', { date: when(r.createdAt), topic: r.topic ? t(`topics.${r.topic}`) : t('queue.noTopic') })}
              </a>
            ) : (
              t('devicePage.request.line', { date: when(r.createdAt), topic: r.topic ? t(`topics.${r.topic}`) : t('queue.noTopic') })
            )}{' '}
            <span className="muted">
              {r.technician ? t('devicePage.request.by', { name: r.technician.displayName }) : t('devicePage.request.unassigned')}
            </span>
            {r.resolutionNote ? <p className="device-history__note">{t('devicePage.request.note', { note: r.resolutionNote })}</p> : null}
          </li>
        ))}
      </HistoryList>
      <HistoryList title={t('devicePage.sessions')} count={h.sessions.length} testId="history-sessions">
        {h.sessions.map((s) => (
          <li key={s.id}>
            {t('devicePage.session.line', { date: when(s.requestedAt), name: s.technician.displayName })} —{' '}
            {s.consentAt ? t(`devicePage.session.kind.${s.kind}`) : t('devicePage.session.notStarted')}
            <span className="muted"> · {s.endReason ? t(`screen.endReasons.${s.endReason}`) : t('devicePage.session.live')}</span>
          </li>
        ))}
      </HistoryList>
      <HistoryList title={t('devicePage.restores')} count={h.restores.length} testId="history-restores">
        {h.restores.map((r) => (
          <li key={r.jobId}>
            {t('devicePage.restore.line', {
              date: when(r.createdAt),
              name: r.technician.displayName,
              what: r.names.length ? quotedNames(t, r.names) : t('devicePage.restore.items', { count: r.items }),
            })}{' '}
            <span className="muted">
              · {t(`devicePage.restore.state.${r.state}`)} ·{' '}
              {r.accessId ? t('devicePage.restore.fromAccess') : t('devicePage.restore.fromRequest')}
            </span>
          </li>
        ))}
      </HistoryList>
      <HistoryList title={t('devicePage.accesses')} count={h.accesses.length} testId="history-accesses">
        {h.accesses.map((a) => (
          <li key={a.id}>
            {t('devicePage.access.line', { date: when(a.requestedAt), name: a.technician.displayName })}
            <span className="muted">
              {' '}
              ·{' '}
              {a.endReason
                ? t(`backup.ui.access.ended.${a.endReason}`)
                : a.grantedAt
                  ? t('devicePage.session.live')
                  : t('backup.ui.access.waiting')}
            </span>
          </li>
        ))}
      </HistoryList>
    </section>
  );
}

/**
 * A device of the fleet (« Parc » row opened): its facts, its security report, its backups (asked
 * to the practitioner first, like screen sharing) and its history.
 */
export function DevicePage({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const controller = useController();
  const entry = useFleet((s) => s.history[deviceId]);
  const accessState = useStore(controller.backup.store, (s) => s.access[deviceId]?.access?.state);
  // The newest restore under this technician's access to the device, and its state.
  const accessJob = useStore(controller.backup.store, (s) => {
    const a = s.access[deviceId]?.access;
    const e = a ? s.byScope[scopeKey({ accessId: a.id })] : undefined;
    return e?.lastJobId ? `${e.lastJobId}:${e.jobs[e.lastJobId]?.state ?? ''}` : null;
  });

  useEffect(() => {
    void controller.fleet.loadHistory(deviceId);
  }, [controller, deviceId]);
  // An access that starts or ends, or a restore under it, belongs to the history: read it again.
  useEffect(() => {
    if (accessState || accessJob) void controller.fleet.loadHistory(deviceId);
  }, [controller, deviceId, accessState, accessJob]);

  const h = entry?.data ?? null;
  if (!h)
    return (
      <section className="page" aria-busy={entry?.status !== 'error'}>
        {entry?.status === 'error' ? (
          <p className="notice notice--error" role="alert">
            {controller.errorText(entry.error ?? 'INTERNAL')}
          </p>
        ) : (
          <p role="status" className="muted">
            {t('devicePage.loading')}
          </p>
        )}
        <a className="btn btn--ghost" href={routeHref({ name: 'fleet' })}>
          {t('devicePage.back')}
        </a>
      </section>
    );

  const d = h.device;
  const health = h.report?.health ? { value: h.report.health, at: h.report.health.at } : null;
  const backup = h.report?.backup ? { value: h.report.backup, at: h.report.reportedAt } : null;
  return (
    <section className="page device-page" aria-labelledby="device-title" data-device-id={d.id}>
      <div className="page__head">
        <div>
          <h1 id="device-title">{t('devicePage.title', { device: d.name, practice: d.practiceName })}</h1>
          <p className="page__meta">
            <DeviceStatus online={d.online} />
          </p>
        </div>
        <a className="btn btn--ghost" href={routeHref({ name: 'fleet' })}>
          {t('devicePage.back')}
        </a>
        <button type="button" className="btn btn--ghost" onClick={() => void controller.fleet.loadHistory(deviceId)}>
          {t('fleet.refresh')}
        </button>
      </div>
      {entry?.error ? (
        <p className="notice notice--error" role="alert">
          {controller.errorText(entry.error)}
        </p>
      ) : null}
      {d.revoked ? <p className="notice notice--warn">{t('devicePage.revoked')}</p> : null}
      <section className="ws-facts" aria-label={t('facts.title')} data-testid="context">
        <DeviceFacts device={d}>
          <SummaryPills health={health} backup={backup} healthTarget="device-health" backupTarget="backups" />
        </DeviceFacts>
      </section>
      <div className="device-page__grid">
        <div>
          <DeviceHealthPanel deviceId={d.id} fallback={h.report?.health ?? null} />
          {d.revoked ? null : <AccessPanel deviceId={d.id} online={d.online} report={h.report} />}
        </div>
        <History h={h} />
      </div>
    </section>
  );
}
