/**
 * Hash routes of the console. New pages (fleet "Parc", remote screen viewer) add a variant here,
 * a case in `parseRoute`/`routeHref` and a branch in App's page switch.
 */
export type Route =
  | { name: 'queue' }
  | { name: 'fleet' }
  | { name: 'request'; id: string }
  | { name: 'device'; id: string }
  | { name: 'audit' }
  | { name: 'updates' }
  | { name: 'notFound'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/queue') return { name: 'queue' };
  if (path === '/admin/updates') return { name: 'updates' };
  if (path === '/fleet') return { name: 'fleet' };
  if (path === '/audit') return { name: 'audit' };
  const m = /^\/(requests|devices)\/([^/]{1,64})$/.exec(path);
  if (m?.[2]) {
    try {
      return { name: m[1] === 'devices' ? 'device' : 'request', id: decodeURIComponent(m[2]) };
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
    case 'device':
      return `#/devices/${encodeURIComponent(route.id)}`;
    case 'audit':
      return '#/audit';
    case 'updates':
      return '#/admin/updates';
    case 'notFound':
      return `#${route.path}`;
  }
}
