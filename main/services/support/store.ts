import { join } from 'node:path';
import { z } from 'zod';
import { ChatMessage, ChatReceipts, ContextSnapshot, HelpRequest, HelpTopic, IsoDate, QueuePosition, Uuid } from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import { JsonFile } from '../lib/files.js';

/** A message the user sent that the hub has not acknowledged yet. */
export const OutboxItem = z.object({
  id: Uuid,
  /** null while the help request itself is still waiting to reach the hub. */
  requestId: z.string().nullable(),
  text: z.string(),
  sentAt: IsoDate,
});
export type OutboxItem = z.infer<typeof OutboxItem>;

/** A help click that has not reached the hub yet (offline): sent again with the same clientId. */
export const PendingHelp = z.object({
  clientId: Uuid,
  topic: HelpTopic.nullable(),
  description: z.string().nullable(),
  context: ContextSnapshot,
  createdAt: IsoDate,
});
export type PendingHelp = z.infer<typeof PendingHelp>;

/** Everything support keeps on disk (support.json): survives disconnects and restarts. */
export const SupportDoc = z.object({
  version: z.literal(1),
  /** The enrollment this belongs to: a different device id means a fresh start. */
  deviceId: z.string().nullable(),
  pendingHelp: PendingHelp.nullable(),
  current: HelpRequest.nullable(),
  position: QueuePosition.nullable(),
  /** Messages the hub stored (each has its seq), ordered by seq. */
  messages: z.array(ChatMessage),
  outbox: z.array(OutboxItem),
  receipts: ChatReceipts.nullable(),
  /** Highest technician seq we told the hub we received / the user has read / we told the hub was read. */
  deliveredSent: z.number().int().nonnegative(),
  readWanted: z.number().int().nonnegative(),
  readSent: z.number().int().nonnegative(),
  lastClosed: HelpRequest.nullable(),
});
export type SupportDoc = z.infer<typeof SupportDoc>;

export const emptyDoc = (deviceId: string | null): SupportDoc => ({
  version: 1,
  deviceId,
  pendingHelp: null,
  current: null,
  position: null,
  messages: [],
  outbox: [],
  receipts: null,
  deliveredSent: 0,
  readWanted: 0,
  readSent: 0,
  lastClosed: null,
});

export const supportFile = (dataDir: string, logger?: Logger) =>
  new JsonFile<SupportDoc>(join(dataDir, 'support.json'), SupportDoc, logger);
