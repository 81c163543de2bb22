import { useTranslation } from 'react-i18next';
import { backupHeadlineKey, type BackupSummary } from '@vigie/common';
import { formatBytes, formatDateTime } from '../lib/time';

/** A device's backup facts as the technician reads them: the rows of a live status or of the last reported summary. */

/** The status pill's colour for each backup headline. */
export const PILL: Record<string, string> = {
  ok: 'ok',
  running: 'unknown',
  stale: 'warning',
  failed: 'critical',
  'not-configured': 'warning',
};

/** Last success, next run, size and (asked live) how many backups: the same rows for a live status and a reported summary. */
export function BackupFacts({
  summary,
  count,
}: {
  summary: Pick<BackupSummary, 'lastSuccessAt' | 'nextRunAt' | 'sizeBytes'>;
  count: number | null;
}) {
  const { t, i18n } = useTranslation();
  const rows: Array<[string, string]> = [
    [t('backup.ui.lastSuccess'), summary.lastSuccessAt ? formatDateTime(summary.lastSuccessAt, i18n.language) : t('backup.ui.never')],
  ];
  if (summary.nextRunAt) rows.push([t('backup.ui.nextRun'), formatDateTime(summary.nextRunAt, i18n.language)]);
  if (summary.sizeBytes !== null) rows.push([t('backup.ui.size'), formatBytes(summary.sizeBytes, i18n.language)]);
  if (count !== null) rows.push([t('backup.ui.count'), String(count)]);
  return (
    <dl className="facts">
      {rows.map(([label, value]) => (
        <div key={label} className="facts__row">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The last summary the device sent (`device:report`), for when its backups cannot be asked live. */
export function ReportedBackup({ summary, at }: { summary: BackupSummary | null; at: string | null }) {
  const { t, i18n } = useTranslation();
  if (!summary || !at) return <p className="muted">{t('backup.ui.noReport')}</p>;
  const h = backupHeadlineKey(summary);
  return (
    <div className="bk-status" data-testid="backup-reported" data-headline={summary.headline}>
      <p className="muted">{t('backup.ui.reported', { date: formatDateTime(at, i18n.language) })}</p>
      <p>
        <span className={`status-pill status-pill--${PILL[summary.headline] ?? 'unknown'}`}>{t(`backup.${h.key}`, h.vars)}</span>
      </p>
      <BackupFacts summary={summary} count={null} />
    </div>
  );
}
