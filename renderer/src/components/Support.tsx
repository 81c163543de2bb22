import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppState, HelpRequest } from '@vigie/common';
import { WaitStatus } from '../help/WaitStatus.js';
import { useStore } from '../store.js';
import { Cancel } from './Cancel.js';
import { Chat } from './Chat.js';
import { Details } from './Details.js';
import { ErrorText } from './ErrorText.js';

/** A heading that takes focus when it appears, so keyboard and screen-reader users follow the step. */
function StepTitle({ id, children }: { id: string; children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), [children]);
  return (
    <h1 id={id} ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

function Home() {
  const { t } = useTranslation();
  const requestHelp = useStore((s) => s.requestHelp);
  const busy = useStore((s) => !!s.busy.requestHelp);
  return (
    <section className="panel home" aria-labelledby="home-title">
      <h1 id="home-title">{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      <button type="button" className="help-button" disabled={busy} onClick={() => void requestHelp()}>
        {busy ? t('home.sending') : t('home.button')}
      </button>
      <ErrorText action="requestHelp" />
    </section>
  );
}

function Closed({ request }: { request: HelpRequest }) {
  const { t } = useTranslation();
  const dismiss = useStore((s) => s.dismissClosed);
  const title =
    request.status === 'resolved' ? t('closed.resolved') : request.status === 'cancelled' ? t('closed.cancelled') : t('closed.ended');
  return (
    <section className="panel closed" aria-labelledby="closed-title" data-status={request.status}>
      <StepTitle id="closed-title">{title}</StepTitle>
      {request.status === 'resolved' && request.technician ? (
        <p>{t('closed.resolvedBy', { name: request.technician.displayName })}</p>
      ) : null}
      {request.resolutionNote ? <p className="note">{t('closed.note', { note: request.resolutionNote })}</p> : null}
      <p className="hint">{t('closed.again')}</p>
      <button type="button" className="primary" onClick={() => void dismiss()}>
        {t('closed.ok')}
      </button>
    </section>
  );
}

/** The assistance tab: home → (pending) → waiting → assigned chat → closed confirmation. */
export function Support({ app }: { app: AppState }) {
  const { t } = useTranslation();
  const s = app.support;
  const current = s.current && (s.current.status === 'waiting' || s.current.status === 'assigned') ? s.current : null;

  let body;
  if (current?.status === 'assigned') {
    const name = current.technician?.displayName ?? '';
    body = (
      <>
        <section className="panel assigned" aria-labelledby="assigned-title">
          <StepTitle id="assigned-title">{t('assigned.title', { name })}</StepTitle>
          <p>{t('assigned.subtitle')}</p>
        </section>
        <Chat messages={s.messages} typingName={s.technicianTyping ? name : null} locale={app.locale} />
        <Cancel />
      </>
    );
  } else if (current) {
    body = (
      <>
        <section className="panel waiting" aria-labelledby="waiting-title">
          <StepTitle id="waiting-title">{t('waiting.title')}</StepTitle>
          <WaitStatus position={s.position} locale={app.locale} offline={s.connection !== 'online'} />
        </section>
        <Details topic={current.topic} description={current.description} />
        <Chat messages={s.messages} typingName={null} locale={app.locale} />
        <Cancel />
      </>
    );
  } else if (s.pendingRequest) {
    body = (
      <>
        <section className="panel pending" aria-labelledby="pending-title">
          <StepTitle id="pending-title">{t('pending.title')}</StepTitle>
          <p>{t('pending.text')}</p>
        </section>
        <Details topic={s.pendingRequest.topic} description={s.pendingRequest.description} />
        <Chat messages={s.messages} typingName={null} locale={app.locale} />
        <Cancel />
      </>
    );
  } else if (s.lastClosed) {
    body = <Closed request={s.lastClosed} />;
  } else {
    body = <Home />;
  }

  return (
    <>
      {s.connection === 'offline' ? (
        <p className="banner offline" role="status">
          {t('offline.banner')}
        </p>
      ) : null}
      {body}
    </>
  );
}
