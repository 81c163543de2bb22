import { systemClock, type Clock, type TimerHandle } from '@vigie/common';

/**
 * "The technician is typing": on when the hub says so, off when it says so, when a message of
 * theirs arrives, when the request closes, when the connection drops — and by itself after
 * `ttlMs` without news (a lost "stopped typing" never leaves it on).
 */
export class TechnicianTyping {
  private on = false;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly onChange: () => void,
    private readonly ttlMs = 15_000,
    private readonly clock: Clock = systemClock,
  ) {}

  get typing(): boolean {
    return this.on;
  }

  set(typing: boolean): void {
    this.stop();
    if (typing) this.timer = this.clock.setTimeout(() => this.set(false), this.ttlMs);
    if (this.on === typing) return;
    this.on = typing;
    this.onChange();
  }

  /** Cancels the self-switch-off (the service stops). */
  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
