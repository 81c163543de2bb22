import { spawn, type ChildProcess } from 'node:child_process';

export type XvfbStart = { ok: true; display: string; close: () => Promise<void> } | { ok: false; reason: string };

/**
 * Starts a private Xvfb on the first free display number (-displayfd): for the input-injection
 * tests and the screen benchmark. Answers `{ ok: false, reason }` when Xvfb cannot start here.
 */
export function startXvfb(opts: { width?: number; height?: number; timeoutMs?: number; bin?: string } = {}): Promise<XvfbStart> {
  const { width = 1280, height = 720, timeoutMs = 15_000, bin = 'Xvfb' } = opts;
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(bin, ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', '-nocursor'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ ok: false, reason: `Xvfb could not be spawned: ${(e as Error).message}` });
      return;
    }
    let settled = false;
    let stderr = '';
    let fd = '';
    const done = (r: XvfbStart) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const close = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    };
    const timer = setTimeout(() => {
      void close();
      done({ ok: false, reason: `Xvfb gave no display number within ${timeoutMs} ms: ${stderr.trim().slice(-300)}` });
    }, timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, reason: e.code === 'ENOENT' ? `${bin} is not installed` : `Xvfb failed: ${e.message}` }));
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.once('exit', (code, signal) => done({ ok: false, reason: `Xvfb exited (${code ?? signal}): ${stderr.trim().slice(-300)}` }));
    const out = child.stdio[3];
    out?.on('data', (d: Buffer) => {
      fd += d.toString();
      const m = /^(\d+)\s/.exec(fd);
      if (m) done({ ok: true, display: `:${m[1]}`, close });
    });
  });
}
