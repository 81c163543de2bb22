import { describe, expect, it } from 'vitest';
import type { DisplayInfo } from '@vigie/common';
import { bannerBounds, centredBounds, pickScreenSource } from './screen-policy.js';

const display = (id: string): DisplayInfo => ({
  id,
  label: id,
  bounds: { x: 0, y: 0, width: 1920, height: 1080 },
  scaleFactor: 1,
  primary: id === '1',
});
const src = (id: string, display_id: string) => ({ id, display_id, name: `Écran ${display_id}` });

describe('the consented screen as capture source', () => {
  it('takes the source of the consented display', () => {
    const sources = [src('screen:1:0', '1'), src('screen:2:0', '2'), src('window:42:0', '')];
    expect(pickScreenSource(sources, display('2'))?.id).toBe('screen:2:0');
    expect(pickScreenSource(sources, display('1'))?.id).toBe('screen:1:0');
  });
  it('takes the only screen when the display is unknown or unmatched (single monitor, Linux without ids)', () => {
    expect(pickScreenSource([src('screen:0:0', '')], display('5'))?.id).toBe('screen:0:0');
    expect(pickScreenSource([src('screen:0:0', ''), src('window:7:0', '')], null)?.id).toBe('screen:0:0');
  });
  it('refuses to guess between several screens, and never hands out a window', () => {
    expect(pickScreenSource([src('screen:1:0', '1'), src('screen:2:0', '2')], display('9'))).toBeNull();
    expect(pickScreenSource([src('screen:1:0', '1'), src('screen:2:0', '2')], null)).toBeNull();
    expect(pickScreenSource([src('window:1:0', '1')], display('1'))).toBeNull();
    expect(pickScreenSource([], display('1'))).toBeNull();
  });
});

describe('screen windows placement', () => {
  it('puts the banner at the top centre of the shared screen, inside its work area', () => {
    expect(bannerBounds({ x: 1920, y: 25, width: 1440, height: 875 }, { width: 620, height: 132 })).toEqual({
      x: 2330,
      y: 33,
      width: 620,
      height: 132,
    });
    expect(bannerBounds({ x: 0, y: 0, width: 500, height: 400 }, { width: 620, height: 132 })).toEqual({
      x: 0,
      y: 8,
      width: 500,
      height: 132,
    });
  });
  it('centres the consent window and keeps it on screen', () => {
    expect(centredBounds({ x: 0, y: 0, width: 1920, height: 1040 }, { width: 460, height: 600 })).toEqual({
      x: 730,
      y: 220,
      width: 460,
      height: 600,
    });
    expect(centredBounds({ x: 0, y: 30, width: 400, height: 500 }, { width: 460, height: 600 })).toEqual({
      x: 0,
      y: 30,
      width: 400,
      height: 500,
    });
  });
});
