import { z } from 'zod';
import { Id } from '../domain.js';
import {
  ScreenConsentDecision,
  ScreenControlUnavailableReason,
  ScreenInputStats,
  ScreenKind,
  ScreenSession,
  ScreenConsentRequest,
  ScreenSwitchDecision,
  ScreenSwitchRequest,
} from './session.js';
import { IceConfig, ScreenIceRefresh, ScreenSignal } from './signaling.js';

/**
 * Remote screen on the hub's sockets: what the device and the technician may ask (each acknowledged
 * with a Result) and what the hub pushes to each of them.
 */

const SessionRef = z.strictObject({ sessionId: Id });

/** Device → hub (namespace /device), acknowledged with a Result. */
export const SCREEN_DEVICE_EVENTS = {
  /** Answer to a consent request; `phase` is the kind that was asked. ICE config comes back with a granted view. */
  'screen:consent': {
    /** `reason`: why control is impossible here (phase 'control', decision 'unavailable'; additive). */
    request: z.strictObject({
      sessionId: Id,
      phase: ScreenKind,
      decision: ScreenConsentDecision,
      reason: ScreenControlUnavailableReason.optional(),
    }),
    response: z.object({ session: ScreenSession, ice: IceConfig.nullable() }),
  },
  'screen:signal': { request: ScreenSignal, response: z.object({}) },
  /** The practitioner withdraws control; the view goes on. */
  'screen:revoke-control': { request: SessionRef, response: ScreenSession },
  'screen:end': {
    request: z.strictObject({
      sessionId: Id,
      reason: z.enum(['practitioner-stop', 'shortcut', 'error', 'timeout']),
      stats: ScreenInputStats.optional(),
    }),
    response: ScreenSession,
  },
  'screen:ice': { request: SessionRef, response: IceConfig },
  /** Answer to a monitor switch request (granted: `index` is the monitor now shared, which the practitioner may have chosen). */
  'screen:switch-answer': {
    request: z.strictObject({ sessionId: Id, decision: ScreenSwitchDecision, index: z.number().int().min(1).max(16).optional() }),
    response: ScreenSession,
  },
} as const;

/** Technician → hub (namespace /tech), acknowledged with a Result. */
export const SCREEN_TECH_EVENTS = {
  /** "Voir l'écran": only for the technician assigned to this open request. */
  'screen:request': { request: z.strictObject({ requestId: Id }), response: ScreenSession },
  /** "Prendre la main": asks the second consent. */
  'screen:control': { request: SessionRef, response: ScreenSession },
  /** The technician hands control back (the view goes on). */
  'screen:release-control': { request: SessionRef, response: ScreenSession },
  'screen:signal': { request: ScreenSignal, response: z.object({}) },
  /** "Terminer". */
  'screen:end': { request: SessionRef, response: ScreenSession },
  'screen:ice': { request: SessionRef, response: IceConfig },
  /** The live session of a request, if any (console reload). */
  'screen:get': { request: z.strictObject({ requestId: Id }), response: ScreenSession.nullable() },
  /** "Changer d'écran": asks the practitioner to share monitor `index` (n of count) instead; a consent again. */
  'screen:switch-display': { request: z.strictObject({ sessionId: Id, index: z.number().int().min(1).max(16) }), response: ScreenSession },
} as const;

export const SCREEN_DEVICE_PUSH = {
  'screen:consent-request': ScreenConsentRequest,
  /** The technician asks for another monitor (consent window again, the requested monitor preselected). */
  'screen:switch-request': ScreenSwitchRequest,
  'screen:signal': ScreenSignal,
  /** Every change of the session (granted, control, ended…). */
  'screen:updated': ScreenSession,
  'screen:ice-refresh': ScreenIceRefresh,
} as const;

export const SCREEN_TECH_PUSH = {
  'screen:signal': ScreenSignal,
  'screen:updated': ScreenSession,
  'screen:ice-refresh': ScreenIceRefresh,
} as const;

export type ScreenDeviceEvent = keyof typeof SCREEN_DEVICE_EVENTS;
export type ScreenTechEvent = keyof typeof SCREEN_TECH_EVENTS;
