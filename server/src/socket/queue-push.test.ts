/**
 * The queue push's lifecycle as data (pushStep): bursts coalesce into one flush, changes during a
 * flush make one more round, a timed look never forces a push, a stopped push schedules nothing.
 */
import { describe, expect, it } from 'vitest';
import { initialPushState, nextLookDelay, pushStep, type PushEffect, type PushEvent, type PushState } from './queue-push.js';

function run(events: PushEvent[], from: PushState = initialPushState): { state: PushState; effects: PushEffect[] } {
  let state = from;
  const effects: PushEffect[] = [];
  for (const e of events) {
    const r = pushStep(state, e);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

describe('queue push lifecycle', () => {
  it('a burst of changes schedules one flush whose round is forced, then goes idle', () => {
    const burst = run([{ kind: 'change' }, { kind: 'change' }, { kind: 'change' }]);
    expect(burst.effects).toEqual([{ kind: 'schedule' }]);
    const flushed = run([{ kind: 'start' }, { kind: 'round' }, { kind: 'end' }], burst.state);
    expect(flushed.effects).toEqual([{ kind: 'round', forced: true }, { kind: 'idle' }]);
    expect(flushed.state).toEqual(initialPushState);
  });

  it('a timed look alone computes without forcing a push', () => {
    const r = run([{ kind: 'look' }, { kind: 'start' }, { kind: 'round' }]);
    expect(r.effects).toEqual([{ kind: 'schedule' }, { kind: 'round', forced: false }]);
  });

  it('a change during a flush is owed one more round, forced, without a second flush', () => {
    const during = run([{ kind: 'look' }, { kind: 'start' }, { kind: 'round' }, { kind: 'change' }]);
    expect(during.state).toMatchObject({ flushing: true, again: true, forced: true });
    expect(during.effects.filter((e) => e.kind === 'schedule')).toHaveLength(1);
    const next = run([{ kind: 'round' }, { kind: 'end' }], during.state);
    expect(next.effects).toEqual([{ kind: 'round', forced: true }, { kind: 'idle' }]);
  });

  it('a round still owed when the flush ends schedules a new flush instead of going idle', () => {
    const r = run([{ kind: 'change' }, { kind: 'start' }, { kind: 'round' }, { kind: 'change' }, { kind: 'end' }]);
    expect(r.effects.at(-1)).toEqual({ kind: 'schedule' });
    expect(r.state).toMatchObject({ flushing: false, scheduled: true, forced: true });
  });

  it('once stopped, changes schedule nothing', () => {
    expect(run([{ kind: 'stop' }, { kind: 'change' }, { kind: 'look' }]).effects).toEqual([]);
  });

  it('the next look: when a message changes by itself, never sooner than 20 ms nor later than the recheck', () => {
    expect(nextLookDelay(null, 1000, 60_000)).toBe(60_000);
    expect(nextLookDelay(6000, 1000, 60_000)).toBe(5000);
    expect(nextLookDelay(900, 1000, 60_000)).toBe(20);
    expect(nextLookDelay(1_000_000, 1000, 60_000)).toBe(60_000);
  });
});
