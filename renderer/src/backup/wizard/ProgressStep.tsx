import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorBody } from '@vigie/common';
import { ErrorBlock, RestoreProgressBar, StepHeading, restoredLine, usePlaces } from '../parts.js';
import { backupApi, isFinal, useBackup } from '../store.js';

/** The restore wizard's step 4: the restore's live progress (cancel while it runs), then what was put where and « Ouvrir le dossier ». */
export function ProgressStep({ jobId, onRetry, onClose }: { jobId: string; onRetry: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const job = useBackup((s) => s.jobs[jobId]);
  const api = backupApi();
  const places = usePlaces();
  const { i18n } = useTranslation();
  const [cancelling, setCancelling] = useState(false);
  const [opened, setOpened] = useState<'idle' | 'ok' | ErrorBody>('idle');
  if (!job) return <p role="status">{t('backup.ui.loading')}</p>;
  const final = isFinal(job);

  const cancel = async () => {
    if (!api) return;
    setCancelling(true);
    await api.backup.cancelRestore({ jobId });
    setCancelling(false);
  };
  const open = async () => {
    if (!api) return;
    const r = await api.backup.openFolder({ jobId });
    setOpened(r.ok ? 'ok' : r.error);
  };

  return (
    <div className="backup-step" data-job-state={job.state}>
      <StepHeading id={`wizard-progress-${final ? 'end' : 'run'}`}>
        {final ? t(`backup.restoreStates.${job.state}`) : t('backup.ui.wizard.progressTitle')}
      </StepHeading>
      <div role="status" aria-live="polite">
        <RestoreProgressBar job={job} showState={!final} />
      </div>
      {job.state === 'done' && job.result ? (
        <ul className="backup-restored">
          {job.result.items.map((i) => (
            <li key={i.to}>
              <p>{restoredLine(t, job.snapshotTime, i.to, places.text, i18n.language === 'en' ? 'en' : 'fr')}</p>
              {i.previousVersion ? (
                <p className="hint">{t('backup.ui.wizard.previousKept', { place: places.text(i.previousVersion) })}</p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {job.error && job.state !== 'done' ? <ErrorBlock error={job.error} /> : null}
      {opened === 'ok' ? (
        <p role="status">{t('backup.ui.wizard.folderOpened')}</p>
      ) : opened !== 'idle' ? (
        <ErrorBlock error={opened} />
      ) : null}
      <div className="row backup-step__actions">
        {!final && job.state !== 'moving' ? (
          <button type="button" className="secondary" onClick={() => void cancel()} disabled={cancelling}>
            {cancelling ? t('backup.ui.wizard.cancelling') : t('backup.ui.wizard.cancel')}
          </button>
        ) : null}
        {job.state === 'done' ? (
          <button type="button" className="primary" onClick={() => void open()}>
            {t('backup.actions.openFolder')}
          </button>
        ) : null}
        {job.state === 'failed' || job.state === 'cancelled' ? (
          <button type="button" className="primary" onClick={onRetry}>
            {t('backup.ui.wizard.retry')}
          </button>
        ) : null}
        {final ? (
          <button type="button" className="secondary" onClick={onClose}>
            {t('backup.ui.wizard.finish')}
          </button>
        ) : null}
      </div>
    </div>
  );
}
