import { BrowserWindow, type App, type BrowserWindowConstructorOptions, type DesktopCapturerSource, type Session } from 'electron';
import type { Logger } from '../platform/ports.js';
import { RENDERER_CSP } from '../services/lib/csp.js';

/**
 * App-wide rules, set before any window exists: every renderer sandboxed; no navigation, no new
 * window, no <webview> in any web contents.
 */
export function hardenApp(app: App, log: Logger): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (e, url) => {
      e.preventDefault();
      log.warn('navigation blocked', { url: url.slice(0, 200) });
    });
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      log.warn('new window blocked', { url: url.slice(0, 200) });
      return { action: 'deny' };
    });
  });
}

/**
 * The one way this app opens a window: sandboxed, isolated, no Node, no webview, no Auxclick.
 * The preferences are written out in this single `new BrowserWindow({...})` so that static checkers
 * such as Electronegativity see them; `extra` may only add what does not weaken them.
 */
export function hardenedWindow(
  options: Omit<BrowserWindowConstructorOptions, 'webPreferences'>,
  preloadPath: string,
  extra: { backgroundThrottling?: boolean } = {},
): BrowserWindow {
  return new BrowserWindow({
    ...options,
    webPreferences: {
      ...extra,
      // Reviewed: the sandboxed preload only exposes the contract's named methods (preload/index.ts).
      preload: preloadPath, // eng-disable PRELOAD_JS_CHECK
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
}

/**
 * Screen capture after the practitioner's consent: `allowed()` is the session service's gate,
 * `source()` the consented screen, `trusted(url)` our own renderer.
 */
export interface CapturePolicy {
  allowed(): boolean;
  source(): Promise<DesktopCapturerSource | null>;
  trusted(url: string | undefined): boolean;
}

/**
 * Session rules: the CSP on every HTTP(S) response (the dev server; file:// pages carry the meta
 * tag of the build), every permission refused except screen capture by our renderer while the
 * practitioner's consent holds (`capture`), and then only of the consented screen.
 */
export function hardenSession(session: Session, opts: { devServer: boolean; capture?: CapturePolicy }, log: Logger): void {
  // The dev server needs React refresh's inline preamble and its HMR socket; the packaged app never loads it.
  const csp = opts.devServer
    ? RENDERER_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'") + "; frame-ancestors 'none'"
    : RENDERER_CSP + "; frame-ancestors 'none'";
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-security-policy') delete headers[k];
    headers['Content-Security-Policy'] = [csp];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
  const capture = opts.capture;
  const mayCapture = (permission: string, url: string | undefined) =>
    permission === 'display-capture' && !!capture && capture.allowed() && capture.trusted(url);
  session.setPermissionRequestHandler((wc, permission, callback) => {
    if (mayCapture(permission, wc.getURL())) return callback(true);
    log.warn('permission refused', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler((wc, permission, _origin, details) => mayCapture(permission, details.requestingUrl ?? wc?.getURL()));
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((request, callback) => {
    if (!capture || !capture.allowed() || !capture.trusted(request.frame?.url)) {
      log.warn('screen capture refused (no consent)');
      return callback({});
    }
    capture.source().then(
      (source) => callback(source ? { video: source } : {}),
      (e: unknown) => {
        log.error('screen sources unavailable', { err: e });
        callback({});
      },
    );
  });
}

/** The frame of a window that must be seen (consent, alert, sharing banner): its own size, always on top, in the task bar. */
export const MUST_SEE_FRAME = {
  resizable: false,
  minimizable: false,
  maximizable: false,
  fullscreenable: false,
  alwaysOnTop: true,
  skipTaskbar: false,
} as const satisfies Omit<BrowserWindowConstructorOptions, 'webPreferences'>;

/**
 * An always-on-top window that must be seen (consent, ransomware alert): above full-screen apps on
 * every workspace, shown and flashed once ready, destroyed if its renderer dies (logged), loaded
 * from `url` (a load failure logged).
 */
export function presentOnTop(
  win: BrowserWindow,
  o: { url: string; what: string; focus?: boolean; log: { error(msg: string, data?: Record<string, unknown>): void } },
): void {
  win.setAlwaysOnTop(true, 'screen-saver');
  win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
  win.webContents.on('render-process-gone', (_e, details) => {
    o.log.error(`${o.what} renderer gone`, { reason: details.reason });
    win.destroy();
  });
  win.once('ready-to-show', () => {
    win.show();
    if (o.focus) win.focus();
    win.flashFrame(true);
  });
  void win.loadURL(o.url).catch((e: unknown) => o.log.error(`${o.what} failed to load`, { err: e }));
}
