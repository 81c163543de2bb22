import type { i18n as I18n } from 'i18next';
import type { Clock } from '@vigie/common';
import type { Alerts } from '../lib/alerts';
import type { Api } from '../lib/api';
import type { Logger } from '../lib/log';
import type { Route } from '../lib/router';
import type { TechClient } from '../lib/socket';
import type { ConnectionStore } from '../stores/connection';
import type { QueueStore } from '../stores/queue';
import type { SessionStore } from '../stores/session';
import type { UiStore } from '../stores/ui';
import { emptyConversation, type Conversation, type WorkspaceStore } from '../stores/workspace';

export interface ControllerDeps {
  client: TechClient;
  api: Api;
  alerts: Alerts;
  log: Logger;
  i18n: I18n;
  /** localStorage, or null when unavailable (private mode…). */
  storage: Storage | null;
  navigate: (route: Route) => void;
  /** The console tab is visible (read receipts are only sent then). */
  isVisible: () => boolean;
  /** The console has the user's attention (visible and focused): no system notification needed. */
  hasAttention: () => boolean;
  /** Time and timers (tests and the Node world may bring their own). */
  clock?: Clock;
}

/** What the console's parts (session, queue, conversations, receipts, outbox) share: the dependencies and the stores. */
export interface ConsoleCore {
  deps: ControllerDeps;
  clock: Clock;
  session: SessionStore;
  connection: ConnectionStore;
  queue: QueueStore;
  workspace: WorkspaceStore;
  ui: UiStore;
  announce(text: string): void;
  toast(text: string): void;
}

export const isConnected = (core: ConsoleCore): boolean => core.connection.getState().status === 'connected';

/** Changes one conversation (created empty when not held yet). */
export function patchConversation(core: ConsoleCore, requestId: string, fn: (c: Conversation) => Partial<Conversation>): void {
  core.workspace.setState((s) => {
    const c = s.conversations[requestId] ?? emptyConversation(requestId);
    return { conversations: { ...s.conversations, [requestId]: { ...c, ...fn(c) } } };
  });
}
