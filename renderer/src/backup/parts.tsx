import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupError, ErrorBody, Locale, Place, RestoreJob } from '@vigie/common';
import { backupErrorSentences } from '../../../web/backup-errors.js';
import { baseName, crumbText, duration, longDate, placeCrumbs, type PlaceCrumb } from './format.js';
import { useBackup } from './store.js';

/** A step heading that takes focus when it appears, so keyboard and screen-reader users follow. */
export function StepHeading({ id, children, level = 2 }: { id: string; children: ReactNode; level?: 1 | 2 }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), [id]);
  const Tag = level === 1 ? 'h1' : 'h2';
  return (
    <Tag id={id} ref={ref} tabIndex={-1}>
      {children}
    </Tag>
  );
}

type T = ReturnType<typeof useTranslation>['t'];

/**
 * What went wrong and what to do, in the UI's language: by the message key when there is one
 * (a call's error details or a restore job's error alike), else by the backup reason. The one
 * definition both UIs use (web/backup-errors.ts).
 */
export const errorSentences = backupErrorSentences;

export function ErrorBlock({ error }: { error: ErrorBody | BackupError }) {
  const { t } = useTranslation();
  const { message, nextStep } = errorSentences(t, error);
  return (
    <div className="error backup-error" role="alert">
      <p>{message}</p>
      {nextStep ? <p className="backup-error__next">{nextStep}</p> : null}
    </div>
  );
}

/** Progress bar with percentage and time left, in words; indeterminate while the total is unknown. */
export function RestoreProgressBar({ job, showState = true }: { job: RestoreJob; showState?: boolean }) {
  const { t } = useTranslation();
  const p = job.progress;
  const done = job.state === 'done';
  const fraction = done ? 1 : (p?.fraction ?? null);
  const percent = fraction === null ? null : Math.round(fraction * 100);
  const label = t(`backup.restoreStates.${job.state}`);
  const remaining =
    done || job.state === 'failed' || job.state === 'cancelled'
      ? null
      : p?.secondsRemaining === null || p?.secondsRemaining === undefined
        ? null
        : p.secondsRemaining < 5
          ? t('backup.ui.wizard.remainingSoon')
          : t('backup.ui.wizard.remaining', { time: duration(p.secondsRemaining, t) });
  return (
    <div className="restore-progress" data-state={job.state}>
      {percent === null ? (
        <progress className="restore-progress__bar" aria-label={label} />
      ) : (
        <progress
          className="restore-progress__bar"
          max={100}
          value={percent}
          aria-label={label}
          aria-valuetext={t('backup.ui.wizard.percent', { percent })}
        />
      )}
      <p className="restore-progress__text">
        {[
          showState ? label : null,
          percent !== null ? t('backup.ui.wizard.percent', { percent }) : null,
          remaining,
          p?.totalFiles && p.filesDone !== null && !done ? t('backup.ui.wizard.files', { done: p.filesDone, total: p.totalFiles }) : null,
        ]
          .filter((x): x is string => !!x)
          .map((x, i) => (
            <span key={i} className={i === 0 && showState ? 'restore-progress__state' : undefined}>
              {i > 0 ? ' · ' : ''}
              {x}
            </span>
          ))}
      </p>
    </div>
  );
}

/** Local paths as places in the UI's language: `crumbs` (each with its folder) and `text` (« Bureau › Dossier patients »). */
export function usePlaces(): { crumbs: (path: string) => PlaceCrumb[]; text: (path: string) => string } {
  const { t } = useTranslation();
  const places = useBackup((s) => s.places);
  const label = (p: Place) => (p.kind === 'backed-up' ? baseName(p.path) : t(`backup.ui.places.${p.kind}`));
  const crumbs = (path: string) => placeCrumbs(path, places, label, t);
  return { crumbs, text: (path) => crumbText(crumbs(path)) };
}

/** « Version du mercredi 12 mars 2025 à 12:30, remise ici : Documents › compte rendu.odt ». */
export function restoredLine(t: T, snapshotTime: string | null, to: string, place: (path: string) => string, locale: Locale): string {
  return snapshotTime
    ? t('backup.ui.wizard.restoredTo', { date: longDate(snapshotTime, locale), place: place(to) })
    : t('backup.ui.wizard.restoredHere', { place: place(to) });
}
