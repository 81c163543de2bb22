import type { VigieApi } from '@vigie/common';
import { BRIDGE } from '@vigie/common';
import { createBridge, takeSecret, type TransportStatus } from './bridge.js';

declare global {
  interface Window {
    /** Provided by Electron's preload; absent in the browser host, where the bridge builds it. */
    vigie?: VigieApi;
  }
}

/** window.vigie from the preload, or the WebSocket bridge of the browser host; null without a key. */
export function resolveApi(onStatus: (s: TransportStatus) => void): VigieApi | null {
  if (window.vigie) {
    onStatus('open');
    return window.vigie;
  }
  let storage: Storage | null;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null; // storage disabled by the browser: the key lives in memory only
  }
  const secret = takeSecret(window.location, storage, window.history);
  if (!secret) return null;
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const api = createBridge(`${scheme}://${window.location.host}${BRIDGE.path}`, secret, onStatus);
  window.vigie = api;
  return api;
}
