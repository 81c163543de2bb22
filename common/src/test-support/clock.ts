/** The one test clock (tests and test worlds only; production code takes `systemClock`). */
import type { Clock, TimerHandle } from '../clock.js';

interface Timer {
  at: number;
  fn: () => void;
  real: ReturnType<typeof setTimeout> | null;
}

/**
 * A clock that moves when told to. `advance(ms)` moves time and fires every timer that falls
 * due, in order, at its own time; `advanceTo` / `settleTo` are the same to a date, the latter
 * letting promises settle between timers so asynchronous work a timer starts ends "at" its time.
 * `set(t)` jumps without firing anything (a machine waking up: late timers fire at the next advance).
 *
 * `ManualClock.stepping()` is for worlds with real sockets and browsers: it follows real time
 * (its timers also fire on their own) and `advance(ms)` adds a jump on top.
 */
export class ManualClock implements Clock {
  private base: number;
  private readonly realStart: number | null;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(start: number | Date = Date.now(), opts: { followRealTime?: boolean } = {}) {
    this.base = typeof start === 'number' ? start : start.getTime();
    this.realStart = opts.followRealTime ? Date.now() : null;
  }

  /** Real time plus whatever the test added with `advance`. */
  static stepping(): ManualClock {
    return new ManualClock(Date.now(), { followRealTime: true });
  }

  now(): number {
    return this.base + (this.realStart === null ? 0 : Date.now() - this.realStart);
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    const timer: Timer = { at: this.now() + Math.max(0, ms), fn, real: null };
    if (this.realStart !== null) timer.real = setTimeout(() => this.fire(id), Math.max(0, ms));
    this.timers.set(id, timer);
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    const t = this.timers.get(handle as number);
    if (t?.real) clearTimeout(t.real);
    this.timers.delete(handle as number);
  }

  /** How many timers wait. */
  get pending(): number {
    return this.timers.size;
  }

  /** When the next timer is due, or null. */
  nextAt(): number | null {
    let min: number | null = null;
    for (const { at } of this.timers.values()) if (min === null || at < min) min = at;
    return min;
  }

  /** Jumps to `t` without firing timers. */
  set(t: number | Date): void {
    this.moveTo(typeof t === 'number' ? t : t.getTime(), true);
  }

  advance(ms: number): void {
    this.advanceTo(this.now() + ms);
  }

  advanceTo(target: number): void {
    for (let due = this.due(target); due !== null; due = this.due(target)) {
      this.moveTo(Math.max(this.now(), due[1].at), false);
      this.fire(due[0]);
    }
    this.moveTo(Math.max(this.now(), target), false);
  }

  /** `advanceTo`, letting pending promise chains run before and after each timer. */
  async settleTo(target: number): Promise<void> {
    await settle();
    for (let due = this.due(target); due !== null; due = this.due(target)) {
      this.moveTo(Math.max(this.now(), due[1].at), false);
      this.fire(due[0]);
      await settle();
    }
    this.moveTo(Math.max(this.now(), target), false);
    await settle();
  }

  private due(target: number): [number, Timer] | null {
    let best: [number, Timer] | null = null;
    for (const e of this.timers)
      if (e[1].at <= target && (best === null || e[1].at < best[1].at || (e[1].at === best[1].at && e[0] < best[0]))) best = e;
    return best;
  }

  private moveTo(t: number, anyDirection: boolean): void {
    const now = this.now();
    if (anyDirection || t > now) this.base += t - now;
  }

  private fire(id: number): void {
    const t = this.timers.get(id);
    if (!t) return;
    this.timers.delete(id);
    if (t.real) clearTimeout(t.real);
    t.fn();
  }
}

/** Node's setImmediate (after pending I/O callbacks); a zero timeout in a browser. */
const immediate: (fn: () => void) => void =
  (globalThis as unknown as { setImmediate?: (fn: () => void) => void }).setImmediate ?? ((fn) => setTimeout(fn, 0));

/** Lets pending promise chains (including I/O that resolves quickly) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => immediate(r));
}
