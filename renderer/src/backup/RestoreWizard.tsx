import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  snapshotCrumbs,
  type BrowseResponse,
  type ErrorBody,
  type FolderList,
  type Locale,
  type RestoreMode,
  type RestorePlan,
  type SearchResponse,
  type Snapshot,
} from '@vigie/common';
import { Breadcrumbs } from '../../../web/Breadcrumbs.js';
import { baseName, folderOf, longDate, size } from './format.js';
import { ErrorBlock, RestoreProgressBar, StepHeading, restoredLine, usePlaces } from './parts.js';
import { backupApi, isFinal, useBackup } from './store.js';

/** What will be restored, from which backup. */
interface Choice {
  snapshotId: string;
  snapshotTime: string;
  /** Paths inside the backup (all in one folder). */
  paths: string[];
}

type Step =
  | { kind: 'date' }
  | { kind: 'browse'; snapshot: Snapshot; path: string | null }
  | { kind: 'mode'; choice: Choice; from: Step }
  | { kind: 'progress'; jobId: string; choice: Choice; from: Step };

const MODES: RestoreMode[] = ['in-place', 'beside', 'folder'];
const PAGE = 200;

const treeName = (p: string) => p.slice(p.lastIndexOf('/') + 1) || p;

/** "Récupérer un fichier": pick a date → browse or search → where to put it → progress → open the folder. */
export function RestoreWizard({ locale, onClose }: { locale: Locale; onClose: () => void }) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>({ kind: 'date' });
  const n = step.kind === 'date' ? 1 : step.kind === 'browse' ? 2 : 3;
  const loadPlaces = useBackup((s) => s.loadPlaces);
  useEffect(() => loadPlaces(), [loadPlaces]);

  return (
    <section className="panel backup-wizard" aria-labelledby="wizard-title" data-step={step.kind}>
      <div className="backup-wizard__head">
        <h1 id="wizard-title">{t('backup.ui.wizard.title')}</h1>
        {step.kind !== 'progress' ? (
          <button type="button" className="secondary" onClick={onClose}>
            {t('backup.ui.wizard.close')}
          </button>
        ) : null}
      </div>
      {step.kind !== 'progress' ? <p className="hint">{t('backup.ui.wizard.steps', { n })}</p> : null}
      {step.kind === 'date' ? (
        <DateStep
          locale={locale}
          onSnapshot={(snapshot) => setStep({ kind: 'browse', snapshot, path: snapshot.roots.length === 1 ? snapshot.roots[0]! : null })}
          onChoice={(choice) => setStep({ kind: 'mode', choice, from: step })}
        />
      ) : step.kind === 'browse' ? (
        <BrowseStep
          locale={locale}
          snapshot={step.snapshot}
          path={step.path}
          onPath={(path) => setStep({ ...step, path })}
          onBack={() => setStep({ kind: 'date' })}
          onChoice={(paths) =>
            setStep({ kind: 'mode', choice: { snapshotId: step.snapshot.id, snapshotTime: step.snapshot.time, paths }, from: step })
          }
        />
      ) : step.kind === 'mode' ? (
        <ModeStep
          locale={locale}
          choice={step.choice}
          onBack={() => setStep(step.from)}
          onStarted={(jobId) => setStep({ kind: 'progress', jobId, choice: step.choice, from: step })}
        />
      ) : (
        <ProgressStep jobId={step.jobId} onRetry={() => setStep(step.from)} onClose={onClose} />
      )}
    </section>
  );
}

function useCall<T>(load: () => Promise<{ ok: true; data: T } | { ok: false; error: ErrorBody }> | null, deps: unknown[]) {
  const [state, setState] = useState<{ data: T | null; error: ErrorBody | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  useEffect(() => {
    let live = true;
    const p = load();
    if (!p) return;
    setState((s) => ({ ...s, loading: true, error: null }));
    p.then(
      (r) => live && setState(r.ok ? { data: r.data, error: null, loading: false } : { data: null, error: r.error, loading: false }),
      () => live && setState({ data: null, error: { code: 'INTERNAL', message: '' }, loading: false }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return state;
}

// ---------- step 1: a date, or a search ----------

function DateStep({ locale, onSnapshot, onChoice }: { locale: Locale; onSnapshot: (s: Snapshot) => void; onChoice: (c: Choice) => void }) {
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

// ---------- step 2: browse the backup ----------

function BrowseStep({
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

// ---------- step 3: where to put it ----------

function ModeStep({
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

/**
 * « Restaurer ailleurs »: a folder picker instead of a typed path. It starts from the folders a
 * restore may go into (Bureau, Documents…, the backed-up folders) and opens sub-folders; the
 * folder opened is the one chosen. Only folders the app accepts are listed.
 */
function FolderPicker({ value, onChange }: { value: string | null; onChange: (path: string | null) => void }) {
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

// ---------- step 4: progress, then "Ouvrir le dossier" ----------

function ProgressStep({ jobId, onRetry, onClose }: { jobId: string; onRetry: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const job = useBackup((s) => s.jobs[jobId]);
  const api = backupApi();
  const places = usePlaces();
  const { i18n } = useTranslation();
  const [cancelling, setCancelling] = useState(false);
  const [opened, setOpened] = useState<'idle' | 'ok' | ErrorBody>('idle');
  if (!job) return <p role="status">{t('backup.ui.loading')}</p>;
  const final = isFinal(job);

  const cancel = async () => {
    if (!api) return;
    setCancelling(true);
    await api.backup.cancelRestore({ jobId });
    setCancelling(false);
  };
  const open = async () => {
    if (!api) return;
    const r = await api.backup.openFolder({ jobId });
    setOpened(r.ok ? 'ok' : r.error);
  };

  return (
    <div className="backup-step" data-job-state={job.state}>
      <StepHeading id={`wizard-progress-${final ? 'end' : 'run'}`}>
        {final ? t(`backup.restoreStates.${job.state}`) : t('backup.ui.wizard.progressTitle')}
      </StepHeading>
      <div role="status" aria-live="polite">
        <RestoreProgressBar job={job} showState={!final} />
      </div>
      {job.state === 'done' && job.result ? (
        <ul className="backup-restored">
          {job.result.items.map((i) => (
            <li key={i.to}>
              <p>{restoredLine(t, job.snapshotTime, i.to, places.text, i18n.language === 'en' ? 'en' : 'fr')}</p>
              {i.previousVersion ? (
                <p className="hint">{t('backup.ui.wizard.previousKept', { place: places.text(i.previousVersion) })}</p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {job.error && job.state !== 'done' ? <ErrorBlock error={job.error} /> : null}
      {opened === 'ok' ? (
        <p role="status">{t('backup.ui.wizard.folderOpened')}</p>
      ) : opened !== 'idle' ? (
        <ErrorBlock error={opened} />
      ) : null}
      <div className="row backup-step__actions">
        {!final && job.state !== 'moving' ? (
          <button type="button" className="secondary" onClick={() => void cancel()} disabled={cancelling}>
            {cancelling ? t('backup.ui.wizard.cancelling') : t('backup.ui.wizard.cancel')}
          </button>
        ) : null}
        {job.state === 'done' ? (
          <button type="button" className="primary" onClick={() => void open()}>
            {t('backup.actions.openFolder')}
          </button>
        ) : null}
        {job.state === 'failed' || job.state === 'cancelled' ? (
          <button type="button" className="primary" onClick={onRetry}>
            {t('backup.ui.wizard.retry')}
          </button>
        ) : null}
        {final ? (
          <button type="button" className="secondary" onClick={onClose}>
            {t('backup.ui.wizard.finish')}
          </button>
        ) : null}
      </div>
    </div>
  );
}
