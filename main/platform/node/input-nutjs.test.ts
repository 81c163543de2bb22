/**
 * The nut-js injector for real: under a private Xvfb started here (skipped only when Xvfb cannot
 * start, saying why), it moves, clicks, scrolls and types into a headed Chromium page that records
 * trusted events; the full path (consent → control → data-channel messages → injection →
 * withdrawal) runs through ScreenSessionService and a real hub. Without a display, a child process
 * gets UNAVAILABLE and exits normally (nut-js would segfault it).
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DisplayInfo, ScreenSession } from '@vigie/common';
import { launchBrowser } from '../../../e2e/support/browser.js';
import { startScreenTestHub, type ScreenTestHub } from '../../../server/src/screen/test-support/index.js';
import { emitAck } from '../../../server/src/test-support/sockets.js';
import { createLogger } from '../../services/lib/logger.js';
import { ScreenSessionService } from '../../services/screen/session.js';
import { socketHubLink } from '../../services/screen/test-support/index.js';
import { parseDisplay, probeX11Display } from './input-display-probe.js';
import { NutDisplays, NutInjector } from './input-nutjs.js';
import { startXvfb, type XvfbStart } from './input-xvfb.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const log = createLogger({ level: 'silent' });
const WIDTH = 1280;
const HEIGHT = 720;

type Recorded = {
  type: string;
  trusted: boolean;
  sx: number;
  sy: number;
  cx: number;
  cy: number;
  code: string;
  button: number;
  dy: number;
};

const PAGE = `<!doctype html><html><body style="margin:0;height:100vh">
<input id="t" autocomplete="off" style="position:absolute;left:200px;top:150px;width:400px;height:40px;font-size:20px">
<div id="scroller" style="position:absolute;left:200px;top:300px;width:300px;height:200px;overflow:auto;background:#eee"><div style="height:3000px"></div></div>
<script>
window.events = [];
for (const type of ['mousemove', 'mousedown', 'mouseup', 'click', 'keydown', 'keyup', 'wheel']) {
  addEventListener(type, (e) => events.push({ type, trusted: e.isTrusted, sx: e.screenX ?? 0, sy: e.screenY ?? 0, cx: e.clientX ?? 0, cy: e.clientY ?? 0, code: e.code ?? '', button: e.button ?? 0, dy: e.deltaY ?? 0 }), true);
}
</script></body></html>`;

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

function runGuardChild(env: NodeJS.ProcessEnv): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'input-guard-child.ts')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
  });
}

describe('no display: nut-js is never loaded', () => {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', XAUTHORITY: '/nonexistent' };
  let refusing: Server;
  let refusingDisplay = '';

  beforeAll(async () => {
    // An endpoint that answers like an X server refusing the connection (status 0 + reason).
    refusing = createServer((sock) => {
      sock.once('data', () => {
        const reason = Buffer.from('No protocol specified', 'latin1');
        const head = Buffer.alloc(8);
        head.writeUInt8(0, 0);
        head.writeUInt8(reason.length, 1);
        head.writeUInt16LE(11, 2);
        head.writeUInt16LE(0, 4);
        head.writeUInt16LE(Math.ceil(reason.length / 4), 6);
        sock.end(Buffer.concat([head, reason, Buffer.alloc((4 - (reason.length % 4)) % 4)]));
      });
    });
    // X display N listens on TCP 6000+N: find a free one.
    for (let n = 40; n < 200 && !refusingDisplay; n++) {
      const ok = await new Promise<boolean>((r) => {
        refusing.once('error', () => r(false));
        refusing.listen(6000 + n, '127.0.0.1', () => r(true));
      });
      if (ok) refusingDisplay = `127.0.0.1:${n}`;
    }
  });
  afterAll(() => new Promise<void>((r) => refusing.close(() => r())));

  it('parses DISPLAY values', () => {
    expect(parseDisplay(':99')).toMatchObject({ unix: '/tmp/.X11-unix/X99', number: '99' });
    expect(parseDisplay('unix:0.0')).toMatchObject({ unix: '/tmp/.X11-unix/X0' });
    expect(parseDisplay('localhost:10.0')).toMatchObject({ host: 'localhost', port: 6010 });
    expect(parseDisplay('wayland-0')).toBeNull();
  });

  it.each([
    ['DISPLAY unset', {}, 'no-display'],
    ['Wayland only', { WAYLAND_DISPLAY: 'wayland-0' }, 'wayland-only'],
    ['a display nobody serves', { DISPLAY: ':187' }, 'display-unreachable'],
    ['an X endpoint that refuses the connection', { DISPLAY: 'REFUSING' }, 'display-unreachable'],
  ])('%s → UNAVAILABLE, clean exit', async (_name, extra: Record<string, string>, reason) => {
    const env: NodeJS.ProcessEnv = { ...base, ...extra };
    if (env.DISPLAY === 'REFUSING') env.DISPLAY = refusingDisplay;
    const r = await runGuardChild(env);
    expect(r.signal, r.err).toBeNull();
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out.trim()) as {
      availability: { available: boolean; code?: string; reason?: string; message?: string };
      loaded: boolean;
      injectError: string | null;
    };
    expect(out.availability).toMatchObject({ available: false, code: 'UNAVAILABLE', reason });
    expect(out.availability.message).toBeTruthy();
    expect(out.loaded).toBe(false);
    expect(out.injectError).toBe('UNAVAILABLE');
  });
});

describe('under Xvfb', () => {
  let x: XvfbStart;
  let browser: Browser | null = null;
  let page: Page;
  let injector: NutInjector;
  let screen: DisplayInfo;
  let offset = { x: 0, y: 0 };

  /** Skips (saying why) only when no X server could start on this machine. */
  const needX = (ctx: { skip: (note?: string) => void }) => {
    if (!x.ok) {
      console.warn(`[input-nutjs] skipped: Xvfb could not start here (${x.reason})`);
      ctx.skip(`Xvfb could not start: ${x.reason}`);
    }
  };
  const events = () => page.evaluate<Recorded[]>('window.events');
  const clearEvents = () => page.evaluate('void (window.events = [])');
  /** Normalized coordinates of a page point (client px) on the whole X screen. */
  const norm = (cx: number, cy: number) => ({ x: (cx + offset.x + 0.5) / WIDTH, y: (cy + offset.y + 0.5) / HEIGHT });

  beforeAll(async () => {
    x = await startXvfb({ width: WIDTH, height: HEIGHT });
    if (!x.ok) return;
    // libnut opens the display of this very process: this test file's worker gets the Xvfb one.
    process.env.DISPLAY = x.display;
    const env = { ...process.env };
    injector = new NutInjector({ logger: log });
    browser = await launchBrowser(['--window-position=0,0', `--window-size=${WIDTH},${HEIGHT}`], { headless: false, env });
    page = await browser.newPage();
    await page.setContent(PAGE);
  });

  // No x.close(): this process loaded nut-js, whose X connection closes at exit; Xvfb stops by
  // itself once this worker exits (see startXvfb), so Xlib never sees its server vanish.
  afterAll(() => browser?.close());

  it('confirms the display and injects a move, a click, a wheel and typed keys that the page receives as trusted events', async (ctx) => {
    needX(ctx);
    const probe = await probeX11Display({ DISPLAY: (x as { display: string }).display, XAUTHORITY: '/nonexistent' });
    expect(probe).toEqual({ ok: true, display: (x as { display: string }).display });
    expect(await injector.availability()).toEqual({ available: true });
    const displays = await new NutDisplays(injector).list();
    expect(displays).toEqual([
      { id: 'screen-0', label: 'Écran', bounds: { x: 0, y: 0, width: WIDTH, height: HEIGHT }, scaleFactor: 1, primary: true },
    ]);
    screen = displays[0]!;

    // Calibrate: where the page's viewport sits on the X screen.
    await injector.inject({ t: 'pointer.move', x: 640 / WIDTH, y: 400 / HEIGHT }, screen);
    const move = await waitFor(async () => (await events()).find((e) => e.type === 'mousemove'), 'a mousemove');
    expect(move.trusted).toBe(true);
    expect({ x: move.sx, y: move.sy }).toEqual({ x: 640, y: 400 });
    offset = { x: move.sx - move.cx, y: move.sy - move.cy };

    // Click into the text field, then type "vigie" key by key (with Shift for the capital).
    await clearEvents();
    const at = norm(300, 170);
    await injector.inject({ t: 'pointer.move', ...at }, screen);
    await injector.inject({ t: 'pointer.down', ...at, button: 'left' }, screen);
    await injector.inject({ t: 'pointer.up', ...at, button: 'left' }, screen);
    await waitFor(async () => (await events()).some((e) => e.type === 'click'), 'the click');
    const none = { alt: false, ctrl: false, meta: false, shift: false };
    const shift = { ...none, shift: true };
    await injector.inject({ t: 'key.down', code: 'ShiftLeft', mods: shift }, screen);
    await injector.inject({ t: 'key.down', code: 'KeyV', mods: shift }, screen);
    await injector.inject({ t: 'key.up', code: 'KeyV', mods: shift }, screen);
    await injector.inject({ t: 'key.up', code: 'ShiftLeft', mods: none }, screen);
    for (const code of ['KeyI', 'KeyG', 'KeyI', 'KeyE', 'Digit3']) {
      await injector.inject({ t: 'key.down', code, mods: none }, screen);
      await injector.inject({ t: 'key.up', code, mods: none }, screen);
    }
    expect(await injector.inject({ t: 'key.down', code: 'NoSuchKey', mods: none }, screen)).toBe('unsupported');
    const value = await waitFor(async () => {
      const v = await page.inputValue('#t');
      return v === 'Vigie3' ? v : null;
    }, 'the typed text');
    expect(value).toBe('Vigie3');
    const evs = await events();
    expect(evs.filter((e) => ['mousedown', 'mouseup', 'click', 'keydown', 'keyup'].includes(e.type)).every((e) => e.trusted)).toBe(true);
    const down = evs.find((e) => e.type === 'mousedown')!;
    expect({ x: down.cx, y: down.cy, button: down.button }).toEqual({ x: 300, y: 170, button: 0 });
    expect(evs.filter((e) => e.type === 'keydown').map((e) => e.code)).toEqual([
      'ShiftLeft',
      'KeyV',
      'KeyI',
      'KeyG',
      'KeyI',
      'KeyE',
      'Digit3',
    ]);

    // Wheel over the scrollable box: two notches down.
    await clearEvents();
    const box = norm(350, 400);
    await injector.inject({ t: 'wheel', ...box, dx: 0, dy: 2 * 100 }, screen);
    const wheels = await waitFor(async () => {
      const w = (await events()).filter((e) => e.type === 'wheel');
      return w.length >= 2 ? w : null;
    }, 'two wheel notches');
    expect(wheels.every((w) => w.trusted && w.dy > 0)).toBe(true);
    await waitFor(() => page.evaluate<boolean>('document.getElementById("scroller").scrollTop > 0'), 'the box to scroll');
  });

  it('reads and writes the X clipboard', async (ctx) => {
    needX(ctx);
    await injector.writeClipboard('Code Wi-Fi : été 2024 ✓');
    expect(await injector.readClipboard()).toBe('Code Wi-Fi : été 2024 ✓');
  });

  describe('through the session service and a real hub', () => {
    let h: ScreenTestHub;
    afterAll(() => h?.close());

    it('injects only while control is granted: consent → control → input reaches the X screen; withdrawn → dropped', async (ctx) => {
      needX(ctx);
      h = await startScreenTestHub({ providerName: 'InfoSanté Services' });
      const tech = await h.newTech('xtech', 'Xavier Lenoir');
      const dev = await h.newDevice('Poste X');
      const req = await h.openRequest(dev, tech);
      const d = await h.screenDevice(dev);
      const t = await h.screenTech(tech);
      const svc = new ScreenSessionService({ hub: socketHubLink(d), injector, displays: new NutDisplays(injector), logger: log });
      await svc.start();
      try {
        expect(svc.state().input.available).toBe(true);
        const asked = await emitAck<ScreenSession>(t, 'screen:request', { requestId: req.id });
        if (!asked.ok) throw new Error(asked.error.code);
        const sid = asked.data.id;
        await waitFor(async () => svc.state().consent?.displays.length === 1, 'the consent window');
        await svc.grant(sid, 'screen-0');
        expect((await emitAck(t, 'screen:control', { sessionId: sid })).ok).toBe(true);
        await waitFor(async () => svc.state().consent?.kind === 'control', 'the control consent');
        await svc.grant(sid);

        await page.fill('#t', '');
        await clearEvents();
        const at = norm(250, 170);
        const none = { alt: false, ctrl: false, meta: false, shift: false };
        const send = (m: unknown) => svc.handleData(sid, JSON.stringify(m));
        await send({ t: 'pointer.move', ...at });
        await send({ t: 'pointer.down', ...at, button: 'left' });
        await send({ t: 'pointer.up', ...at, button: 'left' });
        for (const code of ['KeyO', 'KeyK']) {
          await send({ t: 'key.down', code, mods: none });
          await send({ t: 'key.up', code, mods: none });
        }
        await svc.idle();
        await waitFor(async () => (await page.inputValue('#t')) === 'ok', 'the text typed by the technician');

        await svc.revokeControl();
        await clearEvents();
        for (const code of ['KeyN', 'KeyO']) {
          await send({ t: 'key.down', code, mods: none });
          await send({ t: 'key.up', code, mods: none });
        }
        await send({ t: 'pointer.down', ...norm(350, 400), button: 'left' });
        await svc.idle();
        // A ping through the page's own event loop proves nothing more arrived: the page is idle and unchanged.
        await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(null)))');
        expect(await page.inputValue('#t')).toBe('ok');
        expect((await events()).filter((e) => e.type !== 'mousemove')).toEqual([]);
        expect(svc.dropCounts()['not-controlling']).toBe(5);
        expect(svc.state()).toMatchObject({ phase: 'viewing' });
      } finally {
        svc.stop();
      }
    });
  });
});
