import type { App, Session } from 'electron';
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
 * Session rules: the CSP on every HTTP(S) response (the dev server; file:// pages carry the meta
 * tag of the build), every permission refused. Screen capture will be granted here, after the
 * practitioner's consent, when remote assistance lands.
 */
export function hardenSession(session: Session, opts: { devServer: boolean }, log: Logger): void {
  // The dev server needs React refresh's inline preamble and its HMR socket; the packaged app never loads it.
  const csp = opts.devServer ? RENDERER_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'") + "; frame-ancestors 'none'" : RENDERER_CSP + "; frame-ancestors 'none'";
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-security-policy') delete headers[k];
    headers['Content-Security-Policy'] = [csp];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((_wc, permission, callback) => {
    log.warn('permission refused', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => {
    log.warn('screen capture refused (no consent flow yet)');
    callback({});
  });
}
