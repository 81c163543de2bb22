/**
 * The hub benchmark's processes (hub.ts): the hub (or bare relay) and the device workers as children
 * running hub-worker.ts with the highest file-descriptor limit allowed, their messages, and what
 * /proc says of a process (RSS, open files, limits) and of the machine (load average).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const worker = join(here, 'hub-worker.ts');

export type Kind = 'hub' | 'bare';
/** What the hub (or bare relay) child says once it listens. */
export interface Ready {
  url: string;
  code: string;
  login: string;
  password: string;
  totpSecret: string;
  pid: number;
}

export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}
export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}
export function fdLimit(pid: number): string {
  const m = /Max open files\s+(\d+)\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return m ? `${m[1]}/${m[2]}` : '?';
}

/** Runs a child with the highest file-descriptor limit the shell allows. */
export function spawnChild(args: string[], nodeFlags: string[] = []): ChildProcess {
  // `ulimit -n hard` in a shell, then exec node with the tsx loader: the pid we measure is the node process itself.
  const cmd = `ulimit -n $(ulimit -Hn) 2>/dev/null; exec "${process.execPath}" ${nodeFlags.map((a) => `"${a}"`).join(' ')} --import tsx "${worker}" ${args.map((a) => `"${a}"`).join(' ')}`;
  return fork('/bin/sh', [], { execPath: '/bin/sh', execArgv: ['-c', cmd], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

export function waitFor<T>(child: ChildProcess, type: string, onOther?: (m: Record<string, unknown>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: Record<string, unknown>) => {
      if (m.type === type) {
        child.off('message', onMsg);
        child.off('exit', onExit);
        resolve(m as T);
      } else if (m.type === 'error') reject(new Error(String(m.message)));
      else onOther?.(m);
    };
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) while waiting for ${type}`));
    child.on('message', onMsg);
    child.once('exit', onExit);
  });
}

export const loadNow = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
