import { createStore } from 'zustand/vanilla';
import type { BackupSummary, ChatMessage, ChatReceipts, Device, ErrorCode, HealthSummary, HelpRequest } from '@vigie/common';
import type { OutboxItem } from '../lib/chat';

/** Latest health/backup pushed by a device after the request was created (`device:report`). */
export interface DeviceReport {
  health: HealthSummary | null;
  backup: BackupSummary | null;
  reportedAt: string;
}

/** One help request as the technician works on it: details, chat and receipts. */
export interface Conversation {
  requestId: string;
  request: HelpRequest | null;
  device: Device | null;
  messages: ChatMessage[];
  receipts: ChatReceipts | null;
  /** The practitioner is typing (until the given local time). */
  typing: { name: string; until: number } | null;
  detail: 'idle' | 'loading' | 'ready' | 'error';
  error: ErrorCode | null;
}

export interface WorkspaceState {
  /** Open requests assigned to me, oldest first. */
  mine: HelpRequest[];
  conversations: Record<string, Conversation>;
  /** Messages typed but not yet stored by the hub (all requests). */
  outbox: OutboxItem[];
  /** Highest seq I have reported read, per request (ahead of the hub's receipts answer). */
  localRead: Record<string, number>;
  /** Latest report per device id. */
  reports: Record<string, DeviceReport>;
  activeId: string | null;
}

export const emptyConversation = (requestId: string, request: HelpRequest | null = null): Conversation => ({
  requestId,
  request,
  device: null,
  messages: [],
  receipts: null,
  typing: null,
  detail: 'idle',
  error: null,
});

export const initialWorkspaceState = (): WorkspaceState => ({
  mine: [],
  conversations: {},
  outbox: [],
  localRead: {},
  reports: {},
  activeId: null,
});

export const createWorkspaceStore = () => createStore<WorkspaceState>()(initialWorkspaceState);
export type WorkspaceStore = ReturnType<typeof createWorkspaceStore>;
