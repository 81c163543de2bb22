import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { snapshotCrumbs, type BrowseResponse, type Locale, type Snapshot } from '@vigie/common';
import { Breadcrumbs } from '../../../../web/Breadcrumbs.js';
import { baseName, longDate, size } from '../format.js';
import { ErrorBlock, StepHeading, usePlaces } from '../parts.js';
import { backupApi } from '../store.js';
import { useCall } from './use-call.js';

const PAGE = 200;

/** The restore wizard's step 2: browse one backup (breadcrumbs, folders to open, items to tick, all in one folder). */
export function BrowseStep({
  locale,
  snapshot,
  path,
  onPath,
  onBack,
  onChoice,
}: {
  locale: Locale;
  snapshot: Snapshot;
  path: string | null;
  onPath: (p: string | null) => void;
  onBack: () => void;
  onChoice: (paths: string[]) => void;
}) {
  const { t } = useTranslation();
  const api = backupApi();
  const places = usePlaces();
  const [limit, setLimit] = useState(PAGE);
  const [selected, setSelected] = useState<string[]>([]);
  const listing = useCall<BrowseResponse>(
    () => (api && path ? api.backup.browse({ snapshotId: snapshot.id, path, limit }) : null),
    [api, snapshot.id, path, limit],
  );
  useEffect(() => {
    setSelected([]);
    setLimit(PAGE);
  }, [path]);

  // Breadcrumbs from the backed-up folder the user is in.
  const crumbs = snapshotCrumbs(snapshot, path).map((c) => ({
    path: c.path,
    label: c.kind === 'folders' ? t('backup.ui.wizard.savedFolders') : c.kind === 'root' ? baseName(c.name!) || c.name! : c.name!,
  }));
  const toggle = (p: string) => setSelected((s) => (s.includes(p) ? s.filter((x) => x !== p) : [...s, p]));

  return (
    <div className="backup-step">
      <StepHeading id="wizard-browse">{t('backup.ui.wizard.browseTitle')}</StepHeading>
      <p className="hint">
        {t('backup.ui.wizard.fromDate', { date: longDate(snapshot.time, locale) })}. {t('backup.ui.wizard.browseHint')}
      </p>
      <Breadcrumbs
        crumbs={crumbs}
        label={t('backup.ui.wizard.breadcrumb')}
        onPick={onPath}
        navClassName="backup-crumbs"
        buttonClassName="link"
      />

      {path === null ? (
        <ul className="backup-list">
          {snapshot.roots.map((r, i) => (
            <li key={r}>
              <button type="button" className="backup-choice" onClick={() => onPath(r)}>
                <span className="backup-choice__row">
                  <span className="icon-folder" aria-hidden="true" /> {places.text(snapshot.paths[i] ?? r)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <>
          {listing.loading ? <p role="status">{t('backup.ui.loading')}</p> : null}
          {listing.error ? <ErrorBlock error={listing.error} /> : null}
          {listing.data ? (
            listing.data.entries.length === 0 ? (
              <p>{t('backup.ui.wizard.emptyFolder')}</p>
            ) : (
              <ul className="backup-tree">
                {listing.data.entries.map((e) => (
                  <li key={e.path} className={`backup-entry backup-entry--${e.type}`}>
                    <input
                      type="checkbox"
                      id={`pick-${e.path}`}
                      checked={selected.includes(e.path)}
                      onChange={() => toggle(e.path)}
                      aria-label={t('backup.ui.wizard.select', { name: e.name })}
                    />
                    {e.type === 'dir' ? (
                      <button
                        type="button"
                        className="backup-entry__open"
                        onClick={() => onPath(e.path)}
                        aria-label={t('backup.ui.wizard.open', { name: e.name })}
                      >
                        <span className="backup-entry__row">
                          <span className="icon-folder" aria-hidden="true" /> <span className="backup-entry__name">{e.name}</span>
                        </span>
                      </button>
                    ) : (
                      <label htmlFor={`pick-${e.path}`} className="backup-entry__label">
                        <span className="backup-entry__row">
                          <span className="icon-file" aria-hidden="true" /> <span className="backup-entry__name">{e.name}</span>
                        </span>
                        <span className="backup-entry__meta">
                          {e.size !== null ? size(e.size, locale) : ''}
                          {e.mtime ? ` · ${longDate(e.mtime, locale)}` : ''}
                        </span>
                      </label>
                    )}
                  </li>
                ))}
              </ul>
            )
          ) : null}
          {listing.data && listing.data.total > listing.data.entries.length ? (
            <button type="button" className="secondary" onClick={() => setLimit((l) => Math.min(1000, l + PAGE))} disabled={limit >= 1000}>
              {t('backup.ui.wizard.more')}
            </button>
          ) : null}
        </>
      )}

      <div className="row backup-step__actions">
        <button type="button" className="secondary" onClick={onBack}>
          {t('backup.ui.wizard.back')}
        </button>
        <button type="button" className="primary" disabled={selected.length === 0} onClick={() => onChoice(selected)}>
          {t('backup.ui.wizard.next')}
        </button>
      </div>
      <p className="hint" role="status">
        {selected.length > 0 ? t('backup.ui.wizard.selected', { count: selected.length }) : ''}
      </p>
    </div>
  );
}
