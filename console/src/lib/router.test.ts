import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from './router';

describe('hash routes', () => {
  it('parses the queue, a request, and anything else as not found', () => {
    expect(parseRoute('')).toEqual({ name: 'queue' });
    expect(parseRoute('#/')).toEqual({ name: 'queue' });
    expect(parseRoute('#/queue/')).toEqual({ name: 'queue' });
    expect(parseRoute('#/requests/abc-123')).toEqual({ name: 'request', id: 'abc-123' });
    expect(parseRoute('#/requests/%E0%A4%A')).toEqual({ name: 'notFound', path: '/requests/%E0%A4%A' });
    expect(parseRoute('#/elsewhere')).toEqual({ name: 'notFound', path: '/elsewhere' });
    expect(parseRoute('#/admin/updates')).toEqual({ name: 'updates' });
    expect(parseRoute('#/admin')).toEqual({ name: 'notFound', path: '/admin' });
    expect(parseRoute('#/devices/dev-9')).toEqual({ name: 'device', id: 'dev-9' });
    expect(parseRoute('#/devices/')).toEqual({ name: 'notFound', path: '/devices' });
    expect(parseRoute('#/audit')).toEqual({ name: 'audit' });
  });

  it('round-trips hrefs', () => {
    for (const r of [
      { name: 'queue' } as const,
      { name: 'request', id: 'a b/c' } as const,
      { name: 'updates' } as const,
      { name: 'device', id: 'd/1 é' } as const,
      { name: 'audit' } as const,
    ])
      expect(parseRoute(routeHref(r))).toEqual(r);
  });
});
