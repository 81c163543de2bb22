import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupSummary, ContextSnapshot, Device, HealthSummary } from '@vigie/common';
import { useWorkspace } from '../app/context';
import { routeHref } from '../lib/router';
import { formatDateTime } from '../lib/time';
import { useDurationText } from './format';
import { DeviceStatus } from './DeviceStatus';

/** The newest of two dated summaries (the request's snapshot and the device's latest report). */
export function newest<T>(a: { value: T; at: string } | null, b: { value: T; at: string } | null): { value: T; at: string } | null {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b.at) > Date.parse(a.at) ? b : a;
}

const BACKUP_PILL: Record<BackupSummary['headline'], string> = {
  ok: 'ok',
  running: 'unknown',
  stale: 'warning',
  failed: 'critical',
  'not-configured': 'warning',
};

function Fact({ label, children, wide = false }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={`ws-fact${wide ? ' ws-fact--wide' : ''}`}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Scrolls to a section of the page (the console's routes live in the URL fragment: no in-page anchors). */
function JumpButton({ target, label, children }: { target: string; label: string; children: ReactNode }) {
  return (
    <button
      type="button"
      className="ws-jump"
      title={label}
      aria-label={label}
      onClick={() => document.getElementById(target)?.scrollIntoView({ behavior: 'smooth', block: 'start' })}
    >
      {children}
    </button>
  );
}

/** One health pill and one backup pill: the newest known summaries, linking to their sections. */
export function SummaryPills({
  health,
  backup,
  healthTarget,
  backupTarget,
}: {
  health: { value: HealthSummary; at: string } | null;
  backup: { value: BackupSummary; at: string } | null;
  healthTarget: string;
  backupTarget: string;
}) {
  const { t, i18n } = useTranslation();
  const notProvided = <span className="muted">{t('context.notProvided')}</span>;
  return (
    <>
      <Fact label={t('facts.security')}>
        {health ? (
          <JumpButton target={healthTarget} label={t('facts.toSecurity')}>
            <span className={`status-pill status-pill--${health.value.worst}`}>
              {t('context.healthScore', { score: health.value.score })}
            </span>{' '}
            <span className="muted">{t('facts.asOf', { date: formatDateTime(health.at, i18n.language) })}</span>
          </JumpButton>
        ) : (
          notProvided
        )}
      </Fact>
      <Fact label={t('facts.backups')}>
        {backup ? (
          <JumpButton target={backupTarget} label={t('facts.toBackups')}>
            <span className={`status-pill status-pill--${BACKUP_PILL[backup.value.headline]}`}>
              {t(`context.backupHeadline.${backup.value.headline}`)}
            </span>{' '}
            <span className="muted">{t('facts.asOf', { date: formatDateTime(backup.at, i18n.language) })}</span>
          </JumpButton>
        ) : (
          notProvided
        )}
      </Fact>
    </>
  );
}

/** The device's facts, once: name and practice, system, Vigie version, model, connection, enrolment. */
export function DeviceFacts({
  device,
  context,
  children,
}: {
  device: Device | null;
  context?: ContextSnapshot | null;
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const duration = useDurationText();
  const os = device?.os ?? context?.os;
  const osVersion = device?.osVersion ?? context?.osVersion;
  return (
    <dl className="ws-facts__list" data-testid="device-info">
      <Fact label={t('facts.device')}>
        {device ? (
          <>
            <a href={routeHref({ name: 'device', id: device.id })} className="ws-facts__device">
              {device.name}
            </a>{' '}
            <span className="muted">({device.practiceName})</span>
          </>
        ) : (
          <span className="muted">{t('workspace.loading')}</span>
        )}
      </Fact>
      <Fact label={t('facts.system')}>
        {os ? `${t(`os.${os}`)} ${osVersion ?? ''}`.trim() : <span className="muted">{t('context.notProvided')}</span>}
      </Fact>
      <Fact label={t('facts.app')}>
        {device?.appVersion ?? context?.appVersion ?? <span className="muted">{t('context.notProvided')}</span>}
      </Fact>
      {device?.model ? <Fact label={t('facts.model')}>{device.model}</Fact> : null}
      {device ? (
        <Fact label={t('facts.connection')}>
          <DeviceStatus online={device.online} />
          {!device.online && device.lastSeenAt ? (
            <span className="muted"> · {t('facts.seenAt', { date: formatDateTime(device.lastSeenAt, i18n.language) })}</span>
          ) : null}
        </Fact>
      ) : null}
      {context?.hostname ? <Fact label={t('facts.hostname')}>{context.hostname}</Fact> : null}
      {context?.uptimeSeconds !== undefined ? <Fact label={t('facts.uptime')}>{duration(context.uptimeSeconds * 1000)}</Fact> : null}
      {children}
    </dl>
  );
}

/**
 * The request workspace's facts in one compact block: what the practice asked (topic,
 * description), the device (once), and one pill each for security and backups — the newest of the
 * request's snapshot and the device's latest report — that lead to their sections below.
 */
export function ContextPanel({ requestId }: { requestId: string }) {
  const { t } = useTranslation();
  const conv = useWorkspace((s) => s.conversations[requestId]);
  const request = conv?.request ?? null;
  const ctx = request?.context ?? null;
  const report = useWorkspace((s) => (request ? s.reports[request.deviceId] : undefined));
  const health = newest(
    ctx?.health ? { value: ctx.health, at: ctx.health.at } : null,
    report?.health ? { value: report.health, at: report.health.at } : null,
  );
  const backup = newest(
    ctx?.backup && request ? { value: ctx.backup, at: request.createdAt } : null,
    report?.backup ? { value: report.backup, at: report.reportedAt } : null,
  );
  return (
    <section className="ws-facts" aria-label={t('facts.title')} data-testid="context">
      <dl className="ws-facts__request">
        <Fact label={t('workspace.topic')}>{request?.topic ? t(`topics.${request.topic}`) : t('queue.noTopic')}</Fact>
        <Fact label={t('workspace.description')} wide>
          <span className="workspace__description">{request?.description ?? t('queue.noDescription')}</span>
        </Fact>
      </dl>
      <DeviceFacts device={conv?.device ?? null} context={ctx}>
        <SummaryPills health={health} backup={backup} healthTarget="device-health" backupTarget="backups" />
      </DeviceFacts>
      {conv?.detail === 'error' && conv.error ? <p className="notice notice--error">{t(`errors.${conv.error}`)}</p> : null}
    </section>
  );
}
