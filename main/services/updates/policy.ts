import { backoffDelay, compareSemver, parseSemver, type ConsultationHours, type UpdateFailureReason } from '@vigie/common';
import { isConsultationTime } from './consultation.js';

/**
 * The updater's decisions, as pure functions of the situation: what to do with an offered
 * version, and whether a downloaded one may be installed now. No I/O, no clock of their own.
 */

export interface UpdatePolicyConfig {
  /** Feed check at start, then this often. */
  checkIntervalMs: number;
  /** The machine counts as unattended after this much OS-wide input idleness. */
  machineIdleSeconds: number;
  /** The practitioner counts as not using Vigie after this long without touching it. */
  appIdleMs: number;
  /** While an update waits for a good moment, the situation is looked at again this often. */
  recheckPendingMs: number;
  /** No silent install starting less than this before a consultation slot. */
  consultationMarginMinutes: number;
  /** Retry after a failed or rejected update: base · 2^(attempt−1), at most max, with jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_UPDATE_POLICY: UpdatePolicyConfig = {
  checkIntervalMs: 4 * 60 * 60_000,
  machineIdleSeconds: 15 * 60,
  appIdleMs: 30 * 60_000,
  recheckPendingMs: 5 * 60_000,
  consultationMarginMinutes: 15,
  retryBaseMs: 30 * 60_000,
  retryMaxMs: 24 * 60 * 60_000,
};

/** What else is going on on the machine. */
export interface ActivitySnapshot {
  /** A technician's remote screen session is open (view or control). */
  remoteSession: boolean;
  restoreRunning: boolean;
  backupRunning: boolean;
  /** Last time the practitioner used Vigie's windows (ms since epoch), null if never. */
  lastAppUseAt: number | null;
}

export interface FailureRecord {
  attempt: number;
  retryAt: number;
  reason: UpdateFailureReason;
}

// ---------- offered versions ----------

export type OfferDecision =
  | { action: 'download' }
  | { action: 'keep' }
  | { action: 'ignore'; reason: 'invalid-version' | 'downgrade' | 'current' | 'older-than-pending' }
  | { action: 'wait'; until: number };

export function decideOffer(input: {
  now: number;
  currentVersion: string;
  offeredVersion: string;
  pendingVersion: string | null;
  failure: FailureRecord | null;
}): OfferDecision {
  const offered = parseSemver(input.offeredVersion);
  const current = parseSemver(input.currentVersion);
  if (!offered || !current) return { action: 'ignore', reason: 'invalid-version' };
  const vsCurrent = compareSemver(offered, current);
  if (vsCurrent < 0) return { action: 'ignore', reason: 'downgrade' };
  if (vsCurrent === 0) return { action: 'ignore', reason: 'current' };
  if (input.pendingVersion) {
    const vsPending = compareSemver(offered, input.pendingVersion);
    if (vsPending === 0) return { action: 'keep' };
    if (vsPending < 0) return { action: 'ignore', reason: 'older-than-pending' };
  }
  if (input.failure && input.failure.retryAt > input.now) return { action: 'wait', until: input.failure.retryAt };
  return { action: 'download' };
}

// ---------- installing ----------

export type InstallBlocker =
  'nothing-pending' | 'remote-session' | 'restore' | 'backup' | 'consultation-hours' | 'machine-in-use' | 'app-in-use';
export type InstallDecision = { action: 'install' } | { action: 'wait'; reason: InstallBlocker };

export interface InstallSituation {
  now: number;
  /** 'idle': the periodic look for a quiet moment; 'quit': the app is quitting. */
  trigger: 'idle' | 'quit';
  hasVerifiedUpdate: boolean;
  activity: ActivitySnapshot;
  systemIdleSeconds: number;
  consultationHours: ConsultationHours | null;
}

/**
 * Whether a downloaded, verified update may be installed now. Never during a remote session, a
 * restore or a backup; never in (or just before) the practice's consultation hours. At quit that
 * is all; otherwise the machine must also be idle and Vigie unused for a while.
 */
export function decideInstall(s: InstallSituation, cfg: UpdatePolicyConfig = DEFAULT_UPDATE_POLICY): InstallDecision {
  if (!s.hasVerifiedUpdate) return { action: 'wait', reason: 'nothing-pending' };
  if (s.activity.remoteSession) return { action: 'wait', reason: 'remote-session' };
  if (s.activity.restoreRunning) return { action: 'wait', reason: 'restore' };
  if (s.activity.backupRunning) return { action: 'wait', reason: 'backup' };
  if (isConsultationTime(s.consultationHours, s.now, cfg.consultationMarginMinutes))
    return { action: 'wait', reason: 'consultation-hours' };
  if (s.trigger === 'quit') return { action: 'install' };
  if (s.systemIdleSeconds < cfg.machineIdleSeconds) return { action: 'wait', reason: 'machine-in-use' };
  if (s.activity.lastAppUseAt !== null && s.now - s.activity.lastAppUseAt < cfg.appIdleMs) return { action: 'wait', reason: 'app-in-use' };
  return { action: 'install' };
}

// ---------- failures ----------

/** Checksum and signature failures mean the file is not ours: it is rejected, never installed. */
export const isRejection = (reason: UpdateFailureReason): boolean => reason === 'checksum' || reason === 'signature';

/** Delay before the next try after `attempt` consecutive failures ("equal jitter" exponential back-off). */
export function retryDelayMs(attempt: number, cfg: UpdatePolicyConfig = DEFAULT_UPDATE_POLICY, random: () => number = Math.random): number {
  return backoffDelay(attempt - 1, { baseMs: cfg.retryBaseMs, maxMs: cfg.retryMaxMs, random });
}

export function nextFailure(
  previous: FailureRecord | null,
  reason: UpdateFailureReason,
  now: number,
  cfg: UpdatePolicyConfig = DEFAULT_UPDATE_POLICY,
  random?: () => number,
): FailureRecord {
  const attempt = (previous?.attempt ?? 0) + 1;
  return { attempt, reason, retryAt: now + retryDelayMs(attempt, cfg, random) };
}
