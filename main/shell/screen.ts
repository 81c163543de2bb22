import { desktopCapturer, globalShortcut, screen, type BrowserWindow, type Rectangle } from 'electron';
import { SCREEN_STOP_ACCELERATOR, type IpcPush, type ScreenState } from '@vigie/common';
import type { Logger } from '../platform/ports.js';
import { MUST_SEE_FRAME, hardenedWindow, presentOnTop } from './security.js';
import type { ScreenCapability } from '../services/screen/capability.js';
import { bannerBounds, centredBounds, pickScreenSource, type CaptureGate } from './screen-policy.js';

const CONSENT_SIZE = { width: 460, height: 600 };
// Room for one more line: the safety backup running, or failed with « Laisser continuer » (issue 12).
const BANNER_SIZE = { width: 620, height: 168 };

/** The session service as the capture gate (no session service yet: nothing may be captured). */
export function captureGate(cap: ScreenCapability): CaptureGate {
  return {
    canCapture: () => cap.service?.canCapture() ?? false,
    captureTarget: () => cap.service?.captureTarget() ?? null,
  };
}

/**
 * getDisplayMedia in our renderer: answered only while the session service allows a capture, with
 * the source of the screen the practitioner consented to share (never a picker, never another screen).
 */
export async function consentedSource(gate: CaptureGate, log: Logger): Promise<Electron.DesktopCapturerSource | null> {
  const target = gate.captureTarget();
  if (!target) {
    log.warn('screen capture refused: no consent');
    return null;
  }
  const sources = await desktopCapturer.getSources({ types: ['screen'], thumbnailSize: { width: 0, height: 0 } });
  // Consent may have been withdrawn while the sources were listed.
  if (!gate.canCapture() || gate.captureTarget()?.sessionId !== target.sessionId) return null;
  const source = pickScreenSource(sources, target.display);
  if (!source)
    log.warn('screen capture refused: the consented screen is not among the sources', {
      display: target.display?.id ?? null,
      sources: sources.length,
    });
  return source;
}

/**
 * The always-on-top consent window (while `state.consent` is set) and session banner (while
 * `state.banner` is set), both loading the renderer with `#screen=consent|banner`; the banner's
 * renderer holds the capture and the peer, so closing it leaves nothing behind. The global stop
 * shortcut is registered only while a session is asked or live.
 */
export class ScreenWindows {
  private consent: BrowserWindow | null = null;
  private banner: BrowserWindow | null = null;
  private shortcut = false;
  private state: ScreenState | null = null;

  constructor(private readonly o: { preloadPath: string; entryUrl: string; screen: ScreenCapability; log: Logger }) {}

  update(state: ScreenState): void {
    this.state = state;
    if (state.consent) this.showConsent();
    else this.close('consent');
    if (state.banner) this.showBanner(state);
    else this.close('banner');
    this.setShortcut(!!state.consent || !!state.banner);
  }

  /** Pushes for the screen windows' renderers (screen state, signals, app state for the language). */
  send(name: IpcPush, payload: unknown): void {
    for (const w of [this.consent, this.banner]) if (w && !w.isDestroyed()) w.webContents.send(name, payload);
  }

  destroy(): void {
    this.setShortcut(false);
    this.close('consent');
    this.close('banner');
  }

  private setShortcut(on: boolean): void {
    if (on === this.shortcut) return;
    this.shortcut = on;
    if (!on) return globalShortcut.unregister(SCREEN_STOP_ACCELERATOR);
    const ok = globalShortcut.register(SCREEN_STOP_ACCELERATOR, () => void this.o.screen.service?.stopSharing('shortcut'));
    if (!ok) this.o.log.warn('stop shortcut already taken by another application', { accelerator: SCREEN_STOP_ACCELERATOR });
  }

  private showConsent(): void {
    if (this.consent && !this.consent.isDestroyed()) {
      if (!this.consent.isVisible()) this.consent.show();
      return;
    }
    const area = screen.getPrimaryDisplay().workArea;
    const win = hardenedWindow(
      {
        ...centredBounds(area, CONSENT_SIZE),
        show: false,
        ...MUST_SEE_FRAME,
        title: 'Vigie',
        backgroundColor: '#ffffff',
      },
      this.o.preloadPath,
    );
    // Closing the consent window is a refusal.
    win.on('close', () => {
      const c = this.state?.consent;
      if (c) void this.o.screen.service?.refuse(c.sessionId).catch((e: unknown) => this.o.log.warn('refusal on close failed', { err: e }));
    });
    win.on('closed', () => {
      if (this.consent === win) this.consent = null;
    });
    presentOnTop(win, { url: `${this.o.entryUrl}#screen=consent`, what: 'consent window', focus: true, log: this.o.log });
    this.consent = win;
  }

  private showBanner(state: ScreenState): void {
    if (this.banner && !this.banner.isDestroyed()) return;
    const display = state.capture?.displayId ? screen.getAllDisplays().find((d) => String(d.id) === state.capture?.displayId) : undefined;
    const area: Rectangle = (display ?? screen.getPrimaryDisplay()).workArea;
    const win = hardenedWindow(
      {
        ...bannerBounds(area, BANNER_SIZE),
        show: false,
        frame: false,
        ...MUST_SEE_FRAME,
        closable: false,
        title: 'Vigie',
        backgroundColor: '#7a1f1a',
      },
      this.o.preloadPath,
      {
        // The capture and the peer live here: never throttled when the banner is covered.
        backgroundThrottling: false,
      },
    );
    win.setAlwaysOnTop(true, 'screen-saver');
    win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
    win.webContents.on('render-process-gone', (_e, details) => {
      // The capture died with the renderer: the session ends (the hub and the technician are told).
      this.o.log.error('banner renderer gone', { reason: details.reason });
      const sid = this.state?.capture?.sessionId ?? this.state?.sessionId;
      if (sid) void this.o.screen.service?.peerFailed(sid, `banner renderer ${details.reason}`);
      win.destroy();
    });
    win.on('closed', () => {
      if (this.banner === win) this.banner = null;
    });
    win.once('ready-to-show', () => win.showInactive());
    void win.loadURL(`${this.o.entryUrl}#screen=banner`).catch((e: unknown) => this.o.log.error('banner failed to load', { err: e }));
    this.banner = win;
  }

  private close(kind: 'consent' | 'banner'): void {
    const win = kind === 'consent' ? this.consent : this.banner;
    if (kind === 'consent') this.consent = null;
    else this.banner = null;
    // destroy(): no 'close' event (closing the consent after an answer is not a second refusal),
    // and the banner's renderer — its capture and peer — goes away at once.
    if (win && !win.isDestroyed()) win.destroy();
  }
}
