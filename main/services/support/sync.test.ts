import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '@vigie/common';
import { afterTransient, type TransientStep } from './sync.js';

/** Jitter at its top: the back-off is exactly min(10 s, base · 2^failures). */
const top = () => 1;

describe('after a transient failure of the hub', () => {
  type Row = { code: ErrorCode; stopped?: boolean; retryPending?: boolean; failures?: number; retryAfterMs?: unknown };
  // Each row: the failure and where the routine stands → what the next run needs and when it comes.
  const rows: Array<[string, Row, TransientStep]> = [
    ['offline: no timer, the next connection runs a sync', { code: 'OFFLINE' }, { needHello: false, retryInMs: null }],
    ['stopped: nothing more', { code: 'UNAVAILABLE', stopped: true }, { needHello: false, retryInMs: null }],
    ['stopped, even after a timeout', { code: 'TIMEOUT', stopped: true }, { needHello: false, retryInMs: null }],
    ['hub busy: retry after the first delay', { code: 'UNAVAILABLE' }, { needHello: false, retryInMs: 1000 }],
    ['a timeout: hello again first (it may have been applied)', { code: 'TIMEOUT' }, { needHello: true, retryInMs: 1000 }],
    [
      'a timeout with a retry already set: hello again, no second timer',
      { code: 'TIMEOUT', retryPending: true },
      { needHello: true, retryInMs: null },
    ],
    ['third failure in a row: 4 s', { code: 'UNAVAILABLE', failures: 2 }, { needHello: false, retryInMs: 4000 }],
    ['many failures: capped at 10 s', { code: 'UNAVAILABLE', failures: 12 }, { needHello: false, retryInMs: 10_000 }],
    ['rate limited: the hub’s longer wait wins', { code: 'RATE_LIMITED', retryAfterMs: 30_000 }, { needHello: false, retryInMs: 30_000 }],
    [
      'rate limited with a shorter wait: the back-off wins',
      { code: 'RATE_LIMITED', retryAfterMs: 200 },
      { needHello: false, retryInMs: 1000 },
    ],
    [
      'a retryAfterMs that is not a number is ignored',
      { code: 'RATE_LIMITED', retryAfterMs: '30000' },
      { needHello: false, retryInMs: 1000 },
    ],
  ];
  for (const [name, row, expected] of rows) {
    it(name, () => {
      expect(
        afterTransient({
          code: row.code,
          stopped: row.stopped ?? false,
          retryPending: row.retryPending ?? false,
          failures: row.failures ?? 0,
          retryAfterMs: row.retryAfterMs,
          baseMs: 1000,
          random: top,
        }),
      ).toEqual(expected);
    });
  }

  it('the back-off is jittered between half and all of its ceiling', () => {
    const low = afterTransient({ code: 'UNAVAILABLE', stopped: false, retryPending: false, failures: 1, baseMs: 1000, random: () => 0 });
    expect(low.retryInMs).toBe(1000);
  });
});
