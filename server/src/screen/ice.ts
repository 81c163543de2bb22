import { createHmac } from 'node:crypto';
import type { IceConfig } from '@vigie/common';
import type { ScreenSettings } from './config.js';

export interface TurnCredentials {
  username: string;
  credential: string;
  /** Unix seconds after which coturn refuses them. */
  expiry: number;
}

/**
 * coturn "TURN REST API" credentials (shared secret): username = `<unix expiry>:<subject>`,
 * credential = base64(HMAC-SHA1(secret, username)).
 */
export function turnCredentials(secret: string, subject: string, ttlSeconds: number, nowMs: number): TurnCredentials {
  if (subject.includes(':')) throw new Error('TURN subject must not contain ":"');
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${subject}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiry };
}

/** When TURN credentials issued at `nowMs` expire (ISO), null without TURN: what the session records. */
export function turnExpiry(settings: Pick<ScreenSettings, 'turn'>, nowMs: number): string | null {
  return settings.turn ? new Date((Math.floor(nowMs / 1000) + settings.turn.ttlSeconds) * 1000).toISOString() : null;
}

/** ICE configuration for one participant of a session: STUN always, TURN when configured. */
export function iceConfigFor(settings: Pick<ScreenSettings, 'stunUrls' | 'turn'>, subject: string, nowMs: number): IceConfig {
  const iceServers: IceConfig['iceServers'] = [];
  if (settings.stunUrls.length) iceServers.push({ urls: [...settings.stunUrls] });
  let policy: IceConfig['iceTransportPolicy'] = 'all';
  if (settings.turn) {
    const c = turnCredentials(settings.turn.secret, subject, settings.turn.ttlSeconds, nowMs);
    iceServers.push({ urls: [...settings.turn.urls], username: c.username, credential: c.credential });
    if (settings.turn.relayOnly) policy = 'relay';
  }
  return { iceServers, iceTransportPolicy: policy, expiresAt: turnExpiry(settings, nowMs) };
}
