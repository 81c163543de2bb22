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
