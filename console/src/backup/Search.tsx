import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorBody, SearchResponse } from '@vigie/common';
import { useController } from '../app/context';
import { formatBytes, formatDateTime } from '../lib/time';
import { scopeKey, type BackupScope } from './controller';
import { BackupErrorNotice } from './ErrorNotice';
import type { Choice } from './RestoreForm';

/** Search a name across every backup of the device; pick one version. */
export function Search({ scope, onChoice }: { scope: BackupScope; onChoice: (c: Choice) => void }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const [query, setQuery] = useState('');
  const [state, setState] = useState<{ busy: boolean; result: SearchResponse | null; error: ErrorBody | null }>({
    busy: false,
    result: null,
    error: null,
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!query.trim() || state.busy) return;
    setState({ busy: true, result: null, error: null });
    const r = await controller.backup.search(scope, query);
    setState({ busy: false, result: r.ok ? r.data : null, error: r.ok ? null : r.error });
  };
  return (
    <div className="bk-search">
      <form onSubmit={(e) => void submit(e)} role="search" className="bk-search__form">
        <div className="field">
          <label htmlFor={`bk-search-${scopeKey(scope)}`}>{t('backup.ui.search')}</label>
          <input
            id={`bk-search-${scopeKey(scope)}`}
            type="search"
            value={query}
            maxLength={100}
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        <button type="submit" className="btn" disabled={state.busy || !query.trim()}>
          {state.busy ? t('backup.ui.searching') : t('backup.ui.searchButton')}
        </button>
      </form>
      {state.error ? <BackupErrorNotice error={state.error} /> : null}
      {state.result ? (
        <ul className="bk-hits" aria-live="polite">
          {state.result.hits.length === 0 ? <li className="muted">{t('backup.ui.noHits')}</li> : null}
          {state.result.hits.map((h) => (
            <li key={h.path} className="bk-hit">
              <strong>{h.name}</strong> <span className="muted">{h.localPath}</span>
              <ul>
                {h.versions.map((v) => (
                  <li key={`${v.snapshotId}:${v.mtime ?? ''}`}>
                    {t('backup.ui.version', { date: formatDateTime(v.snapshotTime, i18n.language) })}
                    {v.size !== null ? <span className="muted"> · {formatBytes(v.size, i18n.language)}</span> : null}{' '}
                    <button
                      type="button"
                      className="btn btn--small"
                      onClick={() => onChoice({ snapshotId: v.snapshotId, snapshotTime: v.snapshotTime, paths: [h.path] })}
                    >
                      {t('backup.ui.choose')}
                    </button>
                  </li>
                ))}
              </ul>
            </li>
          ))}
          {state.result.truncated ? <li className="muted">{t('backup.ui.hitsTruncated')}</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
