import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import {
  backupHeadlineKey,
  snapshotCrumbs,
  type BackupError,
  type BackupSummary,
  type BrowseResponse,
  type ErrorBody,
  type RestoreJob,
  type RestoreMode,
  type SearchResponse,
  type Snapshot,
} from '@vigie/common';
import { Breadcrumbs } from '../../../web/Breadcrumbs';
import { useController, useSession, useWorkspace } from '../app/context';
import { quotedNames } from '../components/format';
import { formatBytes, formatDateTime } from '../lib/time';
import { scopeKey, type BackupConsoleState, type BackupScope } from './controller';
import { backupErrorText } from './errors';
import './backup.css';

const useBackups = <T,>(sel: (s: BackupConsoleState) => T): T => useStore(useController().backup.store, sel);

const treeName = (p: string) => p.slice(p.lastIndexOf('/') + 1) || p;
const PILL: Record<string, string> = { ok: 'ok', running: 'unknown', stale: 'warning', failed: 'critical', 'not-configured': 'warning' };
const FINAL = new Set<RestoreJob['state']>(['done', 'failed', 'cancelled']);
const MODES: RestoreMode[] = ['beside', 'in-place'];

interface Choice {
  snapshotId: string;
  snapshotTime: string;
  paths: string[];
}

/** A backup error as the technician reads it (`backupErrorText`; `access`: the error of an access call). */
export function BackupErrorNotice({
  error,
  access = false,
  testId,
}: {
  error: ErrorBody | BackupError;
  access?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <p className="notice notice--error" role="alert" data-testid={testId}>
      {backupErrorText(t, error, { access })}
    </p>
  );
}

/** The restore the technician started: live progress, then what was put where. */
function JobView({ scope, job }: { scope: BackupScope; job: RestoreJob }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const [cancelError, setCancelError] = useState<ErrorBody | null>(null);
  const final = FINAL.has(job.state);
  const fraction = job.state === 'done' ? 1 : (job.progress?.fraction ?? null);
  const percent = fraction === null ? null : Math.round(fraction * 100);
  const secs = job.progress?.secondsRemaining ?? null;
  const remaining =
    !final && secs !== null
      ? t('backup.ui.remaining', { time: secs < 60 ? t('backup.ui.seconds') : t('backup.ui.minutes', { count: Math.ceil(secs / 60) }) })
      : null;
  const cancel = async () => {
    setCancelError(null);
    const r = await controller.backup.cancel(scope, job.id);
    if (!r.ok) setCancelError(r.error);
  };
  return (
    <div className="bk-job" data-testid="backup-job" data-state={job.state}>
      <h3 className="panel-subtitle">{t('backup.ui.progress')}</h3>
      <div role="status" aria-live="polite">
        {percent === null ? (
          <progress aria-label={t(`backup.restoreStates.${job.state}`)} />
        ) : (
          <progress max={100} value={percent} aria-label={t(`backup.restoreStates.${job.state}`)} />
        )}
        <p>
          <strong>{t(`backup.restoreStates.${job.state}`)}</strong>
          {percent !== null ? ` · ${t('backup.ui.percent', { percent })}` : ''}
          {remaining ? ` · ${remaining}` : ''}
        </p>
      </div>
      {job.state === 'done' && job.result
        ? job.result.items.map((i) => (
            <p key={i.to}>
              {t('backup.ui.restoredTo', { path: i.to })}
              {i.previousVersion ? <span className="muted"> — {t('backup.ui.previousKept', { path: i.previousVersion })}</span> : null}
            </p>
          ))
        : null}
      {job.error && job.state !== 'done' ? <BackupErrorNotice error={job.error} /> : null}
      {!final && job.state !== 'moving' ? (
        <button type="button" className="btn btn--ghost" onClick={() => void cancel()}>
          {t('backup.ui.cancel')}
        </button>
      ) : null}
      {cancelError ? <BackupErrorNotice error={cancelError} /> : null}
      <p className="muted bk-job__when">{formatDateTime(job.createdAt, i18n.language)}</p>
    </div>
  );
}

/** Browse one backup of the device: breadcrumbs, folders to open, items to tick (all in one folder). */
function Browser({ scope, snapshot, onChoice }: { scope: BackupScope; snapshot: Snapshot; onChoice: (c: Choice | null) => void }) {
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

/** Search a name across every backup of the device; pick one version. */
function Search({ scope, onChoice }: { scope: BackupScope; onChoice: (c: Choice) => void }) {
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

/** Last success, next run, size and (asked live) how many backups: the same rows for a live status and a reported summary. */
function BackupFacts({
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
  const [mode, setMode] = useState<RestoreMode>('beside');
  const [sending, setSending] = useState(false);
  const [restoreError, setRestoreError] = useState<ErrorBody | null>(null);

  useEffect(() => {
    if (!unavailable) void controller.backup.load(parseScope(key));
  }, [controller, key, unavailable]);

  const snapshots = entry?.snapshots ?? null;
  const snapshot = snapshots?.find((s) => s.id === snapshotId) ?? snapshots?.[0] ?? null;
  const job = entry?.lastJobId ? entry.jobs[entry.lastJobId] : undefined;
  const status = entry?.status ?? null;

  const restore = async () => {
    if (!choice) return;
    setSending(true);
    setRestoreError(null);
    const r = await controller.backup.restore(scope, { snapshotId: choice.snapshotId, paths: choice.paths, mode });
    setSending(false);
    if (r.ok) controller.announce(t('backup.ui.started'));
    else setRestoreError(r.error);
  };

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
            <Browser scope={scope} snapshot={snapshot} onChoice={setChoice} />
            <Search scope={scope} onChoice={setChoice} />
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
                    <input type="radio" name={`bk-mode-${key}`} value={m} checked={mode === m} onChange={() => setMode(m)} />{' '}
                    <span>
                      <strong>{t(`backup.modes.${m}`)}</strong> <span className="muted">— {t(`backup.ui.modeHints.${m}`)}</span>
                    </span>
                  </label>
                ))}
              </fieldset>
              <button type="button" className="btn btn--primary" disabled={!choice || sending} onClick={() => void restore()}>
                {sending ? t('backup.ui.restoring') : t('backup.ui.restore')}
              </button>
              {restoreError ? <BackupErrorNotice error={restoreError} /> : null}
            </div>
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
