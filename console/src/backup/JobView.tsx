import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorBody, RestoreJob } from '@vigie/common';
import { useController } from '../app/context';
import { formatDateTime } from '../lib/time';
import type { BackupScope } from './controller';
import { BackupErrorNotice } from './ErrorNotice';

const FINAL = new Set<RestoreJob['state']>(['done', 'failed', 'cancelled']);

/** The restore the technician started: live progress, then what was put where. */
export function JobView({ scope, job }: { scope: BackupScope; job: RestoreJob }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const [cancelError, setCancelError] = useState<ErrorBody | null>(null);
  const final = FINAL.has(job.state);
  const fraction = job.state === 'done' ? 1 : (job.progress?.fraction ?? null);
  const percent = fraction === null ? null : Math.round(fraction * 100);
  const secs = job.progress?.secondsRemaining ?? null;
  const remaining =
    !final && secs !== null
      ? t('backup.ui.remaining', { time: secs < 60 ? t('backup.ui.seconds') : t('backup.ui.minutes', { count: Math.ceil(secs / 60) }) })
      : null;
  const cancel = async () => {
    setCancelError(null);
    const r = await controller.backup.cancel(scope, job.id);
    if (!r.ok) setCancelError(r.error);
  };
  return (
    <div className="bk-job" data-testid="backup-job" data-state={job.state}>
      <h3 className="panel-subtitle">{t('backup.ui.progress')}</h3>
      <div role="status" aria-live="polite">
        {percent === null ? (
          <progress aria-label={t(`backup.restoreStates.${job.state}`)} />
        ) : (
          <progress max={100} value={percent} aria-label={t(`backup.restoreStates.${job.state}`)} />
        )}
        <p>
          <strong>{t(`backup.restoreStates.${job.state}`)}</strong>
          {percent !== null ? ` · ${t('backup.ui.percent', { percent })}` : ''}
          {remaining ? ` · ${remaining}` : ''}
        </p>
      </div>
      {job.state === 'done' && job.result
        ? job.result.items.map((i) => (
            <p key={i.to}>
              {t('backup.ui.restoredTo', { path: i.to })}
              {i.previousVersion ? <span className="muted"> — {t('backup.ui.previousKept', { path: i.previousVersion })}</span> : null}
            </p>
          ))
        : null}
      {job.error && job.state !== 'done' ? <BackupErrorNotice error={job.error} /> : null}
      {!final && job.state !== 'moving' ? (
        <button type="button" className="btn btn--ghost" onClick={() => void cancel()}>
          {t('backup.ui.cancel')}
        </button>
      ) : null}
      {cancelError ? <BackupErrorNotice error={cancelError} /> : null}
      <p className="muted bk-job__when">{formatDateTime(job.createdAt, i18n.language)}</p>
    </div>
  );
}
