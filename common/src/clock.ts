/**
 * Time, as every service sees it: the one port for "what time is it" and "call me in N ms".
 * Production code takes a `Clock` (default `systemClock`); tests pass the `ManualClock` of
 * `@vigie/common/test-support/clock`, which only moves when told to.
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Node's and the browser's setTimeout cap: a longer delay would fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The real clock. Its timers never keep a Node process alive on their own. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, Math.min(Math.max(0, ms), MAX_DELAY_MS));
    (t as unknown as { unref?: () => void }).unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};
