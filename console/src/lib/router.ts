/**
 * Hash routes of the console. New pages (fleet "Parc", remote screen viewer) add a variant here,
 * a case in `parseRoute`/`routeHref` and a branch in App's page switch.
 */
export type Route = { name: 'queue' } | { name: 'fleet' } | { name: 'request'; id: string } | { name: 'updates' } | { name: 'notFound'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/queue') return { name: 'queue' };
  if (path === '/admin/updates') return { name: 'updates' };
  if (path === '/fleet') return { name: 'fleet' };
  const m = /^\/requests\/([^/]{1,64})$/.exec(path);
  if (m?.[1]) {
    try {
      return { name: 'request', id: decodeURIComponent(m[1]) };
    } catch {
      return { name: 'notFound', path };
    }
  }
  return { name: 'notFound', path };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'queue':
      return '#/';
    case 'fleet':
      return '#/fleet';
    case 'request':
      return `#/requests/${encodeURIComponent(route.id)}`;
    case 'updates':
      return '#/admin/updates';
    case 'notFound':
      return `#${route.path}`;
  }
}
