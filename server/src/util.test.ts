import { describe, expect, it } from 'vitest';
import { serialRuns } from './util.js';

/** A task whose runs wait for the test to end them, in order. */
function gatedTask() {
  const started: number[] = [];
  const gates: Array<() => void> = [];
  const task = () =>
    new Promise<void>((resolve) => {
      started.push(started.length + 1);
      gates.push(resolve);
    });
  const finish = async (n: number) => {
    while (gates.length < n) await new Promise((r) => setImmediate(r));
    gates[n - 1]!();
  };
  return { task, started, finish };
}

describe('serialRuns', () => {
  it('answers a call made during a run with the next run (one for all such calls), never with the run going on', async () => {
    const g = gatedTask();
    const runs = serialRuns(g.task);
    const first = runs.run();
    expect(g.started).toEqual([1]);
    let secondDone = false;
    const second = runs.run().then(() => (secondDone = true));
    const third = runs.run();
    // One run at a time: the next starts only once the first has ended.
    expect(g.started).toEqual([1]);
    await g.finish(1);
    await first;
    expect(secondDone).toBe(false);
    await g.finish(2);
    await Promise.all([second, third]);
    expect(g.started).toEqual([1, 2]);
    // Nothing going on: a call starts a run at once.
    const fourth = runs.run();
    expect(g.started).toEqual([1, 2, 3]);
    await g.finish(3);
    await fourth;
  });

  it('settled() waits for the run going on and the one due after it; a failed run does not stop the next', async () => {
    let n = 0;
    let release: () => void = () => undefined;
    const runs = serialRuns(async () => {
      n++;
      if (n === 1) await new Promise<void>((r) => (release = r));
      if (n === 1) throw new Error('first run fails');
    });
    const first = runs.run().catch((e: unknown) => (e as Error).message);
    const second = runs.run();
    let settled = false;
    const done = runs.settled().then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    release();
    expect(await first).toBe('first run fails');
    await second;
    await done;
    expect(n).toBe(2);
  });
});
