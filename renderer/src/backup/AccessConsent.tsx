import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupAccessView, ErrorBody, VigieApi } from '@vigie/common';
import { useStore } from '../store.js';
import { ConsentCode } from '../components/ConsentCode.js';
import { ErrorBlock } from './parts.js';
import '../screen/screen.css';
import './backup.css';

/** Seconds left before `iso` (local clock), refreshed every second. */
function useSecondsLeft(iso: string | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return iso ? Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000)) : 0;
}

/** The access as the main process holds it, live (push 'backupAccess:state'). */
function useAccess(api: VigieApi | null): BackupAccessView | null {
  const [view, setView] = useState<BackupAccessView | null>(null);
  useEffect(() => {
    if (!api) return;
    let live = true;
    const off = api.on('backupAccess:state', (v) => setView(v));
    void api.backupAccess.get({}).then(
      (r) => {
        if (live && r.ok) setView(r.data);
      },
      () => undefined,
    );
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return view;
}

/**
 * A technician's access to this computer's backups outside any help request. First the consent
 * (who asks, as the hub verified it; the code the technician reads out; the countdown to the
 * automatic refusal; « Autoriser » / « Refuser » — Escape refuses, Enter never consents), then,
 * once granted, a banner saying who has access until when, with « Arrêter l'accès ». Restores the
 * technician starts show below it (RestoreBanner), with their names.
 */
export function AccessConsent() {
  const { t, i18n } = useTranslation();
  const api = useStore((s) => s.api);
  const view = useAccess(api);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [stopped, setStopped] = useState(false);
  const seconds = useSecondsLeft(view?.state === 'pending' ? view.consentExpiresAt : null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const ids = { title: useId(), body: useId(), code: useId() };

  // Focus goes to the title, never to « Autoriser »: an Enter typed elsewhere must not consent.
  useEffect(() => {
    if (view?.state === 'pending') titleRef.current?.focus();
  }, [view?.accessId, view?.state]);
  useEffect(() => {
    if (view) setStopped(false);
    setError(null);
  }, [view?.accessId, view?.state, view]);

  const act = async (call: (api: VigieApi) => Promise<{ ok: boolean; error?: ErrorBody }>, after?: () => void) => {
    if (!api || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await call(api);
      if (!r.ok && r.error) setError(r.error);
      else after?.();
    } finally {
      setBusy(false);
    }
  };

  if (!view) {
    return stopped ? (
      <p className="panel access-stopped" role="status">
        {t('backup.relay.access.stopped')}
      </p>
    ) : null;
  }
  const vars = { name: view.technicianName, provider: view.providerName };

  if (view.state === 'granted') {
    const time = view.grantedUntil
      ? new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' }).format(new Date(view.grantedUntil))
      : '';
    return (
      <section className="panel access-banner" aria-labelledby={ids.title} data-testid="backup-access" data-state="granted">
        <h2 id={ids.title}>{t('backup.relay.access.granted', { name: view.technicianName, time })}</h2>
        <p className="hint">{t('backup.relay.access.grantedHint')}</p>
        <div className="row">
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() =>
              void act(
                (a) => a.backupAccess.stop({ accessId: view.accessId }),
                () => setStopped(true),
              )
            }
          >
            {t('backup.relay.access.stop')}
          </button>
        </div>
        {error ? <ErrorBlock error={error} /> : null}
      </section>
    );
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !busy) {
      e.preventDefault();
      void act((a) => a.backupAccess.answer({ accessId: view.accessId, decision: 'refused' }));
    }
  };
  return (
    <section
      className="screen-consent panel access-consent"
      role="alertdialog"
      aria-labelledby={ids.title}
      aria-describedby={`${ids.body} ${ids.code}`}
      onKeyDown={onKeyDown}
      data-testid="backup-access"
      data-state="pending"
    >
      <p className="screen-consent__label">{t('backup.relay.access.label')}</p>
      <h2 id={ids.title} ref={titleRef} tabIndex={-1}>
        {t('backup.relay.access.title')}
      </h2>
      <p id={ids.body}>
        {t('backup.relay.access.body', vars)} {t('backup.relay.access.duration', { minutes: view.grantMinutes })}
      </p>
      <ConsentCode
        id={ids.code}
        code={view.shortCode}
        label={t('backup.relay.access.codeLabel')}
        hint={t('backup.relay.access.codeHint')}
      />
      <p className="screen-consent__countdown" aria-live="off">
        {t('backup.relay.access.countdown', { seconds })}
      </p>
      <div className="row screen-consent__actions">
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => void act((a) => a.backupAccess.answer({ accessId: view.accessId, decision: 'refused' }))}
        >
          {t('backup.relay.access.refuse')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void act((a) => a.backupAccess.answer({ accessId: view.accessId, decision: 'granted' }))}
        >
          {t('backup.relay.access.allow')}
        </button>
      </div>
      {error ? <ErrorBlock error={error} /> : null}
    </section>
  );
}
