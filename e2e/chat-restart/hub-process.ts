import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HTTP } from '@vigie/common';

/**
 * The chat-restart world's hub as its own OS process, so it can be killed with SIGKILL or stopped
 * with SIGTERM and started again on the same data folder.
 */

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export class HubProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly port: number,
    private readonly url: string,
  ) {}

  /** Starts the hub and resolves once it answers its health check (rejects if it exits first). */
  async start(): Promise<void> {
    // One process (tsx as a loader, not its CLI, which would run the hub in a child that SIGKILL misses).
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'server', 'src', 'main.ts')], {
      cwd: REPO,
      env: {
        ...process.env,
        VIGIE_DATA_DIR: this.dataDir,
        VIGIE_PORT: String(this.port),
        VIGIE_HOST: '127.0.0.1',
        VIGIE_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    this.child = child;
    this.exited = new Promise((res) => child.once('exit', () => res()));
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      if (exited) throw new Error(`hub exited at start: ${stderr}`);
      const ok = await fetch(this.url + HTTP.healthz).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the hub: SIGKILL (crash) or SIGTERM (graceful), and waits until the process is gone. */
  async stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    child.kill(signal);
    await this.exited;
  }
}
