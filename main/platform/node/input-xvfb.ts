import { spawn, type ChildProcess } from 'node:child_process';
import { SCRIPTS, scriptPath } from './scripts.js';

export type XvfbStart = { ok: true; display: string; close: () => Promise<void> } | { ok: false; reason: string };

/**
 * Xvfb runs inside a shell watchdog (main/resources/scripts/linux/xvfb-watchdog.sh) until this
 * process's end of the stdin pipe closes — close() or this process exiting in any way (even
 * killed) — then it is stopped. So no Xvfb is left behind, and a process that loaded nut-js can
 * simply exit: libnut closes its X connection at exit and Xlib would turn a vanished server into
 * "XIO fatal IO error" and exit status 1.
 */
/**
 * Starts a private Xvfb on the first free display number (-displayfd): for the input-injection
 * tests and the screen benchmark. Answers `{ ok: false, reason }` when Xvfb cannot start here.
 * A process that loaded nut-js must not call close(): let its own exit stop Xvfb (see the watchdog above).
 */
export function startXvfb(opts: { width?: number; height?: number; timeoutMs?: number } = {}): Promise<XvfbStart> {
  const { width = 1280, height = 720, timeoutMs = 15_000 } = opts;
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(
        'sh',
        [
          scriptPath(SCRIPTS.linux.xvfbWatchdog),
          '-displayfd',
          '3',
          '-screen',
          '0',
          `${width}x${height}x24`,
          '-nolisten',
          'tcp',
          '-nocursor',
        ],
        {
          stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
        },
      );
    } catch (e) {
      resolve({ ok: false, reason: `Xvfb could not be spawned: ${(e as Error).message}` });
      return;
    }
    let settled = false;
    let stderr = '';
    let fd = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const close = async () => {
      child.ref();
      child.stdin?.end();
      await exited;
    };
    const done = (r: XvfbStart) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      void close();
      done({ ok: false, reason: `Xvfb gave no display number within ${timeoutMs} ms: ${stderr.trim().slice(-300) || 'no output'}` });
    }, timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, reason: `Xvfb failed to start: ${e.message}` }));
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.once('exit', (code, signal) =>
      done({ ok: false, reason: `Xvfb exited (${code ?? signal}): ${stderr.trim().slice(-300) || 'no output'}` }),
    );
    child.stdio[3]?.on('data', (d: Buffer) => {
      fd += d.toString();
      const m = /^(\d+)\s/.exec(fd);
      if (m) done({ ok: true, display: `:${m[1]}`, close });
    });
    // The pipe to the watchdog must not keep this process alive.
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    child.unref();
    for (const s of [child.stderr, child.stdio[3]]) (s as unknown as { unref?: () => void } | null)?.unref?.();
  });
}
