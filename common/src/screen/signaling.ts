import { z } from 'zod';
import { Id, IsoDate } from '../domain.js';
import { SCREEN_LIMITS } from './limits.js';

/**
 * Remote screen, how the two peers find each other: the STUN/TURN configuration (and its refresh
 * for long sessions) and simple-peer's signal data, bounded, relayed by the hub within a session.
 */

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

/**
 * Fresh TURN credentials for a live session, pushed by the hub to both bound sockets before the
 * ones handed out expire (long sessions); applied with RTCPeerConnection.setConfiguration.
 */
export const ScreenIceRefresh = z.strictObject({ sessionId: Id, ice: IceConfig });
export type ScreenIceRefresh = z.infer<typeof ScreenIceRefresh>;
