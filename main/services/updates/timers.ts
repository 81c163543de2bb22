import type { Clock, TimerHandle } from '@vigie/common';

/**
 * The updater's time, always on the injected clock (tests and the benchmark drive it): a timer
 * slot that setting again replaces (the next check, the next look for a quiet moment), and a
 * bounded wait for a promise.
 */

/** One pending timer at most: `set` replaces the one pending, `cancel` drops it. */
export class TimerSlot {
  private handle: TimerHandle | null = null;

  constructor(private readonly clock: Clock) {}

  set(ms: number, fn: () => void): void {
    this.cancel();
    this.handle = this.clock.setTimeout(() => {
      this.handle = null;
      fn();
    }, ms);
  }

  cancel(): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
  }
}

/** `p`'s value, or undefined when `ms` pass first; a rejection of `p` before then passes through. */
export function withTimeout<T>(clock: Clock, p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const t = clock.setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        clock.clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clock.clearTimeout(t);
        reject(e);
      },
    );
  });
}
