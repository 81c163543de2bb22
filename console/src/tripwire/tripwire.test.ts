import { describe, expect, it } from 'vitest';
import type { TripwireAlertRecord } from '@vigie/common';
import { mergeRecord } from './controller';

const rec = (id: string, receivedAt: string, updatedAt: string, status: 'open' | 'lifted' = 'open', fileCount = 5): TripwireAlertRecord => ({
  alert: {
    id,
    raisedAt: receivedAt,
    firstChangeAt: receivedAt,
    reasons: ['burst'],
    files: [],
    fileCount,
    notes: [],
    extensions: [],
    lastGoodSnapshot: null,
    backup: null,
    folders: ['/home/dr/Documents'],
  },
  deviceId: 'd1',
  requestId: 'r1',
  receivedAt,
  updatedAt,
  status,
  liftedAt: status === 'lifted' ? updatedAt : null,
  liftedBy: status === 'lifted' ? 'Julie Martin' : null,
});

describe('tripwire evidence in the console', () => {
  it('keeps the newest alert first and the newest word on each', () => {
    let list = mergeRecord([], rec('a', '2025-03-03T10:00:00Z', '2025-03-03T10:00:00Z'));
    list = mergeRecord(list, rec('b', '2025-03-03T11:00:00Z', '2025-03-03T11:00:00Z'));
    list = mergeRecord(list, rec('a', '2025-03-03T10:00:00Z', '2025-03-03T10:05:00Z', 'open', 40));
    expect(list.map((r) => [r.alert.id, r.alert.fileCount])).toEqual([
      ['b', 5],
      ['a', 40],
    ]);
    // A late answer with older evidence does not take it back; a lifted alert stays lifted.
    list = mergeRecord(list, rec('a', '2025-03-03T10:00:00Z', '2025-03-03T10:01:00Z', 'open', 12));
    expect(list.find((r) => r.alert.id === 'a')!.alert.fileCount).toBe(40);
    list = mergeRecord(list, rec('a', '2025-03-03T10:00:00Z', '2025-03-03T10:06:00Z', 'lifted', 40));
    list = mergeRecord(list, rec('a', '2025-03-03T10:00:00Z', '2025-03-03T10:07:00Z', 'open', 41));
    expect(list.find((r) => r.alert.id === 'a')!.status).toBe('lifted');
  });
});
