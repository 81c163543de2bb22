import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { snapshotCrumbs, type BrowseResponse, type ErrorBody, type Snapshot } from '@vigie/common';
import { Breadcrumbs } from '../../../web/Breadcrumbs';
import { useController } from '../app/context';
import { formatBytes } from '../lib/time';
import { scopeKey, type BackupScope } from './controller';
import { BackupErrorNotice } from './ErrorNotice';
import type { Choice } from './RestoreForm';

/** Browse one backup of the device: breadcrumbs, folders to open, items to tick (all in one folder). */
export function SnapshotBrowser({
  scope,
  snapshot,
  onChoice,
}: {
  scope: BackupScope;
  snapshot: Snapshot;
  onChoice: (c: Choice | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const [path, setPath] = useState<string | null>(snapshot.roots.length === 1 ? snapshot.roots[0]! : null);
  const [limit, setLimit] = useState(200);
  const [listing, setListing] = useState<{ data: BrowseResponse | null; error: ErrorBody | null; loading: boolean }>({
    data: null,
    error: null,
    loading: false,
  });
  const [selected, setSelected] = useState<string[]>([]);

  useEffect(() => {
    setPath(snapshot.roots.length === 1 ? snapshot.roots[0]! : null);
  }, [snapshot]);
  useEffect(() => {
    setSelected([]);
    onChoice(null);
    setLimit(200);
  }, [path, snapshot.id, onChoice]);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setListing((l) => ({ ...l, loading: true, error: null }));
    void controller.backup.browse(scope, { snapshotId: snapshot.id, path, limit }).then((r) => {
      if (live) setListing(r.ok ? { data: r.data, error: null, loading: false } : { data: null, error: r.error, loading: false });
    });
    return () => {
      live = false;
    };
    // The scope's key, not the object: a new object for the same scope lists nothing again.
  }, [controller, scopeKey(scope), snapshot.id, path, limit]);

  const toggle = (p: string) => {
    const next = selected.includes(p) ? selected.filter((x) => x !== p) : [...selected, p];
    setSelected(next);
    onChoice(next.length ? { snapshotId: snapshot.id, snapshotTime: snapshot.time, paths: next } : null);
  };

  const crumbs = snapshotCrumbs(snapshot, path).map((c) => ({ path: c.path, label: c.name ?? t('backup.ui.savedFolders') }));

  return (
    <div className="bk-browser">
      <Breadcrumbs
        crumbs={crumbs}
        label={t('backup.ui.breadcrumb')}
        onPick={setPath}
        navClassName="bk-crumbs"
        buttonClassName="btn btn--ghost btn--small"
      />
      {path === null ? (
        <ul className="bk-entries">
          {snapshot.roots.map((r, i) => (
            <li key={r}>
              <button type="button" className="btn btn--ghost" onClick={() => setPath(r)}>
                <span className="bk-icon bk-icon--folder" aria-hidden="true" /> {snapshot.paths[i] ?? r}
              </button>
            </li>
          ))}
        </ul>
      ) : listing.loading && !listing.data ? (
        <p className="muted" role="status">
          {t('backup.ui.loading')}
        </p>
      ) : listing.error ? (
        <BackupErrorNotice error={listing.error} />
      ) : listing.data && listing.data.entries.length === 0 ? (
        <p className="muted">{t('backup.ui.emptyFolder')}</p>
      ) : listing.data ? (
        <>
          <ul className="bk-entries" data-testid="backup-entries">
            {listing.data.entries.map((e) => (
              <li key={e.path} className="bk-entry">
                <input
                  type="checkbox"
                  id={`bk-${e.path}`}
                  checked={selected.includes(e.path)}
                  onChange={() => toggle(e.path)}
                  aria-label={t('backup.ui.select', { name: e.name })}
                />
                {e.type === 'dir' ? (
                  <button
                    type="button"
                    className="bk-entry__open"
                    onClick={() => setPath(e.path)}
                    aria-label={t('backup.ui.open', { name: e.name })}
                  >
                    <span className="bk-icon bk-icon--folder" aria-hidden="true" /> {e.name}
                  </button>
                ) : (
                  <label htmlFor={`bk-${e.path}`} className="bk-entry__label">
                    <span className="bk-icon bk-icon--file" aria-hidden="true" /> {e.name}{' '}
                    <span className="muted">{e.size !== null ? formatBytes(e.size, i18n.language) : ''}</span>
                  </label>
                )}
              </li>
            ))}
          </ul>
          {listing.data.total > listing.data.entries.length ? (
            limit >= 1000 ? (
              // No more pages here: say how to find the rest rather than a button that does nothing.
              <p className="muted">{t('backup.ui.tooMany', { shown: listing.data.entries.length, total: listing.data.total })}</p>
            ) : (
              <button type="button" className="btn btn--ghost btn--small" onClick={() => setLimit((l) => Math.min(1000, l + 200))}>
                {t('backup.ui.more')}
              </button>
            )
          ) : null}
        </>
      ) : null}
    </div>
  );
}
