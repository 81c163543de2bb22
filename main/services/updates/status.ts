import type { UpdateFailureReason } from '@vigie/common';
import type { InstallBlocker } from './policy.js';

/**
 * What the updater shows of itself (`UpdaterStatus`, pushed to the shell) and how it moves, as
 * one pure function `statusAfter(status, event) → status` of what the service just did: a check
 * started, ended or was scheduled, a download started or finished, a failure, a wait for a good
 * moment, the install, an update the feed no longer offers.
 */

export type UpdaterPhase = 'idle' | 'checking' | 'downloading' | 'ready' | 'installing';

export interface UpdaterStatus {
  phase: UpdaterPhase;
  currentVersion: string;
  /** Downloaded and verified, waiting for a good moment. */
  pendingVersion: string | null;
  /** Why the pending update is not installed yet. */
  waitingFor: InstallBlocker | null;
  lastCheckAt: number | null;
  nextCheckAt: number | null;
  lastFailure: { version: string; reason: UpdateFailureReason; attempt: number; retryAt: number } | null;
}

export type UpdaterStatusEvent =
  | { type: 'check-started'; at: number }
  /** The check is over (whatever it found): a check that found nothing to keep goes back to idle. */
  | { type: 'check-ended' }
  | { type: 'check-scheduled'; at: number }
  | { type: 'downloading' }
  /** Downloaded and verified. */
  | { type: 'downloaded'; version: string }
  /** Failed or rejected: whatever was downloaded is forgotten. */
  | { type: 'failed'; failure: NonNullable<UpdaterStatus['lastFailure']> }
  | { type: 'waiting'; reason: InstallBlocker }
  | { type: 'installing' }
  /** The feed no longer offers the pending version (rollout halted or replaced). */
  | { type: 'withdrawn' };

export function initialStatus(currentVersion: string): UpdaterStatus {
  return {
    phase: 'idle',
    currentVersion,
    pendingVersion: null,
    waitingFor: null,
    lastCheckAt: null,
    nextCheckAt: null,
    lastFailure: null,
  };
}

/** The status after `event`; the same object when nothing changes. */
export function statusAfter(st: UpdaterStatus, event: UpdaterStatusEvent): UpdaterStatus {
  switch (event.type) {
    case 'check-started':
      return { ...st, phase: st.pendingVersion ? 'ready' : 'checking', lastCheckAt: event.at };
    case 'check-ended':
      return st.phase === 'checking' ? { ...st, phase: 'idle' } : st;
    case 'check-scheduled':
      return { ...st, nextCheckAt: event.at };
    case 'downloading':
      return { ...st, phase: 'downloading' };
    case 'downloaded':
      return { ...st, phase: 'ready', pendingVersion: event.version, lastFailure: null };
    case 'failed':
      return { ...st, phase: 'idle', pendingVersion: null, waitingFor: null, lastFailure: event.failure };
    case 'waiting':
      return { ...st, waitingFor: event.reason };
    case 'installing':
      return { ...st, phase: 'installing', waitingFor: null };
    case 'withdrawn':
      return { ...st, phase: 'idle', pendingVersion: null, waitingFor: null };
  }
}
