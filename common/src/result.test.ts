import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { VigieError, illFormedTextPath, isWellFormedText, parseOrThrow } from './result.js';

describe('well-formed text at the boundary', () => {
  it('tells lone surrogates from pairs', () => {
    expect(isWellFormedText('bonjour 😀 é')).toBe(true);
    for (const s of ['\uD800', 'a\uDC00', '\uD83D', '\uDE00\uD83D', 'x\uDBFFy']) expect(isWellFormedText(s)).toBe(false);
    // U+0000 is Unicode, but no store keeps it (Postgres refuses it in text): refused with them.
    for (const s of ['\u0000', 'a\u0000b']) expect(isWellFormedText(s)).toBe(false);
  });

  it('names the first bad string, values and keys, at any depth, without recursion', () => {
    expect(illFormedTextPath({ a: ['ok', { b: 'x\uD800' }] })).toBe('a.1.b');
    expect(illFormedTextPath({ ok: 1, ['k\uDC00']: 1 })).toBe('(clé)');
    expect(illFormedTextPath('\uD800')).toBe('(valeur)');
    expect(illFormedTextPath({ a: 1, b: [true, null, 2] })).toBeNull();
    let deep: unknown = '\uD800';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(illFormedTextPath(deep)).toMatch(/^0(\.0)+$/);
    const cyclic: Record<string, unknown> = { a: 'ok' };
    cyclic.self = cyclic;
    expect(illFormedTextPath(cyclic)).toBeNull();
  });

  it('parseOrThrow refuses it whatever the schema accepts', () => {
    const schema = z.object({ text: z.string() }).loose();
    expect(parseOrThrow(schema, { text: 'é 😀' })).toEqual({ text: 'é 😀' });
    for (const input of [{ text: '\uD800' }, { text: 'ok', extra: ['\uDFFF'] }]) {
      let caught: unknown;
      try {
        parseOrThrow(schema, input);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(VigieError);
      expect((caught as VigieError).code).toBe('BAD_REQUEST');
    }
  });
});
