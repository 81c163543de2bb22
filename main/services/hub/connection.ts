import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import {
  DEVICE_EVENTS,
  DEVICE_PUSH,
  HUB_DEVICE_CALLS,
  NS,
  err,
  resultSchema,
  toErr,
  type HubDeviceCall,
  type ConnectionState,
  type DeviceEvent,
  type EventRequest,
  type EventResponse,
  type PushPayload,
  type Result,
} from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import { Emitter } from '../lib/emitter.js';
import { Backoff } from './backoff.js';

type DevicePush = keyof typeof DEVICE_PUSH;
export type DeviceRequest<K extends DeviceEvent> = EventRequest<typeof DEVICE_EVENTS, K>;
export type DeviceResponse<K extends DeviceEvent> = EventResponse<typeof DEVICE_EVENTS, K>;
export type DevicePushPayload<K extends DevicePush> = PushPayload<typeof DEVICE_PUSH, K>;
export type HubCallInput<K extends HubDeviceCall> = z.infer<(typeof HUB_DEVICE_CALLS)[K]['request']>;
type CallHandler = (input: never) => Promise<Result<unknown>>;

export interface HubConnectionOptions {
  logger: Logger;
  /** How long an acknowledged emit may wait for the hub (default 10 s). */
  ackTimeoutMs?: number;
  /** Handshake timeout of one connection attempt (default 10 s). */
  connectTimeoutMs?: number;
  backoff?: Backoff;
}

type ConnectionEvents = {
  state: [ConnectionState];
  /** Every successful (re)connection: resync and flush here. */
  connected: [];
  /** The hub refused the token for good (REVOKED or UNAUTHORIZED): forget it and enroll again. */
  rejected: [code: 'REVOKED' | 'UNAUTHORIZED', reason: string];
};

const AUTH_CODES = new Set(['REVOKED', 'UNAUTHORIZED']);

/**
 * The one socket.io client of the app, for namespace /device with auth { token }.
 * Reconnects on its own with jittered exponential back-off; emits are acknowledged, time-limited
 * and answer a Result whose data is parsed with the contract; pushes are parsed before delivery.
 */
export class HubConnection extends Emitter<ConnectionEvents> {
  private socket: Socket | null = null;
  private current: ConnectionState = 'offline';
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;
  private readonly ackTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly log: Logger;
  private readonly pushListeners = new Map<DevicePush, Set<(p: never) => void>>();
  private readonly callHandlers = new Map<HubDeviceCall, CallHandler>();

  constructor(options: HubConnectionOptions) {
    super();
    this.log = options.logger.child({ svc: 'hub' });
    this.backoff = options.backoff ?? new Backoff();
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  get state(): ConnectionState {
    return this.current;
  }

  get connected(): boolean {
    return this.socket?.connected === true;
  }

  /** Connects to `hubUrl` with `token` (replacing any previous connection). */
  start(hubUrl: string, token: string): void {
    this.stop();
    const url = new URL(NS.device, hubUrl).toString();
    const socket = io(url, {
      auth: { token },
      reconnection: false,
      autoConnect: false,
      forceNew: true,
      timeout: this.connectTimeoutMs,
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.backoff.reset();
      this.log.info('connected', { url });
      this.setState('online');
      this.emit('connected');
    });
    socket.on('disconnect', (reason) => {
      this.log.info('disconnected', { reason });
      this.setState('offline');
      if (this.socket === socket) this.scheduleRetry();
    });
    socket.on('connect_error', (e: Error & { data?: { code?: unknown; message?: unknown } }) => {
      const code = typeof e.data?.code === 'string' ? e.data.code : e.message;
      if (AUTH_CODES.has(code)) {
        this.log.warn('hub refused the device token', { code });
        this.stop();
        this.emit('rejected', code as 'REVOKED' | 'UNAUTHORIZED', typeof e.data?.message === 'string' ? e.data.message : code);
        return;
      }
      this.log.debug('connection attempt failed', { err: e.message });
      this.setState('offline');
      if (this.socket === socket) this.scheduleRetry();
    });
    for (const name of Object.keys(DEVICE_PUSH) as DevicePush[]) {
      socket.on(name, (raw: unknown) => this.deliver(name, raw));
    }
    for (const name of Object.keys(HUB_DEVICE_CALLS) as HubDeviceCall[]) {
      socket.on(name, (raw: unknown, ack?: unknown) => void this.answer(name, raw, ack));
    }
    this.setState('connecting');
    socket.connect();
  }

  /** Closes the connection and stops retrying. */
  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.removeAllListeners();
      s.disconnect();
    }
    this.backoff.reset();
    this.setState('offline');
  }

  /** Skips the back-off wait (the user pressed "Réessayer", the network came back). */
  retryNow(): void {
    const s = this.socket;
    if (!s || s.connected) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.setState('connecting');
    s.connect();
  }

  /** Acknowledged emit: OFFLINE when not connected, TIMEOUT when the hub does not answer in time. */
  async emitAck<K extends DeviceEvent>(
    event: K,
    payload: DeviceRequest<K>,
    timeoutMs = this.ackTimeoutMs,
  ): Promise<Result<DeviceResponse<K>>> {
    const s = this.socket;
    if (!s?.connected) return err('OFFLINE', 'Connexion au serveur indisponible.');
    let raw: unknown;
    try {
      raw = await s.timeout(timeoutMs).emitWithAck(event, payload);
    } catch {
      return err('TIMEOUT', 'Le serveur n’a pas répondu à temps.');
    }
    const parsed = resultSchema(DEVICE_EVENTS[event].response).safeParse(raw);
    if (!parsed.success) {
      this.log.error('hub answered outside the contract', { event });
      return err('INTERNAL', 'Réponse inattendue du serveur.');
    }
    return parsed.data as Result<DeviceResponse<K>>;
  }

  onPush<K extends DevicePush>(name: K, listener: (payload: DevicePushPayload<K>) => void): () => void {
    let set = this.pushListeners.get(name);
    if (!set) this.pushListeners.set(name, (set = new Set()));
    set.add(listener as (p: never) => void);
    return () => set.delete(listener as (p: never) => void);
  }

  /**
   * Answers a hub → device call (HUB_DEVICE_CALLS): the input is parsed with the contract before the
   * handler sees it; the handler's Result is the acknowledgement. One handler per call name.
   */
  handleCall<K extends HubDeviceCall>(name: K, handler: (input: HubCallInput<K>) => Promise<Result<unknown>>): () => void {
    this.callHandlers.set(name, handler as CallHandler);
    return () => {
      if (this.callHandlers.get(name) === (handler as CallHandler)) this.callHandlers.delete(name);
    };
  }

  private async answer(name: HubDeviceCall, raw: unknown, ack: unknown): Promise<void> {
    if (typeof ack !== 'function') return;
    const handler = this.callHandlers.get(name) as ((input: unknown) => Promise<Result<unknown>>) | undefined;
    let result: Result<unknown>;
    const parsed = HUB_DEVICE_CALLS[name].request.safeParse(raw);
    if (!handler) result = err('UNAVAILABLE', 'Cette fonction n’est pas disponible sur ce poste.');
    else if (!parsed.success) result = err('BAD_REQUEST', 'Données invalides.');
    else {
      try {
        result = await handler(parsed.data);
      } catch (e) {
        this.log.error('hub call handler failed', { name, err: e });
        result = toErr(e);
      }
    }
    try {
      (ack as (r: Result<unknown>) => void)(result);
    } catch {
      // the hub went away: nothing to answer
    }
  }

  private deliver(name: DevicePush, raw: unknown): void {
    const parsed = DEVICE_PUSH[name].safeParse(raw);
    if (!parsed.success) {
      this.log.warn('push outside the contract dropped', { name });
      return;
    }
    for (const l of [...(this.pushListeners.get(name) ?? [])]) {
      try {
        (l as (p: unknown) => void)(parsed.data);
      } catch (e) {
        this.log.error('push listener failed', { name, err: e });
      }
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    const delay = this.backoff.next();
    this.log.debug('reconnecting', { delayMs: delay, attempt: this.backoff.attempts });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      const s = this.socket;
      if (!s || s.connected) return;
      s.connect();
    }, delay);
    this.retryTimer.unref?.();
  }

  private setState(s: ConnectionState): void {
    if (s === this.current) return;
    this.current = s;
    this.emit('state', s);
  }

  protected override onListenerError(e: unknown): void {
    this.log.error('connection listener failed', { err: e });
  }
}
