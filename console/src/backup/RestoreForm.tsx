import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorBody, RestoreMode } from '@vigie/common';
import { useController } from '../app/context';
import { quotedNames } from '../components/format';
import { formatDateTime } from '../lib/time';
import type { BackupScope } from './controller';
import { BackupErrorNotice } from './ErrorNotice';

/** « Restaurer sur le poste »: what was chosen (browsed or searched), where it goes (a copy beside by default), and the call. */

/** What will be restored, from which backup (paths inside the backup, all in one folder). */
export interface Choice {
  snapshotId: string;
  snapshotTime: string;
  paths: string[];
}

const treeName = (p: string) => p.slice(p.lastIndexOf('/') + 1) || p;
const MODES: RestoreMode[] = ['beside', 'in-place'];

/** The restore's data flow: the mode chosen, the call on its way, its refusal; announced once the device took it. */
export function useRestore(scope: BackupScope) {
  const { t } = useTranslation();
  const controller = useController();
  const [mode, setMode] = useState<RestoreMode>('beside');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const restore = async (choice: Choice | null) => {
    if (!choice) return;
    setSending(true);
    setError(null);
    const r = await controller.backup.restore(scope, { snapshotId: choice.snapshotId, paths: choice.paths, mode });
    setSending(false);
    if (r.ok) controller.announce(t('backup.ui.started'));
    else setError(r.error);
  };
  return { mode, setMode, sending, error, restore };
}

export function RestoreForm({ name, choice, restore }: { name: string; choice: Choice | null; restore: ReturnType<typeof useRestore> }) {
  const { t, i18n } = useTranslation();
  const { mode, setMode, sending, error } = restore;
  return (
    <div className="bk-restore">
      <p className={choice ? '' : 'muted'} data-testid="backup-choice">
        {choice
          ? t('backup.ui.chosen', {
              count: choice.paths.length,
              names: quotedNames(t, choice.paths.map(treeName)),
              date: formatDateTime(choice.snapshotTime, i18n.language),
            })
          : t('backup.ui.nothingChosen')}
      </p>
      <fieldset className="bk-modes">
        <legend>{t('backup.ui.mode')}</legend>
        {MODES.map((m) => (
          <label key={m} className="bk-mode">
            <input type="radio" name={name} value={m} checked={mode === m} onChange={() => setMode(m)} />{' '}
            <span>
              <strong>{t(`backup.modes.${m}`)}</strong> <span className="muted">— {t(`backup.ui.modeHints.${m}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <button type="button" className="btn btn--primary" disabled={!choice || sending} onClick={() => void restore.restore(choice)}>
        {sending ? t('backup.ui.restoring') : t('backup.ui.restore')}
      </button>
      {error ? <BackupErrorNotice error={error} /> : null}
    </div>
  );
}
