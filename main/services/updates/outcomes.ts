import type { UpdateFailureReason } from '@vigie/common';
import { isRejection, nextFailure, type FailureRecord, type UpdatePolicyConfig } from './policy.js';
import { iso, type UpdateReportDraft } from './reports.js';
import type { PersistedUpdateState } from './state.js';

/**
 * What an update's outcome does to the saved state, and the report the hub gets for it, as pure
 * functions: a download or an install that failed or was rejected (its retry schedule), and at
 * start the outcome of an install begun before the restart.
 */

/** The failure counted for `version` (its next retry), and the install mark of that version cleared. */
export function failureRecorded(
  state: PersistedUpdateState,
  version: string,
  reason: UpdateFailureReason,
  now: number,
  cfg: UpdatePolicyConfig,
  random?: () => number,
): { state: PersistedUpdateState; failure: FailureRecord } {
  const failure = nextFailure(state.failures[version] ?? null, reason, now, cfg, random);
  return {
    state: {
      ...state,
      failures: { ...state.failures, [version]: failure },
      installing: state.installing?.to === version ? null : state.installing,
    },
    failure,
  };
}

/** The hub's report of a failure: `rejected` when the file failed its checksum or signature. */
export function failureReport(currentVersion: string, version: string, f: FailureRecord, message?: string): UpdateReportDraft {
  return {
    outcome: isRejection(f.reason) ? 'rejected' : 'failed',
    currentVersion,
    targetVersion: version,
    reason: f.reason,
    ...(message !== undefined ? { message: message.slice(0, 500) } : {}),
    attempt: f.attempt,
    retryAt: iso(f.retryAt),
  };
}

/**
 * What a start learns from the install marked before it (`state.installing`): running the target
 * version, it took; still the old one, the installer failed — counted as an `install` failure of
 * that version (its retry schedule goes on). The mark is cleared either way.
 */
export function installOutcome(
  state: PersistedUpdateState,
  currentVersion: string,
  now: number,
  cfg: UpdatePolicyConfig,
  random?: () => number,
): { state: PersistedUpdateState; report: UpdateReportDraft | null } {
  const inst = state.installing;
  if (!inst) return { state, report: null };
  if (currentVersion === inst.to) {
    return { state: { ...state, installing: null }, report: { outcome: 'installed', currentVersion, targetVersion: inst.to } };
  }
  const r = failureRecorded({ ...state, installing: null }, inst.to, 'install', now, cfg, random);
  return { state: r.state, report: failureReport(currentVersion, inst.to, r.failure) };
}
