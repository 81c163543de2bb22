import { describe, expect, it } from 'vitest';
import type { QueueItem } from '@vigie/common';
import { helpRequest } from '@vigie/common/test-support/samples';
import { arrivals, orderQueue } from './queue';

function item(id: string, status: QueueItem['status'], createdAt: string, assignedAt: string | null = null): QueueItem {
  return {
    ...helpRequest({
      id,
      clientId: '00000000-0000-4000-8000-000000000001',
      deviceId: `dev-${id}`,
      deviceName: `Poste ${id}`,
      status,
      createdAt,
      assignedAt,
    }),
    deviceOnline: true,
  };
}

describe('arrivals', () => {
  it('returns waiting requests not seen waiting before (new ones and ones put back in the queue)', () => {
    const list = [
      item('a', 'waiting', '2025-11-28T10:00:00Z'),
      item('b', 'waiting', '2025-11-28T10:01:00Z'),
      item('c', 'assigned', '2025-11-28T09:00:00Z'),
    ];
    expect(arrivals(new Set(['a']), list).map((r) => r.id)).toEqual(['b']);
    expect(arrivals(new Set(['a', 'b']), list)).toEqual([]);
  });
});

describe('orderQueue', () => {
  it('puts waiting requests first, oldest first, then taken ones, latest pickup first', () => {
    const list = [
      item('t1', 'assigned', '2025-11-28T09:00:00Z', '2025-11-28T09:05:00Z'),
      item('w2', 'waiting', '2025-11-28T10:02:00Z'),
      item('t2', 'assigned', '2025-11-28T09:30:00Z', '2025-11-28T09:40:00Z'),
      item('w1', 'waiting', '2025-11-28T10:00:00Z'),
    ];
    expect(orderQueue(list).map((r) => r.id)).toEqual(['w1', 'w2', 't2', 't1']);
  });

  it('puts urgent waiting requests (a ransomware alert) before every other waiting one, oldest urgent first', () => {
    const list = [
      item('w1', 'waiting', '2025-11-28T10:00:00Z'),
      { ...item('u2', 'waiting', '2025-11-28T10:09:00Z'), urgent: true },
      { ...item('t1', 'assigned', '2025-11-28T09:00:00Z', '2025-11-28T09:05:00Z'), urgent: true },
      { ...item('u1', 'waiting', '2025-11-28T10:05:00Z'), urgent: true },
      item('w2', 'waiting', '2025-11-28T10:01:00Z'),
    ];
    expect(orderQueue(list).map((r) => r.id)).toEqual(['u1', 'u2', 'w1', 'w2', 't1']);
  });
});
