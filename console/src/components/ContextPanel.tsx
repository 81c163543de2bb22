import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupSummary, HealthSummary } from '@vigie/common';
import { useWorkspace } from '../app/context';
import { formatBytes, formatDateTime } from '../lib/time';
import { useDurationText } from './format';
import { DeviceStatus } from './DeviceStatus';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="facts__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function NotProvided() {
  const { t } = useTranslation();
  return <span className="muted">{t('context.notProvided')}</span>;
}

function Health({ health }: { health: HealthSummary }) {
  const { t } = useTranslation();
  return (
    <div className={`health health--${health.worst}`}>
      <span className={`status-pill status-pill--${health.worst}`}>{t(`context.healthStatus.${health.worst}`)}</span> {t('context.healthScore', { score: health.score })}
      <div className="muted">{t('context.healthCounts', health.counts)}</div>
      {health.worstCheck ? <div>{t('context.worstCheck', { title: health.worstCheck.title })}</div> : null}
    </div>
  );
}

function Backup({ backup }: { backup: BackupSummary }) {
  const { t, i18n } = useTranslation();
  const pill = backup.headline === 'ok' ? 'ok' : backup.headline === 'running' ? 'unknown' : backup.headline === 'failed' ? 'critical' : 'warning';
  return (
    <div className="backup">
      <span className={`status-pill status-pill--${pill}`}>{t(`context.backupHeadline.${backup.headline}`)}</span>
      {backup.lastSuccessAt ? <div>{t('context.lastSuccess', { date: formatDateTime(backup.lastSuccessAt, i18n.language) })}</div> : null}
      {backup.nextRunAt ? <div className="muted">{t('context.nextRun', { date: formatDateTime(backup.nextRunAt, i18n.language) })}</div> : null}
      {backup.sizeBytes !== null ? <div className="muted">{t('context.size', { size: formatBytes(backup.sizeBytes, i18n.language) })}</div> : null}
      {backup.message ? <div>{backup.message}</div> : null}
    </div>
  );
}

/** Facts about the device: as enrolled, as reported with the request, and the latest report. */
export function ContextPanel({ requestId }: { requestId: string }) {
  const { t, i18n } = useTranslation();
  const duration = useDurationText();
  const conv = useWorkspace((s) => s.conversations[requestId]);
  const device = conv?.device ?? null;
  const ctx = conv?.request?.context ?? null;
  const deviceId = conv?.request?.deviceId;
  const report = useWorkspace((s) => (deviceId ? s.reports[deviceId] : undefined));
  const osName = (os: string | undefined) => (os ? t(`os.${os}`) : undefined);

  return (
    <aside className="context" aria-labelledby="ctx-title">
      <h2 id="ctx-title" className="panel-title">
        {t('context.title')}
      </h2>
      <dl className="facts" data-testid="context">
        <Row label={t('context.os')}>{ctx ? osName(ctx.os) : <NotProvided />}</Row>
        <Row label={t('context.osVersion')}>{ctx?.osVersion ? ctx.osVersion : <NotProvided />}</Row>
        <Row label={t('context.appVersion')}>{ctx?.appVersion ? ctx.appVersion : <NotProvided />}</Row>
        {ctx?.hostname ? <Row label={t('context.hostname')}>{ctx.hostname}</Row> : null}
        {ctx?.uptimeSeconds !== undefined ? <Row label={t('context.uptime')}>{duration(ctx.uptimeSeconds * 1000)}</Row> : null}
        <Row label={t('context.health')}>{ctx?.health ? <Health health={ctx.health} /> : <NotProvided />}</Row>
        <Row label={t('context.backup')}>{ctx?.backup ? <Backup backup={ctx.backup} /> : <NotProvided />}</Row>
      </dl>

      {report ? (
        <>
          <h3 className="panel-subtitle">{t('context.reportedAt', { date: formatDateTime(report.reportedAt, i18n.language) })}</h3>
          <dl className="facts">
            <Row label={t('context.health')}>{report.health ? <Health health={report.health} /> : <NotProvided />}</Row>
            <Row label={t('context.backup')}>{report.backup ? <Backup backup={report.backup} /> : <NotProvided />}</Row>
          </dl>
        </>
      ) : null}

      <h2 className="panel-title">{t('device.title')}</h2>
      {device ? (
        <dl className="facts" data-testid="device-info">
          <Row label={t('device.name')}>{device.name}</Row>
          <Row label={t('device.practice')}>{device.practiceName}</Row>
          <Row label={t('device.os')}>
            {osName(device.os)} {device.osVersion}
          </Row>
          <Row label={t('device.model')}>{device.model || <NotProvided />}</Row>
          <Row label={t('device.appVersion')}>{device.appVersion}</Row>
          <Row label={t('device.online')}>
            <DeviceStatus online={device.online} />
          </Row>
          <Row label={t('device.lastSeen')}>{device.lastSeenAt ? formatDateTime(device.lastSeenAt, i18n.language) : t('device.never')}</Row>
          <Row label={t('device.enrolledAt')}>{formatDateTime(device.enrolledAt, i18n.language)}</Row>
        </dl>
      ) : (
        <p className="muted">{conv?.detail === 'error' && conv.error ? t(`errors.${conv.error}`) : t('workspace.loading')}</p>
      )}
    </aside>
  );
}
