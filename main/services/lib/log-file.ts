import { mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import pinoRoll from 'pino-roll';
import { redactLine } from './redact.js';

/**
 * The app's log files: `<dataDir>/logs/vigie.<n>.log`, rolled by pino-roll when one reaches
 * `maxBytes`, at most `files` of them kept, the one being written included (the oldest are
 * removed, those of earlier runs too). Lines
 * come already redacted from the logger; `tail` redacts them again as it reads (a file written by
 * an older version, or by hand, leaves the machine clean too).
 */
export interface LogFileOptions {
  /** Folder of the files (created 0700 when missing). */
  dir: string;
  /** Size at which a file is rolled (bytes; 1 MiB by default). */
  maxBytes?: number;
  /** Files kept, the current one included (5 by default: about 5 × maxBytes on disk at most). */
  files?: number;
}

export interface LogTail {
  /** The last lines, oldest first. */
  lines: string[];
  /** Older lines exist that were left out. */
  truncated: boolean;
}

const BASE = 'vigie';
const EXT = '.log';
const FILE_RE = /^vigie\.(\d+)\.log$/;
/** Lines written before the file is open are kept (the first ones of a start), up to this many. */
const PENDING_MAX = 1000;

type Sink = {
  write(s: string): boolean;
  flushSync(): void;
  end(): void;
  once(e: string, f: (...a: unknown[]) => void): unknown;
  on(e: string, f: (...a: unknown[]) => void): unknown;
};

export class LogFile {
  readonly dir: string;
  private sink: Sink | null = null;
  private pending: string[] = [];
  private opening: Promise<void> | null = null;
  private closed = false;
  private rolls = 0;
  private rollWaiters: Array<() => void> = [];

  constructor(private readonly o: LogFileOptions) {
    this.dir = o.dir;
  }

  /** Opens the current file (creating the folder); lines written before wait in memory. */
  open(): Promise<void> {
    this.opening ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const stream = (await pinoRoll({
        file: join(this.dir, BASE),
        extension: EXT,
        size: `${Math.max(1, Math.floor((this.o.maxBytes ?? 1024 * 1024) / 1024))}k`,
        limit: { count: this.o.files ?? 5, removeOtherLogFiles: true },
        mkdir: true,
        sync: true,
      })) as Sink;
      if (this.closed) {
        stream.end();
        return;
      }
      this.sink = stream;
      // A roll removed the oldest files: tell who waits for it (tests, mostly).
      stream.on('cleanup-complete', () => {
        this.rolls++;
        for (const w of this.rollWaiters.splice(0)) w();
      });
      for (const l of this.pending) stream.write(l);
      this.pending = [];
    })();
    return this.opening;
  }

  /** One finished line (without its newline). */
  write(line: string): void {
    if (this.closed) return;
    const l = line + '\n';
    if (this.sink) this.sink.write(l);
    else if (this.pending.length < PENDING_MAX) this.pending.push(l);
  }

  /** Resolves once `count` rolls (new file + old ones removed) have completed since the file was opened. */
  async rolled(count: number): Promise<void> {
    while (this.rolls < count) await new Promise<void>((r) => this.rollWaiters.push(r));
  }

  /** The files, newest first. */
  async files(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    return names
      .map((n) => ({ n, i: Number(FILE_RE.exec(n)?.[1] ?? NaN) }))
      .filter((f) => Number.isFinite(f.i))
      .sort((a, b) => b.i - a.i)
      .map((f) => join(this.dir, f.n));
  }

  /**
   * The last `count` lines across the files, reading at most `maxBytes` from their ends; each
   * redacted again and cut to `maxLineChars` (with « … »).
   */
  async tail(count: number, bounds: { maxBytes: number; maxLineChars: number }): Promise<LogTail> {
    this.sink?.flushSync();
    const out: string[] = [];
    let budget = bounds.maxBytes;
    let truncated = false;
    for (const file of await this.files()) {
      if (out.length >= count || budget <= 0) {
        truncated = true;
        break;
      }
      const { lines, cut } = await readEnd(file, budget);
      budget -= lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
      for (let i = lines.length - 1; i >= 0; i--) {
        if (out.length >= count) {
          truncated = true;
          break;
        }
        const red = redactLine(lines[i]!);
        out.push(red.length > bounds.maxLineChars ? red.slice(0, bounds.maxLineChars) + '…' : red);
      }
      if (cut) {
        truncated = true;
        break;
      }
    }
    return { lines: out.reverse(), truncated };
  }

  /** Writes what is pending and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const s = this.sink;
    this.sink = null;
    if (!s) return;
    s.flushSync();
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.once('error', () => resolve());
      s.end();
    });
  }
}

/** The complete lines in the last `budget` bytes of a file; `cut` when the file holds more before them. */
async function readEnd(file: string, budget: number): Promise<{ lines: string[]; cut: boolean }> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return { lines: [], cut: false };
  }
  try {
    const size = (await fh.stat()).size;
    const start = Math.max(0, size - budget);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    let text = buf.toString('utf8');
    // A line cut by the budget is dropped whole.
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    return { lines, cut: start > 0 };
  } finally {
    await fh.close();
  }
}
