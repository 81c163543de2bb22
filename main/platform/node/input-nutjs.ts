import { VigieError, type DisplayInfo, type InputEvent, type PointerButton } from '@vigie/common';
import type { Logger } from '../ports.js';
import { toPixel } from '../../services/screen/geometry.js';
import type { InjectorAvailability, InjectResult, InputInjector, ScreenDisplays } from '../../services/screen/ports.js';
import { probeX11Display } from './input-display-probe.js';
import { nutKeyFor } from './input-keymap.js';

type NutModule = typeof import('@nut-tree-fork/nut-js');

/** CSS pixels of wheel delta per wheel notch ("step" for nut-js). */
export const WHEEL_PIXELS_PER_STEP = 100;
const MAX_STEPS_PER_EVENT = 50;

export interface NutInjectorOptions {
  logger: Logger;
  platform?: NodeJS.Platform;
  /** How nut-js is loaded (default: dynamic import, only after the display check). */
  load?: () => Promise<NutModule>;
  /** A failed availability check is retried after this long (the display may come up later). */
  retryAfterMs?: number;
}

/**
 * InputInjector over nut-js (@nut-tree-fork/nut-js), for Electron's main process and the browser
 * host alike. On Linux nut-js (libnut) segfaults the whole process when it cannot open the X
 * display, so it is imported only after probeX11Display confirmed an X server answers; otherwise
 * every call answers UNAVAILABLE and nothing native is ever loaded.
 */
export class NutInjector implements InputInjector {
  readonly name = 'nut-js';
  private loaded: Promise<NutModule> | null = null;
  private checked: { at: number; result: InjectorAvailability } | null = null;
  private checking: Promise<InjectorAvailability> | null = null;
  private wheel = { x: 0, y: 0 };
  private readonly log: Logger;

  constructor(private readonly o: NutInjectorOptions) {
    this.log = o.logger.child({ svc: 'input' });
  }

  async availability(): Promise<InjectorAvailability> {
    const c = this.checked;
    if (c && (c.result.available || Date.now() - c.at < (this.o.retryAfterMs ?? 10_000))) return c.result;
    this.checking ??= this.check().then((result) => {
      this.checked = { at: Date.now(), result };
      this.checking = null;
      return result;
    });
    return this.checking;
  }

  private async check(): Promise<InjectorAvailability> {
    const platform = this.o.platform ?? process.platform;
    if (platform !== 'linux' && platform !== 'win32' && platform !== 'darwin') {
      return {
        available: false,
        code: 'UNAVAILABLE',
        reason: 'unsupported-os',
        message: 'Système non pris en charge pour la prise en main.',
      };
    }
    if (platform === 'linux') {
      // libnut opens the display named by this process's own DISPLAY: probe exactly that one.
      const probe = await probeX11Display(process.env);
      if (!probe.ok) {
        this.log.info('no usable X display: nut-js not loaded', { reason: probe.reason });
        return { available: false, code: 'UNAVAILABLE', reason: probe.reason, message: probe.message };
      }
    }
    try {
      await this.nut();
      return { available: true };
    } catch (e) {
      this.loaded = null;
      this.log.warn('nut-js could not be loaded', { err: e });
      return {
        available: false,
        code: 'UNAVAILABLE',
        reason: 'load-failed',
        message: 'Le module de prise en main n’a pas pu être chargé.',
      };
    }
  }

  /** nut-js, loaded once; callers must have confirmed availability first. */
  private nut(): Promise<NutModule> {
    this.loaded ??= (async () => {
      const mod = await (this.o.load ?? (() => import('@nut-tree-fork/nut-js')))();
      // The default CommonJS interop may put the API under `default`.
      const nut = ((mod as unknown as { default?: NutModule }).default ?? mod) as NutModule;
      nut.mouse.config.autoDelayMs = 0;
      nut.mouse.config.mouseSpeed = 100_000;
      nut.keyboard.config.autoDelayMs = 0;
      // The keyboard class sets libnut's own per-key delay to 300 ms when constructed.
      nut.providerRegistry.getKeyboard().setKeyboardDelay(0);
      nut.providerRegistry.getMouse().setMouseDelay(0);
      return nut;
    })();
    return this.loaded;
  }

  private async ready(): Promise<NutModule> {
    const a = await this.availability();
    if (!a.available) throw new VigieError('UNAVAILABLE', a.message, { reason: a.reason });
    return this.nut();
  }

  async inject(ev: InputEvent, display: DisplayInfo): Promise<InjectResult> {
    const nut = await this.ready();
    if (ev.t === 'key.down' || ev.t === 'key.up') {
      const name = nutKeyFor(ev.code);
      if (!name) return 'unsupported';
      const key = nut.Key[name];
      if (ev.t === 'key.down') await nut.keyboard.pressKey(key);
      else await nut.keyboard.releaseKey(key);
      return 'injected';
    }
    const p = toPixel(ev.x, ev.y, display.bounds);
    if (!p) return 'unsupported';
    await nut.mouse.setPosition(new nut.Point(p.x, p.y));
    switch (ev.t) {
      case 'pointer.move':
        return 'injected';
      case 'pointer.down':
        await nut.mouse.pressButton(this.button(nut, ev.button));
        return 'injected';
      case 'pointer.up':
        await nut.mouse.releaseButton(this.button(nut, ev.button));
        return 'injected';
      case 'wheel': {
        const sx = this.steps('x', ev.dx);
        const sy = this.steps('y', ev.dy);
        if (sy > 0) await nut.mouse.scrollDown(sy);
        else if (sy < 0) await nut.mouse.scrollUp(-sy);
        if (sx > 0) await nut.mouse.scrollRight(sx);
        else if (sx < 0) await nut.mouse.scrollLeft(-sx);
        return 'injected';
      }
    }
  }

  /** Wheel pixels accumulate until they make whole notches (trackpads send many small deltas). */
  private steps(axis: 'x' | 'y', delta: number): number {
    this.wheel[axis] += delta;
    const steps = Math.trunc(this.wheel[axis] / WHEEL_PIXELS_PER_STEP);
    this.wheel[axis] -= steps * WHEEL_PIXELS_PER_STEP;
    return Math.max(-MAX_STEPS_PER_EVENT, Math.min(MAX_STEPS_PER_EVENT, steps));
  }

  private button(nut: NutModule, b: PointerButton) {
    return b === 'left' ? nut.Button.LEFT : b === 'right' ? nut.Button.RIGHT : nut.Button.MIDDLE;
  }

  async readClipboard(): Promise<string> {
    const nut = await this.ready();
    return nut.clipboard.getContent();
  }

  async writeClipboard(text: string): Promise<void> {
    const nut = await this.ready();
    await nut.clipboard.setContent(text);
  }

  /** The whole screen as nut-js sees it (on X11 all monitors form one screen); [] when unavailable. */
  async screenSize(): Promise<{ width: number; height: number } | null> {
    if (!(await this.availability()).available) return null;
    const nut = await this.nut();
    return { width: await nut.screen.width(), height: await nut.screen.height() };
  }
}

/**
 * Displays for the browser host: one display, the whole screen nut-js drives. (Electron lists
 * monitors with screen.getAllDisplays() instead.)
 */
export class NutDisplays implements ScreenDisplays {
  constructor(private readonly injector: NutInjector) {}
  async list(): Promise<DisplayInfo[]> {
    const size = await this.injector.screenSize();
    if (!size) return [];
    return [
      { id: 'screen-0', label: 'Écran', bounds: { x: 0, y: 0, width: size.width, height: size.height }, scaleFactor: 1, primary: true },
    ];
  }
}
