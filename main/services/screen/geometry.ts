import type { DisplayInfo } from '@vigie/common';

export type Bounds = DisplayInfo['bounds'];

/**
 * Maps coordinates normalized to a display (0..1 from its top-left corner) to that display's
 * pixels; 1.0 lands on the last pixel, never beyond. Null when the point is outside 0..1.
 */
export function toPixel(x: number, y: number, b: Bounds): { x: number; y: number } | null {
  if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) return null;
  return {
    x: b.x + Math.min(b.width - 1, Math.floor(x * b.width)),
    y: b.y + Math.min(b.height - 1, Math.floor(y * b.height)),
  };
}

export function contains(b: Bounds, p: { x: number; y: number }): boolean {
  return p.x >= b.x && p.x < b.x + b.width && p.y >= b.y && p.y < b.y + b.height;
}

/** What the shell knows of a monitor (Electron's Display, reduced). */
export interface MonitorLike {
  id: number;
  label?: string;
  bounds: Bounds;
  scaleFactor: number;
}

/**
 * A monitor in the injector's pixel space. Electron gives bounds in DIP; nut-js works in the OS's
 * own space: physical pixels on Windows (`toScreenRect` = screen.dipToScreenRect) and on X11
 * (DIP × scale factor), points on macOS (= DIP). `id` matches desktopCapturer's `display_id`.
 */
export function displayFromMonitor(
  m: MonitorLike,
  o: { platform: NodeJS.Platform; primaryId: number; index: number; toScreenRect?: (b: Bounds) => Bounds },
): DisplayInfo {
  let b: Bounds = m.bounds;
  if (o.platform === 'win32' && o.toScreenRect) b = o.toScreenRect(m.bounds);
  else if (o.platform === 'linux' && m.scaleFactor !== 1) {
    const s = m.scaleFactor;
    b = { x: Math.round(b.x * s), y: Math.round(b.y * s), width: Math.round(b.width * s), height: Math.round(b.height * s) };
  }
  return {
    id: String(m.id),
    label: m.label?.trim() || `Écran ${o.index + 1}`,
    bounds: { x: Math.round(b.x), y: Math.round(b.y), width: Math.max(1, Math.round(b.width)), height: Math.max(1, Math.round(b.height)) },
    scaleFactor: m.scaleFactor,
    primary: m.id === o.primaryId,
  };
}
