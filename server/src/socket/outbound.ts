/**
 * Nothing reaches a client before what it tells is on disk, and messages leave in the order they
 * were made. With the group commit (store/group-commit.ts) a commit is on disk a moment after it
 * returns; every socket.io message goes through the store's `Outbound` line instead of out at once:
 * answers (socket/dispatch.ts), pushes and room changes (the adapter below), the last word before
 * a socket is closed (`closeWith`). One line for all of them keeps the order FULL gives — a push
 * made after an answer never overtakes it (the app's screen consent relies on that: a control
 * request after the answer to the view consent), and a technician never sees a request a power
 * cut could still undo.
 */
import type { Namespace } from 'socket.io';
import type { Adapter } from 'socket.io-adapter';
import { immediateOutbound, type Outbound } from '../store/group-commit.js';

export type { Outbound } from '../store/group-commit.js';

const perServer = new WeakMap<object, Outbound>();

/** The line of one socket.io server (one hub): set by the hub from its store before the namespaces are set up. */
export function useOutbound(server: object, out: Outbound): void {
  perServer.set(server, out);
}
export function outboundOf(server: object): Outbound {
  return perServer.get(server) ?? immediateOutbound;
}

/** What the hub's adapters do that reaches clients or changes who gets the next message. */
const GATED = ['broadcast', 'broadcastWithAck', 'addSockets', 'delSockets', 'disconnectSockets'] as const;

type AdapterCtor = new (nsp: Namespace) => Adapter;

/**
 * The namespaces' adapter (socket.io's in-memory one, or the cluster's) with its emits and room
 * changes made through `out`. A socket joining its own rooms when it connects (`socket.join`) is
 * not held: the rooms are there before its first message is handled.
 */
export function gatedAdapter(base: AdapterCtor | ((nsp: Namespace) => Adapter), out: () => Outbound): AdapterCtor {
  // socket.io calls it with `new`: a function returning the adapter, not an arrow (the cluster's is one too).
  return function adapter(nsp: Namespace): Adapter {
    const a = new (base as AdapterCtor)(nsp);
    for (const name of GATED) {
      const own = (a[name] as (...args: unknown[]) => unknown).bind(a);
      (a as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => out().after(() => void own(...args));
    }
    return a;
  } as unknown as AdapterCtor;
}

/** A socket, or one fetched with fetchSockets() (no namespace of its own: it speaks through the adapter, already in the line). */
type Closable = { emit: (ev: string, p: unknown) => unknown; disconnect: (close?: boolean) => unknown; nsp?: { server: object } };

/** Sends the socket its last event, then closes it — after everything made before it (an answer, a push). */
export function closeWith(socket: Closable, event: string, payload: unknown): void {
  const out = socket.nsp ? outboundOf(socket.nsp.server) : immediateOutbound;
  out.after(() => {
    socket.emit(event, payload);
    setImmediate(() => void socket.disconnect(true));
  });
}
