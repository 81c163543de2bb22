import type { HelpRequest, QueuePosition } from '@vigie/common';
import type { PendingHelp, SupportDoc } from './store.js';

/**
 * The help request's lifecycle on this device, pure: no I/O, no clock, no chat.
 *
 *   nothing ──click──▶ pending (on disk, offline ok) ──created──▶ open (waiting → assigned)
 *      ▲                  │ cancel-local / create-refused              │ resolved, cancelled,
 *      └──────────────────┘                                            ▼ gone at hello
 *                                                         closed (lastClosed shown until dismissed)
 *
 * The hub's view wins: at every hello the open request it reports replaces ours, and a push
 * (help:updated) for our request, our pending click or a request the hub opened for this device
 * (a ransomware alert) moves the state. Effects tell the service what else to do.
 */
export type RequestState = Pick<SupportDoc, 'deviceId' | 'pendingHelp' | 'current' | 'position' | 'lastClosed'>;

export type RequestEvent =
  /** The help button (or its topic/description) while no request is open. */
  | { type: 'click'; pending: PendingHelp }
  | { type: 'edit-pending'; topic?: PendingHelp['topic']; description?: string | null }
  /** Cancelled before it reached the hub: only local. */
  | { type: 'cancel-local' }
  /** The hub created the pending click (its answer to help:create). */
  | { type: 'created'; clientId: string; request: HelpRequest; position: QueuePosition | null }
  /** The hub refused the click for good (bad data, not allowed). */
  | { type: 'create-refused' }
  /** device:hello: the request the hub holds open for this device, if any. */
  | { type: 'hello'; remote: HelpRequest | null; position: QueuePosition | null }
  /** A newer view of a request: a push, or the hub's answer to help:update / help:cancel. */
  | { type: 'updated'; request: HelpRequest; source: 'push' | 'answer' }
  | { type: 'position'; position: QueuePosition }
  | { type: 'dismiss-closed' };

export type RequestEffect =
  /** Messages typed before the request reached the hub now belong to it. */
  | { type: 'adopt-pending-messages'; requestId: string }
  /** Messages typed for a click that will never reach the hub go with it. */
  | { type: 'drop-pending-messages' }
  /** Another request (or none): the chat held so far is not its chat. */
  | { type: 'reset-chat' }
  | { type: 'typing-off' }
  /** The chat of the (new) request must be fetched from the hub. */
  | { type: 'sync-chat' }
  /** Tell the user (the app turns these into notifications). */
  | { type: 'notify'; event: { type: 'assigned' | 'closed'; request: HelpRequest } }
  /** Our offline click lost to a request the hub already had open: logged. */
  | { type: 'pending-dropped'; requestId: string };

export interface RequestStep {
  state: RequestState;
  effects: RequestEffect[];
  /** The event concerned this device's request (false: ignored, nothing changed). */
  handled: boolean;
}

export const isOpen = (r: HelpRequest | null): r is HelpRequest => !!r && (r.status === 'waiting' || r.status === 'assigned');
const isClosed = (r: HelpRequest) => r.status === 'resolved' || r.status === 'cancelled';

export function requestTransition(s: RequestState, e: RequestEvent): RequestStep {
  const effects: RequestEffect[] = [];
  const done = (state: RequestState): RequestStep => ({ state, effects, handled: true });
  switch (e.type) {
    case 'click':
      return done({ ...s, pendingHelp: e.pending, lastClosed: null });
    case 'edit-pending':
      if (!s.pendingHelp) return { state: s, effects, handled: false };
      return done({
        ...s,
        pendingHelp: {
          ...s.pendingHelp,
          ...(e.topic !== undefined ? { topic: e.topic } : {}),
          ...(e.description !== undefined ? { description: e.description } : {}),
        },
      });
    case 'cancel-local':
      if (!s.pendingHelp || isOpen(s.current)) return { state: s, effects, handled: false };
      effects.push({ type: 'drop-pending-messages' });
      return done({ ...s, pendingHelp: null });
    case 'create-refused':
      return done({ ...s, pendingHelp: null });
    case 'created': {
      const pendingHelp = s.pendingHelp?.clientId === e.clientId ? null : s.pendingHelp;
      effects.push({ type: 'adopt-pending-messages', requestId: e.request.id }, { type: 'reset-chat' });
      const next = apply({ ...s, pendingHelp }, e.request, false, effects);
      effects.push({ type: 'sync-chat' });
      return done({ ...next, position: e.position });
    }
    case 'hello': {
      let next = s;
      const local = s.current;
      // Ended while we were away (the hub only reports open requests): shown as closed.
      if (local && (!e.remote || e.remote.id !== local.id)) next = closeLocal(next, local, effects);
      if (!e.remote) return done(next);
      if (next.pendingHelp && next.pendingHelp.clientId !== e.remote.clientId) {
        effects.push({ type: 'pending-dropped', requestId: e.remote.id }, { type: 'adopt-pending-messages', requestId: e.remote.id });
      }
      if (next.pendingHelp?.clientId === e.remote.clientId) effects.push({ type: 'adopt-pending-messages', requestId: e.remote.id });
      next = apply({ ...next, pendingHelp: null }, e.remote, false, effects);
      return done({ ...next, position: e.remote.status === 'waiting' ? e.position : null });
    }
    case 'updated': {
      const r = e.request;
      if (e.source === 'push') {
        // A request the hub opened for this device by itself (a ransomware tripwire alert) becomes the current one.
        const openedByHub = !isOpen(s.current) && !s.pendingHelp && r.deviceId === s.deviceId && isOpen(r);
        const mine = r.id === s.current?.id || (!!s.pendingHelp && r.clientId === s.pendingHelp.clientId) || openedByHub;
        if (!mine) return { state: s, effects, handled: false };
      }
      let next = s;
      if (e.source === 'push' && next.pendingHelp?.clientId === r.clientId) {
        effects.push({ type: 'adopt-pending-messages', requestId: r.id });
        next = { ...next, pendingHelp: null };
      }
      return done(apply(next, r, true, effects));
    }
    case 'position':
      if (e.position.requestId !== s.current?.id) return { state: s, effects, handled: false };
      return done({ ...s, position: e.position });
    case 'dismiss-closed':
      if (!s.lastClosed) return { state: s, effects, handled: false };
      return done({ ...s, lastClosed: null });
  }
}

/** A newer view of the current request: assignment, closure. */
function apply(s: RequestState, r: HelpRequest, notify: boolean, effects: RequestEffect[]): RequestState {
  const prev = s.current;
  if (prev && prev.id !== r.id) effects.push({ type: 'reset-chat' });
  if (isClosed(r)) {
    const next = prev?.id === r.id || !prev ? closeLocal(s, r, effects) : s;
    if (notify) effects.push({ type: 'notify', event: { type: 'closed', request: r } });
    return next;
  }
  if (notify && r.status === 'assigned' && r.technician && (prev?.status !== 'assigned' || prev.technician?.id !== r.technician.id)) {
    effects.push({ type: 'notify', event: { type: 'assigned', request: r } });
  }
  return { ...s, current: r, position: r.status !== 'waiting' ? null : s.position };
}

function closeLocal(s: RequestState, r: HelpRequest, effects: RequestEffect[]): RequestState {
  effects.push({ type: 'reset-chat' }, { type: 'typing-off' });
  return { ...s, lastClosed: r, current: null, position: null };
}
