import type { Logger, LogLevel } from '../../platform/ports.js';
import { redactText, redactValue } from './redact.js';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface LoggerOptions {
  level?: LogLevel;
  /** Where a finished JSON line goes; stderr by default. */
  write?: (line: string) => void;
  bindings?: Record<string, unknown>;
  /** A second place every line goes: the app's rotating log files (lib/log-file.ts). */
  file?: { write(line: string): void };
}

/** Serialises values a log line may carry (errors become { name, message, code }). */
function safe(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v instanceof Error) {
      const code = (v as { code?: unknown }).code;
      out[k] = { name: v.name, message: v.message, ...(code !== undefined ? { code } : {}) };
    } else out[k] = v;
  }
  return out;
}

/**
 * The one logger of the app: JSON lines, one level threshold, child loggers with bindings. Every
 * line is redacted (lib/redact.ts: secrets, patient file names) before it is written anywhere.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const out = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const file = options.file;
  const write = file
    ? (line: string) => {
        out(line);
        file.write(line);
      }
    : out;
  const bindings = options.bindings ?? {};
  const log = (lvl: Exclude<LogLevel, 'silent'>, msg: string, data?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    let line: string;
    try {
      line = JSON.stringify({
        time: new Date().toISOString(),
        level: lvl,
        ...bindings,
        msg: redactText(msg),
        ...(data ? (redactValue(safe(data)) as Record<string, unknown>) : {}),
      });
    } catch {
      line = JSON.stringify({ time: new Date().toISOString(), level: lvl, ...bindings, msg, unserializable: true });
    }
    write(line);
  };
  return {
    debug: (m, d) => log('debug', m, d),
    info: (m, d) => log('info', m, d),
    warn: (m, d) => log('warn', m, d),
    error: (m, d) => log('error', m, d),
    child: (b) => createLogger({ level, write, bindings: { ...bindings, ...(redactValue(b) as Record<string, unknown>) } }),
  };
}

export const silentLogger: Logger = createLogger({ level: 'silent' });
