import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('jittered exponential back-off', () => {
  it('doubles up to the cap, each delay between half and all of its ceiling', () => {
    const low = new Backoff(100, 1000, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = new Backoff(100, 1000, () => 0.999999);
    expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([100, 200, 400, 800, 1000]);
  });

  it('starts over after a reset', () => {
    const b = new Backoff(100, 1000, () => 0);
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(50);
    expect(b.attempts).toBe(1);
  });
});
