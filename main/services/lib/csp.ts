/**
 * The renderer's Content-Security-Policy: one definition for the build's meta tag
 * (electron.vite.config.ts), Electron's response headers and the browser host's headers.
 * No inline script or style, no eval, nothing remote; WebSocket only to loopback (browser host).
 */
export const RENDERER_CSP_DIRECTIVES = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "base-uri 'none'",
  "form-action 'none'",
] as const;

export const RENDERER_CSP = RENDERER_CSP_DIRECTIVES.join('; ');

/** As a header (frame-ancestors only works there), for the browser host on `port`. */
export function hostCsp(port: number): string {
  return [
    ...RENDERER_CSP_DIRECTIVES.filter((d) => !d.startsWith('connect-src')),
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "frame-ancestors 'none'",
  ].join('; ');
}
