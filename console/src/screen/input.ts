import { SCREEN_LIMITS, type InputEvent, type KeyModifiers, type PointerButton } from '@vigie/common';

/** Where the remote picture sits inside the <video> element (object-fit: contain letterboxes it). */
export interface ContentBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function contentBox(
  el: { left: number; top: number; width: number; height: number },
  videoWidth: number,
  videoHeight: number,
): ContentBox | null {
  if (videoWidth <= 0 || videoHeight <= 0 || el.width <= 0 || el.height <= 0) return null;
  const scale = Math.min(el.width / videoWidth, el.height / videoHeight);
  const width = videoWidth * scale;
  const height = videoHeight * scale;
  return { left: el.left + (el.width - width) / 2, top: el.top + (el.height - height) / 2, width, height };
}

/** Client coordinates → 0..1 of the shared screen; null outside the picture (nothing is sent then). */
export function normalize(box: ContentBox, clientX: number, clientY: number): { x: number; y: number } | null {
  const x = (clientX - box.left) / box.width;
  const y = (clientY - box.top) / box.height;
  if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) return null;
  return { x: round(x), y: round(y) };
}

const round = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1e5) / 1e5));

/** MouseEvent.button → the contract's button (back/forward buttons are not sent). */
export function pointerButton(button: number): PointerButton | null {
  return button === 0 ? 'left' : button === 1 ? 'middle' : button === 2 ? 'right' : null;
}

const LINE_PX = 16;

/** Wheel deltas in CSS pixels (line and page modes converted), bounded by the contract. */
export function wheelPixels(e: { deltaX: number; deltaY: number; deltaMode: number }, pageHeight: number): { dx: number; dy: number } {
  const k = e.deltaMode === 1 ? LINE_PX : e.deltaMode === 2 ? Math.max(1, pageHeight) : 1;
  const clamp = (v: number) => Math.max(-SCREEN_LIMITS.wheelDelta, Math.min(SCREEN_LIMITS.wheelDelta, Math.round(v * k)));
  return { dx: clamp(e.deltaX), dy: clamp(e.deltaY) };
}

export function modifiers(e: { altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }): KeyModifiers {
  return { alt: e.altKey, ctrl: e.ctrlKey, meta: e.metaKey, shift: e.shiftKey };
}

const KEY_CODE = /^[A-Za-z][A-Za-z0-9]{0,31}$/;

/** A key event for the device (physical key code + modifiers); null for keys without a usable code. */
export function keyMessage(
  kind: 'down' | 'up',
  e: { code: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean },
): InputEvent | null {
  if (!KEY_CODE.test(e.code)) return null;
  return { t: kind === 'down' ? 'key.down' : 'key.up', code: e.code, mods: modifiers(e) };
}
