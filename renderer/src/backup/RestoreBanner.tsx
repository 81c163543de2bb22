import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorBody, RestoreJob } from '@vigie/common';
import { useAttach } from '../store.js';
import { ErrorBlock, RestoreProgressBar, restoredLine, usePlaces } from './parts.js';
import { backupApi, isFinal, useBackup } from './store.js';
import './backup.css';

const treeName = (p: string) => p.slice(p.lastIndexOf('/') + 1) || p;

function TechnicianRestore({ job }: { job: RestoreJob }) {
  const { t, i18n } = useTranslation();
  const places = usePlaces();
  const dismiss = useBackup((s) => s.dismiss);
  const [opened, setOpened] = useState<'idle' | 'ok' | ErrorBody>('idle');
  const name = job.requestedBy?.name ?? '';
  const what =
    job.request.paths.length === 1
      ? t('backup.relay.what.item', { name: treeName(job.request.paths[0]!) })
      : t('backup.relay.what.items', { count: job.request.paths.length });
  const key = job.state === 'done' ? 'done' : job.state === 'failed' ? 'failed' : job.state === 'cancelled' ? 'cancelled' : 'restoring';
  const open = async () => {
    const r = await backupApi()?.backup.openFolder({ jobId: job.id });
    if (r) setOpened(r.ok ? 'ok' : r.error);
  };
  return (
    <section
      className={`panel restore-banner restore-banner--${key}`}
      aria-labelledby={`tech-restore-${job.id}`}
      data-testid="technician-restore"
      data-state={job.state}
    >
      <h2 id={`tech-restore-${job.id}`}>{t(`backup.relay.${key}`, { name, what })}</h2>
      <div role="status" aria-live="polite">
        <RestoreProgressBar job={job} />
      </div>
      {job.state === 'done' && job.result
        ? job.result.items.map((i) => (
            <div key={i.to}>
              <p>{restoredLine(t, job.snapshotTime, i.to, places.text, i18n.language === 'en' ? 'en' : 'fr')}</p>
              {i.previousVersion ? (
                <p className="hint">{t('backup.ui.wizard.previousKept', { place: places.text(i.previousVersion) })}</p>
              ) : null}
            </div>
          ))
        : null}
      {job.error && job.state === 'failed' ? <ErrorBlock error={job.error} /> : null}
      {opened === 'ok' ? (
        <p role="status">{t('backup.ui.wizard.folderOpened')}</p>
      ) : opened !== 'idle' ? (
        <ErrorBlock error={opened} />
      ) : null}
      {isFinal(job) ? (
        <div className="row">
          {job.state === 'done' ? (
            <button type="button" className="primary" onClick={() => void open()}>
              {t('backup.actions.openFolder')}
            </button>
          ) : null}
          <button type="button" className="secondary" onClick={() => dismiss(job.id)}>
            {t('backup.ui.banner.dismiss')}
          </button>
        </div>
      ) : null}
    </section>
  );
}

/**
 * Restores a technician started for this practice, shown above every tab: "Julie Martin restaure
 * « rapport.pdf » pour vous", the progress, then the result (closed by the practitioner).
 */
export function RestoreBanner() {
  const attach = useBackup((s) => s.attach);
  const jobs = useBackup((s) => s.jobs);
  const dismissed = useBackup((s) => s.dismissed);
  useAttach(attach);
  const shown = Object.values(jobs)
    .filter((j) => j.request.origin === 'technician' && j.requestedBy && !dismissed[j.id])
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, 3);
  if (shown.length === 0) return null;
  return (
    <>
      {shown.map((j) => (
        <TechnicianRestore key={j.id} job={j} />
      ))}
    </>
  );
}
