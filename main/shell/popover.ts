import { screen, type BrowserWindow, type Rectangle } from 'electron';
import type { IpcPush } from '@vigie/common';
import type { Logger } from '../platform/ports.js';
import { hardenedWindow } from './security.js';
import { popoverPosition } from './position.js';

const SIZE = { width: 400, height: 620 };

/** The frameless popover next to the tray icon; hidden (not closed) when it loses focus. */
export class Popover {
  private win: BrowserWindow | null = null;
  /** When the popover last hid itself on blur: a click on the tray icon blurs it first. */
  private hiddenOnBlurAt = 0;

  constructor(private readonly o: { preloadPath: string; entryUrl: string; title: string; log: Logger }) {}

  get window(): BrowserWindow | null {
    return this.win && !this.win.isDestroyed() ? this.win : null;
  }

  isLooking(): boolean {
    const w = this.window;
    return !!w && w.isVisible() && w.isFocused();
  }

  private create(): BrowserWindow {
    const win = hardenedWindow(
      {
        ...SIZE,
        show: false,
        frame: false,
        resizable: false,
        movable: false,
        minimizable: false,
        maximizable: false,
        fullscreenable: false,
        skipTaskbar: true,
        alwaysOnTop: true,
        title: this.o.title,
        backgroundColor: '#f5f7fa',
      },
      this.o.preloadPath,
    );
    win.on('blur', () => {
      if (win.webContents.isDevToolsOpened()) return;
      win.hide();
      this.hiddenOnBlurAt = Date.now();
    });
    win.webContents.on('render-process-gone', (_e, details) => {
      this.o.log.error('renderer gone', { reason: details.reason });
      win.destroy();
    });
    void win.loadURL(this.o.entryUrl).catch((e: unknown) => this.o.log.error('renderer failed to load', { err: e }));
    this.win = win;
    return win;
  }

  /** Shows the popover placed by `trayBounds` (or bottom-right when the OS gives none). */
  show(trayBounds?: Rectangle): void {
    const win = this.window ?? this.create();
    const anchor = trayBounds ?? { x: 0, y: 0, width: 0, height: 0 };
    const display = trayBounds ? screen.getDisplayMatching(trayBounds) : screen.getPrimaryDisplay();
    const { x, y } = popoverPosition(anchor, SIZE, display.workArea);
    win.setPosition(x, y, false);
    const reveal = () => {
      win.show();
      win.focus();
    };
    if (win.webContents.isLoading()) win.once('ready-to-show', reveal);
    else reveal();
  }

  toggle(trayBounds?: Rectangle): void {
    const w = this.window;
    if (w?.isVisible()) w.hide();
    // The click that blurred (and hid) the popover must not reopen it at once.
    else if (Date.now() - this.hiddenOnBlurAt > 300) this.show(trayBounds);
  }

  send(name: IpcPush, payload: unknown): void {
    const w = this.window;
    if (w && !w.webContents.isDestroyed()) w.webContents.send(name, payload);
  }

  destroy(): void {
    this.window?.destroy();
    this.win = null;
  }
}
