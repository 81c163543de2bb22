import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorBody, Locale, SearchResponse, Snapshot } from '@vigie/common';
import { folderOf, longDate, size } from '../format.js';
import { ErrorBlock, StepHeading, usePlaces } from '../parts.js';
import { backupApi } from '../store.js';
import type { Choice } from './steps.js';
import { useCall } from './use-call.js';

/** The restore wizard's step 1: a backup by its date, or a file searched by name across all of them (one version picked). */
export function DateStep({
  locale,
  onSnapshot,
  onChoice,
}: {
  locale: Locale;
  onSnapshot: (s: Snapshot) => void;
  onChoice: (c: Choice) => void;
}) {
  const { t } = useTranslation();
  const api = backupApi();
  const places = usePlaces();
  const snaps = useCall<Snapshot[]>(() => api?.backup.listSnapshots({}) ?? null, [api]);
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState<{ busy: boolean; result: SearchResponse | null; error: ErrorBody | null }>({
    busy: false,
    result: null,
    error: null,
  });

  const onSearch = async (e: FormEvent) => {
    e.preventDefault();
    const q = query.trim();
    if (!api || !q || search.busy) return;
    setSearch({ busy: true, result: null, error: null });
    const r = await api.backup.search({ query: q });
    setSearch({ busy: false, result: r.ok ? r.data : null, error: r.ok ? null : r.error });
  };

  return (
    <div className="backup-step">
      <StepHeading id="wizard-date">{t('backup.ui.wizard.dateTitle')}</StepHeading>
      <p className="hint">{t('backup.ui.wizard.dateHint')}</p>
      {snaps.loading ? <p role="status">{t('backup.ui.loading')}</p> : null}
      {snaps.error ? <ErrorBlock error={snaps.error} /> : null}
      {snaps.data && snaps.data.length === 0 ? <p>{t('backup.ui.wizard.noSnapshots')}</p> : null}
      {snaps.data && snaps.data.length > 0 ? (
        <ul className="backup-list" aria-labelledby="wizard-date">
          {snaps.data.map((s) => (
            <li key={s.id}>
              <button type="button" className="backup-choice" onClick={() => onSnapshot(s)}>
                <span className="backup-choice__main">{longDate(s.time, locale)}</span>
                {s.filesCount !== null ? (
                  <span className="backup-choice__meta">{t('backup.ui.wizard.snapshotFiles', { count: s.filesCount })}</span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
      ) : null}

      <form className="backup-search" onSubmit={(e) => void onSearch(e)} role="search">
        <label htmlFor="backup-search-input">{t('backup.ui.wizard.searchLabel')}</label>
        <div className="row">
          <input
            id="backup-search-input"
            type="search"
            value={query}
            maxLength={100}
            placeholder={t('backup.ui.wizard.searchPlaceholder')}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button type="submit" className="secondary" disabled={search.busy || query.trim() === ''}>
            {search.busy ? t('backup.ui.wizard.searching') : t('backup.ui.wizard.search')}
          </button>
        </div>
      </form>
      {search.error ? <ErrorBlock error={search.error} /> : null}
      {search.result ? (
        <div className="backup-hits" aria-live="polite">
          {search.result.hits.length === 0 ? <p>{t('backup.ui.wizard.noHits')}</p> : null}
          <ul className="backup-list">
            {search.result.hits.map((h) => (
              <li key={h.path} className="backup-hit">
                <p className="backup-hit__name">
                  <span className={h.type === 'dir' ? 'icon-folder' : 'icon-file'} aria-hidden="true" />
                  {h.name}
                </p>
                <p className="hint">{t('backup.ui.wizard.hitIn', { folder: places.text(folderOf(h.localPath)) })}</p>
                <ul className="backup-versions">
                  {h.versions.map((v) => (
                    <li key={`${v.snapshotId}:${v.mtime ?? ''}`}>
                      <button
                        type="button"
                        className="backup-choice"
                        onClick={() => onChoice({ snapshotId: v.snapshotId, snapshotTime: v.snapshotTime, paths: [h.path] })}
                      >
                        {v.size !== null
                          ? t('backup.ui.wizard.versionSize', { date: longDate(v.snapshotTime, locale), size: size(v.size, locale) })
                          : t('backup.ui.wizard.version', { date: longDate(v.snapshotTime, locale) })}
                      </button>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          {search.result.truncated ? <p className="hint">{t('backup.ui.wizard.hitsTruncated')}</p> : null}
        </div>
      ) : null}
    </div>
  );
}
