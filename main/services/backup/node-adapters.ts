import { spawn } from 'node:child_process';
import type { ChildLike, Clock, ProcessSpawner, Timers } from './ports.js';

/** child_process.spawn, no shell, no inherited environment beyond what the engine passes. */
export const nodeSpawner: ProcessSpawner = {
  spawn(command, args, options): ChildLike {
    return spawn(command, [...args], {
      env: options.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      shell: false,
    });
  },
};

export const systemClock: Clock = { now: () => new Date() };

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
