import { describe, expect, it } from 'vitest';
import { systemClock } from './clock.js';
import { ManualClock } from './test-support/clock.js';

describe('ManualClock', () => {
  it('fires due timers in order, each at its own time, and never a cleared or later one', () => {
    const clock = new ManualClock(1_000);
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 200);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 100);
    const cleared = clock.setTimeout(() => seen.push(['x', clock.now()]), 150);
    clock.setTimeout(() => seen.push(['late', clock.now()]), 5_000);
    clock.clearTimeout(cleared);
    expect(clock.nextAt()).toBe(1_100);
    clock.advance(300);
    expect(seen).toEqual([
      ['a', 1_100],
      ['b', 1_200],
    ]);
    expect(clock.now()).toBe(1_300);
    expect(clock.pending).toBe(1);
  });

  it('fires a timer set by a firing timer when it falls due within the same advance', () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 50);
    }, 10);
    clock.advance(100);
    expect(seen).toEqual([10, 60]);
  });

  it('set() jumps without firing; the late timer fires at the next advance', () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    let fired = 0;
    clock.setTimeout(() => fired++, 1_000);
    clock.set(new Date('2026-01-02T00:00:00Z'));
    expect(fired).toBe(0);
    clock.advance(0);
    expect(fired).toBe(1);
    clock.set(0);
    expect(clock.now()).toBe(0);
  });

  it('settleTo lets the work a timer starts finish before the next timer', async () => {
    const clock = new ManualClock(0);
    const seen: string[] = [];
    clock.setTimeout(() => void Promise.resolve().then(() => seen.push('work of 1')), 10);
    clock.setTimeout(() => seen.push('timer 2'), 20);
    await clock.settleTo(30);
    expect(seen).toEqual(['work of 1', 'timer 2']);
    expect(clock.now()).toBe(30);
  });

  it('stepping() follows real time, its timers fire on their own, advance() adds a jump', async () => {
    const clock = ManualClock.stepping();
    const before = Date.now();
    expect(Math.abs(clock.now() - before)).toBeLessThan(1_000);
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 1));
    let fired = false;
    clock.setTimeout(() => (fired = true), 3_600_000);
    clock.advance(3_600_000);
    expect(fired).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(clock.pending).toBe(0);
  });
});

describe('systemClock', () => {
  it('tells real time and runs and cancels real timers', async () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1_000);
    const cancelled = systemClock.setTimeout(() => expect.unreachable(), 0);
    systemClock.clearTimeout(cancelled);
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 0));
  });
});
