import { describe, expect, it } from 'vitest';
import { takeSecret } from './bridge.js';

class MemoryStorage {
  private m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

describe('bridge secret', () => {
  const secret = 'a'.repeat(64);
  it('takes the key from the fragment, keeps it for the tab and cleans the address bar', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    const replaced: string[] = [];
    const history = { replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) } as unknown as History;
    const loc = { hash: `#k=${secret}`, pathname: '/', search: '' } as Location;
    expect(takeSecret(loc, storage, history)).toBe(secret);
    expect(replaced).toEqual(['/']);
    // A reload (no fragment any more) still finds it in this tab.
    expect(takeSecret({ hash: '', pathname: '/', search: '' } as Location, storage, history)).toBe(secret);
  });
  it('refuses anything that is not a hex key', () => {
    const loc = { hash: '#k=<script>', pathname: '/', search: '' } as Location;
    expect(takeSecret(loc, null, null)).toBeNull();
    expect(takeSecret({ hash: '', pathname: '/', search: '' } as Location, null, null)).toBeNull();
  });
});
