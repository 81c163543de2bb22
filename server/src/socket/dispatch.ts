import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { err, ok, parseOrThrow, toErr, VigieError, type EventMap, type Result } from '@vigie/common';
import type { Logger } from '../logger.js';
import { TokenBucket } from '../util.js';

export type Handlers<M extends EventMap, C> = {
  [K in keyof M]: (input: z.infer<M[K]['request']>, ctx: C) => Promise<z.infer<M[K]['response']>>;
};

export interface DispatchOptions {
  ratePerSecond: number;
  burst: number;
  /** Rejected (rate-limited) events within 10 s after which the connection is closed. */
  floodDisconnectAfter: number;
  log: Logger;
  /** Runs before every handled event (e.g. session still valid). */
  beforeEach?: () => Promise<void>;
}

type Ack = (r: Result<unknown>) => void;

/**
 * The one place where socket events enter the hub: rate limit, ack check, contract parsing,
 * Result envelope, error logging. Handlers only see parsed input and return data or throw
 * VigieError. Events without an ack are ignored; unknown events get UNKNOWN_EVENT.
 */
export function dispatch<M extends EventMap, C>(socket: Socket, events: M, handlers: Handlers<M, C>, ctx: C, opts: DispatchOptions): void {
  const bucket = new TokenBucket(opts.ratePerSecond, opts.burst);
  let rejected: number[] = [];
  const known = new Set(Object.keys(events));

  /** false when the event must not run (rate limit); answers RATE_LIMITED itself. */
  const admit = (ack: Ack | undefined): boolean => {
    if (bucket.take()) return true;
    const now = Date.now();
    rejected = rejected.filter((t) => now - t < 10_000);
    rejected.push(now);
    if (rejected.length >= opts.floodDisconnectAfter) {
      opts.log.warn({ sid: socket.id, nsp: socket.nsp.name }, 'socket flooding: disconnected');
      socket.disconnect(true);
      return false;
    }
    safeAck(ack, err('RATE_LIMITED', 'Trop de demandes à la suite. Patientez quelques secondes.', { retryAfterMs: bucket.retryAfterMs() }));
    return false;
  };

  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && known.has(event)) return;
    const ack = lastFn(args);
    if (!admit(ack)) return;
    safeAck(ack, err('UNKNOWN_EVENT', 'Action inconnue.', { event: typeof event === 'string' ? event.slice(0, 64) : null }));
  });

  for (const name of known) {
    const schema = events[name]!.request;
    const handler = handlers[name as keyof M] as (input: unknown, ctx: C) => Promise<unknown>;
    socket.on(name, (...args: unknown[]) => {
      const ack = lastFn(args);
      if (!admit(ack)) return;
      if (!ack) return; // the contract requires an ack: nothing to answer, nothing done
      const payload = args.length > 1 ? args[0] : {};
      void (async () => {
        try {
          const input = parseOrThrow(schema, payload);
          if (opts.beforeEach) await opts.beforeEach();
          const data = await handler(input, ctx);
          safeAck(ack, ok(data));
        } catch (e) {
          if (!(e instanceof VigieError)) opts.log.error({ err: e, event: name, nsp: socket.nsp.name }, 'socket handler failed');
          else if (e.code === 'UNAUTHORIZED') setImmediate(() => socket.disconnect(true));
          safeAck(ack, toErr(e));
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
