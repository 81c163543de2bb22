import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '@vigie/common';
import { answerOf } from './api.js';

describe('answerOf', () => {
  it('gives the app’s answer as it came, a success or an error', async () => {
    expect(await answerOf(async () => ok(42))).toEqual({ ok: true, data: 42 });
    const refused = err('FORBIDDEN', 'Non.', { reason: 'test' });
    expect(await answerOf(async () => refused)).toEqual(refused);
  });

  it('a call that fails instead of answering (rejected or thrown at once) answers INTERNAL', async () => {
    expect(await answerOf(() => Promise.reject(new Error('bridge closed')))).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: '' },
    });
    const thrown = (): Promise<Result<number>> => {
      throw new Error('no api');
    };
    expect(await answerOf(thrown)).toEqual({ ok: false, error: { code: 'INTERNAL', message: '' } });
  });
});
