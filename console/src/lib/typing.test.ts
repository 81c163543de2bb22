import { describe, expect, it } from 'vitest';
import { ManualClock } from '@vigie/common/test-support/clock';
import { TypingSignal } from './typing';

/** The test clock: the throttle is pure logic over time. */
function harness() {
  const clock = new ManualClock(0);
  const sent: boolean[] = [];
  const signal = new TypingSignal({ send: (t) => sent.push(t), clock, repeatMs: 3000, idleMs: 4000 });
  return { signal, sent, advance: (ms: number) => clock.advance(ms) };
}

describe('TypingSignal', () => {
  it('sends "typing" once per repeat period while keys are pressed, then "stopped" after idle', () => {
    const { signal, sent, advance } = harness();
    signal.input();
    advance(500);
    signal.input();
    advance(500);
    signal.input();
    expect(sent).toEqual([true]);
    advance(2500);
    signal.input(); // 3.5 s after the first: repeat keeps the other side's indicator alive
    expect(sent).toEqual([true, true]);
    advance(4000);
    expect(sent).toEqual([true, true, false]);
  });

  it('stop() sends "stopped" once, and only after "typing"', () => {
    const { signal, sent } = harness();
    signal.stop();
    expect(sent).toEqual([]);
    signal.input();
    signal.stop();
    signal.stop();
    expect(sent).toEqual([true, false]);
    signal.input();
    expect(sent).toEqual([true, false, true]);
  });
});
