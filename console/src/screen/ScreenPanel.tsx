import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useController } from '../app/context';
import { ConsentCode } from '../components/ConsentCode';
import { isOpen } from './controller';
import { Clipboard } from './Clipboard';
import { useScreenView } from './hooks';
import { errorLine, type ScreenLine } from './notice';
import { panelView } from './panel-view';
import { MonitorLabel, QualityLine } from './ScreenLines';
import { Viewer } from './Viewer';
import './screen.css';

/*
 * The console's remote screen of a request: this module puts the panel together; what it shows is
 * decided in panel-view.ts, its parts have their modules beside it (Viewer with the technician's
 * input, ScreenLines, Clipboard).
 */

/** A ScreenLine in the UI language (a reason inside a sentence is translated too). */
function useLine(): (l: ScreenLine) => string {
  const { t } = useTranslation();
  return (l) => {
    const { reasonKey, ...vars } = l.vars ?? {};
    return t(l.key, reasonKey ? { ...vars, reason: t(String(reasonKey)) } : vars);
  };
}

/**
 * "Écran du poste" in the request workspace: "Voir l'écran" (with the short code to read out),
 * the viewer once the practice consented, "Prendre la main" / "Rendre la main", fullscreen,
 * the live quality line, clipboard on request, "Terminer".
 */
export function ScreenPanel({
  requestId,
  deviceName,
  canAct,
  deviceOnline,
}: {
  requestId: string;
  deviceName: string;
  canAct: boolean;
  deviceOnline: boolean;
}) {
  const { t } = useTranslation();
  const controller = useController();
  const screen = controller.screen;
  const st = useScreenView((s) => s);
  const line = useLine();
  const frameRef = useRef<HTMLDivElement>(null);
  const [fullscreen, setFullscreen] = useState(false);
  const titleId = useId();

  useEffect(() => {
    void screen.load(requestId);
  }, [screen, requestId]);

  useEffect(() => {
    const on = () => setFullscreen(document.fullscreenElement === frameRef.current && !!frameRef.current);
    document.addEventListener('fullscreenchange', on);
    return () => document.removeEventListener('fullscreenchange', on);
  }, []);

  const view = panelView(st, requestId, deviceName);
  const { session, mine, live, control, otherTab, switchPending, switchRefused, canSwitch, consent, controlAnswer, waitsForPicture } = view;
  const label = t('screen.videoLabel', { device: deviceName });

  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else if (!frameRef.current?.requestFullscreen) screen.fail('UNAVAILABLE', 'fullscreen');
    else void frameRef.current.requestFullscreen().catch(() => screen.fail('UNAVAILABLE', 'fullscreen'));
  };
  const status = view.status ? line(view.status) : null;

  return (
    <section className="screen-panel" aria-labelledby={titleId} data-testid="screen-panel" data-state={session?.state ?? 'none'}>
      <div ref={frameRef} className={`screen-frame${fullscreen ? ' screen-frame--full' : ''}`}>
        <div className="screen-panel__head">
          <h2 id={titleId} className="panel-title">
            {t('screen.title')}
          </h2>
          <div className="screen-panel__actions">
            {!mine || !isOpen(session) ? (
              canAct ? (
                <button
                  type="button"
                  className="btn btn--primary"
                  disabled={!!st.busy || !deviceOnline || otherTab}
                  onClick={() => void screen.request(requestId)}
                >
                  {st.busy === 'request' ? t('screen.asking') : t('screen.view')}
                </button>
              ) : null
            ) : null}
            {live && (session?.state === 'viewing' || session?.state === 'control-pending') ? (
              <button
                type="button"
                className="btn"
                disabled={!!st.busy || session.state === 'control-pending' || !st.channelOpen || switchPending}
                onClick={() => void screen.takeControl()}
              >
                {t('screen.takeControl')}
              </button>
            ) : null}
            {live && session?.state === 'controlling' ? (
              <button type="button" className="btn" disabled={!!st.busy} onClick={() => void screen.releaseControl()}>
                {t('screen.releaseControl')}
              </button>
            ) : null}
            {canSwitch ? (
              <button type="button" className="btn" disabled={!!st.busy || switchPending} onClick={() => void screen.switchDisplay()}>
                {t('screen.switchDisplay')}
              </button>
            ) : null}
            {live ? (
              <button type="button" className="btn btn--ghost" aria-pressed={fullscreen} onClick={toggleFullscreen}>
                {fullscreen ? t('screen.exitFullscreen') : t('screen.fullscreen')}
              </button>
            ) : null}
            {(mine && isOpen(session)) || otherTab ? (
              <button type="button" className="btn btn--ghost" disabled={st.busy === 'end'} onClick={() => void screen.end()}>
                {st.busy === 'end' ? t('screen.ending') : t('screen.end')}
              </button>
            ) : null}
          </div>
        </div>

        {!isOpen(session) && canAct ? <p className="muted">{deviceOnline ? t('screen.intro') : t('screen.offline')}</p> : null}
        {consent ? (
          <ConsentCode
            testId="screen"
            kind={consent.kind}
            label={consent.kind === 'control' ? t('screen.controlCode') : t('screen.code')}
            code={consent.code}
            expiresAt={consent.expiresAt}
          />
        ) : null}
        <p className="screen-status" role="status" data-testid="screen-status">
          {status}
        </p>
        {controlAnswer ? (
          <p className="notice notice--warn" role="alert" data-testid="screen-control-answer">
            {line(controlAnswer)}
          </p>
        ) : null}
        {waitsForPicture ? <p className="muted screen-hint">{t('screen.controlNeedsPicture')}</p> : null}
        {switchRefused ? (
          <p className="muted" data-testid="screen-switch-refused">
            {t('screen.switchRefused')}
          </p>
        ) : null}
        {view.shown && st.error ? (
          <p className="notice notice--error" role="alert" data-testid="screen-error">
            {line(errorLine(st.error))}
          </p>
        ) : null}
        {live ? (
          <>
            <div className="screen-lines">
              <MonitorLabel />
              <QualityLine />
            </div>
            <Viewer screen={screen} stream={st.stream} control={control} label={label} />
            {control ? (
              <>
                <p id="screen-keyboard-hint" className="muted screen-hint">
                  {t('screen.keyboardHint')}
                </p>
                <Clipboard screen={screen} />
              </>
            ) : null}
          </>
        ) : null}
      </div>
    </section>
  );
}
