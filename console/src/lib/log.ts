/** The console's one logger: quiet in production builds except warnings and errors. */
export interface Logger {
  debug(msg: string, data?: unknown): void;
  warn(msg: string, data?: unknown): void;
  error(msg: string, data?: unknown): void;
}

export function createLogger(debug = false): Logger {
  return {
    debug: (msg, data) => {
      if (debug) console.debug(`[vigie] ${msg}`, data ?? '');
    },
    warn: (msg, data) => console.warn(`[vigie] ${msg}`, data ?? ''),
    error: (msg, data) => console.error(`[vigie] ${msg}`, data ?? ''),
  };
}
