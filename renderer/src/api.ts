import { BRIDGE, err, type Result, type VigieApi } from '@vigie/common';
import { createBridge, takeSecret, type TransportStatus } from './bridge.js';

declare global {
  interface Window {
    /** Provided by Electron's preload; absent in the browser host, where the bridge builds it. */
    vigie?: VigieApi;
  }
}

/**
 * The app's answer to one call; a call that throws instead (the bridge lost, the app gone) answers
 * INTERNAL, which the screens say in plain words like any other error.
 */
export async function answerOf<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call();
  } catch {
    return err('INTERNAL', '');
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
