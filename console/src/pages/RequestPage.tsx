import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorCode } from '@vigie/common';
import { useController, useSession, useWorkspace } from '../app/context';
import { routeHref } from '../lib/router';
import { formatDateTime } from '../lib/time';
import { ChatPanel } from '../components/ChatPanel';
import { ContextPanel } from '../components/ContextPanel';
import { ResolveForm } from '../components/ResolveForm';
import { DeviceStatus } from '../components/DeviceStatus';
import { DeviceHealthPanel } from '../fleet/DeviceHealthPanel';
import { DeviceLogsPanel } from '../fleet/DeviceLogsPanel';
import { ScreenPanel } from '../screen/ScreenPanel';
import { SafetyPanel } from '../screen/SafetyPanel';
import { BackupSection } from '../backup/BackupSection';
import { ReceiptDownload } from '../receipts/ReceiptDownload';
import { TripwireEvidence } from '../tripwire/TripwireEvidence';
import './workspace.css';

/**
 * Sets `--ws-fit` on the element: the viewport's height below the element's place in the page, so
 * the conversation column fills the screen (1440×900 and up) with its composer visible without
 * scrolling. Measured again when anything above moves (connection banner, window size).
 */
function useFitToViewport(ref: RefObject<HTMLElement | null>): void {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const fit = () => {
      const top = el.getBoundingClientRect().top + window.scrollY;
      el.style.setProperty('--ws-fit', `${Math.max(420, Math.floor(window.innerHeight - top - 16))}px`);
    };
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(document.body);
    window.addEventListener('resize', fit);
    return () => {
      ro.disconnect();
      window.removeEventListener('resize', fit);
    };
  }, [ref]);
}

/** Workspace of one request: conversation, device facts, resolve / put back. */
export function RequestPage({ requestId }: { requestId: string }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const conv = useWorkspace((s) => s.conversations[requestId]);
  const me = useSession((s) => s.technician?.id);
  const [resolving, setResolving] = useState(false);
  const [releasing, setReleasing] = useState(false);
  const [actionError, setActionError] = useState<ErrorCode | null>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  useFitToViewport(gridRef);

  useEffect(() => {
    void controller.open(requestId);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void controller.markRead(requestId);
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
      controller.close(requestId);
    };
  }, [controller, requestId]);

  const request = conv?.request ?? null;
  if (!conv || (!request && conv.detail !== 'error'))
    return (
      <section className="page" aria-busy="true">
        <p role="status" className="muted">
          {t('workspace.loading')}
        </p>
      </section>
    );

  if (!request)
    return (
      <section className="page">
        <p className="notice notice--error" role="alert">
          {controller.errorText(conv.error ?? 'INTERNAL')}
        </p>
        <a className="btn btn--ghost" href={routeHref({ name: 'queue' })}>
          {t('workspace.backToQueue')}
        </a>
      </section>
    );

  const mine = request.status === 'assigned' && request.technician?.id === me;
  const closedText =
    request.status === 'resolved'
      ? t('workspace.closedResolved')
      : request.status === 'cancelled'
        ? t('workspace.closedCancelled')
        : !mine
          ? t('workspace.notMine')
          : null;

  async function release() {
    setReleasing(true);
    setActionError(null);
    const r = await controller.release(requestId);
    setReleasing(false);
    if (!r.ok) setActionError(r.error.code);
  }

  return (
    <section className="page workspace" aria-labelledby="ws-title">
      <div ref={gridRef} className="ws-grid">
        <div className="ws-main">
          <div className="page__head workspace__head">
            <div>
              <h1 id="ws-title">{t('workspace.title', { practice: request.practiceName })}</h1>
              <p className="page__meta">
                <span className="workspace__device">{request.deviceName}</span>{' '}
                {conv.device ? <DeviceStatus online={conv.device.online} /> : null}
                <span className="muted"> · {t('workspace.createdAt', { date: formatDateTime(request.createdAt, i18n.language) })}</span>
              </p>
            </div>
            {mine ? (
              <div className="workspace__actions">
                <button
                  type="button"
                  className="btn btn--primary"
                  aria-expanded={resolving}
                  aria-controls="resolve-form"
                  onClick={() => setResolving((v) => !v)}
                >
                  {t('workspace.resolve')}
                </button>
                <button type="button" className="btn btn--ghost" disabled={releasing} onClick={() => void release()}>
                  {releasing ? t('workspace.releasing') : t('workspace.release')}
                </button>
              </div>
            ) : null}
          </div>

          {actionError ? (
            <p className="notice notice--error" role="alert">
              {controller.errorText(actionError)}
            </p>
          ) : null}
          {closedText ? (
            <p className="notice notice--info" role="status" data-testid="closed-notice">
              {closedText}
              {request.resolutionNote ? <span className="workspace__note"> — {request.resolutionNote}</span> : null}
            </p>
          ) : null}
          <ReceiptDownload requestId={requestId} status={request.status} />
          {mine && resolving ? <ResolveForm requestId={requestId} onCancel={() => setResolving(false)} /> : null}

          {/* The screen first: while it is shared, the picture is what the technician works on. */}
          {mine ? (
            <ScreenPanel requestId={requestId} deviceName={request.deviceName} canAct={mine} deviceOnline={conv.device?.online ?? false} />
          ) : null}
          <ContextPanel requestId={requestId} />
          <SafetyPanel requestId={requestId} />
          <DeviceHealthPanel deviceId={request.deviceId} fallback={request.context?.health ?? null} />
          <TripwireEvidence requestId={requestId} />
          <BackupSection requestId={requestId} />
          {mine && request.status === 'assigned' ? <DeviceLogsPanel requestId={requestId} /> : null}
        </div>
        <div className="ws-side">
          <ChatPanel requestId={requestId} canWrite={mine} />
        </div>
      </div>
    </section>
  );
}
