import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { err, ok, parseOrThrow, toErr, VigieError, type EventMap, type Result } from '@vigie/common';
import { MemoryRateLimiter, MemorySlotCounter, type RateLimiter, type SlotCounter } from '../limits.js';
import type { Logger } from '../logger.js';
import { outboundOf, type Outbound } from './outbound.js';

export type Handlers<M extends EventMap, C> = {
  [K in keyof M]: (input: z.infer<M[K]['request']>, ctx: C) => Promise<z.infer<M[K]['response']>>;
};

export interface DispatchOptions {
  /** Token bucket of the socket's owner (device, technician session), shared by all its sockets. */
  ratePerSecond: number;
  burst: number;
  /** Refused (rate-limited) events of the owner within 10 s after which the socket that keeps sending is closed. */
  floodDisconnectAfter: number;
  log: Logger;
  /** Runs before every handled event (e.g. session still valid). */
  beforeEach?: () => Promise<void>;
  /** Whose budget the events are counted on; default: the owner the namespace's middleware put in socket.data (see ownerKey). */
  rateKey?: string;
  /** Where the buckets live; default: the socket.io server's (socketLimits). */
  limiter?: RateLimiter;
  /** The line answers wait in until what they tell is on disk (socket/outbound.ts); default: the server's. */
  outbound?: Outbound;
}

/** The counters of one hub's sockets: event buckets (dispatch) and connection slots (/device). */
export interface SocketLimits {
  events: RateLimiter;
  slots: SlotCounter;
}

const perServer = new WeakMap<object, SocketLimits>();

/**
 * The socket counters of one socket.io server (one hub), shared by its namespaces; in memory
 * unless a multi-node hub gave shared ones with useSocketLimits before the namespaces were set up.
 */
export function socketLimits(server: object): SocketLimits {
  let l = perServer.get(server);
  if (!l) {
    l = { events: new MemoryRateLimiter(), slots: new MemorySlotCounter() };
    perServer.set(server, l);
  }
  return l;
}
export function useSocketLimits(server: object, limits: Partial<SocketLimits>): void {
  perServer.set(server, { ...socketLimits(server), ...limits });
}

/**
 * Who a socket's events are counted against: the technician session (`socket.data.session`) or
 * the device (`socket.data.actor`) the namespace's middleware authenticated — never the socket
 * alone, so opening more sockets buys no more events.
 */
export function ownerKey(socket: Socket): string {
  const d = socket.data as { session?: { sessionId?: unknown }; actor?: { kind?: unknown; id?: unknown } } | undefined;
  if (typeof d?.session?.sessionId === 'string') return `session:${d.session.sessionId}`;
  if (typeof d?.actor?.kind === 'string' && typeof d.actor.id === 'string') return `${d.actor.kind}:${d.actor.id}`;
  return `socket:${socket.id}`;
}

type Ack = (r: Result<unknown>) => void;

/**
 * The one place where socket events enter the hub: rate limit, ack check, contract parsing,
 * Result envelope, error logging. Every answer goes out through the outbound line (socket/outbound.ts):
 * once what the handler wrote is on disk, in order with the pushes made before it. Handlers only see
 * parsed input and return data or throw VigieError. Events without an ack are ignored; unknown events
 * get UNKNOWN_EVENT.
 */
export function dispatch<M extends EventMap, C>(socket: Socket, events: M, handlers: Handlers<M, C>, ctx: C, opts: DispatchOptions): void {
  const limiter = opts.limiter ?? socketLimits(socket.nsp.server).events;
  const out = opts.outbound ?? outboundOf(socket.nsp.server);
  /** An answer, in line; `then` runs right after it (a refusal that closes the socket). */
  const answer = (ack: Ack | undefined, r: Result<unknown>, then?: () => void) =>
    out.after(
      () => {
        safeAck(ack, r);
        then?.();
      },
      (e) => {
        // The disk refused the sync: a success is not acknowledged (the client tries again); a refusal still is.
        opts.log.error({ err: e }, 'store sync failed');
        safeAck(ack, r.ok ? toErr(e) : r);
        then?.();
      },
    );
  const key = opts.rateKey ?? ownerKey(socket);
  const rule = { ratePerSecond: opts.ratePerSecond, burst: opts.burst };
  // Refusals are a bucket too: floodDisconnectAfter of them within about 10 s close the socket.
  const floodRule = { ratePerSecond: opts.floodDisconnectAfter / 10, burst: Math.max(0, opts.floodDisconnectAfter - 1) };
  const known = new Set(Object.keys(events));

  /** false when the event must not run (rate limit); answers RATE_LIMITED itself. */
  const admit = async (ack: Ack | undefined): Promise<boolean> => {
    const wait = await limiter.take(key, rule);
    if (wait === 0) return true;
    if ((await limiter.take(`flood:${key}`, floodRule)) > 0) {
      if (socket.connected) opts.log.warn({ sid: socket.id, nsp: socket.nsp.name, owner: key }, 'socket flooding: disconnected');
      socket.disconnect(true);
      return false;
    }
    answer(ack, err('RATE_LIMITED', 'Trop de demandes à la suite. Patientez quelques secondes.', { retryAfterMs: wait }));
    return false;
  };

  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && known.has(event)) return;
    const ack = lastFn(args);
    admit(ack).then(
      (admitted) =>
        admitted && answer(ack, err('UNKNOWN_EVENT', 'Action inconnue.', { event: typeof event === 'string' ? event.slice(0, 64) : null })),
      (e: unknown) => opts.log.error({ err: e, nsp: socket.nsp.name }, 'socket rate limiter failed'),
    );
  });

  for (const name of known) {
    const schema = events[name]!.request;
    const handler = handlers[name as keyof M] as (input: unknown, ctx: C) => Promise<unknown>;
    socket.on(name, (...args: unknown[]) => {
      const ack = lastFn(args);
      const payload = args.length > 1 ? args[0] : {};
      void (async () => {
        try {
          if (!(await admit(ack))) return;
          if (!ack) return; // the contract requires an ack: nothing to answer, nothing done
          const input = parseOrThrow(schema, payload);
          if (opts.beforeEach) await opts.beforeEach();
          answer(ack, ok(await handler(input, ctx)));
        } catch (e) {
          if (!(e instanceof VigieError)) opts.log.error({ err: e, event: name, nsp: socket.nsp.name }, 'socket handler failed');
          // A refusal may have been recorded (audit) too: answered in line as well, then the socket closed if it must be.
          const close =
            e instanceof VigieError && e.code === 'UNAUTHORIZED' ? () => setImmediate(() => socket.disconnect(true)) : undefined;
          answer(ack, toErr(e), close);
        }
      })();
    });
  }
}

function lastFn(args: unknown[]): Ack | undefined {
  const last = args[args.length - 1];
  return typeof last === 'function' ? (last as Ack) : undefined;
}

function safeAck(ack: Ack | undefined, r: Result<unknown>): void {
  if (!ack) return;
  try {
    ack(r);
  } catch {
    // the client went away: nothing to do
  }
}
