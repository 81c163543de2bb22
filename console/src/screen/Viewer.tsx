import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isModifierKey, type PointerButton } from '@vigie/common';
import type { ScreenController } from './controller';
import { contentBox, keyMessage, normalize, pointerButton, wheelPixels } from './input';

const NO_MODS = { alt: false, ctrl: false, meta: false, shift: false };

/**
 * The picture, fitted to the element, and — only while control is granted — the technician's
 * pointer, wheel and keyboard turned into normalized messages on the data channel.
 */
export function Viewer({
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
    // A held key repeats at this computer's rate: the practice's computer types each repeat (it
    // never holds a key but a modifier, whose repeats mean nothing: isModifierKey, @vigie/common).
    if (kind === 'down' && e.repeat && isModifierKey(e.code)) return;
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
