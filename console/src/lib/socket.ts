import { io, type Socket } from 'socket.io-client';
import {
  ErrorBody,
  NS,
  TECH_EVENTS,
  TECH_PUSH,
  err,
  type EventRequest,
  type EventResponse,
  type PushPayload,
  type Result,
  type TechEvent,
} from '@vigie/common';
import type { Logger } from './log';

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'disconnected';
export type TechPush = keyof typeof TECH_PUSH;
export type TechRequest<K extends TechEvent> = EventRequest<typeof TECH_EVENTS, K>;
export type TechResponse<K extends TechEvent> = EventResponse<typeof TECH_EVENTS, K>;
export type TechPushPayload<K extends TechPush> = PushPayload<typeof TECH_PUSH, K>;

/** The console's one connection to the hub: namespace `/tech`, authenticated by the session cookie. */
export interface TechClient {
  readonly status: ConnectionStatus;
  connect(): void;
  disconnect(): void;
  /** Emits `event` and resolves with the hub's Result; never rejects (OFFLINE, TIMEOUT, INTERNAL instead). */
  request<K extends TechEvent>(event: K, payload: TechRequest<K>, timeoutMs?: number): Promise<Result<TechResponse<K>>>;
  /** Subscribes to a hub push; payloads that do not match the contract are logged and dropped. */
  on<K extends TechPush>(event: K, listener: (payload: TechPushPayload<K>) => void): () => void;
  /** Connection changes; `reconnected` is true on every connect after the first one. */
  onStatus(listener: (status: ConnectionStatus, info: { reconnected: boolean; error?: string }) => void): () => void;
}

/**
 * `details.side` of the errors the console itself answers (the hub unreachable, or silent): an
 * OFFLINE or TIMEOUT from the hub is about the device, one of these about the hub.
 */
export const CONSOLE_SIDE = { side: 'console' } as const;
export const isConsoleSide = (e: ErrorBody): boolean => e.details?.side === CONSOLE_SIDE.side;

export interface TechClientOptions {
  /** Hub origin; same origin as the page when omitted. */
  url?: string;
  timeoutMs?: number;
  log: Logger;
  /** Headers of the handshake, for clients outside a browser (the browser sends the session cookie itself). */
  extraHeaders?: Record<string, string>;
}

export function createTechClient(opts: TechClientOptions): TechClient {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let socket: Socket | null = null;
  let status: ConnectionStatus = 'idle';
  let everConnected = false;
  const statusListeners = new Set<(s: ConnectionStatus, info: { reconnected: boolean; error?: string }) => void>();
  const pushListeners = new Map<string, Set<(payload: never) => void>>();

  const setStatus = (next: ConnectionStatus, info: { reconnected: boolean; error?: string }) => {
    status = next;
    for (const l of statusListeners) l(next, info);
  };

  const attachPush = (s: Socket, event: TechPush) => {
    const schema = TECH_PUSH[event];
    s.on(event, (raw: unknown) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        opts.log.warn(`push ${event} ignored: does not match the contract`, parsed.error.issues.slice(0, 3));
        return;
      }
      for (const l of pushListeners.get(event) ?? []) (l as (p: unknown) => void)(parsed.data);
    });
  };

  return {
    get status() {
      return status;
    },
    connect() {
      if (socket) {
        if (!socket.connected) socket.connect();
        return;
      }
      const path = NS.tech;
      // WebSocket first (no sticky sessions needed behind a load balancer), long-polling if a proxy blocks it.
      const s = io(opts.url ? `${opts.url}${path}` : path, {
        withCredentials: true,
        transports: ['websocket', 'polling'],
        tryAllTransports: true,
        reconnectionDelay: 500,
        reconnectionDelayMax: 5000,
        ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
      });
      socket = s;
      for (const event of Object.keys(TECH_PUSH) as TechPush[]) attachPush(s, event);
      setStatus('connecting', { reconnected: false });
      s.on('connect', () => {
        const reconnected = everConnected;
        everConnected = true;
        setStatus('connected', { reconnected });
      });
      s.on('disconnect', (reason) => {
        opts.log.debug('disconnected', reason);
        // "io server disconnect": the hub closed us (session ended); socket.io does not retry by itself.
        if (reason === 'io server disconnect') setStatus('disconnected', { reconnected: false, error: 'server' });
        else setStatus('disconnected', { reconnected: false });
      });
      s.on('connect_error', (e: Error & { data?: unknown }) => {
        opts.log.debug('connect_error', e.message);
        setStatus('disconnected', { reconnected: false, error: e.message });
      });
    },
    disconnect() {
      if (!socket) return;
      const s = socket;
      socket = null;
      everConnected = false;
      s.removeAllListeners();
      s.disconnect();
      setStatus('idle', { reconnected: false });
    },
    request(event, payload, ms = timeoutMs) {
      const s = socket;
      if (!s?.connected) return Promise.resolve(err('OFFLINE', 'Hub injoignable.', { ...CONSOLE_SIDE }));
      type Response = TechResponse<typeof event>;
      const responseSchema = TECH_EVENTS[event].response as unknown as SafeParser<Response>;
      return new Promise<Result<Response>>((resolve) => {
        s.timeout(ms).emit(event, payload, (e: Error | null, raw: unknown) => {
          if (e) return resolve(err(s.connected ? 'TIMEOUT' : 'OFFLINE', 'Pas de réponse du hub.', { ...CONSOLE_SIDE }));
          resolve(parseResult(raw, responseSchema, event, opts.log));
        });
      });
    },
    on(event, listener) {
      let set = pushListeners.get(event);
      if (!set) pushListeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  };
}

/** Checks a hub answer against the Result envelope and the event's response schema. */
export interface SafeParser<T> {
  safeParse(x: unknown): { success: true; data: T } | { success: false; error: { issues: unknown[] } };
}

export function parseResult<T>(raw: unknown, schema: SafeParser<T>, what: string, log: Logger): Result<T> {
  if (!raw || typeof raw !== 'object' || typeof (raw as { ok?: unknown }).ok !== 'boolean') {
    log.warn(`${what}: answer is not a Result envelope`, raw);
    return err('INTERNAL', 'Réponse inattendue du hub.');
  }
  const r = raw as { ok: boolean; data?: unknown; error?: unknown };
  if (!r.ok) {
    const body = ErrorBody.safeParse(r.error);
    return body.success ? { ok: false, error: body.data } : err('INTERNAL', 'Réponse inattendue du hub.');
  }
  const data = schema.safeParse(r.data);
  if (!data.success) {
    log.warn(`${what}: answer does not match the contract`, data.error.issues.slice(0, 3));
    return err('INTERNAL', 'Réponse inattendue du hub.');
  }
  return { ok: true, data: data.data };
}
