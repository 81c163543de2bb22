/**
 * The chat-restart world's accounting (ledger.ts) on screens made by hand: what it counts as lost,
 * duplicated, out of order or a hole, and where it says a missing message is. The restart spec
 * trusts these counts to say « nothing lost ».
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@vigie/common';
import { percentile, sentByConversation, tallyConversation, type ConversationView, type Sent } from './ledger';

const sent: Sent[] = [
  { id: 'a', author: 'device', conversation: 0, order: 1 },
  { id: 'b', author: 'technician', conversation: 0, order: 2 },
  { id: 'c', author: 'device', conversation: 0, order: 3 },
];
const msg = (id: string, seq: number): ChatMessage => ({
  id,
  requestId: 'r1',
  seq,
  author: id === 'b' ? 'technician' : 'device',
  authorName: 'x',
  text: id,
  sentAt: '2030-01-01T10:00:00.000Z',
  createdAt: '2030-01-01T10:00:00.000Z',
});
const all = [msg('a', 1), msg('b', 2), msg('c', 3)];
const view = (over: Partial<ConversationView>): ConversationView => ({
  index: 0,
  sent,
  device: all,
  console: all,
  deviceOutbox: new Set(),
  consoleOutbox: new Map(),
  ...over,
});

describe('chat-restart ledger', () => {
  const table: Array<[string, Partial<ConversationView>, { lost: number; duplicated: number; misordered: number }, string[]]> = [
    ['every message once, in order, on both screens', {}, { lost: 0, duplicated: 0, misordered: 0 }, []],
    [
      'one missing on the technician’s screen, still in the practice’s outbox',
      { console: [msg('a', 1), msg('b', 2)], deviceOutbox: new Set(['c']) },
      { lost: 1, duplicated: 0, misordered: 0 },
      [
        'conversation 1: 1 message(s) missing on a screen — device P- practice outbox [practice holds 3/3, technician 2/2, missing on technician: seq 3]',
      ],
    ],
    [
      'one shown twice',
      { device: [msg('a', 1), msg('b', 2), msg('c', 3), msg('c', 3)] },
      { lost: 0, duplicated: 1, misordered: 0 },
      ['conversation 1: practice screen has a hole (3 of 4)'],
    ],
    [
      'an author’s messages out of the order they were sent',
      { console: [msg('c', 1), msg('b', 2), msg('a', 3)] },
      { lost: 0, duplicated: 0, misordered: 1 },
      [],
    ],
    [
      'a hole in the seqs shown',
      { device: [msg('a', 1), msg('b', 2), msg('c', 4)] },
      { lost: 0, duplicated: 0, misordered: 0 },
      ['conversation 1: practice screen has a hole (2 of 3)'],
    ],
  ];
  it.each(table)('%s', (_what, over, counts, details) => {
    const t = tallyConversation(view(over));
    expect({ lost: t.lost, duplicated: t.duplicated, misordered: t.misordered }).toEqual(counts);
    expect(t.details).toEqual(details);
  });

  it('groups what was sent by conversation, in the order sent', () => {
    const more: Sent[] = [...sent, { id: 'd', author: 'device', conversation: 1, order: 4 }];
    expect([...sentByConversation(more)].map(([c, s]) => [c, s.map((x) => x.id)])).toEqual([
      [0, ['a', 'b', 'c']],
      [1, ['d']],
    ]);
  });

  it('takes the nearest-rank percentile of the finite values', () => {
    expect(percentile([3, 1, 2, Number.POSITIVE_INFINITY], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
    expect(percentile([Number.NaN], 50)).toBeNaN();
  });
});
