import { performance } from 'node:perf_hooks';
import type { Namespace } from 'socket.io';
import type { Clock, QueueChange, QueuePosition, QueueSnapshot } from '@vigie/common';
import type { Logger } from '../logger.js';
import type { HelpService } from '../services/help.js';
import type { SettingsService } from '../settings/service.js';
import { composeQueue, nextLookDelay, toldKey, type QueueFacts, type QueuePresence } from './queue-compose.js';
import { memoryQueueFlush, type QueueFlushPort } from './queue-flush.js';

export { composeQueue, nextLookDelay, pushKey, toldKey, type QueueFacts, type QueuePresence } from './queue-compose.js';
export { memoryQueueFlush, type FlushClaim, type QueueFlushPort } from './queue-flush.js';

/**
 * The push's lifecycle, as data: a change (forced: pushed even when equal) or a timed look
 * schedules one flush (paced: QueuePush.schedule); changes during a flush schedule one more; a
 * flush's round pushes when forced or when its key differs from the last one pushed.
 */
export interface PushState {
  scheduled: boolean;
  flushing: boolean;
  /** Something changed while a flush ran: one more flush. */
  again: boolean;
  /** A change (not only a timed look) happened since the last round. */
  forced: boolean;
  stopped: boolean;
}
export type PushEvent =
  { kind: 'change' } | { kind: 'look' } | { kind: 'start' } | { kind: 'round' } | { kind: 'end' } | { kind: 'sent' } | { kind: 'stop' };
/** `schedule`: run a flush soon; `round`: compute once more (forced or not); `idle`: nothing running nor scheduled. */
export type PushEffect = { kind: 'schedule' } | { kind: 'round'; forced: boolean } | { kind: 'idle' };

/** Waiting devices told their position per turn of the event loop, and how often a flush, or a pass over the devices, may start. */
const POSITION_SLICE = 64;
const PASS_MS = 250;

export const initialPushState: PushState = { scheduled: false, flushing: false, again: false, forced: false, stopped: false };

export function pushStep(s: PushState, e: PushEvent): { state: PushState; effects: PushEffect[] } {
  switch (e.kind) {
    case 'change':
    case 'look': {
      const forced = s.forced || e.kind === 'change';
      if (s.stopped) return { state: { ...s, forced }, effects: [] };
      if (s.flushing) return { state: { ...s, forced, again: true }, effects: [] };
      if (s.scheduled) return { state: { ...s, forced }, effects: [] };
      return { state: { ...s, forced, scheduled: true }, effects: [{ kind: 'schedule' }] };
    }
    case 'start':
      return { state: { ...s, scheduled: false, flushing: true }, effects: [] };
    case 'round':
      // The next round starts: it covers every change so far.
      return { state: { ...s, again: false, forced: false }, effects: [{ kind: 'round', forced: s.forced }] };
    case 'end':
      // A flush runs its rounds while changes come in; should one still be owed, a new flush is scheduled.
      if (s.again && !s.stopped)
        return { state: { ...s, flushing: false, again: false, scheduled: true }, effects: [{ kind: 'schedule' }] };
      return { state: { ...s, flushing: false }, effects: s.scheduled ? [] : [{ kind: 'idle' }] };
    case 'sent':
      // The last positions of a push went out: idle unless a flush is running or scheduled.
      return { state: s, effects: s.flushing || s.scheduled ? [] : [{ kind: 'idle' }] };
    case 'stop':
      return { state: { ...s, stopped: true }, effects: [] };
  }
}

export interface QueuePushOptions {
  techNs: Namespace;
  devNs: Namespace;
  /** Room names of the technicians, of those that apply `queue:changed`, and of one device. */
  allTechsRoom: string;
  queueChangesRoom: string;
  deviceRoom: (id: string) => string;
  help: HelpService;
  settings: SettingsService;
  presence: QueuePresence;
  log: Logger;
  now: Clock['now'];
  /** The queue is looked at again at least this often (eta.recheckSeconds). */
  recheckMs: number;
  /** Who flushes (default: this node). */
  flush?: QueueFlushPort;
}

/**
 * The coalesced queue broadcast: `queue:updated` to technicians, `help:position` to waiting
 * devices. What practices are told changes with time alone (a minute of an estimate runs out, 3
 * minutes pass, the support opens): the queue is pushed again at the next such moment, and looked
 * at again every `recheckMs` in any case (pushed only when something changed).
 */
export class QueuePush {
  private state = initialPushState;
  private lastFacts: QueueFacts | null = null;
  /** Changes seen so far, and how many of them the last read of the store started after. */
  private changes = 0;
  private factsAfter = -1;
  /** Devices with an open request, as of the last computation. */
  private devicesWithOpen = new Set<string>();
  private idleWaiters: Array<() => void> = [];
  /** Positions of the last push not yet sent (request id → device, position), and whether slices are going out. */
  private unsent = new Map<string, { deviceId: string; position: QueuePosition }>();
  /** What each waiting request's device was last told (toldKey), so that a push sends only what changed for it. */
  private told = new Map<string, string>();
  private sending = false;
  /**
   * What this node's last push told the technicians (the snapshot, request id → the item as JSON,
   * request id → toldKey of its position), so the next one sends those that apply changes only what
   * changed; null: the next push is whole for every technician.
   */
  private techView: { snap: QueueSnapshot; items: Map<string, string>; told: Map<string, string> } | null = null;
  /** When the last pass over the waiting devices, and the last flush, started (real time: it paces work, not what anyone is told). */
  private passStartedAt = -Infinity;
  private flushStartedAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly port: QueueFlushPort;
  /** What this node did (figures for bench:hub): rounds computed, queues pushed, positions sent, most requests waiting at once. */
  private readonly counts = { rounds: 0, pushes: 0, positions: 0, mostWaiting: 0 };

  constructor(private readonly o: QueuePushOptions) {
    this.port = o.flush ?? memoryQueueFlush();
  }

  /** Something the queue depends on changed: one recomputation soon (bursts coalesce into one push). */
  changed(): void {
    // Marked before this node's claim (one connection keeps the order), so the flusher covers it.
    this.port.markDirty().catch((e: unknown) => this.o.log.error({ err: e }, 'queue change not shared with the other nodes'));
    this.changes++;
    this.send({ kind: 'change' });
  }

  /**
   * The next flush: at once (next turn) when the last one started PASS_MS ago or more, else when it
   * will have. A quiet queue's change goes out at once; a queue changing many times a second is
   * recomputed and sent at most every PASS_MS — each technician's console learns of every change at
   * once from `help:updated` (a new request included) and gets the whole queue with its positions
   * at this pace, so a long queue costs a few snapshots a second, not one per change.
   */
  private schedule(): void {
    const wait = this.flushStartedAt + PASS_MS - performance.now();
    if (wait > 0) setTimeout(() => void this.flush(), wait);
    else setImmediate(() => void this.flush());
  }

  /** Does this device have an open request (as of the last computation)? Its presence then shows in the queue. */
  hasOpen(deviceId: string): boolean {
    return this.devicesWithOpen.has(deviceId);
  }

  private send(e: PushEvent): void {
    const { state, effects } = pushStep(this.state, e);
    this.state = state;
    for (const fx of effects) {
      if (fx.kind === 'schedule') this.schedule();
      else if (fx.kind === 'idle' && !this.sending) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /**
   * The facts from the store; `reuse`: the last read will do if it started after every change this
   * node saw (a request's creation reads them for its position, then its push uses the same).
   */
  private async facts(reuse = false): Promise<QueueFacts> {
    if (reuse && this.lastFacts && this.factsAfter === this.changes) return this.lastFacts;
    const after = this.changes;
    const [open, pickup, support] = await Promise.all([this.o.help.listOpen(), this.o.help.pickupStats(), this.o.settings.supportRecord()]);
    const facts = { open, pickup, support };
    // Two reads overlapping: the one that started last is kept, whichever ends first.
    if (after >= this.factsAfter) {
      this.devicesWithOpen = new Set(open.map((r) => r.deviceId));
      this.lastFacts = facts;
      this.factsAfter = after;
    }
    return facts;
  }

  private compose(f: QueueFacts) {
    return composeQueue(f, this.o.presence, this.o.help, this.o.now());
  }

  async snapshot(): Promise<QueueSnapshot> {
    return this.compose(await this.facts()).snap;
  }

  /**
   * Position of one waiting request, at this instant (recent facts when they hold it, else fresh
   * ones); its device gets it in an answer (help:create, device:hello), which counts as told.
   */
  async positionOf(requestId: string): Promise<QueuePosition | null> {
    const f = this.lastFacts && this.lastFacts.open.some((r) => r.id === requestId) ? this.lastFacts : await this.facts(true);
    const position = this.compose(f).snap.positions.find((p) => p.requestId === requestId) ?? null;
    if (position) this.told.set(requestId, toldKey(position));
    return position;
  }

  /** Starts the next round: whether it must push even an unchanged queue. */
  private round(): boolean {
    const { state, effects } = pushStep(this.state, { kind: 'round' });
    this.state = state;
    return effects.some((fx) => fx.kind === 'round' && fx.forced);
  }

  private async flush(): Promise<void> {
    this.send({ kind: 'start' });
    this.flushStartedAt = performance.now();
    let nextChangeAt: number | null = null;
    let refused = false;
    try {
      // One round per flush: changes made meanwhile schedule the next flush (paced, see schedule).
      const forced = this.round();
      const claim = await this.port.claim();
      if (!claim) refused = forced;
      else {
        if (!claim.continues) {
          this.told.clear();
          // The technicians hold this node's last push only if no other node pushed anything else since.
          if (this.techView && !claim.unchanged(this.techView.snap)) this.techView = null;
        }
        // A change's round may use a read that started after it; a timed look reads afresh (it is
        // there for what this node did not see: a CLI change, another node's change).
        const composed = this.compose(await this.facts(forced && !this.o.flush));
        nextChangeAt = composed.nextChangeAt;
        this.counts.rounds++;
        const push = forced || claim.dirty || !claim.unchanged(composed.snap);
        if (push) this.emit(composed.snap);
        if (await claim.release(push ? composed.snap : null)) this.send({ kind: 'change' });
      }
    } catch (e) {
      this.o.log.error({ err: e }, 'queue broadcast failed');
    } finally {
      // Another node holds the claim: it covers this node's changes, unless it died (then this one takes over).
      this.arm(refused ? this.port.retryMs : nextLookDelay(nextChangeAt, this.o.now(), this.o.recheckMs));
      this.send({ kind: 'end' });
    }
  }

  /**
   * The technicians get the snapshot at once; the waiting devices their positions in slices of
   * POSITION_SLICE per turn of the event loop, so a long queue never holds other events behind one
   * write per device, and a pass over them starts at most every PASS_MS (the first at once):
   * a queue changing many times a second costs one write per device per pass, not per change. A
   * newer push replaces the positions not yet sent (each device gets the latest; a request no
   * longer waiting gets none).
   */
  private emit(snap: QueueSnapshot): void {
    this.counts.pushes++;
    this.counts.mostWaiting = Math.max(this.counts.mostWaiting, snap.positions.length);
    this.emitToTechnicians(snap);
    const waiting = snap.requests.filter((r) => r.status === 'waiting');
    // Only the devices whose place or wait message changed: a new request at the back of a long
    // queue is one message, not one per waiting practice.
    this.unsent = new Map();
    const still = new Set<string>();
    snap.positions.forEach((p, i) => {
      still.add(p.requestId);
      if (this.told.get(p.requestId) !== toldKey(p)) this.unsent.set(p.requestId, { deviceId: waiting[i]!.deviceId, position: p });
    });
    for (const id of this.told.keys()) if (!still.has(id)) this.told.delete(id);
    if (!this.sending && this.unsent.size > 0) {
      this.sending = true;
      const wait = this.passStartedAt + PASS_MS - performance.now();
      if (wait > 0) setTimeout(this.startPass, wait);
      else setImmediate(this.startPass);
    }
  }

  /**
   * The whole snapshot to the technicians that did not ask for changes (and to all of them when this
   * node cannot tell what they hold: its first push, or another node pushed something else since);
   * to the others, `queue:changed`: the order, the requests and positions that differ from the last push.
   */
  private emitToTechnicians(snap: QueueSnapshot): void {
    const { techNs, allTechsRoom, queueChangesRoom } = this.o;
    const last = this.techView;
    const items = new Map(snap.requests.map((r) => [r.id, JSON.stringify(r)]));
    const told = new Map(snap.positions.map((p) => [p.requestId, toldKey(p)]));
    this.techView = { snap, items, told };
    if (!last) {
      techNs.to(allTechsRoom).emit('queue:updated', snap);
      return;
    }
    techNs.to(allTechsRoom).except(queueChangesRoom).emit('queue:updated', snap);
    const { requests, positions, ...rest } = snap;
    const change: QueueChange = {
      ...rest,
      order: requests.map((r) => r.id),
      changed: requests.filter((r) => last.items.get(r.id) !== items.get(r.id)),
      positions: positions.filter((p) => last.told.get(p.requestId) !== told.get(p.requestId)),
    };
    techNs.to(queueChangesRoom).emit('queue:changed', change);
  }

  // The queue and the positions leave through the namespaces' adapter, in the outbound line
  // (socket/outbound.ts): after the commits they tell of, never ahead of the answer to a device's
  // own request (help:create, device:hello carry its position).
  private readonly startPass = (): void => {
    this.passStartedAt = performance.now();
    this.sendPositions();
  };

  private readonly sendPositions = (): void => {
    let n = 0;
    for (const [requestId, { deviceId, position }] of this.unsent) {
      if (n++ === POSITION_SLICE) break;
      this.unsent.delete(requestId);
      this.told.set(requestId, toldKey(position));
      this.counts.positions++;
      this.o.devNs.to(this.o.deviceRoom(deviceId)).emit('help:position', position);
    }
    if (this.unsent.size > 0) setImmediate(this.sendPositions);
    else {
      this.sending = false;
      this.send({ kind: 'sent' });
    }
  };

  /** A request left the queue (accepted, cancelled…): a position still unsent for it is dropped. */
  left(requestId: string): void {
    this.unsent.delete(requestId);
    this.told.delete(requestId);
  }

  /** The next timed look: when a wait message changes by itself, or within recheckMs (or a claim refused: retryMs). */
  private arm(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.state.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.send({ kind: 'look' });
    }, delayMs);
    this.timer.unref();
  }

  /** What this node did so far: rounds computed, queues pushed, positions sent, most requests waiting at once. */
  stats(): { rounds: number; pushes: number; positions: number; mostWaiting: number } {
    return { ...this.counts };
  }

  /** No more timed looks (the hub is closing). */
  stop(): void {
    this.send({ kind: 'stop' });
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Resolves when no queue broadcast is running or scheduled, and every position is sent (used by close and tests). */
  idle(): Promise<void> {
    if (!this.state.flushing && !this.state.scheduled && !this.sending) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }
}
