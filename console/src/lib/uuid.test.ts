import { describe, expect, it } from 'vitest';
import { Uuid } from '@vigie/common';
import { uuidV4 } from './uuid';

describe('uuidV4', () => {
  it('uses randomUUID when present and builds a valid v4 from random bytes otherwise', () => {
    expect(Uuid.safeParse(uuidV4()).success).toBe(true);
    const noRandomUuid: Pick<Crypto, 'getRandomValues'> = { getRandomValues: (a) => crypto.getRandomValues(a) };
    const ids = new Set(Array.from({ length: 50 }, () => uuidV4(noRandomUuid)));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
