import { useEffect, useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PointerButton } from '@vigie/common';
import { useController } from '../app/context';
import { ConsentCode } from '../components/ConsentCode';
import { canControl, isLive, isOpen, type ScreenController } from './controller';
import { useScreenView } from './hooks';
import { controlAnswerLine, errorLine, pendingConsent, type ScreenLine } from './notice';
import { contentBox, keyMessage, normalize, pointerButton, wheelPixels } from './input';
import { formatBitrate } from './quality';
import './screen.css';

const NO_MODS = { alt: false, ctrl: false, meta: false, shift: false };

/**
 * The picture, fitted to the element, and — only while control is granted — the technician's
 * pointer, wheel and keyboard turned into normalized messages on the data channel.
 */
function Viewer({
  screen,
  stream,
  control,
  label,
}: {
  screen: ScreenController;
  stream: MediaStream | null;
  control: boolean;
  label: string;
}) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const heldKeys = useRef(new Set<string>());

  useEffect(() => {
    const v = videoRef.current;
    if (!v) return;
    v.srcObject = stream;
    if (stream) void v.play().catch(() => undefined);
  }, [stream]);

  useEffect(() => {
    const v = videoRef.current;
    const stage = stageRef.current;
    if (!v || !stage || !control) return;
    const held = new Set<PointerButton>();
    let last = { x: 0.5, y: 0.5 };
    let move: { x: number; y: number } | null = null;
    let raf = 0;
    const at = (e: MouseEvent) => {
      const box = contentBox(v.getBoundingClientRect(), v.videoWidth, v.videoHeight);
      return box ? normalize(box, e.clientX, e.clientY) : null;
    };
    const flush = () => {
      if (raf) cancelAnimationFrame(raf);
      raf = 0;
      if (move) screen.sendInput({ t: 'pointer.move', ...move });
      move = null;
    };
    const onMove = (e: PointerEvent) => {
      const p = at(e);
      if (!p) return;
      last = p;
      move = p;
      if (!raf) raf = requestAnimationFrame(flush);
    };
    const onDown = (e: PointerEvent) => {
      const button = pointerButton(e.button);
      const p = at(e);
      if (!button || !p) return;
      e.preventDefault();
      stage.focus({ preventScroll: true });
      flush();
      last = p;
      try {
        v.setPointerCapture(e.pointerId);
      } catch {
        // capture is a nicety (drags leaving the picture)
      }
      held.add(button);
      screen.sendInput({ t: 'pointer.down', ...p, button });
    };
    const onUp = (e: PointerEvent) => {
      const button = pointerButton(e.button);
      if (!button || !held.has(button)) return;
      e.preventDefault();
      flush();
      const p = at(e) ?? last;
      held.delete(button);
      screen.sendInput({ t: 'pointer.up', ...p, button });
    };
    const onWheel = (e: WheelEvent) => {
      const p = at(e);
      if (!p) return;
      e.preventDefault();
      flush();
      screen.sendInput({ t: 'wheel', ...p, ...wheelPixels(e, v.clientHeight) });
    };
    const noMenu = (e: Event) => e.preventDefault();
    v.addEventListener('pointermove', onMove);
    v.addEventListener('pointerdown', onDown);
    v.addEventListener('pointerup', onUp);
    v.addEventListener('wheel', onWheel, { passive: false });
    v.addEventListener('contextmenu', noMenu);
    const keys = heldKeys.current;
    return () => {
      v.removeEventListener('pointermove', onMove);
      v.removeEventListener('pointerdown', onDown);
      v.removeEventListener('pointerup', onUp);
      v.removeEventListener('wheel', onWheel);
      v.removeEventListener('contextmenu', noMenu);
      if (raf) cancelAnimationFrame(raf);
      // Nothing stays pressed on the practice's computer.
      for (const button of held) screen.sendInput({ t: 'pointer.up', ...last, button });
      for (const code of keys) screen.sendInput({ t: 'key.up', code, mods: NO_MODS });
      keys.clear();
    };
  }, [control, screen]);

  const onKey = (kind: 'down' | 'up') => (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (!control) return;
    const m = keyMessage(kind, e.nativeEvent);
    if (!m) return;
    e.preventDefault();
    if (kind === 'down' && e.repeat) return; // the practice's computer repeats a held key by itself
    if (kind === 'down') heldKeys.current.add(e.code);
    else heldKeys.current.delete(e.code);
    screen.sendInput(m);
  };
  const onBlur = () => {
    for (const code of heldKeys.current) screen.sendInput({ t: 'key.up', code, mods: NO_MODS });
    heldKeys.current.clear();
  };

  return (
    <div
      ref={stageRef}
      className={`screen-stage${control ? ' screen-stage--control' : ''}`}
      tabIndex={control ? 0 : -1}
      role="group"
      aria-label={label}
      aria-describedby={control ? 'screen-keyboard-hint' : undefined}
      onKeyDown={onKey('down')}
      onKeyUp={onKey('up')}
      onBlur={onBlur}
    >
      <video ref={videoRef} className="screen-video" autoPlay muted playsInline aria-label={label} data-testid="screen-video" />
      {!stream ? (
        <p className="screen-stage__wait" role="status">
          {t('screen.connecting')}
        </p>
      ) : null}
    </div>
  );
}

function MonitorLabel() {
  const { t } = useTranslation();
  const d = useScreenView((s) => s.display);
  if (!d) return null;
  return (
    <p className="screen-monitor" data-testid="screen-monitor">
      {d.count > 1 ? t('screen.monitorOf', d) : t('screen.monitor', d)}
    </p>
  );
}

function QualityLine() {
  const { t, i18n } = useTranslation();
  const q = useScreenView((s) => s.quality);
  if (!q) return null;
  const unknown = t('screen.unknown');
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 0 });
  return (
    <p className="screen-quality" aria-label={t('screen.qualityLabel')} data-testid="screen-quality">
      {t('screen.quality', {
        fps: q.fps === null ? unknown : fmt.format(q.fps),
        width: q.width || unknown,
        height: q.height || unknown,
        bitrate: q.kbps === null ? unknown : formatBitrate(q.kbps, i18n.language),
        rtt:
          q.rttMs === null
            ? unknown
            : t('screen.rtt', { ms: new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 0 }).format(q.rttMs) }),
      })}
    </p>
  );
}

function Clipboard({ screen }: { screen: ScreenController }) {
  const { t } = useTranslation();
  const controller = useController();
  const clip = useScreenView((s) => s.clipboard);
  const [text, setText] = useState('');
  const id = useId();
  const working = clip.status === 'sending' || clip.status === 'reading';
  return (
    <details className="screen-clipboard">
      <summary>{t('screen.clipboard')}</summary>
      <label htmlFor={id}>{t('screen.clipboardText')}</label>
      <textarea id={id} rows={2} value={text} maxLength={32_768} onChange={(e) => setText(e.target.value)} />
      <div className="screen-clipboard__actions">
        <button type="button" className="btn btn--small" disabled={working || !text} onClick={() => void screen.sendClipboard(text)}>
          {t('screen.clipboardSend')}
        </button>
        <button type="button" className="btn btn--small btn--ghost" disabled={working} onClick={() => void screen.readClipboard()}>
          {t('screen.clipboardGet')}
        </button>
      </div>
      <div role="status">
        {clip.status === 'sent' ? <p className="muted">{t('screen.clipboardSent')}</p> : null}
        {clip.status === 'read' ? (
          clip.text ? (
            <pre className="screen-clipboard__text" aria-label={t('screen.clipboardRead')}>
              {clip.text}
            </pre>
          ) : (
            <p className="muted">{t('screen.clipboardEmpty')}</p>
          )
        ) : null}
        {clip.status === 'error' && clip.error ? <p className="notice notice--error">{controller.errorText(clip.error)}</p> : null}
      </div>
    </details>
  );
}

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

  const shown = st.requestId === requestId;
  const session = shown ? st.session : null;
  const mine = shown && st.mine;
  const live = mine && isLive(session);
  const control = shown && canControl(st);
  const otherTab = shown && !st.mine && isOpen(session);
  const label = t('screen.videoLabel', { device: deviceName });
  const sw = session?.displaySwitch ?? null;
  const switchPending = !!sw && sw.answeredAt === null;
  const switchRefused = live && !!sw && (sw.decision === 'refused' || sw.decision === 'timeout');
  const canSwitch = live && (session?.state === 'viewing' || session?.state === 'controlling') && !!st.display && st.display.count > 1;

  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else if (!frameRef.current?.requestFullscreen) screen.fail('UNAVAILABLE', 'fullscreen');
    else void frameRef.current.requestFullscreen().catch(() => screen.fail('UNAVAILABLE', 'fullscreen'));
  };
  const consent = mine ? pendingConsent(session) : null;
  const controlAnswer = live ? controlAnswerLine(session) : null;
  const waitsForPicture = live && session?.state === 'viewing' && !st.channelOpen;

  let status: string | null = null;
  if (mine && session?.state === 'consent-pending') status = t('screen.waitingConsent');
  else if (live && session?.state === 'control-pending') status = t('screen.controlPending');
  else if (live && switchPending) status = t('screen.switchPending');
  else if (live && control) status = t('screen.controlling');
  else if (live) status = st.stream ? t('screen.viewing', { device: deviceName }) : t('screen.connecting');
  else if (otherTab) status = t('screen.otherTab');
  else if (shown && st.lost) status = t('screen.lost');
  else if (session?.state === 'ended' && session.endReason) status = t(`screen.endReasons.${session.endReason}`);

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
        {shown && st.error ? (
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
