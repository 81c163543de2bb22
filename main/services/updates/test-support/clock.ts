import type { Clock } from '../clock.js';

/**
 * A clock that only moves when told to. `advance(ms)` fires every timer that falls due, in order,
 * letting promises settle between timers, so asynchronous work started by a timer completes
 * "at" its time.
 */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start: number | Date) {
    this.t = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** When the next timer is due, or null. */
  nextAt(): number | null {
    let min: number | null = null;
    for (const { at } of this.timers.values()) if (min === null || at < min) min = at;
    return min;
  }

  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.t + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      const due = [...this.timers.entries()].filter(([, v]) => v.at <= target).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
      await settle();
    }
    this.t = Math.max(this.t, target);
    await settle();
  }
}

/** Lets pending promise chains (including I/O that resolves quickly) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
