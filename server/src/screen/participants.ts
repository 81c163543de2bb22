/**
 * What the two participants of a live session exchange through the hub: signaling, relayed only
 * between the two sockets bound to the session and checked on every message (participant, bound
 * socket, consent given, request still assigned), and the ICE configuration (TURN credentials only
 * after consent; the session keeps their earliest expiry, the one renewal is due for).
 */
import type { IceConfig, SignalData } from '@vigie/common';
import type { ScreenHubDeps } from './deps.js';
import { iceConfigFor, turnExpiry } from './ice.js';
import { boundSocket, conflict, forbidden, isLive, isParticipant, otherConnection, type SessionRow, type Side } from './record.js';
import type { SessionSteps } from './steps.js';

export interface Participant {
  side: Side;
  actorId: string;
  socketId: string;
}

/** The session of a participant's message, on its bound socket and live (else FORBIDDEN / CONFLICT). */
async function liveFor(deps: ScreenHubDeps, p: Participant, sessionId: string): Promise<SessionRow> {
  const r = await deps.db.selectFrom('screen_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
  if (!r || !isParticipant(r, p.side, p.actorId)) throw forbidden();
  if (!isLive(r)) throw conflict(r);
  if (boundSocket(r, p.side) !== p.socketId) throw otherConnection();
  return r;
}

/** Signaling: checked on every message; a request no longer assigned ends the session. */
export async function relaySignal(
  deps: ScreenHubDeps,
  steps: SessionSteps,
  p: Participant,
  sessionId: string,
  data: SignalData,
): Promise<void> {
  const r = await liveFor(deps, p, sessionId);
  if (!(await deps.assignedRequest(r.request_id, r.technician_id))) {
    await steps.end(r.id, 'system', null, 'request-closed');
    throw forbidden();
  }
  const payload = { sessionId, data };
  if (p.side === 'device') deps.techNs.to(r.tech_socket_id).emit('screen:signal', payload);
  else if (r.device_socket_id) deps.devNs.to(r.device_socket_id).emit('screen:signal', payload);
}

/** ICE for a participant of a live session (TURN credentials are not handed out before consent); the session keeps their expiry. */
export async function participantIce(deps: ScreenHubDeps, steps: SessionSteps, p: Participant, sessionId: string): Promise<IceConfig> {
  const r = await liveFor(deps, p, sessionId);
  const now = steps.now();
  const expiresAt = turnExpiry(deps.settings, now);
  // The earliest expiry handed out is the one renewal is due for.
  if (expiresAt && r.ice_expires_at === null)
    await deps.db
      .updateTable('screen_sessions')
      .set({ ice_expires_at: expiresAt })
      .where('id', '=', r.id)
      .where('ice_expires_at', 'is', null)
      .execute();
  return iceConfigFor(deps.settings, r.id, now);
}
