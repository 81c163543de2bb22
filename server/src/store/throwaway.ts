/**
 * What the throwaway servers of the tests and the demo share (redis-server.ts, turn-server.ts):
 * finding their program, stopping them and removing their folder once.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/** A program: the path in `env[envVar]`, else `name` on PATH. Null when there is none. */
export function findProgram(name: string, envVar: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env[envVar]) return env[envVar];
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

/** `stop()` of a throwaway server: SIGTERM, its exit awaited, its folder removed; later calls share the first. */
export function stopper(process: ChildProcess | (() => ChildProcess), dir: string): () => Promise<void> {
  let stopped: Promise<void> | null = null;
  return () =>
    (stopped ??= new Promise<void>((resolve) => {
      // A server restarted in place (redis-server.ts crash/resume) is stopped as the process it is now.
      const child = typeof process === 'function' ? process() : process;
      const finish = () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return finish();
      child.once('exit', finish);
      child.kill('SIGTERM');
    }));
}
