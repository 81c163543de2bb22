import { createStore } from 'zustand/vanilla';
import type { TechnicianSelf } from '@vigie/common';

export type SessionStatus = 'checking' | 'anonymous' | 'authenticated';
/** Why the login page is shown again, when it is not the first visit. */
export type SessionNotice = 'sessionEnded' | 'loggedOut' | null;

export interface SessionState {
  status: SessionStatus;
  technician: TechnicianSelf | null;
  notice: SessionNotice;
}

export const createSessionStore = () => createStore<SessionState>()(() => ({ status: 'checking', technician: null, notice: null }));
export type SessionStore = ReturnType<typeof createSessionStore>;
