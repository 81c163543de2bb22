import { z } from 'zod';
import { Id, IsoDate } from '../domain.js';
import { BackupReason } from '../backup.js';
import {
  DeviceDataMessage,
  IceConfig,
  ScreenEndedBy,
  ScreenEndReason,
  ScreenKind,
  ScreenShortCode,
  ScreenSignal,
  SCREEN_LIMITS,
  SignalData,
} from '../screen.js';

// The screen contract travels with the IPC contract so that every UI gets it from '@vigie/common'.
export * from '../screen.js';

/** A monitor of the practice machine, in the input injector's pixel space. */
export const DisplayInfo = z.object({
  id: z.string().min(1).max(64),
  label: z.string().max(200),
  bounds: z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() }),
  scaleFactor: z.number().positive().max(16),
  primary: z.boolean(),
});
export type DisplayInfo = z.infer<typeof DisplayInfo>;

export const ScreenPhase = z.enum(['idle', 'consent-pending', 'viewing', 'control-pending', 'controlling', 'ended']);
export type ScreenPhase = z.infer<typeof ScreenPhase>;

/** What the practitioner's renderer draws: consent window, banner, and what it may capture. */
export const ScreenState = z.object({
  phase: ScreenPhase,
  sessionId: Id.nullable(),
  /** Consent window data (view or control consent), null when nothing is asked. */
  consent: z
    .object({
      sessionId: Id,
      kind: ScreenKind,
      technicianName: z.string(),
      technicianInitials: z.string().max(4),
      providerName: z.string(),
      shortCode: ScreenShortCode,
      /** Local clock: the window refuses by itself at this instant. */
      expiresAt: IsoDate,
      /** Screens to choose from (view consent only; empty when the machine cannot list them). */
      displays: z.array(DisplayInfo),
      defaultDisplayId: z.string().nullable(),
      /** Control consent only: false when input cannot be injected on this machine. */
      inputAvailable: z.boolean(),
      /** View consent asked again during a session: the technician wants another monitor (additive). */
      switching: z.boolean().optional(),
      /** Control consent: a safety backup of the practice's folders is taken before control starts (the window says so; additive). */
      safetyBackup: z.boolean().optional(),
    })
    .nullable(),
  /** Always-on-top banner data while a session is live. */
  banner: z
    .object({
      mode: z.enum(['viewing', 'controlling']),
      technicianName: z.string(),
      controlPending: z.boolean(),
      /** Global shortcut that stops everything (Electron accelerator), shown on the banner. */
      stopAccelerator: z.string(),
    })
    .nullable(),
  /** Non-null only once consent is given: the one screen the renderer may capture, and ICE config. */
  capture: z
    .object({
      sessionId: Id,
      displayId: z.string().nullable(),
      ice: IceConfig.nullable(),
      /** The shared monitor's name and rank among the machine's monitors (the technician's label). */
      display: z
        .object({ label: z.string(), index: z.number().int().min(1), count: z.number().int().min(1) })
        .nullable()
        .optional(),
    })
    .nullable(),
  /**
   * The safety backup taken when control is granted (issue 12; additive): while it runs the consent
   * says so (a few seconds), then control starts anyway and the banner says it; failed → the
   * practitioner decides (allow without it, refuse, or take control back). Null when none was taken.
   */
  safety: z
    .object({ state: z.enum(['running', 'done', 'failed']), reason: BackupReason.nullable() })
    .nullable()
    .optional(),
  /** The last session that ended, for a short message. */
  ended: z.object({ sessionId: Id, by: ScreenEndedBy, reason: ScreenEndReason, at: IsoDate }).nullable(),
  input: z.object({
    available: z.boolean(),
    injected: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
  }),
});
export type ScreenState = z.infer<typeof ScreenState>;

/** Practitioner renderer → main. */
export const SCREEN_METHODS = {
  'screen:getState': { request: z.strictObject({}), response: ScreenState },
  /** "Autoriser" on the consent window (view: with the chosen screen). */
  'screen:grant': {
    /** `withoutSafety`: control after the safety backup failed, the practitioner's choice (issue 12). */
    request: z.strictObject({ sessionId: Id, displayId: z.string().min(1).max(64).optional(), withoutSafety: z.literal(true).optional() }),
    response: ScreenState,
  },
  /** "Refuser". */
  'screen:refuse': { request: z.strictObject({ sessionId: Id }), response: ScreenState },
  /** "Arrêter" on the banner: ends the whole session. */
  'screen:stop': { request: z.strictObject({}), response: ScreenState },
  /** Withdraws control; the technician keeps seeing the screen. */
  'screen:revokeControl': { request: z.strictObject({}), response: ScreenState },
  /** simple-peer produced signal data: sent to the hub only once consent is given. */
  'screen:signal': { request: z.strictObject({ sessionId: Id, data: SignalData }), response: z.object({}) },
  /** One raw data-channel message from the technician; the reply (if any) goes back on the channel. */
  'screen:input': {
    request: z.strictObject({ sessionId: Id, message: z.string().max(SCREEN_LIMITS.dataMessageChars) }),
    response: z.object({ reply: DeviceDataMessage.nullable() }),
  },
  /** The renderer's capture or peer failed or closed on its own: the session ends with "error". */
  'screen:peerFailed': { request: z.strictObject({ sessionId: Id, detail: z.string().max(200).optional() }), response: ScreenState },
} as const;

export const SCREEN_PUSH = {
  'screen:state': ScreenState,
  /** Signal data from the technician for the renderer's peer. */
  'screen:signal': ScreenSignal,
} as const;
