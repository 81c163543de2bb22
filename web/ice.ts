// Shared by both UIs, apart from web/peer.ts so that it does not pull simple-peer into the first load.
import type { Peer } from './peer';

/**
 * Fresh ICE servers for a live peer (the hub renews TURN credentials before they expire, long
 * sessions): RTCPeerConnection.setConfiguration, used by any later gathering (ICE restart, new
 * relay allocation); allocations already made keep working. False when the browser refused them.
 */
export function applyIce(peer: Peer, ice: { iceServers: RTCIceServer[]; iceTransportPolicy: RTCIceTransportPolicy }): boolean {
  const pc = peer._pc;
  if (!pc || pc.signalingState === 'closed') return false;
  try {
    pc.setConfiguration({ ...pc.getConfiguration(), iceServers: ice.iceServers, iceTransportPolicy: ice.iceTransportPolicy });
    return true;
  } catch {
    return false;
  }
}
