import { describe, expect, it } from 'vitest';
import type { RestoreJob } from '@vigie/common';
import { FORWARD_EVERY_MS, forwardDelay } from './restore-forward.js';
import { restoreJobOf } from './test-support/jobs.js';

const job = (state: RestoreJob['state']): RestoreJob =>
  restoreJobOf({ state, request: { ...restoreJobOf().request, origin: 'technician' } });

describe('forwardDelay: when a technician restore’s news goes to the hub', () => {
  it.each([
    // [state now, state last sent, ms since the last send, wait]
    ['queued', null, 0, 0],
    ['restoring', 'preparing', 10, 0],
    ['restoring', 'restoring', 100, FORWARD_EVERY_MS - 100],
    ['restoring', 'restoring', FORWARD_EVERY_MS, 0],
    ['restoring', 'restoring', 10_000, 0],
    ['done', 'restoring', 10, 0],
    ['failed', 'failed', 10, 0],
    ['cancelled', 'cancelled', 0, 0],
  ] as const)('%s after %s sent %i ms ago: waits %i ms', (state, last, since, wait) => {
    expect(forwardDelay(job(state), last, 1_000_000, 1_000_000 + since)).toBe(wait);
  });
});
