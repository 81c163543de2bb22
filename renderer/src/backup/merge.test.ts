import { describe, expect, it } from 'vitest';
import { mergeNewer } from './merge.js';

type Item = { id: string; at: number };
const newer = (held: Item | undefined, came: Item) => (held && held.at > came.at ? held : came);

describe('mergeNewer', () => {
  it('puts each item in its place, keeping what is newer, and leaves the others and the original alone', () => {
    const held = { a: { id: 'a', at: 5 }, b: { id: 'b', at: 1 } };
    const merged = mergeNewer(
      held,
      [
        { id: 'a', at: 3 },
        { id: 'b', at: 2 },
        { id: 'c', at: 1 },
      ],
      (i) => i.id,
      newer,
    );
    expect(merged).toEqual({ a: { id: 'a', at: 5 }, b: { id: 'b', at: 2 }, c: { id: 'c', at: 1 } });
    expect(held).toEqual({ a: { id: 'a', at: 5 }, b: { id: 'b', at: 1 } });
  });
});
