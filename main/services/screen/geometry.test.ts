import { describe, expect, it } from 'vitest';
import { contains, displayFromMonitor, toPixel } from './geometry.js';

describe('screen geometry', () => {
  const right = { x: 1920, y: 0, width: 1280, height: 1024 };

  it('maps normalized coordinates into the chosen display, never past its last pixel', () => {
    expect(toPixel(0, 0, right)).toEqual({ x: 1920, y: 0 });
    expect(toPixel(1, 1, right)).toEqual({ x: 1920 + 1279, y: 1023 });
    expect(toPixel(0.5, 0.5, right)).toEqual({ x: 1920 + 640, y: 512 });
    for (const [x, y] of [
      [0, 0],
      [1, 1],
      [0.999, 0.001],
      [0.5, 1],
    ] as const)
      expect(contains(right, toPixel(x, y, right)!)).toBe(true);
    expect(toPixel(1.01, 0.5, right)).toBeNull();
    expect(toPixel(-0.01, 0.5, right)).toBeNull();
    expect(toPixel(Number.NaN, 0.5, right)).toBeNull();
  });

  it('turns monitors into displays in the injector space of each OS', () => {
    const m = { id: 7, label: 'DELL U2720Q', bounds: { x: 1280, y: 0, width: 1280, height: 720 }, scaleFactor: 1.5 };
    expect(displayFromMonitor(m, { platform: 'darwin', primaryId: 7, index: 0 })).toEqual({
      id: '7',
      label: 'DELL U2720Q',
      bounds: m.bounds,
      scaleFactor: 1.5,
      primary: true,
    });
    expect(displayFromMonitor(m, { platform: 'linux', primaryId: 1, index: 1 }).bounds).toEqual({
      x: 1920,
      y: 0,
      width: 1920,
      height: 1080,
    });
    const win = displayFromMonitor(
      { ...m, label: '' },
      {
        platform: 'win32',
        primaryId: 1,
        index: 1,
        toScreenRect: (b) => ({ ...b, x: b.x * 1.5, width: b.width * 1.5, height: b.height * 1.5 }),
      },
    );
    expect(win).toMatchObject({ label: 'Écran 2', primary: false, bounds: { x: 1920, width: 1920, height: 1080 } });
  });
});
