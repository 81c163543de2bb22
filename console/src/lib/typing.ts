import { systemClock, type Clock, type TimerHandle } from '@vigie/common';

/**
 * Throttled "is typing" signal: tells the other side at most once per `repeatMs` while keys are
 * pressed (the repeat keeps the other side's indicator alive), and "stopped" after `idleMs` without
 * input or when the message is sent.
 */
export interface TypingSignalOptions {
  send: (typing: boolean) => void;
  clock?: Clock;
  repeatMs?: number;
  idleMs?: number;
}

export class TypingSignal {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private active = false;
  private timer: TimerHandle | null = null;
  private readonly clock: Clock;
  private readonly repeatMs: number;
  private readonly idleMs: number;

  constructor(private readonly opts: TypingSignalOptions) {
    this.clock = opts.clock ?? systemClock;
    this.repeatMs = opts.repeatMs ?? 3000;
    this.idleMs = opts.idleMs ?? 4000;
  }

  /** A key was pressed in the message box. */
  input(): void {
    const t = this.clock.now();
    if (!this.active || t - this.lastSentAt >= this.repeatMs) {
      this.active = true;
      this.lastSentAt = t;
      this.opts.send(true);
    }
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => this.stop(), this.idleMs);
  }

  /** Message sent, box emptied or conversation left. */
  stop(): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.active) {
      this.active = false;
      this.lastSentAt = Number.NEGATIVE_INFINITY;
      this.opts.send(false);
    }
  }
}
