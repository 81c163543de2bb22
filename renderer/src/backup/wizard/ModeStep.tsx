import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorBody, Locale, RestoreMode, RestorePlan } from '@vigie/common';
import { longDate } from '../format.js';
import { ErrorBlock, StepHeading, usePlaces } from '../parts.js';
import { backupApi, useBackup } from '../store.js';
import { FolderPicker } from './FolderPicker.js';
import type { Choice } from './steps.js';
import { useCall } from './use-call.js';

const MODES: RestoreMode[] = ['in-place', 'beside', 'folder'];

const treeName = (p: string) => p.slice(p.lastIndexOf('/') + 1) || p;

/** The restore wizard's step 3: where to put what was chosen (the obvious place suggested by the app's plan), then start. */
export function ModeStep({
  locale,
  choice,
  onBack,
  onStarted,
}: {
  locale: Locale;
  choice: Choice;
  onBack: () => void;
  onStarted: (jobId: string) => void;
}) {
  const { t } = useTranslation();
  const api = backupApi();
  const places = usePlaces();
  // The obvious default: « à sa place » when nothing is there any more, « à côté » when something has that name.
  const plan = useCall<RestorePlan>(
    () => api?.backup.restorePlan({ snapshotId: choice.snapshotId, paths: choice.paths }) ?? null,
    [api, choice.snapshotId, choice.paths.join('\0')],
  );
  const [chosen, setChosen] = useState<RestoreMode | null>(null);
  const mode: RestoreMode | null = chosen ?? (plan.loading ? null : (plan.data?.suggestedMode ?? 'beside'));
  const [targetDir, setTargetDir] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const what =
    choice.paths.length === 1
      ? t('backup.relay.what.item', { name: treeName(choice.paths[0]!) })
      : t('backup.relay.what.items', { count: choice.paths.length });

  const hint = (m: RestoreMode): string => {
    const p = plan.data;
    if (!p || m === 'folder') return t(`backup.ui.wizard.modeHints.${m}`);
    const place = places.text(p.folder);
    const taken = p.existing.length > 0;
    return m === 'beside'
      ? t(`backup.ui.wizard.modeHintsHere.${taken ? 'besideTaken' : 'besideFree'}`, { place })
      : t(`backup.ui.wizard.modeHintsHere.${taken ? 'inPlaceTaken' : 'inPlaceFree'}`, { place });
  };

  const start = async (e: FormEvent) => {
    e.preventDefault();
    if (!api || busy || !mode || (mode === 'folder' && !targetDir)) return;
    setBusy(true);
    setError(null);
    const r = await api.backup.restore({
      snapshotId: choice.snapshotId,
      paths: choice.paths,
      mode,
      ...(mode === 'folder' && targetDir ? { targetDir } : {}),
    });
    setBusy(false);
    if (r.ok) {
      useBackup.setState((s) => ({ jobs: { ...s.jobs, [r.data.id]: s.jobs[r.data.id] ?? r.data } }));
      onStarted(r.data.id);
    } else setError(r.error);
  };

  return (
    <form className="backup-step" onSubmit={(e) => void start(e)}>
      <StepHeading id="wizard-mode">{t('backup.ui.wizard.modeTitle', { what })}</StepHeading>
      <p className="hint">{t('backup.ui.wizard.fromDate', { date: longDate(choice.snapshotTime, locale) })}</p>
      {plan.loading ? <p role="status">{t('backup.ui.wizard.planLoading')}</p> : null}
      <fieldset className="backup-modes" disabled={mode === null} data-suggested={plan.data?.suggestedMode ?? ''}>
        <legend className="visually-hidden">{t('backup.ui.wizard.modeTitle', { what })}</legend>
        {MODES.map((m) => (
          <div key={m} className={`backup-mode${mode === m ? ' selected' : ''}`}>
            <input
              type="radio"
              id={`mode-${m}`}
              name="restore-mode"
              value={m}
              checked={mode === m}
              onChange={() => setChosen(m)}
              aria-describedby={`mode-${m}-hint`}
            />
            <label htmlFor={`mode-${m}`}>
              <span className="backup-mode__label">{t(`backup.modes.${m}`)}</span>
              <span className="backup-mode__hint" id={`mode-${m}-hint`}>
                {hint(m)}
              </span>
            </label>
          </div>
        ))}
      </fieldset>
      {mode === 'folder' ? <FolderPicker value={targetDir} onChange={setTargetDir} /> : null}
      {error ? <ErrorBlock error={error} /> : null}
      <div className="row backup-step__actions">
        <button type="button" className="secondary" onClick={onBack}>
          {t('backup.ui.wizard.back')}
        </button>
        <button type="submit" className="primary" disabled={busy || mode === null || (mode === 'folder' && !targetDir)}>
          {t('backup.ui.wizard.start')}
        </button>
      </div>
    </form>
  );
}
