import { createStore } from 'zustand/vanilla';
import type { ErrorCode, QueueItem, QueuePosition, SupportStatus } from '@vigie/common';

/** Message above the queue after an action: "already taken by a colleague" or a translated error. */
export type QueueNotice = { kind: 'taken'; requestId: string } | { kind: 'error'; code: ErrorCode; requestId: string };

export interface QueueState {
  /** Open requests, waiting first (oldest first), then taken ones. */
  requests: QueueItem[];
  loaded: boolean;
  /** Hub clock − local clock, so waiting times tick on the hub's time. */
  offsetMs: number;
  medianPickupSeconds: number;
  /** What each waiting practice is told about its wait (the hub's own messages). */
  positions: QueuePosition[];
  /** Support hours, phone, technicians available (null until the first snapshot). */
  support: SupportStatus | null;
  /** Ids of waiting requests in the last snapshot: a new id rings the bell. */
  knownWaiting: ReadonlySet<string>;
  accepting: string | null;
  notice: QueueNotice | null;
}

export const initialQueueState = (): QueueState => ({
  requests: [],
  loaded: false,
  offsetMs: 0,
  medianPickupSeconds: 0,
  positions: [],
  support: null,
  knownWaiting: new Set(),
  accepting: null,
  notice: null,
});

export const createQueueStore = () => createStore<QueueState>()(initialQueueState);
export type QueueStore = ReturnType<typeof createQueueStore>;
