import { spawn, type ChildProcess } from 'node:child_process';
import type { CommandFailure, CommandOutput, CommandRunner, CommandSpec, RunOptions } from './types.js';

export interface NodeCommandRunnerOptions {
  /** Bytes kept per stream; the rest is drained and dropped (the output is flagged truncated). */
  maxOutputBytes?: number;
  /** How long to wait for the streams to close after killing a process tree. */
  killGraceMs?: number;
  platform?: NodeJS.Platform;
}

/**
 * The Node adapter of CommandRunner: child_process.spawn without a shell, stdin closed, the
 * caller's environment plus the spec's (LC_ALL=C). On POSIX each command leads its own process
 * group so a timeout kills the whole tree (`kill -KILL -pgid`); on Windows `taskkill /T /F`.
 * Never throws: a missing program, a refused start or a timeout is reported in `failure`.
 */
export class NodeCommandRunner implements CommandRunner {
  private readonly maxBytes: number;
  private readonly graceMs: number;
  private readonly platform: NodeJS.Platform;

  constructor(options: NodeCommandRunnerOptions = {}) {
    this.maxBytes = options.maxOutputBytes ?? 8 * 1024 * 1024;
    this.graceMs = options.killGraceMs ?? 1000;
    this.platform = options.platform ?? process.platform;
  }

  run(spec: CommandSpec, options: RunOptions): Promise<CommandOutput> {
    const started = performance.now();
    return new Promise<CommandOutput>((resolve) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      let truncated = false;
      let failure: CommandFailure | null = null;
      let failureDetail: string | undefined;
      let settled = false;
      const timers: { main?: NodeJS.Timeout; grace?: NodeJS.Timeout } = {};

      const finish = (exitCode: number | null) => {
        if (settled) return;
        settled = true;
        if (timers.main) clearTimeout(timers.main);
        if (timers.grace) clearTimeout(timers.grace);
        const decoder = new TextDecoder('utf-8');
        resolve({
          stdout: decoder.decode(Buffer.concat(out)),
          stderr: new TextDecoder('utf-8').decode(Buffer.concat(err)),
          exitCode: failure ? null : exitCode,
          failure,
          ...(failureDetail ? { failureDetail } : {}),
          durationMs: performance.now() - started,
          truncated,
        });
      };

      let child: ChildProcess;
      try {
        child = spawn(spec.file, [...spec.args], {
          env: { ...process.env, ...(spec.env ?? {}) },
          stdio: ['ignore', 'pipe', 'pipe'],
          windowsHide: true,
          shell: false,
          detached: this.platform !== 'win32',
        });
      } catch (e) {
        failure = 'spawn-failed';
        failureDetail = e instanceof Error ? e.message : String(e);
        finish(null);
        return;
      }

      const collect = (chunks: Buffer[], which: 'out' | 'err') => (chunk: Buffer) => {
        const used = which === 'out' ? outBytes : errBytes;
        if (used >= this.maxBytes) {
          truncated = true;
          return;
        }
        const part = used + chunk.length > this.maxBytes ? chunk.subarray(0, this.maxBytes - used) : chunk;
        if (part.length < chunk.length) truncated = true;
        chunks.push(part);
        if (which === 'out') outBytes += part.length;
        else errBytes += part.length;
      };
      child.stdout?.on('data', collect(out, 'out'));
      child.stderr?.on('data', collect(err, 'err'));

      child.on('error', (e: NodeJS.ErrnoException) => {
        if (!failure) {
          failure = e.code === 'ENOENT' ? 'not-found' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission-denied' : 'spawn-failed';
          failureDetail = e.message;
        }
        // A process that never started emits no 'close' on every Node version: finish here.
        if (child.pid === undefined) finish(null);
      });
      child.on('close', (code) => finish(code));

      timers.main = setTimeout(() => {
        failure = 'timeout';
        failureDetail = `no answer after ${options.timeoutMs} ms`;
        this.killTree(child);
        // Streams held open by an escaped grandchild must not hold the scan: stop waiting.
        timers.grace = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish(null);
        }, this.graceMs);
      }, options.timeoutMs);
    });
  }

  private killTree(child: ChildProcess): void {
    const pid = child.pid;
    if (pid === undefined) return;
    if (this.platform === 'win32') {
      try {
        const k = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
        k.on('error', () => child.kill('SIGKILL'));
      } catch {
        child.kill('SIGKILL');
      }
      return;
    }
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}
