import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScreenEndReason, ScreenState } from '@vigie/common';
import { useStore } from '../store.js';
import { formatAccelerator, useScreen, type ScreenAction } from './store.js';
import { ConsentCode } from '../components/ConsentCode.js';
import { TechnicianPhoto } from '../receipts/TechnicianPhoto.js';
import './screen.css';

type Consent = NonNullable<ScreenState['consent']>;
type Banner = NonNullable<ScreenState['banner']>;

const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** Seconds left before `iso` (local clock), refreshed every second. */
function useSecondsLeft(iso: string): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000));
}

function ActionError({ action }: { action: ScreenAction }) {
  const { t } = useTranslation();
  const error = useScreen((s) => (s.error?.action === action ? s.error.body : null));
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {t(`errors.${error.code}`)}
    </p>
  );
}

/**
 * "Autoriser" / "Refuser": who asks (name verified by the hub, initials, provider), the short code
 * the technician reads out, the countdown to the automatic refusal, the screen to share.
 */
export function ConsentView({ consent, modal }: { consent: Consent; modal: boolean }) {
  const { t } = useTranslation();
  const grant = useScreen((s) => s.grant);
  const refuse = useScreen((s) => s.refuse);
  const busy = useScreen((s) => !!s.busy.grant || !!s.busy.refuse);
  // The safety backup before control (issue 12): running (control waits a few seconds), or failed (the practitioner decides).
  const safety = useScreen((s) =>
    consent.kind === 'control' && consent.safetyBackup && s.state?.sessionId === consent.sessionId ? (s.state.safety ?? null) : null,
  );
  const safetyFailed = safety?.state === 'failed';
  const seconds = useSecondsLeft(consent.expiresAt);
  const [displayId, setDisplayId] = useState<string | null>(consent.defaultDisplayId);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const ids = { title: useId(), body: useId(), code: useId() };
  const view = consent.kind === 'view';
  const switching = view && !!consent.switching;
  const vars = { name: consent.technicianName, provider: consent.providerName };

  // Focus goes to the title, never to "Autoriser": an Enter typed elsewhere must not consent.
  useEffect(() => titleRef.current?.focus(), [consent.sessionId, consent.kind, consent.expiresAt]);
  useEffect(() => setDisplayId(consent.defaultDisplayId), [consent.defaultDisplayId, consent.expiresAt]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !busy) {
      e.preventDefault();
      void refuse();
    }
  };

  return (
    <section
      className={`screen-consent panel${modal ? ' screen-consent--modal' : ''}`}
      role="alertdialog"
      aria-modal={modal || undefined}
      aria-labelledby={ids.title}
      aria-describedby={`${ids.body} ${ids.code}`}
      onKeyDown={onKeyDown}
      data-kind={switching ? 'switch' : consent.kind}
    >
      <p className="screen-consent__label">{t('screen.consentLabel')}</p>
      <h1 id={ids.title} ref={titleRef} tabIndex={-1}>
        {switching ? t('screen.consentSwitchTitle') : view ? t('screen.consentTitle') : t('screen.consentControlTitle')}
      </h1>
      <div className="screen-consent__who">
        <TechnicianPhoto sessionId={consent.sessionId} name={consent.technicianName} initials={consent.technicianInitials} />
        <p id={ids.body}>
          {switching ? t('screen.consentSwitchBody', vars) : view ? t('screen.consentBody', vars) : t('screen.consentControlBody', vars)}
        </p>
      </div>
      <ConsentCode id={ids.code} code={consent.shortCode} label={t('screen.codeLabel')} hint={t('screen.codeHint')} />
      {view && consent.displays.length > 1 ? (
        <fieldset className="screen-consent__displays">
          <legend>{t('screen.consentScreen')}</legend>
          {consent.displays.map((d) => (
            <label key={d.id} className="screen-display">
              <input
                type="radio"
                name={`display-${consent.sessionId}`}
                value={d.id}
                checked={displayId === d.id}
                onChange={() => setDisplayId(d.id)}
              />
              {d.label} ({d.bounds.width}×{d.bounds.height})
            </label>
          ))}
        </fieldset>
      ) : null}
      {!view && !consent.inputAvailable ? <p className="hint">{t('screen.controlUnavailable')}</p> : null}
      {!view && consent.safetyBackup && !safety ? (
        <p className="screen-consent__safety" data-testid="consent-safety">
          {t('screen.safety.consentSentence')}
        </p>
      ) : null}
      {safety?.state === 'running' ? (
        <p className="screen-consent__safety" role="status" data-testid="consent-safety">
          {t('screen.safety.waiting')}
        </p>
      ) : null}
      {safetyFailed ? (
        <div className="error screen-consent__safety" role="alert" data-testid="consent-safety">
          <p>
            <strong>{t('screen.safety.failed')}</strong>
            {safety.reason ? ` — ${t(`backup.reasons.${safety.reason}.message`, { count: 0 })}` : ''}
          </p>
          <p>{t('screen.safety.decide')}</p>
        </div>
      ) : null}
      <p className="screen-consent__countdown" aria-live="off">
        {t('screen.consentCountdown', { seconds })}
      </p>
      <div className="row screen-consent__actions">
        <button type="button" className="secondary" disabled={busy} onClick={() => void refuse()}>
          {t('screen.refuse')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void grant(view ? (displayId ?? undefined) : undefined, safetyFailed)}
        >
          {safetyFailed ? t('screen.safety.allowWithout') : t('screen.allow')}
        </button>
      </div>
      <ActionError action="grant" />
      <ActionError action="refuse" />
    </section>
  );
}

/**
 * "<Nom> voit votre écran" with "Arrêter", and "Reprendre la main" only while control is actually
 * granted (a control request still waiting is answered in the consent), and the stop shortcut.
 */
export function BannerView({ banner }: { banner: Banner }) {
  const { t, i18n } = useTranslation();
  const stop = useScreen((s) => s.stop);
  const revoke = useScreen((s) => s.revokeControl);
  const stopping = useScreen((s) => !!s.busy.stop);
  const revoking = useScreen((s) => !!s.busy.revokeControl);
  const controlled = banner.mode === 'controlling';
  const safety = useScreen((s) => (controlled ? (s.state?.safety ?? null) : null));
  const safetyAcknowledged = useScreen((s) => s.safetyAcknowledged !== null && s.safetyAcknowledged === s.state?.sessionId);
  const acknowledge = useScreen((s) => s.acknowledgeSafety);
  return (
    <section className="screen-banner" role="region" aria-label={t('screen.bannerLabel')} data-mode={banner.mode}>
      <p className="screen-banner__text" role="status">
        <span className="screen-banner__dot" aria-hidden="true" />
        {controlled
          ? t('screen.bannerControlling', { name: banner.technicianName })
          : t('screen.bannerViewing', { name: banner.technicianName })}
      </p>
      {banner.controlPending ? <p className="screen-banner__pending">{t('screen.controlPending')}</p> : null}
      {safety?.state === 'running' ? (
        <p className="screen-banner__safety" role="status" data-testid="banner-safety">
          {t('screen.safety.running')}
        </p>
      ) : null}
      {safety?.state === 'failed' && !safetyAcknowledged ? (
        <div className="screen-banner__safety screen-banner__safety--failed" role="alert" data-testid="banner-safety">
          <p>{t('screen.safety.bannerFailed')}</p>
          <button type="button" className="link" onClick={acknowledge}>
            {t('screen.safety.bannerKeepGoing')}
          </button>
        </div>
      ) : null}
      <div className="screen-banner__actions">
        {controlled ? (
          <button type="button" className="secondary" disabled={revoking} onClick={() => void revoke()}>
            {t('screen.bannerRevokeControl')}
          </button>
        ) : null}
        <button type="button" className="danger" disabled={stopping} onClick={() => void stop()}>
          {stopping ? t('screen.stopping') : t('screen.bannerStop')}
        </button>
      </div>
      <p className="screen-banner__shortcut hint">
        {t('screen.bannerShortcut', { keys: formatAccelerator(banner.stopAccelerator, isMac(), i18n.language) })}
      </p>
      <ActionError action="stop" />
      <ActionError action="revokeControl" />
    </section>
  );
}

/** A short line once a session ended (why), until closed or the next session. */
export function EndedNotice({ ended }: { ended: { sessionId: string; reason: ScreenEndReason } }) {
  const { t } = useTranslation();
  const dismiss = useScreen((s) => s.dismissEnded);
  return (
    <section className="screen-ended" role="status" aria-label={t('screen.endedTitle')}>
      <p>{t(`screen.endReasons.${ended.reason}`)}</p>
      <button type="button" className="link" onClick={dismiss}>
        {t('screen.dismiss')}
      </button>
    </section>
  );
}

/**
 * Browser host (one page): the consent, the banner and the end notice right below the tab bar
 * (Tabs' header): they push the page down and stay in view with the tabs while it scrolls, and
 * never cover them. Electron draws the same views in their own always-on-top windows (ScreenWindow).
 */
export function ScreenLayer() {
  const state = useScreen((s) => s.state);
  const dismissed = useScreen((s) => s.dismissed);
  if (!state) return null;
  const ended = state.phase === 'ended' && state.ended && state.ended.sessionId !== dismissed ? state.ended : null;
  if (!state.banner && !ended && !state.consent) return null;
  return (
    <div className="screen-layer">
      {state.banner ? <BannerView banner={state.banner} /> : null}
      {ended ? <EndedNotice ended={ended} /> : null}
      {state.consent ? <ConsentView consent={state.consent} modal={false} /> : null}
    </div>
  );
}

/** Electron: the consent window (`#screen=consent`) or the banner window (`#screen=banner`). */
export function ScreenWindow({ kind }: { kind: 'consent' | 'banner' }) {
  const { t, i18n } = useTranslation();
  const state = useScreen((s) => s.state);
  const locale = useStore((s) => s.app?.locale);
  useEffect(() => {
    if (locale && i18n.language !== locale) void i18n.changeLanguage(locale);
    if (locale) document.documentElement.lang = locale;
  }, [locale, i18n]);
  useEffect(() => {
    document.title = kind === 'consent' ? t('screen.consentTitle') : t('screen.bannerLabel');
  }, [kind, t]);
  if (!state) return null;
  return (
    <main className="screen-window" data-window={kind}>
      {kind === 'consent' && state.consent ? <ConsentView consent={state.consent} modal={false} /> : null}
      {kind === 'banner' && state.banner ? <BannerView banner={state.banner} /> : null}
    </main>
  );
}
