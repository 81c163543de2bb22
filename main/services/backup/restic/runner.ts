import { StringDecoder } from 'node:string_decoder';
import type { ChildLike, Logger, ProcessSpawner, ReadableLike } from '../ports.js';

export interface RunOptions {
  /** Each complete stdout line (UTF-8, without the newline). */
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Keep the whole stdout (for commands that print one JSON document). Bounded by maxStdoutBytes. */
  collectStdout?: boolean;
  maxStdoutBytes?: number;
  /** Kill after this long (SIGINT, then SIGKILL after graceMs). */
  timeoutMs?: number;
  /** Abort → SIGINT (restic cleans up), then SIGKILL after graceMs. */
  signal?: AbortSignal;
  graceMs?: number;
  /** Called once the child is started (tests use it to find the pid). */
  onSpawn?: (child: ChildLike) => void;
  cwd?: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Whole stdout when collectStdout, else ''. */
  stdout: string;
  /** Last ~64 KB of stderr. */
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the process could not be started at all (ENOENT…). */
  spawnError: NodeJS.ErrnoException | null;
  durationMs: number;
  pid: number | null;
}

const STDERR_KEEP = 64 * 1024;
/** ANSI "control sequence introducer" escapes (ESC [ … letter) restic uses to redraw its status line. */
const ANSI_CSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*[A-Za-z]', 'g');

/** Splits a byte stream into UTF-8 lines, whatever the chunk boundaries. */
class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: Buffer): void {
    const text = this.rest + this.decoder.write(chunk);
    let start = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
      this.emit(text.slice(start, i));
      start = i + 1;
    }
    this.rest = text.slice(start);
  }
  end(): void {
    const tail = this.rest + this.decoder.end();
    this.rest = '';
    if (tail.length) this.emit(tail);
  }
  private emit(line: string): void {
    // restic redraws its terminal status with \r and ANSI clear-line sequences: keep the last frame.
    const clean = line.replace(ANSI_CSI, '');
    const cr = clean.lastIndexOf('\r');
    this.onLine(cr >= 0 ? clean.slice(cr + 1) : clean);
  }
}

/**
 * Runs one process to its end. Both pipes are ALWAYS read to the end — a restic whose stdout or
 * stderr is closed dies on the next write (SIGPIPE) and leaves its lock behind — and the result
 * is only returned once the process has exited and both pipes are drained ('close').
 */
export function runProcess(
  spawner: ProcessSpawner,
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  options: RunOptions = {},
  logger?: Logger,
): Promise<RunResult> {
  const started = Date.now();
  const maxStdout = options.maxStdoutBytes ?? 512 * 1024 * 1024;
  const graceMs = options.graceMs ?? 10_000;

  return new Promise<RunResult>((resolve) => {
    let child: ChildLike;
    const finish = (partial: Partial<RunResult>) => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      if (timeoutTimer) clearTimeout(timeoutTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        code: null,
        signal: null,
        stdout: stdoutChunks.length ? Buffer.concat(stdoutChunks).toString('utf8') : '',
        stderr: stderrTail,
        timedOut,
        aborted,
        spawnError: null,
        durationMs: Date.now() - started,
        pid: child?.pid ?? null,
        ...partial,
      });
    };
    let settled = false;
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stdoutOverflow = false;
    let stderrTail = '';

    const stop = () => {
      if (settled) return;
      try {
        child.kill('SIGINT');
      } catch {
        /* already gone */
      }
      killTimer ??= setTimeout(() => {
        try {
          child.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      }, graceMs);
    };
    const onAbort = () => {
      aborted = true;
      stop();
    };

    try {
      child = spawner.spawn(command, args, { env, ...(options.cwd ? { cwd: options.cwd } : {}) });
    } catch (e) {
      finish({ spawnError: e as NodeJS.ErrnoException });
      return;
    }

    const drain = (stream: ReadableLike | null, onChunk: (b: Buffer) => void, splitter: LineSplitter | null) => {
      if (!stream) return;
      stream.on('data', (b: Buffer) => {
        onChunk(b);
        splitter?.push(b);
      });
      stream.on('end', () => splitter?.end());
      stream.on('error', (e: Error) => logger?.debug('restic pipe error', { err: e }));
      stream.resume();
    };

    const outSplitter = options.onStdoutLine ? new LineSplitter(options.onStdoutLine) : null;
    drain(
      child.stdout,
      (b) => {
        if (!options.collectStdout) return;
        stdoutBytes += b.length;
        if (stdoutBytes > maxStdout) {
          // Keep reading (never stop draining), just stop keeping.
          stdoutOverflow = true;
          return;
        }
        stdoutChunks.push(b);
      },
      outSplitter,
    );
    const errSplitter = new LineSplitter((line) => {
      options.onStderrLine?.(line);
    });
    drain(
      child.stderr,
      (b) => {
        stderrTail += b.toString('utf8');
        if (stderrTail.length > STDERR_KEEP) stderrTail = stderrTail.slice(-STDERR_KEEP);
      },
      errSplitter,
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end();

    child.on('error', (e: Error) => {
      const err = e as NodeJS.ErrnoException;
      // A spawn failure never gets a 'close' on some platforms: answer now.
      if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'ENOEXEC' || child.pid === undefined) finish({ spawnError: err });
      else logger?.warn('restic process error', { err });
    });
    child.on('close', (code: number | null, sig: NodeJS.Signals | null) => {
      if (stdoutOverflow) logger?.warn('restic output too large, truncated', { bytes: stdoutBytes });
      finish({ code, signal: sig });
    });

    if (options.signal) {
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }
    if (options.timeoutMs) {
      timeoutTimer = setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs);
    }
    options.onSpawn?.(child);
  });
}
