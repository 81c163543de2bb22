import { z } from 'zod';
import { Id, IsoDate, TechnicianPublic } from '../domain.js';

/**
 * Remote screen, the session: its kinds, states and end reasons, the consents asked of the
 * practitioner (view, control, another monitor) and their answers, and the session record itself.
 */

export const ScreenKind = z.enum(['view', 'control']);
export type ScreenKind = z.infer<typeof ScreenKind>;

export const ScreenSessionState = z.enum(['consent-pending', 'viewing', 'control-pending', 'controlling', 'ended']);
export type ScreenSessionState = z.infer<typeof ScreenSessionState>;

export const ScreenEndedBy = z.enum(['device', 'technician', 'system']);
export type ScreenEndedBy = z.infer<typeof ScreenEndedBy>;

/**
 * How a session ended: refused / timeout (consent not given), practitioner-stop ("Arrêter" on the
 * banner), technician-end ("Terminer" in the console), shortcut (the global stop shortcut),
 * disconnect (one side's socket went away), request-closed (the request was resolved, released or
 * reassigned), error (capture or peer failure).
 */
export const ScreenEndReason = z.enum([
  'refused',
  'timeout',
  'practitioner-stop',
  'technician-end',
  'shortcut',
  'disconnect',
  'request-closed',
  'error',
]);
export type ScreenEndReason = z.infer<typeof ScreenEndReason>;

/** Short code shown on both sides so the practitioner can check who is asking (4–6 readable characters). */
export const ScreenShortCode = z.string().regex(/^[A-Z0-9]{4,6}$/);

export const ScreenConsentDecision = z.enum(['granted', 'refused', 'timeout', 'unavailable']);
export type ScreenConsentDecision = z.infer<typeof ScreenConsentDecision>;

/**
 * Why control cannot happen on a machine (a control consent answered 'unavailable'): the input
 * injector's own reason (no graphical session, display not reachable, Wayland only, module failed
 * to load, system not supported), or no shared screen known to map the pointer to.
 */
export const ScreenControlUnavailableReason = z.enum([
  'no-display',
  'display-unreachable',
  'wayland-only',
  'load-failed',
  'unsupported-os',
  'no-shared-screen',
]);
export type ScreenControlUnavailableReason = z.infer<typeof ScreenControlUnavailableReason>;

/** The practitioner's last answer to « Prendre la main » in a session (additive): the console says why control did not start. */
export const ScreenControlAnswer = z.object({
  decision: ScreenConsentDecision,
  /** With 'unavailable' only, when the device said why (older apps do not). */
  reason: ScreenControlUnavailableReason.nullable(),
  at: IsoDate,
});
export type ScreenControlAnswer = z.infer<typeof ScreenControlAnswer>;

// ---------- session record ----------
export const ScreenSession = z.object({
  id: Id,
  requestId: Id,
  deviceId: Id,
  technician: TechnicianPublic,
  state: ScreenSessionState,
  /** "control" once control has been granted at least once in this session. */
  kind: ScreenKind,
  shortCode: ScreenShortCode,
  requestedAt: IsoDate,
  /** While a consent (view or control) is awaited: when the hub stops waiting. */
  consentExpiresAt: IsoDate.nullable(),
  consentAt: IsoDate.nullable(),
  refusedAt: IsoDate.nullable(),
  controlRequestedAt: IsoDate.nullable(),
  controlGrantedAt: IsoDate.nullable(),
  controlRevokedAt: IsoDate.nullable(),
  endedAt: IsoDate.nullable(),
  endedBy: ScreenEndedBy.nullable(),
  endReason: ScreenEndReason.nullable(),
  /**
   * The last "Changer d'écran" of the session (additive): the monitor asked (rank n of the
   * machine's monitors), when, and the practitioner's answer (null while the consent is shown).
   */
  displaySwitch: z
    .object({
      index: z.number().int().min(1).max(16),
      requestedAt: IsoDate,
      answeredAt: IsoDate.nullable(),
      decision: z.enum(['granted', 'refused', 'timeout']).nullable(),
    })
    .nullable()
    .optional(),
  /** How many times the practitioner accepted to share another monitor in this session (additive). */
  displaySwitches: z.number().int().nonnegative().optional(),
  /** The answer to the latest « Prendre la main » (null while none was answered since it was asked; additive). */
  controlAnswer: ScreenControlAnswer.nullable().optional(),
});
export type ScreenSession = z.infer<typeof ScreenSession>;

/** Hub → device: the technician asks to see another monitor; the practitioner consents again (30 s, else refused). */
export const ScreenSwitchRequest = z.object({ sessionId: Id, index: z.number().int().min(1).max(16), expiresAt: IsoDate });
export type ScreenSwitchRequest = z.infer<typeof ScreenSwitchRequest>;

export const ScreenSwitchDecision = z.enum(['granted', 'refused', 'timeout']);
export type ScreenSwitchDecision = z.infer<typeof ScreenSwitchDecision>;

/** Hub → device: show the consent window (view) or the control consent (control). */
export const ScreenConsentRequest = z.object({
  sessionId: Id,
  requestId: Id,
  kind: ScreenKind,
  /** Verified by the hub (the technician's account), not typed by anyone. */
  technician: TechnicianPublic,
  providerName: z.string().min(1).max(200),
  shortCode: ScreenShortCode,
  expiresAt: IsoDate,
});
export type ScreenConsentRequest = z.infer<typeof ScreenConsentRequest>;

/** Counters the device reports when a session ends (audit data). */
export const ScreenInputStats = z.strictObject({
  injected: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
});
export type ScreenInputStats = z.infer<typeof ScreenInputStats>;
