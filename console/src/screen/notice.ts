import { SCREEN_LIMITS, type ScreenSession } from '@vigie/common';
import type { ScreenError } from './controller';

/** A sentence of the `screen` i18n namespace with its values. */
export interface ScreenLine {
  key: string;
  vars?: Record<string, string | number>;
}

/** Reasons the hub or the browser gives for a refusal that have their own sentence (`screen.refusals.<reason>`). */
export const REFUSAL_REASONS = ['device-offline', 'busy', 'other-tab', 'fullscreen', 'viewer-load'] as const;

/**
 * What to tell the technician about a refused action: the hub's reason when it has its own
 * sentence, else the error code's shared sentence. Never nothing.
 */
export function errorLine(e: ScreenError): ScreenLine {
  if (e.reason && (REFUSAL_REASONS as readonly string[]).includes(e.reason)) return { key: `screen.refusals.${e.reason}` };
  return { key: `errors.${e.code}` };
}

/**
 * Why « Prendre la main » did not lead to control: the practitioner refused (or withdrew it), did
 * not answer in time, or control is impossible on this machine — with the machine's reason. Only
 * while the session is back to viewing (the answer belongs to the last ask).
 */
export function controlAnswerLine(s: ScreenSession | null): ScreenLine | null {
  const a = s?.controlAnswer;
  if (!s || !a || s.state !== 'viewing') return null;
  if (a.decision === 'refused') return { key: 'screen.controlAnswers.refused' };
  if (a.decision === 'timeout') return { key: 'screen.controlAnswers.timeout' };
  if (a.decision === 'unavailable')
    return { key: 'screen.controlAnswers.unavailable', vars: { reasonKey: `screen.unavailableReasons.${a.reason ?? 'unknown'}` } };
  return null;
}

/** The consent being asked right now, with the code the practitioner sees and the hub's deadline. */
export function pendingConsent(s: ScreenSession | null): { kind: 'view' | 'control'; code: string; expiresAt: string } | null {
  if (!s || !s.consentExpiresAt) return null;
  if (s.state === 'consent-pending') return { kind: 'view', code: s.shortCode, expiresAt: s.consentExpiresAt };
  if (s.state === 'control-pending') return { kind: 'control', code: s.shortCode, expiresAt: s.consentExpiresAt };
  return null;
}

/**
 * Whole seconds left before the hub's deadline, on the hub's clock (local time + the offset the
 * queue snapshots measured); never more than a consent lasts (the offset carries the network's delay).
 */
export function secondsLeft(expiresAt: string, localNow: number, hubOffsetMs: number): number {
  const left = Math.ceil((Date.parse(expiresAt) - (localNow + hubOffsetMs)) / 1000);
  return Math.min(SCREEN_LIMITS.consentTimeoutMs / 1000, Math.max(0, left));
}
