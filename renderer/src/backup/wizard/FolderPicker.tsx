import { useTranslation } from 'react-i18next';
import type { FolderList } from '@vigie/common';
import { Breadcrumbs } from '../../../../web/Breadcrumbs.js';
import { ErrorBlock, usePlaces } from '../parts.js';
import { backupApi, useBackup } from '../store.js';
import { useCall } from './use-call.js';

/**
 * « Restaurer ailleurs »: a folder picker instead of a typed path. It starts from the folders a
 * restore may go into (Bureau, Documents…, the backed-up folders) and opens sub-folders; the
 * folder opened is the one chosen. Only folders the app accepts are listed.
 */
export function FolderPicker({ value, onChange }: { value: string | null; onChange: (path: string | null) => void }) {
  const { t } = useTranslation();
  const api = backupApi();
  const places = usePlaces();
  const placeList = useBackup((s) => s.places);
  const listing = useCall<FolderList>(() => api?.backup.listFolders(value ? { path: value } : {}) ?? null, [api, value]);
  const nameOf = (path: string, name: string) => {
    const place = value === null ? placeList.find((p) => p.path === path) : undefined;
    return place ? places.text(place.path) : name;
  };
  const crumbs = [
    { path: null as string | null, label: t('backup.ui.wizard.picker.top') },
    ...(value ? places.crumbs(value).map((c) => ({ path: c.path as string | null, label: c.label })) : []),
  ];
  return (
    <div className="backup-target folder-picker" role="group" aria-labelledby="picker-label">
      <p id="picker-label" className="folder-picker__label">
        {t('backup.ui.wizard.picker.label')}
      </p>
      <Breadcrumbs
        crumbs={crumbs}
        label={t('backup.ui.wizard.picker.label')}
        onPick={onChange}
        navClassName="backup-crumbs"
        buttonClassName="link"
      />
      {listing.loading ? <p role="status">{t('backup.ui.wizard.picker.loading')}</p> : null}
      {listing.error ? <ErrorBlock error={listing.error} /> : null}
      {listing.data ? (
        listing.data.folders.length === 0 ? (
          <p className="hint">{value ? t('backup.ui.wizard.picker.empty') : t('backup.ui.wizard.noSnapshots')}</p>
        ) : (
          <ul className="backup-list folder-picker__list">
            {listing.data.folders.map((f) => (
              <li key={f.path}>
                <button
                  type="button"
                  className="backup-choice"
                  onClick={() => onChange(f.path)}
                  aria-label={t('backup.ui.wizard.picker.open', { name: nameOf(f.path, f.name) })}
                >
                  <span className="backup-choice__row">
                    <span className="icon-folder" aria-hidden="true" /> {nameOf(f.path, f.name)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )
      ) : null}
      {listing.data?.truncated ? <p className="hint">{t('backup.ui.wizard.picker.truncated')}</p> : null}
      <p className="hint" role="status" data-testid="picker-chosen">
        {value ? t('backup.ui.wizard.picker.chosen', { place: places.text(value) }) : t('backup.ui.wizard.picker.none')}
      </p>
    </div>
  );
}
