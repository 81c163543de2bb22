/**
 * Throttled "is typing" signal: tells the other side at most once per `repeatMs` while keys are
 * pressed (the repeat keeps the other side's indicator alive), and "stopped" after `idleMs` without
 * input or when the message is sent.
 */
export interface TypingSignalOptions {
  send: (typing: boolean) => void;
  now?: () => number;
  repeatMs?: number;
  idleMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class TypingSignal {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private active = false;
  private timer: unknown = null;
  private readonly now: () => number;
  private readonly repeatMs: number;
  private readonly idleMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly opts: TypingSignalOptions) {
    this.now = opts.now ?? Date.now;
    this.repeatMs = opts.repeatMs ?? 3000;
    this.idleMs = opts.idleMs ?? 4000;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** A key was pressed in the message box. */
  input(): void {
    const t = this.now();
    if (!this.active || t - this.lastSentAt >= this.repeatMs) {
      this.active = true;
      this.lastSentAt = t;
      this.opts.send(true);
    }
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = this.setTimer(() => this.stop(), this.idleMs);
  }

  /** Message sent, box emptied or conversation left. */
  stop(): void {
    if (this.timer !== null) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
    if (this.active) {
      this.active = false;
      this.lastSentAt = Number.NEGATIVE_INFINITY;
      this.opts.send(false);
    }
  }
}
