import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { ChannelState, UpdatesOverview } from '@vigie/common';
import { useController, useSession } from '../app/context';
import { routeHref } from '../lib/router';
import { formatDateTime } from '../lib/time';
import { channelKey, raiseChoices, type UpdatesState } from './controller';
import './updates.css';

const useUpdates = <T,>(sel: (s: UpdatesState) => T): T => useStore(useController().updates.store, sel);

/** "Mises à jour": admins only (the route shows a refusal to others; the hub refuses them too). */
export function UpdatesPage() {
  const role = useSession((s) => s.technician?.role);
  return role === 'admin' ? <UpdatesAdmin /> : <Forbidden />;
}

function Forbidden() {
  const { t } = useTranslation();
  return (
    <section className="page" aria-labelledby="updates-forbidden">
      <h1 id="updates-forbidden">{t('updates.forbiddenTitle')}</h1>
      <p>{t('updates.forbiddenText')}</p>
      <a className="btn btn--ghost" href={routeHref({ name: 'queue' })}>
        {t('updates.back')}
      </a>
    </section>
  );
}

type Dialog = { kind: 'raise' | 'halt'; state: ChannelState; trigger: HTMLElement | null } | null;

function UpdatesAdmin() {
  const { t, i18n } = useTranslation();
  const controller = useController().updates;
  const status = useUpdates((s) => s.status);
  const overview = useUpdates((s) => s.overview);
  const error = useUpdates((s) => s.error);
  const lastAction = useUpdates((s) => s.lastAction);
  const [dialog, setDialog] = useState<Dialog>(null);

  useEffect(() => {
    void controller.load();
  }, [controller]);

  const label = (s: ChannelState) => ({
    version: s.version,
    channel: t(`updates.channel.${s.channel}`),
    platform: t(`updates.platform.${s.platform}`),
  });
  const actionText = !lastAction
    ? ''
    : lastAction.kind === 'raised'
      ? t('updates.raised', { ...label(lastAction.state), percent: lastAction.state.stagingPercentage })
      : lastAction.kind === 'halted'
        ? t('updates.haltedDone', label(lastAction.state))
        : t('updates.actionFailed', { reason: t(`errors.${lastAction.code}`) });

  const closeDialog = () => {
    const trigger = dialog?.trigger;
    setDialog(null);
    // Back where the keyboard was (the row's button), once the dialog is gone.
    requestAnimationFrame(() => trigger?.focus());
  };

  return (
    <section aria-labelledby="updates-title" className="page updates">
      <div className="page__head">
        <h1 id="updates-title">{t('updates.title')}</h1>
        <button type="button" className="btn btn--ghost" onClick={() => void controller.load()} disabled={status === 'loading'}>
          {t('updates.refresh')}
        </button>
      </div>
      <p className="muted updates__intro">{t('updates.intro')}</p>

      <div role="status" aria-live="polite" className="updates__status" data-testid="updates-status">
        {status === 'loading' && !overview ? t('updates.loading') : actionText}
      </div>
      {status === 'error' && error ? (
        <div className="notice notice--error" role="alert">
          {t('updates.loadFailed', { reason: t(`errors.${error.code}`) })}
        </div>
      ) : null}

      {overview ? (
        <>
          <Channels
            overview={overview}
            onRaise={(state, trigger) => setDialog({ kind: 'raise', state, trigger })}
            onHalt={(state, trigger) => setDialog({ kind: 'halt', state, trigger })}
          />
          <Versions overview={overview} />
          <Releases overview={overview} locale={i18n.language} />
          <Reports overview={overview} locale={i18n.language} />
        </>
      ) : null}

      {dialog?.kind === 'raise' ? (
        <RaiseDialog
          state={dialog.state}
          onCancel={closeDialog}
          onConfirm={async (percent) => {
            await controller.raise(dialog.state.channel, dialog.state.platform, percent);
            closeDialog();
          }}
        />
      ) : null}
      {dialog?.kind === 'halt' ? (
        <HaltDialog
          state={dialog.state}
          onCancel={closeDialog}
          onConfirm={async () => {
            await controller.halt(dialog.state.channel, dialog.state.platform);
            closeDialog();
          }}
        />
      ) : null}
    </section>
  );
}

function Table({ caption, head, children, testId }: { caption: string; head: string[]; children: ReactNode; testId: string }) {
  return (
    <div className="updates__table-wrap">
      <table className="updates-table" data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function Channels({
  overview,
  onRaise,
  onHalt,
}: {
  overview: UpdatesOverview;
  onRaise: (s: ChannelState, trigger: HTMLElement) => void;
  onHalt: (s: ChannelState, trigger: HTMLElement) => void;
}) {
  const { t, i18n } = useTranslation();
  const pending = useUpdates((s) => s.pending);
  return (
    <section aria-labelledby="updates-channels" className="updates__section">
      <h2 id="updates-channels" className="section-title">
        {t('updates.channels.title')}
      </h2>
      {overview.channels.length === 0 ? (
        <p className="empty-state">{t('updates.channels.empty')}</p>
      ) : (
        <Table
          testId="updates-channels"
          caption={t('updates.channels.caption')}
          head={[
            t('updates.channels.channel'),
            t('updates.channels.platform'),
            t('updates.channels.version'),
            t('updates.channels.rollout'),
            t('updates.channels.actions'),
          ]}
        >
          {overview.channels.map((s) => {
            const names = { version: s.version, channel: t(`updates.channel.${s.channel}`), platform: t(`updates.platform.${s.platform}`) };
            const busy = pending === channelKey(s);
            return (
              <tr key={channelKey(s)} data-testid={`rollout-${s.channel}-${s.platform}`}>
                <td>
                  <span className="updates__channel">{t(`updates.channel.${s.channel}`)}</span>
                  <span className="muted updates__hint">{t(`updates.channelHint.${s.channel}`)}</span>
                </td>
                <td>{t(`updates.platform.${s.platform}`)}</td>
                <td className="updates__version">{s.version}</td>
                <td>
                  <div className="updates__rollout">
                    <progress
                      max={100}
                      value={s.stagingPercentage}
                      aria-label={t('updates.channels.rolloutLabel', { percent: s.stagingPercentage })}
                    />
                    {s.halted ? (
                      <span className="updates__badge updates__badge--halted" data-testid="rollout-state">
                        {t('updates.channels.halted')}
                      </span>
                    ) : (
                      <span data-testid="rollout-state">
                        {s.stagingPercentage >= 100
                          ? t('updates.channels.all')
                          : t('updates.channels.percent', { percent: s.stagingPercentage })}
                      </span>
                    )}
                  </div>
                  <span className="muted updates__hint">
                    {t('updates.channels.updatedAt', { date: formatDateTime(s.updatedAt, i18n.language) })}
                  </span>
                </td>
                <td>
                  <div className="updates__actions">
                    {raiseChoices(s.stagingPercentage).length > 0 ? (
                      <button
                        type="button"
                        className="btn btn--primary btn--small"
                        disabled={busy}
                        aria-label={t('updates.raiseLabel', names)}
                        onClick={(e) => onRaise(s, e.currentTarget)}
                      >
                        {t('updates.raise')}
                      </button>
                    ) : null}
                    {!s.halted ? (
                      <button
                        type="button"
                        className="btn updates__danger btn--small"
                        disabled={busy}
                        aria-label={t('updates.haltLabel', names)}
                        onClick={(e) => onHalt(s, e.currentTarget)}
                      >
                        {t('updates.halt')}
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </Table>
      )}
    </section>
  );
}

function Versions({ overview }: { overview: UpdatesOverview }) {
  const { t } = useTranslation();
  const total = overview.versions.reduce((n, v) => n + v.devices, 0);
  return (
    <section aria-labelledby="updates-versions" className="updates__section">
      <h2 id="updates-versions" className="section-title">
        {t('updates.versions.title')}
      </h2>
      {overview.versions.length === 0 ? (
        <p className="empty-state">{t('updates.versions.empty')}</p>
      ) : (
        <>
          <Table
            testId="updates-versions"
            caption={t('updates.versions.caption')}
            head={[t('updates.versions.version'), t('updates.versions.os'), t('updates.versions.devices')]}
          >
            {overview.versions.map((v) => (
              <tr key={`${v.appVersion}:${v.os}`}>
                <td className="updates__version">{v.appVersion}</td>
                <td>{t(`updates.os.${v.os}`, { defaultValue: v.os })}</td>
                <td className="updates__number">{v.devices}</td>
              </tr>
            ))}
          </Table>
          <p className="muted">{t('updates.versions.total', { count: total })}</p>
        </>
      )}
    </section>
  );
}

function Releases({ overview, locale }: { overview: UpdatesOverview; locale: string }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="updates-releases" className="updates__section">
      <h2 id="updates-releases" className="section-title">
        {t('updates.releases.title')}
      </h2>
      {overview.releases.length === 0 ? (
        <p className="empty-state">{t('updates.releases.empty')}</p>
      ) : (
        <Table
          testId="updates-releases"
          caption={t('updates.releases.caption')}
          head={[
            t('updates.releases.version'),
            t('updates.releases.platform'),
            t('updates.releases.publishedAt'),
            t('updates.releases.publishedBy'),
            t('updates.releases.files'),
          ]}
        >
          {overview.releases.map((r) => (
            <tr key={`${r.version}:${r.platform}`}>
              <td className="updates__version">{r.version}</td>
              <td>{t(`updates.platform.${r.platform}`)}</td>
              <td>{formatDateTime(r.publishedAt, locale)}</td>
              <td>{r.publishedBy ?? t('updates.releases.unknown')}</td>
              <td className="updates__files">{r.files.map((f) => f.name).join(', ')}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

function Reports({ overview, locale }: { overview: UpdatesOverview; locale: string }) {
  const { t } = useTranslation();
  const latest = overview.reports.slice(0, 20);
  return (
    <section aria-labelledby="updates-reports" className="updates__section">
      <h2 id="updates-reports" className="section-title">
        {t('updates.reports.title')}
      </h2>
      {latest.length === 0 ? (
        <p className="empty-state">{t('updates.reports.empty')}</p>
      ) : (
        <Table
          testId="updates-reports"
          caption={t('updates.reports.caption')}
          head={[t('updates.reports.at'), t('updates.reports.outcome'), t('updates.reports.version'), t('updates.reports.reason')]}
        >
          {latest.map((r, i) => (
            <tr
              key={`${r.deviceId}:${r.receivedAt}:${i}`}
              className={r.outcome === 'failed' || r.outcome === 'rejected' ? 'updates__row--bad' : undefined}
            >
              <td>{formatDateTime(r.at, locale)}</td>
              <td>{t(`updates.outcome.${r.outcome}`)}</td>
              <td className="updates__version">{r.targetVersion ?? r.currentVersion}</td>
              <td>{r.reason ? t(`updates.reason.${r.reason}`) : t('updates.reports.none')}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

/** A modal confirmation (native <dialog>: focus kept inside, Escape cancels). */
function ConfirmDialog({
  title,
  children,
  onCancel,
  testId,
}: {
  title: string;
  children: ReactNode;
  onCancel: () => void;
  testId: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="updates__dialog"
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

function RaiseDialog({
  state,
  onCancel,
  onConfirm,
}: {
  state: ChannelState;
  onCancel: () => void;
  onConfirm: (percent: number) => Promise<void>;
}) {
  const { t } = useTranslation();
  const choices = raiseChoices(state.stagingPercentage);
  const [percent, setPercent] = useState(choices[0] ?? 100);
  const [working, setWorking] = useState(false);
  const names = {
    version: state.version,
    channel: t(`updates.channel.${state.channel}`),
    platform: t(`updates.platform.${state.platform}`),
  };
  const current = state.halted ? t('updates.channels.halted') : t('updates.channels.percent', { percent: state.stagingPercentage });
  return (
    <ConfirmDialog title={t('updates.raiseDialog.title')} onCancel={onCancel} testId="raise-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setWorking(true);
          void onConfirm(percent);
        }}
      >
        <p>{t('updates.raiseDialog.text', { ...names, current })}</p>
        <fieldset className="updates__choices">
          <legend>{t('updates.raiseDialog.choose')}</legend>
          {choices.map((p) => (
            <label key={p} className="updates__choice">
              <input type="radio" name="percent" value={p} checked={percent === p} onChange={() => setPercent(p)} />
              {p === 100 ? t('updates.raiseDialog.optionAll') : t('updates.raiseDialog.option', { percent: p })}
            </label>
          ))}
        </fieldset>
        <div className="updates__dialog-actions">
          <button type="button" className="btn btn--ghost" onClick={onCancel} disabled={working}>
            {t('updates.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" disabled={working}>
            {working ? t('updates.working') : t('updates.raiseDialog.confirm', { percent })}
          </button>
        </div>
      </form>
    </ConfirmDialog>
  );
}

function HaltDialog({ state, onCancel, onConfirm }: { state: ChannelState; onCancel: () => void; onConfirm: () => Promise<void> }) {
  const { t } = useTranslation();
  const [working, setWorking] = useState(false);
  const names = {
    version: state.version,
    channel: t(`updates.channel.${state.channel}`),
    platform: t(`updates.platform.${state.platform}`),
  };
  return (
    <ConfirmDialog title={t('updates.haltDialog.title')} onCancel={onCancel} testId="halt-dialog">
      <p>{t('updates.haltDialog.text', names)}</p>
      <div className="updates__dialog-actions">
        <button type="button" className="btn btn--ghost" onClick={onCancel} disabled={working} autoFocus>
          {t('updates.cancel')}
        </button>
        <button
          type="button"
          className="btn updates__danger"
          disabled={working}
          onClick={() => {
            setWorking(true);
            void onConfirm();
          }}
        >
          {working ? t('updates.working') : t('updates.haltDialog.confirm')}
        </button>
      </div>
    </ConfirmDialog>
  );
}
