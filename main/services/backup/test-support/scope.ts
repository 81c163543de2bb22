/**
 * For the backup test files (imports vitest, so never from testing.ts, which the benchmark uses):
 * fixtures and clean-ups undone after each test, last first.
 */
import { afterEach } from 'vitest';
import { makeFixture, type Fixture } from './index.js';

export function fixtureScope(): {
  fixture: (...args: Parameters<typeof makeFixture>) => Promise<Fixture>;
  cleanups: Array<() => Promise<void>>;
} {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  return {
    cleanups,
    fixture: async (...args) => {
      const f = await makeFixture(...args);
      cleanups.push(f.cleanup);
      return f;
    },
  };
}
