import {
  BRIDGE,
  BridgeServerFrame,
  IPC_PUSH,
  buildVigieApi,
  err,
  type IpcMethod,
  type IpcPush,
  type Result,
  type VigieApi,
} from '@vigie/common';

const STORAGE_KEY = 'vigie.bridge.k';
const CALL_TIMEOUT_MS = 20_000;

export type TransportStatus = 'connecting' | 'open' | 'closed';

/**
 * Reads the per-launch secret from the URL fragment (#k=…), keeps it for this tab only and
 * removes it from the address bar. Null when the page was opened without it.
 */
export function takeSecret(loc: Location, storage: Storage | null, history: History | null): string | null {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const fromHash = params.get(BRIDGE.fragmentKey);
  if (fromHash && /^[0-9a-f]{16,128}$/i.test(fromHash)) {
    try {
      storage?.setItem(STORAGE_KEY, fromHash);
    } catch {
      /* storage disabled: the secret lives in memory only */
    }
    history?.replaceState(null, '', loc.pathname + loc.search);
    return fromHash;
  }
  try {
    return storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

type Pending = { resolve: (r: Result<unknown>) => void; timer: ReturnType<typeof setTimeout> };

/**
 * window.vigie for the browser host: the same named methods as Electron's preload, carried by a
 * WebSocket to the host (authenticated by the secret as a subprotocol). Reconnects by itself;
 * calls made while the socket is down wait for it (or answer TIMEOUT).
 */
export function createBridge(url: string, secret: string, onStatus: (s: TransportStatus) => void = () => undefined): VigieApi {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let delay = 250;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<IpcPush, Set<(p: unknown) => void>>();

  const connect = () => {
    onStatus('connecting');
    const sock = new WebSocket(url, [BRIDGE.protocol, `${BRIDGE.keyPrefix}${secret}`]);
    ws = sock;
    sock.onopen = () => {
      delay = 250;
      onStatus('open');
      for (const frame of queue.splice(0)) sock.send(frame);
    };
    sock.onmessage = (ev) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      const frame = BridgeServerFrame.safeParse(raw);
      if (!frame.success) return;
      const f = frame.data;
      if (f.t === 'result') {
        if (f.id === null) return;
        const p = pending.get(f.id);
        if (!p) return;
        pending.delete(f.id);
        clearTimeout(p.timer);
        p.resolve(f.result as Result<unknown>);
        return;
      }
      if (!(f.name in IPC_PUSH)) return;
      const name = f.name as IpcPush;
      const payload = IPC_PUSH[name].safeParse(f.payload);
      if (!payload.success) return;
      for (const l of listeners.get(name) ?? []) l(payload.data);
    };
    sock.onclose = () => {
      if (ws !== sock) return;
      ws = null;
      onStatus('closed');
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  };
  connect();

  const call = (method: IpcMethod, input: unknown): Promise<unknown> =>
    new Promise<Result<unknown>>((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(err('TIMEOUT', 'Pas de réponse à temps.'));
      }, CALL_TIMEOUT_MS);
      pending.set(id, { resolve, timer });
      const frame = JSON.stringify({ t: 'call', id, method, input });
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(frame);
      else queue.push(frame);
    });

  const subscribe = (name: IpcPush, listener: (p: unknown) => void) => {
    let set = listeners.get(name);
    if (!set) listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  };

  return buildVigieApi(call, subscribe);
}
