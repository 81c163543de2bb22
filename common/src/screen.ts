import { z } from 'zod';
import { ErrorCode } from './result.js';
import { Id, IsoDate, TechnicianPublic } from './domain.js';

/**
 * Remote screen and remote control (issue 3): the contract shared by the hub, the practitioner app
 * and the console.
 *
 * Flow: the technician asks (`screen:request`) → the hub checks that this technician is assigned to
 * the device's open request → the device shows a consent window (`screen:consent-request` push) →
 * only after "Autoriser" (`screen:consent` granted) may the device capture and create the peer (it
 * is the WebRTC initiator) → SDP/ICE travel with `screen:signal`, relayed by the hub only between
 * the two sockets bound to the session, checked on every message → input events travel on the
 * data channel (TechDataMessage / DeviceDataMessage below), never through the hub. Control is a
 * second consent on the same session (`screen:control` → consent-request kind "control").
 */

export const SCREEN_LIMITS = {
  /** Consent window lifetime on the device; the hub gives a few seconds of grace on top. */
  consentTimeoutMs: 30_000,
  sdpChars: 32_000,
  candidateChars: 1_024,
  /** Text clipboard, either way. */
  clipboardChars: 32_768,
  /** A raw data-channel message (JSON text) longer than this is dropped before parsing. */
  dataMessageChars: 140_000,
  keyCodeChars: 32,
  /** Wheel deltas, in CSS pixels (the console converts line/page modes to pixels). */
  wheelDelta: 10_000,
  iceServers: 8,
  iceUrlsPerServer: 8,
  iceUrlChars: 512,
} as const;

/** Suggested global shortcut that stops everything (Electron accelerator syntax). */
export const SCREEN_STOP_ACCELERATOR = 'CommandOrControl+Alt+S';

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

// ---------- ICE ----------
const IceUrl = z
  .string()
  .min(1)
  .max(SCREEN_LIMITS.iceUrlChars)
  .regex(/^(stun|stuns|turn|turns):[^\s]+$/, 'URL STUN/TURN attendue');

export const IceServer = z.strictObject({
  urls: z.array(IceUrl).min(1).max(SCREEN_LIMITS.iceUrlsPerServer),
  username: z.string().max(256).optional(),
  credential: z.string().max(256).optional(),
});
export type IceServer = z.infer<typeof IceServer>;

/** What both peers pass to RTCPeerConnection (simple-peer `config`). */
export const IceConfig = z.strictObject({
  iceServers: z.array(IceServer).max(SCREEN_LIMITS.iceServers),
  iceTransportPolicy: z.enum(['all', 'relay']),
  /** When the TURN credentials stop being accepted (null without TURN). */
  expiresAt: IsoDate.nullable(),
});
export type IceConfig = z.infer<typeof IceConfig>;

// ---------- signaling (simple-peer's signal data, bounded) ----------
export const IceCandidateInit = z.strictObject({
  candidate: z.string().max(SCREEN_LIMITS.candidateChars),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});
export type IceCandidateInit = z.infer<typeof IceCandidateInit>;

const Sdp = z.string().min(1).max(SCREEN_LIMITS.sdpChars);

/** One simple-peer `signal` payload: offer, answer, trickled candidate or renegotiation request. */
export const SignalData = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('offer'), sdp: Sdp }),
  z.strictObject({ type: z.literal('answer'), sdp: Sdp }),
  z.strictObject({ type: z.literal('candidate'), candidate: IceCandidateInit }),
  z.strictObject({ type: z.literal('renegotiate'), renegotiate: z.literal(true) }),
]);
export type SignalData = z.infer<typeof SignalData>;

export const ScreenSignal = z.strictObject({ sessionId: Id, data: SignalData });
export type ScreenSignal = z.infer<typeof ScreenSignal>;

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

/**
 * Fresh TURN credentials for a live session, pushed by the hub to both bound sockets before the
 * ones handed out expire (long sessions); applied with RTCPeerConnection.setConfiguration.
 */
export const ScreenIceRefresh = z.strictObject({ sessionId: Id, ice: IceConfig });
export type ScreenIceRefresh = z.infer<typeof ScreenIceRefresh>;

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

// ---------- data channel (technician ↔ device, never through the hub) ----------
/** Coordinates normalized to the shared screen: 0..1 from its top-left corner. */
const Norm = z.number().min(0).max(1);
export const PointerButton = z.enum(['left', 'middle', 'right']);
export type PointerButton = z.infer<typeof PointerButton>;

export const KeyModifiers = z.strictObject({ alt: z.boolean(), ctrl: z.boolean(), meta: z.boolean(), shift: z.boolean() });
export type KeyModifiers = z.infer<typeof KeyModifiers>;

/** KeyboardEvent.code ("KeyA", "Digit1", "ArrowLeft", "ShiftLeft"…): the physical key. */
export const KeyCode = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,31}$/);

const Delta = z.number().min(-SCREEN_LIMITS.wheelDelta).max(SCREEN_LIMITS.wheelDelta);
const MsgId = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);
const ClipText = z.string().max(SCREEN_LIMITS.clipboardChars);

export const PointerMove = z.strictObject({ t: z.literal('pointer.move'), x: Norm, y: Norm });
export const PointerDown = z.strictObject({ t: z.literal('pointer.down'), x: Norm, y: Norm, button: PointerButton });
export const PointerUp = z.strictObject({ t: z.literal('pointer.up'), x: Norm, y: Norm, button: PointerButton });
export const Wheel = z.strictObject({ t: z.literal('wheel'), x: Norm, y: Norm, dx: Delta, dy: Delta });
export const KeyDown = z.strictObject({ t: z.literal('key.down'), code: KeyCode, mods: KeyModifiers });
export const KeyUp = z.strictObject({ t: z.literal('key.up'), code: KeyCode, mods: KeyModifiers });

/** Input events the device injects (only while control is granted). */
export const InputEvent = z.discriminatedUnion('t', [PointerMove, PointerDown, PointerUp, Wheel, KeyDown, KeyUp]);
export type InputEvent = z.infer<typeof InputEvent>;

/** Technician → device on the data channel. */
export const TechDataMessage = z.discriminatedUnion('t', [
  PointerMove,
  PointerDown,
  PointerUp,
  Wheel,
  KeyDown,
  KeyUp,
  /** Asks the device's clipboard text (answered by clipboard.text or clipboard.error). */
  z.strictObject({ t: z.literal('clipboard.get'), id: MsgId }),
  /** Puts text in the device's clipboard. */
  z.strictObject({ t: z.literal('clipboard.set'), id: MsgId, text: ClipText }),
  /** Round-trip measurement: the device answers pong with the same id and sentAt. */
  z.strictObject({ t: z.literal('ping'), id: MsgId, sentAt: z.number().nonnegative().max(1e13) }),
]);
export type TechDataMessage = z.infer<typeof TechDataMessage>;

/** Device → technician on the data channel. */
export const DeviceDataMessage = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('clipboard.text'), id: MsgId, text: ClipText }),
  /** Acknowledges clipboard.set. */
  z.strictObject({ t: z.literal('clipboard.ok'), id: MsgId }),
  z.strictObject({ t: z.literal('clipboard.error'), id: MsgId, code: ErrorCode }),
  z.strictObject({ t: z.literal('pong'), id: MsgId, sentAt: z.number().nonnegative().max(1e13) }),
  /** Sent by the device when control starts or stops, so the viewer stops sending input at once. */
  z.strictObject({ t: z.literal('control'), granted: z.boolean() }),
  /** Which monitor is shared (its name on the practice's computer, n of count), for the viewer's label. */
  z.strictObject({
    t: z.literal('display'),
    label: z.string().max(200),
    index: z.number().int().min(1).max(16),
    count: z.number().int().min(1).max(16),
  }),
]);
export type DeviceDataMessage = z.infer<typeof DeviceDataMessage>;

export type DataParse<T> =
  { ok: true; message: T } | { ok: false; reason: 'too-large' | 'not-json' | 'invalid' | 'outside'; issues?: string[] };

/**
 * Parses one raw data-channel message (the JSON text as received). Too long → too-large before
 * parsing; coordinates outside 0..1 → outside; anything else that fails the schema → invalid.
 */
export function parseDataMessage<T extends z.ZodType>(schema: T, raw: unknown): DataParse<z.infer<T>> {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.length > SCREEN_LIMITS.dataMessageChars) return { ok: false, reason: 'too-large' };
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, reason: 'not-json' };
    }
  }
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, message: r.data };
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.code}`);
  const outside = r.error.issues.every(
    (i) => (i.path[0] === 'x' || i.path[0] === 'y') && i.path.length === 1 && (i.code === 'too_big' || i.code === 'too_small'),
  );
  return { ok: false, reason: outside ? 'outside' : 'invalid', issues };
}

// ---------- strings both UIs show ----------
/**
 * French first, English complete. The hub writes the French chat texts (chat history is stored in
 * French, like the other system messages); UIs take the rest through their i18n under `screen`.
 */
export const SCREEN_STRINGS = {
  fr: {
    chatStarted: 'Partage d’écran commencé',
    chatEnded: 'Partage d’écran terminé',
    consentTitle: 'Demande de partage d’écran',
    consentBody: '{{name}} ({{provider}}) souhaite voir votre écran.',
    consentControlTitle: 'Demande de prise en main',
    consentControlBody: '{{name}} ({{provider}}) souhaite utiliser votre souris et votre clavier.',
    consentCode: 'Vérifiez que votre technicien voit le même code : {{code}}',
    consentScreen: 'Écran à partager',
    consentCountdown: 'Refus automatique dans {{seconds}} s',
    allow: 'Autoriser',
    refuse: 'Refuser',
    bannerViewing: '{{name}} voit votre écran',
    bannerControlling: '{{name}} contrôle votre ordinateur',
    bannerStop: 'Arrêter',
    bannerRevokeControl: 'Reprendre la main',
    bannerShortcut: 'Raccourci pour tout arrêter : {{keys}}',
    endReasons: {
      refused: 'Partage refusé.',
      timeout: 'Pas de réponse : partage refusé automatiquement.',
      'practitioner-stop': 'Partage arrêté par le cabinet.',
      'technician-end': 'Partage terminé par le technicien.',
      shortcut: 'Partage arrêté par le raccourci clavier.',
      disconnect: 'Connexion perdue : partage terminé.',
      'request-closed': 'La demande est close : partage terminé.',
      error: 'Le partage s’est interrompu à cause d’une erreur.',
    } satisfies Record<ScreenEndReason, string>,
  },
  en: {
    chatStarted: 'Screen sharing started',
    chatEnded: 'Screen sharing ended',
    consentTitle: 'Screen sharing request',
    consentBody: '{{name}} ({{provider}}) would like to see your screen.',
    consentControlTitle: 'Remote control request',
    consentControlBody: '{{name}} ({{provider}}) would like to use your mouse and keyboard.',
    consentCode: 'Check that your technician sees the same code: {{code}}',
    consentScreen: 'Screen to share',
    consentCountdown: 'Refused automatically in {{seconds}} s',
    allow: 'Allow',
    refuse: 'Refuse',
    bannerViewing: '{{name}} can see your screen',
    bannerControlling: '{{name}} is controlling your computer',
    bannerStop: 'Stop',
    bannerRevokeControl: 'Take back control',
    bannerShortcut: 'Shortcut to stop everything: {{keys}}',
    endReasons: {
      refused: 'Sharing refused.',
      timeout: 'No answer: sharing refused automatically.',
      'practitioner-stop': 'Sharing stopped by the practice.',
      'technician-end': 'Sharing ended by the technician.',
      shortcut: 'Sharing stopped with the keyboard shortcut.',
      disconnect: 'Connection lost: sharing ended.',
      'request-closed': 'The request is closed: sharing ended.',
      error: 'Sharing stopped because of an error.',
    } satisfies Record<ScreenEndReason, string>,
  },
} as const;
