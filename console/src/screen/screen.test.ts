import { describe, expect, it } from 'vitest';
import { contentBox, keyMessage, normalize, pointerButton, wheelPixels } from './input';
import { formatBitrate, qualityBetween, readInboundVideo } from './quality';
import { screenEn, screenFr } from './strings';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

describe('viewer input', () => {
  it('maps the pointer to 0..1 of the shared screen inside the letterboxed picture', () => {
    // A 1280×720 picture in an 800×600 element: 800×450, 75 px bands above and below.
    const box = contentBox({ left: 100, top: 50, width: 800, height: 600 }, 1280, 720)!;
    expect(box).toEqual({ left: 100, top: 125, width: 800, height: 450 });
    expect(normalize(box, 100, 125)).toEqual({ x: 0, y: 0 });
    expect(normalize(box, 900, 575)).toEqual({ x: 1, y: 1 });
    expect(normalize(box, 300, 350)).toEqual({ x: 0.25, y: 0.5 });
    expect(normalize(box, 300, 100)).toBeNull(); // in the band above the picture
    expect(normalize(box, 950, 300)).toBeNull();
    // A tall picture in a wide element: bands on the sides.
    expect(contentBox({ left: 0, top: 0, width: 1000, height: 500 }, 500, 1000)).toEqual({ left: 375, top: 0, width: 250, height: 500 });
    expect(contentBox({ left: 0, top: 0, width: 1000, height: 500 }, 0, 0)).toBeNull();
  });

  it('sends the three buttons, wheel deltas in pixels within the contract, key codes with modifiers', () => {
    expect([0, 1, 2, 3, 4].map(pointerButton)).toEqual(['left', 'middle', 'right', null, null]);
    expect(wheelPixels({ deltaX: 0, deltaY: 120, deltaMode: 0 }, 700)).toEqual({ dx: 0, dy: 120 });
    expect(wheelPixels({ deltaX: -2, deltaY: 3, deltaMode: 1 }, 700)).toEqual({ dx: -32, dy: 48 });
    expect(wheelPixels({ deltaX: 0, deltaY: 1, deltaMode: 2 }, 700)).toEqual({ dx: 0, dy: 700 });
    expect(wheelPixels({ deltaX: 0, deltaY: 1e9, deltaMode: 0 }, 700)).toEqual({ dx: 0, dy: 10_000 });
    const mods = { altKey: false, ctrlKey: true, metaKey: false, shiftKey: true };
    expect(keyMessage('down', { code: 'KeyA', ...mods })).toEqual({ t: 'key.down', code: 'KeyA', mods: { alt: false, ctrl: true, meta: false, shift: true } });
    expect(keyMessage('up', { code: 'Enter', ...mods })).toMatchObject({ t: 'key.up', code: 'Enter' });
    expect(keyMessage('down', { code: '', ...mods })).toBeNull();
    expect(keyMessage('down', { code: 'Unidentified key', ...mods })).toBeNull();
  });
});

describe('quality line', () => {
  it('reads the inbound video statistics and computes fps and bitrate between two samples', () => {
    const report = [
      { type: 'candidate-pair', currentRoundTripTime: 0.01 },
      { type: 'inbound-rtp', kind: 'audio', bytesReceived: 5 },
      { type: 'inbound-rtp', kind: 'video', timestamp: 10_000, framesDecoded: 100, bytesReceived: 1_000_000, frameWidth: 1280, frameHeight: 720 },
    ];
    const a = readInboundVideo(report)!;
    expect(a).toEqual({ at: 10_000, framesDecoded: 100, bytesReceived: 1_000_000, width: 1280, height: 720 });
    expect(qualityBetween(null, a, null)).toEqual({ fps: null, kbps: null, width: 1280, height: 720, rttMs: null });
    const b = { ...a, at: 12_000, framesDecoded: 160, bytesReceived: 1_500_000 };
    expect(qualityBetween(a, b, 12)).toEqual({ fps: 30, kbps: 2000, width: 1280, height: 720, rttMs: 12 });
    // A new peer (counters restarted): no nonsense figures.
    expect(qualityBetween(b, { ...a, at: 13_000 }, 12).fps).toBeNull();
    expect(readInboundVideo([{ type: 'outbound-rtp', kind: 'video' }])).toBeNull();
  });

  it('prints the bitrate in the UI language', () => {
    expect(formatBitrate(1840, 'fr')).toBe('1,8 Mbit/s');
    expect(formatBitrate(1840, 'en')).toBe('1.8 Mbit/s');
    expect(formatBitrate(850.4, 'fr')).toBe('850 kbit/s');
  });
});

describe('screen strings', () => {
  it('English has every French key, none empty', () => {
    const en = new Set(keys(screenEn));
    for (const k of keys(screenFr)) expect(en.has(k), k).toBe(true);
    expect(keys(screenEn).length).toBe(keys(screenFr).length);
  });
});
