/**
 * Remote control on a real X screen: a private Xvfb (started here; skipped only when no X server
 * can start, saying why), the practitioner's app page in a HEADED Chromium on that screen that
 * captures it for real (--auto-select-desktop-capture-source), the browser host with the real
 * nut-js injector on that DISPLAY, and a target page beside it that records trusted events. The
 * technician, in the console (headless), takes control, clicks and types in the viewer; nut-js
 * injects; the target page receives trusted events; the technician sees the pixels change in the
 * decoded video. A key the technician holds is never held on the X screen (nothing repeats it there).
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { WEBRTC_FLAGS, decoded, screenTest, until } from './harness.js';

const WIDTH = 1280;
const HEIGHT = 720;
/** The practitioner's app window on the left, the target page on the right. */
const APP = { x: 0, y: 0, width: 420, height: HEIGHT };
const TARGET = { x: 420, y: 0, width: WIDTH - 420, height: HEIGHT };

type Recorded = { type: string; trusted: boolean; sx: number; sy: number; cx: number; cy: number; code: string };

const TARGET_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Logiciel métier</title></head>
<body style="margin:0;height:100vh;background:#000">
<input id="field" autocomplete="off" style="position:fixed;left:40px;top:40px;width:300px;height:40px;font-size:20px">
<div id="pad" style="position:fixed;left:0;right:0;top:140px;bottom:0;background:#000"></div>
<script>
window.events = [];
for (const type of ['mousedown', 'mouseup', 'click', 'keydown', 'keyup']) {
  addEventListener(type, (e) => events.push({ type, trusted: e.isTrusted, sx: e.screenX || 0, sy: e.screenY || 0, cx: e.clientX || 0, cy: e.clientY || 0, code: e.code || '' }), true);
}
document.getElementById('pad').addEventListener('mousedown', (e) => { if (e.isTrusted) e.target.style.background = '#fff'; });
</script></body></html>`;

/** Mean brightness (0–255) of the technician's decoded picture around a normalized point. */
function brightnessAt(page: Page, x: number, y: number): Promise<number> {
  return page.evaluate(`(() => {
    const v = document.querySelector('[data-testid="screen-video"]');
    if (!v || !v.videoWidth) return -1;
    const c = document.createElement('canvas');
    c.width = 8; c.height = 8;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(v, Math.round(${x} * v.videoWidth) - 4, Math.round(${y} * v.videoHeight) - 4, 8, 8, 0, 0, 8, 8);
    const d = ctx.getImageData(0, 0, 8, 8).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 4) s += (d[i] + d[i + 1] + d[i + 2]) / 3;
    return s / 64;
  })()`);
}

/** Flags of the headed windows: WebRTC between pages, the whole X screen captured without a picker. */
const WINDOW_FLAGS = [...WEBRTC_FLAGS, '--auto-select-desktop-capture-source=Entire screen'];

// The world's private Xvfb (the test is skipped, saying why, when it cannot start here): the
// practitioner's app in a headed Chromium window on it, the technician's console headless, the
// host with the real nut-js injector on that DISPLAY (its screen ports: the real ones).
const test = screenTest({
  screen: {},
  xvfb: { width: WIDTH, height: HEIGHT },
  practitionerBrowser: { args: WINDOW_FLAGS, window: APP },
  browserArgs: WEBRTC_FLAGS,
  appViewport: null,
});

test.describe('remote control on a real X screen (Xvfb, nut-js)', () => {
  test('the technician clicks and types in the viewer: nut-js injects, the page gets trusted events, the technician sees the pixels change', async ({
    w: world,
    xvfbPage,
  }) => {
    const target = await xvfbPage('target', TARGET, WINDOW_FLAGS);
    await target.setContent(TARGET_PAGE);
    expect(world.host.screen!.service!.state().input.available).toBe(true);

    // Consent (one screen: the whole X screen), then the real capture reaches the technician.
    const panel = world.console.getByTestId('screen-panel');
    await panel.getByRole('button', { name: 'Voir l’écran' }).click();
    await world.app.getByRole('alertdialog', { name: 'Demande de partage d’écran' }).getByRole('button', { name: 'Autoriser' }).click();
    await until(async () => {
      const d = await decoded(world.console);
      return d.framesDecoded > 0 && d.videoWidth === WIDTH && d.videoHeight === HEIGHT;
    }, 'the real X screen, decoded at 1280×720');

    // Control: second consent.
    await panel.getByRole('button', { name: 'Prendre la main' }).click();
    await world.app.getByRole('alertdialog', { name: 'Demande de prise en main' }).getByRole('button', { name: 'Autoriser' }).click();
    await world.console.getByTestId('screen-status').getByText('Vous contrôlez la souris et le clavier du poste.').waitFor();

    // Where the target page sits on the X screen (its window, then its viewport inside it), roughly.
    const geo = await target.evaluate<{
      sx: number;
      sy: number;
      ox: number;
      oy: number;
      pad: { x: number; y: number };
      field: { x: number; y: number };
    }>(`(() => {
      const r = (id) => { const b = document.getElementById(id).getBoundingClientRect(); return { x: b.left + b.width / 2, y: b.top + b.height / 2 }; };
      return { sx: window.screenX, sy: window.screenY, ox: window.outerWidth - window.innerWidth, oy: window.outerHeight - window.innerHeight, pad: r('pad'), field: r('field') };
    })()`);
    const onScreen = (p: { x: number; y: number }) => ({ x: (geo.sx + geo.ox / 2 + p.x) / WIDTH, y: (geo.sy + geo.oy + p.y) / HEIGHT });
    const pad = onScreen(geo.pad);
    const video = world.console.getByTestId('screen-video');
    const box = (await video.boundingBox())!;
    const clickAt = (p: { x: number; y: number }) => video.click({ position: { x: p.x * box.width, y: p.y * box.height } });

    // A click on the black pad: the technician sees it turn white.
    await until(async () => {
      const b = await brightnessAt(world.console, pad.x, pad.y);
      return b >= 0 && b < 60;
    }, 'the black pad in the picture');
    await clickAt(pad);
    const down = await until(
      async () => (await target.evaluate<Recorded[]>('window.events')).find((e) => e.type === 'mousedown'),
      'the injected mousedown',
    );
    expect(down.trusted).toBe(true);
    await until(async () => (await brightnessAt(world.console, pad.x, pad.y)) > 200, 'the pad turning white in the technician’s picture');

    // The exact offset of the page on the screen, from the trusted event itself; then the text field.
    const field = { x: (geo.field.x + down.sx - down.cx) / WIDTH, y: (geo.field.y + down.sy - down.cy) / HEIGHT };
    await clickAt(field);
    await until(
      async () => (await target.evaluate<boolean>('document.activeElement?.id === "field"')) || null,
      'the field focused by the injected click',
    );
    await world.console.keyboard.type('vigie3');
    await until(async () => ((await target.inputValue('#field')) === 'vigie3' ? true : null), 'the text typed by the technician');

    // A key the technician holds is typed at once on the practice's computer, never held there: it
    // is released before the technician lets go (X repeats a key held 660 ms: a late key-up would
    // type it again). Held longer, it repeats at the technician's own rate (Playwright's second
    // down is a repeat).
    const keyups = async (code: string) =>
      (await target.evaluate<Recorded[]>('window.events')).filter((e) => e.type === 'keyup' && e.code === code).length;
    await world.console.keyboard.down('x');
    await until(async () => (await keyups('KeyX')) === 1 || null, 'the held key released on the practice’s computer');
    expect(await target.inputValue('#field')).toBe('vigie3x');
    await world.console.keyboard.down('x');
    await until(async () => (await keyups('KeyX')) === 2 || null, 'the repeat typed');
    await world.console.keyboard.up('x');
    expect(await target.inputValue('#field')).toBe('vigie3xx');
    const evs = await target.evaluate<Recorded[]>('window.events');
    expect(evs.length).toBeGreaterThan(0);
    expect(evs.every((e) => e.trusted)).toBe(true);
    expect(evs.filter((e) => e.type === 'keydown').map((e) => e.code)).toEqual([
      'KeyV',
      'KeyI',
      'KeyG',
      'KeyI',
      'KeyE',
      'Digit3',
      'KeyX',
      'KeyX',
    ]);

    await panel.getByRole('button', { name: 'Terminer' }).click();
    await world.console.getByTestId('screen-status').getByText('Partage terminé par le technicien.').waitFor();
  });
});
