import { describe, expect, it } from 'vitest';
import type { UpdateReport } from '@vigie/common';
import { failureRecorded, failureReport, installOutcome } from './outcomes.js';
import { DEFAULT_UPDATE_POLICY } from './policy.js';
import { OUTBOX_MAX, queueReport } from './reports.js';
import type { PersistedUpdateState } from './state.js';

const T = Date.parse('2026-03-03T20:00:00Z');
const HOUR = 3_600_000;
const cfg = { ...DEFAULT_UPDATE_POLICY, retryBaseMs: HOUR, retryMaxMs: 24 * HOUR };
/** Jitter at its top: the delay is exactly base · 2^(attempt−1). */
const noJitter = () => 1;
const empty: PersistedUpdateState = { installing: null, failures: {}, outbox: [] };

describe('the outcome of an install begun before this start', () => {
  const rows: Array<[string, PersistedUpdateState, string, { state: PersistedUpdateState; report: unknown }]> = [
    ['nothing was being installed', empty, '1.2.0', { state: empty, report: null }],
    [
      'running the target version: installed, the mark cleared',
      { ...empty, installing: { from: '1.2.0', to: '1.3.0', at: T - HOUR } },
      '1.3.0',
      { state: empty, report: { outcome: 'installed', currentVersion: '1.3.0', targetVersion: '1.3.0' } },
    ],
    [
      'still the old version: a first install failure, retried in an hour',
      { ...empty, installing: { from: '1.2.0', to: '1.3.0', at: T - HOUR } },
      '1.2.0',
      {
        state: { ...empty, failures: { '1.3.0': { attempt: 1, reason: 'install', retryAt: T + HOUR } } },
        report: {
          outcome: 'failed',
          currentVersion: '1.2.0',
          targetVersion: '1.3.0',
          reason: 'install',
          attempt: 1,
          retryAt: new Date(T + HOUR).toISOString(),
        },
      },
    ],
    [
      'still the old version after earlier failures: the schedule goes on (third attempt, 4 h)',
      {
        ...empty,
        installing: { from: '1.2.0', to: '1.3.0', at: T - HOUR },
        failures: { '1.3.0': { attempt: 2, reason: 'network', retryAt: T } },
      },
      '1.2.0',
      {
        state: { ...empty, failures: { '1.3.0': { attempt: 3, reason: 'install', retryAt: T + 4 * HOUR } } },
        report: {
          outcome: 'failed',
          currentVersion: '1.2.0',
          targetVersion: '1.3.0',
          reason: 'install',
          attempt: 3,
          retryAt: new Date(T + 4 * HOUR).toISOString(),
        },
      },
    ],
  ];
  for (const [name, state, current, expected] of rows) {
    it(name, () => {
      expect(installOutcome(state, current, T, cfg, noJitter)).toEqual(expected);
    });
  }
});

describe('a failed or rejected update', () => {
  it('counts the failure of that version only, and clears the install mark of that version', () => {
    const state: PersistedUpdateState = {
      ...empty,
      installing: { from: '1.2.0', to: '1.3.0', at: T },
      failures: { '1.2.5': { attempt: 4, reason: 'network', retryAt: T } },
    };
    const r = failureRecorded(state, '1.3.0', 'signature', T, cfg, noJitter);
    expect(r.failure).toEqual({ attempt: 1, reason: 'signature', retryAt: T + HOUR });
    expect(r.state).toEqual({ ...empty, failures: { '1.2.5': state.failures['1.2.5'], '1.3.0': r.failure } });
    expect(state.installing).not.toBeNull(); // the state given is not changed
  });

  it('keeps the install mark of another version', () => {
    const state: PersistedUpdateState = { ...empty, installing: { from: '1.2.0', to: '1.4.0', at: T } };
    expect(failureRecorded(state, '1.3.0', 'network', T, cfg, noJitter).state.installing).toEqual(state.installing);
  });

  const rows: Array<[string, 'checksum' | 'signature' | 'network' | 'install', string | undefined, Record<string, unknown>]> = [
    ['a checksum mismatch is a rejection', 'checksum', 'sha512 mismatch', { outcome: 'rejected', message: 'sha512 mismatch' }],
    ['a bad signature is a rejection', 'signature', 'not signed', { outcome: 'rejected', message: 'not signed' }],
    ['a network error is a failure', 'network', 'ECONNRESET', { outcome: 'failed', message: 'ECONNRESET' }],
    ['without a message, none is sent', 'install', undefined, { outcome: 'failed' }],
    ['a long message is cut to the contract’s 500 characters', 'network', 'x'.repeat(900), { outcome: 'failed', message: 'x'.repeat(500) }],
  ];
  for (const [name, reason, message, expected] of rows) {
    it(name, () => {
      const f = { attempt: 2, reason, retryAt: T + 2 * HOUR };
      expect(failureReport('1.2.0', '1.3.0', f, message)).toEqual({
        currentVersion: '1.2.0',
        targetVersion: '1.3.0',
        reason,
        attempt: 2,
        retryAt: new Date(T + 2 * HOUR).toISOString(),
        ...expected,
      });
    });
  }
});

describe('the report outbox', () => {
  const report = (n: number): UpdateReport => ({
    outcome: 'available',
    currentVersion: '1.2.0',
    targetVersion: `1.3.${n}`,
    channel: 'stable',
    at: new Date(T + n).toISOString(),
  });

  it('queues last, and drops the oldest when full', () => {
    expect(queueReport([], report(0))).toEqual([report(0)]);
    const full = Array.from({ length: OUTBOX_MAX }, (_, i) => report(i));
    const next = queueReport(full, report(OUTBOX_MAX));
    expect(next).toHaveLength(OUTBOX_MAX);
    expect(next[0]).toEqual(report(1));
    expect(next.at(-1)).toEqual(report(OUTBOX_MAX));
    expect(full).toHaveLength(OUTBOX_MAX); // the outbox given is not changed
    expect(queueReport([report(0), report(1)], report(2), 2)).toEqual([report(1), report(2)]);
  });
});
