import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { EnrollBody, HTTP, LoginBody, SESSION_COOKIE, VigieError, err, ok, parseOrThrow, toErr, type Result } from '@vigie/common';
import { fastifyTrustProxy, type HubConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import { durable } from '../store/db.js';
import { KNOWN_DEVICE_COOKIE } from '../services/login-guard.js';
import { httpStatus } from './status.js';

export const HUB_VERSION = '0.1.0';
/** Request header limit (Node's default is 16 KiB): room for the updater's multi-range requests. */
export const MAX_HEADER_BYTES = 64 * 1024;

/**
 * The console's policy. `connect-src 'self'` also covers the socket.io websocket of the same
 * origin (CSP Level 3: 'self' matches ws:/wss: of the page's host), and nothing else: no
 * connection to any other host, by fetch or websocket.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Security headers of every answer (also set by hand on the answers fastify writes before routing). */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};
const HSTS = 'max-age=31536000; includeSubDomains';

/** Console files never served: source maps (the built console ships none; a stray one stays private). */
const PRIVATE_FILE = /\.map$/i;

export interface HttpHooks {
  /** Called after a logout so the session's sockets are closed. */
  onLogout(sessionId: string): void;
  /** True while the node drains (SIGTERM behind a load balancer): /healthz answers 503 so the balancer takes it out. */
  draining?(): boolean;
}

export async function createHttpServer(cfg: HubConfig, s: Services, log: Logger, hooks: HttpHooks) {
  const secureCookie = cfg.publicUrl?.startsWith('https:') ?? false;
  const app = Fastify({
    loggerInstance: log.child({ part: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: cfg.bodyLimit,
    // electron-updater's differential download asks for many byte ranges in one Range header.
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    trustProxy: fastifyTrustProxy(cfg.trustProxy),
    forceCloseConnections: true,
    return503OnClosing: true,
    // Errors found before routing (a URL that does not decode, a path parameter over the router's
    // limit) get the envelope and the security headers like every other answer.
    frameworkErrors: (error, _req, res) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const reply = res as unknown as FastifyReply;
      securityHeaders(reply);
      return reply
        .code(tooLong ? 414 : 400)
        .type('application/json; charset=utf-8')
        .send(err('BAD_REQUEST', tooLong ? 'Adresse trop longue.' : 'Adresse invalide.'));
    },
    // Requests Node's HTTP parser refuses (headers too large, malformed): same envelope, same headers.
    clientErrorHandler: (e: Error & { code?: string }, socket) => {
      if (!socket.writable) return socket.destroy();
      const tooLarge = e.code === 'HPE_HEADER_OVERFLOW';
      const body = JSON.stringify(err('BAD_REQUEST', tooLarge ? 'En-têtes de requête trop volumineux.' : 'Requête HTTP invalide.'));
      const headers = {
        ...SECURITY_HEADERS,
        ...(secureCookie ? { 'Strict-Transport-Security': HSTS } : {}),
        'Cache-Control': 'no-store',
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
        Connection: 'close',
      };
      socket.end(
        `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n${Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\r\n')}\r\n\r\n${body}`,
      );
    },
  });
  const securityHeaders = (reply: FastifyReply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (secureCookie) reply.header('Strict-Transport-Security', HSTS);
    if (reply.request.url.startsWith('/api/')) reply.header('Cache-Control', 'no-store');
  };
  // JSON only: fastify's built-in text/plain parser would let a form-less cross-site POST through
  // as a string; without it any other type is 415.
  app.removeContentTypeParser('text/plain');
  await app.register(cookie);

  const send = (reply: FastifyReply, r: Result<unknown>) => {
    const status = httpStatus(r);
    if (!r.ok && r.error.details?.retryAfterMs !== undefined)
      reply.header('Retry-After', Math.ceil(Number(r.error.details.retryAfterMs) / 1000));
    return reply.code(status).type('application/json; charset=utf-8').send(r);
  };
  const route =
    (handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        const data = await handler(req, reply);
        return send(reply, ok(data));
      } catch (e) {
        if (!(e instanceof VigieError)) log.error({ err: e, url: req.url }, 'http handler failed');
        return send(reply, toErr(e));
      }
    };

  app.addHook('onSend', async (_req, reply, payload) => {
    securityHeaders(reply);
    // Nothing is answered before what the request wrote is on disk (group commit, store/db.ts).
    await durable(s.db);
    return payload;
  });

  app.setErrorHandler((error: { code?: string; statusCode?: number; message?: string }, req, reply) => {
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(err('BAD_REQUEST', 'Requête trop volumineuse.'));
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.code(415).send(err('BAD_REQUEST', 'Type de contenu non pris en charge : JSON attendu.'));
    if (status >= 400 && status < 500)
      return reply.code(status).send(err('BAD_REQUEST', 'Requête invalide (JSON illisible ou incomplet).'));
    log.error({ err: error, url: req.url }, 'http error');
    return reply.code(500).send(err('INTERNAL', 'Erreur interne. Réessayez dans un instant.'));
  });

  // ---------- API ----------
  const started = Date.now();
  app.get(HTTP.healthz, async (_req, reply) => {
    const draining = hooks.draining?.() === true;
    return reply
      .code(draining ? 503 : 200)
      .send({ status: draining ? 'draining' : 'ok', version: HUB_VERSION, uptimeSeconds: Math.round((Date.now() - started) / 1000) });
  });

  // Rate limits (per client IP, counted before the body is checked) and code expiry: DeviceService.
  app.post(
    HTTP.enroll,
    route(async (req) => {
      await s.devices.admitEnrollment(req.ip);
      const body = parseOrThrow(EnrollBody, req.body);
      return s.devices.enroll(body.code, body.device, req.ip);
    }),
  );

  app.post(
    HTTP.login,
    route(async (req, reply) => {
      const body = parseOrThrow(LoginBody, req.body);
      const { token, session, knownDevice } = await s.auth.login(body, req.ip, req.cookies[KNOWN_DEVICE_COOKIE]);
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookie,
        path: '/',
        maxAge: cfg.session.absoluteHours * 3600,
      });
      // This browser is known from now on: its next logins have their own lock-out counter.
      reply.setCookie(KNOWN_DEVICE_COOKIE, knownDevice, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookie,
        path: HTTP.login,
        maxAge: Math.round(cfg.login.knownDeviceDays * 86_400),
      });
      return { technician: session.technician };
    }),
  );

  app.post(
    HTTP.logout,
    route(async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: secureCookie });
      if (!token) return {};
      try {
        const session = await s.auth.authenticate(token);
        await s.auth.logout(session.sessionId, session.technician.id);
        hooks.onLogout(session.sessionId);
      } catch (e) {
        if (!(e instanceof VigieError)) throw e;
      }
      return {};
    }),
  );

  app.get(
    HTTP.me,
    route(async (req) => {
      const session = await s.auth.authenticate(req.cookies[SESSION_COOKIE]);
      await s.auth.touch(session.sessionId);
      return { technician: session.technician };
    }),
  );

  // ---------- console ----------
  const hasConsole = existsSync(join(cfg.consoleDir, 'index.html'));
  if (hasConsole) {
    await app.register(fastifyStatic, {
      root: cfg.consoleDir,
      prefix: '/',
      index: ['index.html'],
      wildcard: false,
      allowedPath: (path) => !PRIVATE_FILE.test(path),
    });
  } else {
    log.warn({ consoleDir: cfg.consoleDir }, 'console not built: serving a notice instead');
  }
  const notBuilt =
    'La console Vigie n’est pas construite. Lancez « npm run build:console » puis redémarrez le hub.\n(The Vigie console is not built: run "npm run build:console" and restart the hub.)\n';

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (path.startsWith('/api/') || path === '/api' || req.method !== 'GET') {
      return reply.code(404).send(err('NOT_FOUND', 'Introuvable.'));
    }
    if (!hasConsole) return reply.code(503).type('text/plain; charset=utf-8').send(notBuilt);
    // SPA fallback: unknown paths without a file extension get the app.
    if (/\.[a-z0-9]+$/i.test(path)) return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
    return reply.sendFile('index.html');
  });

  return app;
}
