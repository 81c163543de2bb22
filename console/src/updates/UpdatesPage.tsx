import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelState } from '@vigie/common';
import { useController, useSession } from '../app/context';
import { routeHref } from '../lib/router';
import { Channels } from './Channels';
import { HaltDialog, RaiseDialog } from './dialogs';
import { Releases, Reports, Versions } from './Fleet';
import { useUpdates } from './hooks';
import './updates.css';

/*
 * The console's « Mises à jour » page: this module puts it together; its parts have their modules
 * beside it (Channels, Fleet, dialogs, Table).
 */

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
