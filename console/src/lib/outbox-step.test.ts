import { describe, expect, it } from 'vitest';
import { outboxStep, type OutboxItem } from './chat';

const item: OutboxItem = { id: 'm-1', requestId: 'r-1', text: 'Bonjour', sentAt: '2026-12-03T10:00:00.000Z', state: 'queued', attempts: 0 };

describe('outboxStep: one message of the console outbox, pure', () => {
  it('send → sending (one more attempt); stored or discarded → gone', () => {
    const sending = outboxStep(item, { type: 'send' });
    expect(sending).toEqual({ item: { ...item, state: 'sending', attempts: 1 }, effects: [] });
    expect(outboxStep(sending.item!, { type: 'stored' })).toEqual({ item: null, effects: [] });
    expect(outboxStep({ ...item, state: 'failed', error: 'FORBIDDEN' }, { type: 'discard' })).toEqual({ item: null, effects: [] });
  });

  it('a definitive refusal fails it with its reason; retry queues it again without one', () => {
    const failed = outboxStep({ ...item, state: 'sending' }, { type: 'refused', code: 'FORBIDDEN', retryable: false, retryAfterMs: 0 });
    expect(failed).toEqual({ item: { ...item, state: 'failed', error: 'FORBIDDEN' }, effects: [] });
    expect(outboxStep(failed.item!, { type: 'retry' }).item).toMatchObject({ state: 'queued', error: undefined });
  });

  it('a transient refusal queues it again: slow down pauses every send, offline waits for the connection', () => {
    const sending = { ...item, state: 'sending' as const };
    expect(outboxStep(sending, { type: 'refused', code: 'RATE_LIMITED', retryable: true, retryAfterMs: 2000 })).toEqual({
      item: { ...item, state: 'queued' },
      effects: [
        { type: 'pause-sends', ms: 2000 },
        { type: 'retry-later', ms: 2000 },
      ],
    });
    expect(outboxStep(sending, { type: 'refused', code: 'TIMEOUT', retryable: true, retryAfterMs: 0 }).effects).toEqual([
      { type: 'retry-later', ms: 0 },
    ]);
    expect(outboxStep(sending, { type: 'refused', code: 'OFFLINE', retryable: true, retryAfterMs: 0 })).toEqual({
      item: { ...item, state: 'queued' },
      effects: [],
    });
  });

  it('a disconnect puts a message in flight back in the queue; others stay as they are', () => {
    expect(outboxStep({ ...item, state: 'sending' }, { type: 'disconnected' }).item).toMatchObject({ state: 'queued' });
    const failed = { ...item, state: 'failed' as const, error: 'CONFLICT' as const };
    expect(outboxStep(failed, { type: 'disconnected' }).item).toBe(failed);
  });
});
