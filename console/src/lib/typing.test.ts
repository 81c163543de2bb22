import { describe, expect, it } from 'vitest';
import { TypingSignal } from './typing';

/** Manual clock and timers: the throttle is pure logic over time. */
function harness() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let nextId = 1;
  const sent: boolean[] = [];
  const signal = new TypingSignal({
    send: (t) => sent.push(t),
    now: () => now,
    repeatMs: 3000,
    idleMs: 4000,
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimer: (id) => timers.delete(id as number),
  });
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...timers]) {
      if (t.at <= now) {
        timers.delete(id);
        t.fn();
      }
    }
  };
  return { signal, sent, advance };
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
