import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { backupHeadlineKey, type BackupSummary } from '@vigie/common';
import { useController, useSession, useWorkspace } from '../app/context';
import { formatDateTime } from '../lib/time';
import { scopeKey, type BackupConsoleState, type BackupScope } from './controller';
import { BackupErrorNotice } from './ErrorNotice';
import { BackupFacts, PILL, ReportedBackup } from './Facts';
import { JobView } from './JobView';
import { RestoreForm, useRestore, type Choice } from './RestoreForm';
import { Search } from './Search';
import { SnapshotBrowser } from './SnapshotBrowser';
import './backup.css';

/*
 * The console's backups of a device: this module puts the section together; its parts have their
 * modules beside it (SnapshotBrowser, Search, RestoreForm with its data flow, JobView, Facts,
 * ErrorNotice). The notice and the reported summary are re-exported for the pages that show them.
 */
export { BackupErrorNotice } from './ErrorNotice';
export { ReportedBackup } from './Facts';

const useBackups = <T,>(sel: (s: BackupConsoleState) => T): T => useStore(useController().backup.store, sel);

/**
 * A device's backups, live from the device under `scope` (a request the technician works on, or
 * an access the practitioner granted): status, backups by date, browse or search, « Restaurer sur
 * le poste » (copy beside by default) and the restore's live progress. When they cannot be asked
 * (`unavailable`: not allowed, device offline…), that sentence and the last reported summary.
 */
export function BackupBrowser({
  scope,
  unavailable,
  reported,
}: {
  scope: BackupScope;
  unavailable: string | null;
  reported: { summary: BackupSummary | null; at: string | null };
}) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const key = scopeKey(scope);
  const entry = useBackups((s) => s.byScope[key]);
  const [snapshotId, setSnapshotId] = useState<string | null>(null);
  const [choice, setChoice] = useState<Choice | null>(null);
  const restore = useRestore(scope);

  useEffect(() => {
    if (!unavailable) void controller.backup.load(parseScope(key));
  }, [controller, key, unavailable]);

  const snapshots = entry?.snapshots ?? null;
  const snapshot = snapshots?.find((s) => s.id === snapshotId) ?? snapshots?.[0] ?? null;
  const job = entry?.lastJobId ? entry.jobs[entry.lastJobId] : undefined;
  const status = entry?.status ?? null;

  let body;
  if (unavailable)
    body = (
      <>
        <p className="notice notice--warn">{unavailable}</p>
        <ReportedBackup summary={reported.summary} at={reported.at} />
      </>
    );
  else if (!entry || (entry.load === 'loading' && !status && !snapshots))
    body = (
      <p className="muted" role="status">
        {t('backup.ui.loading')}
      </p>
    );
  else
    body = (
      <>
        {entry.error ? <BackupErrorNotice error={entry.error} /> : null}
        {!status && entry.error ? <ReportedBackup summary={reported.summary} at={reported.at} /> : null}
        {status ? (
          <div className="bk-status" data-testid="backup-status" data-headline={status.headline}>
            <p>
              <span className={`status-pill status-pill--${PILL[status.headline] ?? 'unknown'}`}>
                {(() => {
                  const h = backupHeadlineKey(status);
                  return t(`backup.${h.key}`, h.vars);
                })()}
              </span>
            </p>
            <BackupFacts summary={status} count={snapshots ? snapshots.length : null} />
          </div>
        ) : null}
        {snapshots && snapshots.length === 0 ? <p className="muted">{t('backup.ui.noSnapshots')}</p> : null}
        {snapshots && snapshot ? (
          <>
            <div className="field bk-snapshot">
              <label htmlFor={`bk-snap-${key}`}>{t('backup.ui.snapshot')}</label>
              <select id={`bk-snap-${key}`} value={snapshot.id} onChange={(e) => setSnapshotId(e.target.value)}>
                {snapshots.map((s) => (
                  <option key={s.id} value={s.id}>
                    {t('backup.ui.snapshotOption', { date: formatDateTime(s.time, i18n.language) })}
                  </option>
                ))}
              </select>
            </div>
            <SnapshotBrowser scope={scope} snapshot={snapshot} onChoice={setChoice} />
            <Search scope={scope} onChoice={setChoice} />
            <RestoreForm name={`bk-mode-${key}`} choice={choice} restore={restore} />
          </>
        ) : null}
      </>
    );

  return (
    <>
      {!unavailable ? (
        <div className="bk-section__tools">
          <button
            type="button"
            className="btn btn--ghost btn--small"
            onClick={() => void controller.backup.load(scope)}
            disabled={entry?.load === 'loading'}
          >
            {t('backup.ui.refresh')}
          </button>
        </div>
      ) : null}
      {body}
      {job ? <JobView scope={scope} job={job} /> : null}
    </>
  );
}

const parseScope = (key: string): BackupScope =>
  key.startsWith('request:') ? { requestId: key.slice('request:'.length) } : { accessId: key.slice('access:'.length) };

/** The request workspace's « Sauvegardes » section (the technician in charge, or a supervisor, while the request is open). */
export function BackupSection({ requestId }: { requestId: string }) {
  const { t } = useTranslation();
  const conv = useWorkspace((s) => s.conversations[requestId]);
  const me = useSession((s) => s.technician);
  const request = conv?.request ?? null;
  const report = useWorkspace((s) => (request ? s.reports[request.deviceId] : undefined));
  const online = conv?.device?.online ?? false;
  const open = request?.status === 'waiting' || request?.status === 'assigned';
  const privileged = me?.role === 'supervisor' || me?.role === 'admin';
  const canAct = !!request && open && ((request.status === 'assigned' && request.technician?.id === me?.id) || privileged);
  const reported = report?.backup
    ? { summary: report.backup, at: report.reportedAt }
    : { summary: request?.context?.backup ?? null, at: request?.context?.backup ? (request?.createdAt ?? null) : null };
  return (
    <section id="backups" className="bk-section" aria-labelledby={`bk-title-${requestId}`} data-testid="backup-section">
      <h2 id={`bk-title-${requestId}`} className="panel-title">
        {t('backup.ui.title')}
      </h2>
      <BackupBrowser
        scope={{ requestId }}
        unavailable={!canAct ? t('backup.ui.notAllowed') : !online ? t('backup.ui.offline') : null}
        reported={reported}
      />
    </section>
  );
}
