/**
 * The screen module's contract with the hub: its database types, what it needs from the hub
 * (hub-deps.ts builds it from the hub's services), the handler contexts the hub's dispatch gives,
 * and the device rooms it pushes to.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Namespace } from 'socket.io';
import type { ChatMessage, Clock, SystemMessageRef } from '@vigie/common';
import type { Logger } from '../logger.js';
import type { ScreenSettings } from './config.js';
import type { ScreenAuditEvent } from './lifecycle.js';
import type { ScreenTables } from './schema.js';

export type ScreenDb = Kysely<ScreenTables>;
export type ScreenTrx = Transaction<ScreenTables>;

/** What the module needs from the hub (hub-deps.ts builds it from the hub's services). */
export interface ScreenHubDeps {
  db: ScreenDb;
  devNs: Namespace;
  techNs: Namespace;
  settings: ScreenSettings;
  /**
   * The device of `requestId` when that request is open and assigned to `technicianId`, else null.
   * Called inside the module's transactions with `trx` (SQLite has one connection: use it).
   */
  assignedRequest(requestId: string, technicianId: string, trx?: ScreenTrx): Promise<{ deviceId: string } | null>;
  isDeviceOnline(deviceId: string): boolean;
  /** Appends to the hub's audit chain inside `trx`. */
  audit(ev: ScreenAuditEvent, trx: ScreenTrx): Promise<unknown>;
  /** System chat message of the request, stored inside `trx`, pushed to both sides after commit. */
  chat: {
    insert(trx: ScreenTrx, requestId: string, line: { text: string; system: SystemMessageRef }): Promise<ChatMessage>;
    push(deviceId: string, message: ChatMessage): void;
  };
  log: Logger;
  now?: Clock['now'];
}

/** Handler contexts: the same objects the hub's dispatch gives its own handlers. */
export type ScreenDeviceCtx = { actor: { id: string }; socket: { id: string } };
export type ScreenTechCtx = { actor: { id: string; name: string }; socket: { id: string } };

export const screenRooms = { device: (id: string) => `screen:dev:${id}` } as const;
