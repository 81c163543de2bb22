import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ConsoleController } from './controller';
import { parseRoute, routeHref, type Route } from '../lib/router';
import type { SessionState } from '../stores/session';
import type { ConnectionState } from '../stores/connection';
import type { QueueState } from '../stores/queue';
import type { WorkspaceState } from '../stores/workspace';
import type { UiState } from '../stores/ui';

const ControllerContext = createContext<ConsoleController | null>(null);

export function ControllerProvider({ controller, children }: { controller: ConsoleController; children: ReactNode }) {
  return <ControllerContext.Provider value={controller}>{children}</ControllerContext.Provider>;
}

export function useController(): ConsoleController {
  const c = useContext(ControllerContext);
  if (!c) throw new Error('ControllerProvider missing');
  return c;
}

export const useSession = <T,>(sel: (s: SessionState) => T): T => useStore(useController().session, sel);
export const useConnection = <T,>(sel: (s: ConnectionState) => T): T => useStore(useController().connection, sel);
export const useQueue = <T,>(sel: (s: QueueState) => T): T => useStore(useController().queue, sel);
export const useWorkspace = <T,>(sel: (s: WorkspaceState) => T): T => useStore(useController().workspace, sel);
export const useUi = <T,>(sel: (s: UiState) => T): T => useStore(useController().ui, sel);

const subscribeHash = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};

/** Current hash route. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribeHash, () => window.location.hash);
  return parseRoute(hash);
}

export function navigate(route: Route): void {
  const href = routeHref(route);
  if (window.location.hash !== href) window.location.hash = href;
}
