import { backoffDelay } from '@vigie/common';

/**
 * The device's reconnection back-off: the shared jittered exponential delay (common/chat-sync)
 * with a memory of attempts. Capped at 8 s so that a short hub outage never costs a practice more
 * than ~10 s, still spread so that a restart is not met by every device at the same instant.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = 500,
    private readonly maxMs = 8_000,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    return backoffDelay(this.attempt++, { baseMs: this.baseMs, maxMs: this.maxMs, random: this.random });
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
