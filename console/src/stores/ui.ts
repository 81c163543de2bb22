import { createStore } from 'zustand/vanilla';

export type NotificationPermissionState = NotificationPermission | 'unsupported';

export interface UiState {
  /** Local time, refreshed every second: drives waiting times and typing expiry. */
  now: number;
  /** Last sentence for the polite live region (queue arrivals, messages in other requests). */
  announcement: { id: number; text: string } | null;
  /** Short confirmation shown after an action (resolved, released). */
  toast: { id: number; text: string } | null;
  soundEnabled: boolean;
  notificationPermission: NotificationPermissionState;
}

export const createUiStore = (init: Pick<UiState, 'soundEnabled' | 'notificationPermission'>) =>
  createStore<UiState>()(() => ({ now: Date.now(), announcement: null, toast: null, ...init }));
export type UiStore = ReturnType<typeof createUiStore>;
