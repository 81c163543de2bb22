import { describe, expect, it } from 'vitest';
import { initialStatus, statusAfter, type UpdaterStatus, type UpdaterStatusEvent } from './status.js';

const T = Date.parse('2026-03-03T20:00:00Z');
const idle = initialStatus('1.2.0');
const ready: UpdaterStatus = { ...idle, phase: 'ready', pendingVersion: '1.3.0', waitingFor: 'consultation-hours' };
const failure = { version: '1.3.0', reason: 'checksum' as const, attempt: 2, retryAt: T + 3_600_000 };

describe('updater status transitions', () => {
  // Each row: the status before, what the service did → the fields that change (everything else stays).
  const rows: Array<[string, UpdaterStatus, UpdaterStatusEvent, Partial<UpdaterStatus>]> = [
    ['a check starts with nothing pending', idle, { type: 'check-started', at: T }, { phase: 'checking', lastCheckAt: T }],
    ['a check starts with an update pending: still ready', ready, { type: 'check-started', at: T }, { lastCheckAt: T }],
    ['a check that found nothing to keep ends idle', { ...idle, phase: 'checking' }, { type: 'check-ended' }, { phase: 'idle' }],
    ['the next check is scheduled', idle, { type: 'check-scheduled', at: T + 60_000 }, { nextCheckAt: T + 60_000 }],
    ['a download starts', { ...idle, phase: 'checking' }, { type: 'downloading' }, { phase: 'downloading' }],
    [
      'a download finishes: ready, the last failure forgotten',
      { ...idle, phase: 'downloading', lastFailure: failure },
      { type: 'downloaded', version: '1.3.0' },
      { phase: 'ready', pendingVersion: '1.3.0', lastFailure: null },
    ],
    [
      'a failure forgets what was pending',
      ready,
      { type: 'failed', failure },
      { phase: 'idle', pendingVersion: null, waitingFor: null, lastFailure: failure },
    ],
    [
      'waiting for a quiet moment',
      { ...ready, waitingFor: null },
      { type: 'waiting', reason: 'remote-session' },
      { waitingFor: 'remote-session' },
    ],
    ['installing', ready, { type: 'installing' }, { phase: 'installing', waitingFor: null }],
    ['the feed no longer offers it', ready, { type: 'withdrawn' }, { phase: 'idle', pendingVersion: null, waitingFor: null }],
  ];

  for (const [name, before, event, changed] of rows) {
    it(name, () => {
      const after = statusAfter(before, event);
      expect(after).toEqual({ ...before, ...changed });
      expect(before).toEqual(rows.find((r) => r[0] === name)![1]); // the status given is not changed
    });
  }

  it('a check ending while ready, downloading or installing changes nothing (same object: nothing to push)', () => {
    for (const phase of ['ready', 'downloading', 'installing', 'idle'] as const) {
      const st = { ...ready, phase };
      expect(statusAfter(st, { type: 'check-ended' })).toBe(st);
    }
  });

  it('starts idle, with the running version and nothing known yet', () => {
    expect(idle).toEqual({
      phase: 'idle',
      currentVersion: '1.2.0',
      pendingVersion: null,
      waitingFor: null,
      lastCheckAt: null,
      nextCheckAt: null,
      lastFailure: null,
    });
  });
});
