// Shared by both UIs (renderer: the practitioner's peer, console: the technician's).
// simple-peer's prebuilt browser bundle: it carries its own small polyfills (no Node built-ins for
// Vite to shim) and uses no eval (strict CSP). Typed below with what Vigie uses of it.
// @ts-expect-error -- the prebuilt bundle ships no type declarations (typed by PeerConstructor)
import SimplePeerBundle from 'simple-peer/simplepeer.min.js';

export interface PeerOptions {
  initiator: boolean;
  config: RTCConfiguration;
  stream?: MediaStream;
  channelName?: string;
  trickle?: boolean;
  /** Data-channel messages as strings (not Buffers). */
  objectMode?: boolean;
}

/** The part of a simple-peer instance Vigie uses. */
export interface Peer {
  readonly connected: boolean;
  readonly destroyed: boolean;
  signal(data: unknown): void;
  send(data: string): void;
  destroy(): void;
  on(event: 'signal', listener: (data: unknown) => void): this;
  on(event: 'connect' | 'close', listener: () => void): this;
  on(event: 'data', listener: (data: string | Uint8Array) => void): this;
  on(event: 'stream', listener: (stream: MediaStream) => void): this;
  on(event: 'error', listener: (e: Error & { code?: string }) => void): this;
  /** simple-peer's RTCPeerConnection (sender parameters, statistics). */
  readonly _pc?: RTCPeerConnection;
}

type PeerConstructor = new (opts: PeerOptions) => Peer;

export const SimplePeer = SimplePeerBundle as PeerConstructor;
