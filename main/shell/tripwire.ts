import { screen, type BrowserWindow } from 'electron';
import type { IpcPush, TripwireState } from '@vigie/common';
import type { Logger } from '../platform/ports.js';
import { MUST_SEE_FRAME, hardenedWindow, presentOnTop } from './security.js';

/** Height of the alert window; its width is the whole screen's. */
const ALERT_HEIGHT = 460;

/** The alert window's place: the full width of the work area, at its top. */
export function alertBounds(workArea: { x: number; y: number; width: number; height: number }): {
  x: number;
  y: number;
  width: number;
  height: number;
} {
  return { x: workArea.x, y: workArea.y, width: workArea.width, height: Math.min(ALERT_HEIGHT, workArea.height) };
}

/**
 * The ransomware alert as wide as the screen: an always-on-top window at the top of the primary
 * display, loading the renderer with `#tripwire=alert` (what to do, in plain words). Shown once
 * per alert — the practitioner may close it (« J'ai compris »); the tray stays red and the app
 * keeps the alert until the technician lifts it, which closes the window too.
 */
export class TripwireWindow {
  private win: BrowserWindow | null = null;
  private shownFor: string | null = null;

  constructor(private readonly o: { preloadPath: string; entryUrl: string; log: Logger }) {}

  update(state: TripwireState): void {
    const alert = state.status === 'alert' ? state.alert : null;
    if (!alert) {
      this.shownFor = null;
      return this.close();
    }
    if (this.shownFor === alert.id) return;
    this.shownFor = alert.id;
    this.show();
  }

  /** Pushes for the alert window's renderer (the tripwire state, the app state for the language). */
  send(name: IpcPush, payload: unknown): void {
    if (this.win && !this.win.isDestroyed()) this.win.webContents.send(name, payload);
  }

  destroy(): void {
    this.close();
  }

  private show(): void {
    if (this.win && !this.win.isDestroyed()) {
      this.win.showInactive();
      return;
    }
    const win = hardenedWindow(
      {
        ...alertBounds(screen.getPrimaryDisplay().workArea),
        show: false,
        frame: false,
        ...MUST_SEE_FRAME,
        title: 'Vigie — alerte',
        backgroundColor: '#8b1a14',
      },
      this.o.preloadPath,
    );
    win.on('closed', () => {
      if (this.win === win) this.win = null;
    });
    presentOnTop(win, { url: `${this.o.entryUrl}#tripwire=alert`, what: 'tripwire alert window', log: this.o.log });
    this.win = win;
  }

  private close(): void {
    const win = this.win;
    this.win = null;
    if (win && !win.isDestroyed()) win.destroy();
  }
}
