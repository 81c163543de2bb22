import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/** The hub's one logger (JSON lines on stdout). Secrets are redacted wherever they appear. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { app: 'vigie-hub' },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'totp', '*.totp', 'req.headers.cookie', 'headers.cookie'],
      censor: '[redacted]',
    },
  });
}
