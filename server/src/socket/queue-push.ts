import { performance } from 'node:perf_hooks';
import type { Namespace } from 'socket.io';
import type { Clock, HelpRequest, QueuePosition, QueueSnapshot, SupportSettingsRecord } from '@vigie/common';
import type { Logger } from '../logger.js';
import type { HelpService, PickupStats } from '../services/help.js';
import { SettingsService } from '../settings/service.js';

/** What the queue is computed from, read from the store (the clock-dependent part is composed from it). */
export interface QueueFacts {
  open: HelpRequest[];
  pickup: PickupStats;
  support: SupportSettingsRecord;
}

/** Who is online and available, as the live state knows it (Realtime's presence). */
export interface QueuePresence {
  isDeviceOnline(id: string): boolean;
  onlineTechCount(): number;
  availableTechCount(): number;
}

/** The snapshot at `nowMs`, and when what it tells practices changes next (pure). */
export function composeQueue(
  f: QueueFacts,
  presence: QueuePresence,
  help: Pick<HelpService, 'positions'>,
  nowMs: number,
): { snap: QueueSnapshot; nextChangeAt: number | null } {
  const support = SettingsService.status(f.support, nowMs, {
    online: presence.onlineTechCount(),
    available: presence.availableTechCount(),
  });
  const waiting = f.open.filter((r) => r.status === 'waiting');
  const { positions, nextChangeAt } = help.positions(waiting, {
    nowMs,
    pickup: f.pickup,
    techniciansAvailable: support.techniciansAvailable,
    support,
  });
  const snap: QueueSnapshot = {
    requests: f.open.map((r) => ({ ...r, deviceOnline: presence.isDeviceOnline(r.deviceId) })),
    serverTime: new Date(nowMs).toISOString(),
    medianPickupSeconds: f.pickup.medianSeconds ?? 0,
    pickupSamples: f.pickup.samples,
    positions,
    support,
  };
  return { snap, nextChangeAt };
}

/**
 * What a waiting practice reads (its place, the wait message's key and the facts its sentences use,
 * the legacy estimate): a device is sent `help:position` only when this changes. A request joining
 * behind it, or a second passing, changes nothing it shows — the `waiting` total and
 * `waitedSeconds` it carries are as of the last message.
 */
export const toldKey = (p: QueuePosition): string => {
  const w = p.wait;
  const facts = w
    ? [w.key, w.params.etaMinutes, w.params.samples, w.params.techniciansAvailable, w.params.opensAt, w.params.timeZone, w.params.phone]
    : null;
  return JSON.stringify([p.position, p.etaSeconds, facts]);
};

/** What a push is compared on: the seconds waited and the clock move on their own, so a timed look pushes only what changed. */
export const pushKey = (snap: QueueSnapshot): string =>
  JSON.stringify(snap, (k, v: unknown) => (k === 'serverTime' || k === 'waitedSeconds' ? undefined : v));

/** Milliseconds until the next timed look: when a wait message changes by itself, or within `recheckMs`. */
export const nextLookDelay = (nextChangeAt: number | null, nowMs: number, recheckMs: number): number =>
  Math.min(recheckMs, Math.max(20, nextChangeAt === null ? recheckMs : nextChangeAt - nowMs));

/**
 * The push's lifecycle, as data: a change (forced: pushed even when equal) or a timed look
 * schedules one flush; changes during a flush make it run one more round; a round pushes when
 * forced or when its key differs from the last one pushed.
 */
export interface PushState {
  scheduled: boolean;
  flushing: boolean;
  /** Something changed while a flush ran: one more round. */
  again: boolean;
  /** A change (not only a timed look) happened since the last round. */
  forced: boolean;
  stopped: boolean;
}
export type PushEvent =
  { kind: 'change' } | { kind: 'look' } | { kind: 'start' } | { kind: 'round' } | { kind: 'end' } | { kind: 'sent' } | { kind: 'stop' };
/** `schedule`: run a flush soon; `round`: compute once more (forced or not); `idle`: nothing running nor scheduled. */
export type PushEffect = { kind: 'schedule' } | { kind: 'round'; forced: boolean } | { kind: 'idle' };

/** Waiting devices told their position per turn of the event loop, and how often a pass over them may start. */
const POSITION_SLICE = 64;
const POSITION_PASS_MS = 250;

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

/**
 * Who computes and pushes the queue after a change. One hub node: always this one
 * (memoryQueueFlush). Several: one node of the cluster per burst of changes (queue-flush-redis.ts).
 */
export interface QueueFlushPort {
  /** A change on this node, for whichever node flushes next; issued before this node's next claim. */
  markDirty(): Promise<void>;
  /** The right to compute and push now, or null when another node is at it (it sees the dirty mark). */
  claim(): Promise<FlushClaim | null>;
  /** After a refused claim, a forced round is tried again this much later (the holder may have died). */
  readonly retryMs: number;
  close(): Promise<void>;
}
export interface FlushClaim {
  /** Is this what the last push said, by whichever node? (a timed look pushes only what changed; compared on pushKey) */
  unchanged(snap: QueueSnapshot): boolean;
  /** A change was marked (by any node) since the last round: push even if the key is the same. */
  dirty: boolean;
  /**
   * This node made the last push: what it remembers each waiting device was told is still what the
   * device holds (else it tells every waiting device again).
   */
  continues: boolean;
  /** Ends the claim after a round (`pushed`: what it pushed, null if nothing); true when a change was marked meanwhile. */
  release(pushed: QueueSnapshot | null): Promise<boolean>;
}

/** One node: it always flushes, and its own rounds cover its own changes. The last push's key is computed only when a timed look asks. */
export function memoryQueueFlush(): QueueFlushPort {
  let last: QueueSnapshot | null = null;
  let lastKey: string | null = null;
  const claim: FlushClaim = {
    unchanged: (snap) => {
      if (!last) return false;
      lastKey ??= pushKey(last);
      return pushKey(snap) === lastKey;
    },
    dirty: false,
    continues: true,
    release: async (pushed) => {
      if (pushed) {
        last = pushed;
        lastKey = null;
      }
      return false;
    },
  };
  return { markDirty: async () => undefined, claim: async () => claim, retryMs: 0, close: async () => undefined };
}

export interface QueuePushOptions {
  techNs: Namespace;
  devNs: Namespace;
  /** Room names of the technicians and of one device. */
  allTechsRoom: string;
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
  /**
   * Resolves once the store's commits so far are on disk (store/db.ts durable): a push never shows
   * what a crash could still undo, and never overtakes the answer of the request that caused it.
   */
  durable?: () => Promise<void>;
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
  /** When the last pass over the waiting devices started (real time: it paces work, not what practices are told). */
  private passStartedAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly port: QueueFlushPort;

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

  /** Does this device have an open request (as of the last computation)? Its presence then shows in the queue. */
  hasOpen(deviceId: string): boolean {
    return this.devicesWithOpen.has(deviceId);
  }

  private send(e: PushEvent): void {
    const { state, effects } = pushStep(this.state, e);
    this.state = state;
    for (const fx of effects) {
      if (fx.kind === 'schedule') setImmediate(() => void this.flush());
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
    let nextChangeAt: number | null = null;
    let refused = false;
    try {
      for (let first = true; first || this.state.again; first = false) {
        // Rounds after the first wait a turn of the event loop: the store's reads are synchronous,
        // so changes landing during a round would otherwise chain rounds without letting anything
        // else in (and the changes of that turn join the next round).
        if (!first) await new Promise((r) => setImmediate(r));
        const forced = this.round();
        const claim = await this.port.claim();
        if (!claim) {
          refused = forced;
          continue;
        }
        if (!claim.continues) this.told.clear();
        // A change's round may use a read that started after it; a timed look reads afresh (it is
        // there for what this node did not see: a CLI change, another node's change).
        const composed = this.compose(await this.facts(forced && !this.o.flush));
        nextChangeAt = composed.nextChangeAt;
        const push = forced || claim.dirty || !claim.unchanged(composed.snap);
        if (push) {
          await this.o.durable?.();
          this.emit(composed.snap);
        }
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
   * write per device, and a pass over them starts at most every POSITION_PASS_MS (the first at once):
   * a queue changing many times a second costs one write per device per pass, not per change. A
   * newer push replaces the positions not yet sent (each device gets the latest; a request no
   * longer waiting gets none).
   */
  private emit(snap: QueueSnapshot): void {
    this.o.techNs.to(this.o.allTechsRoom).emit('queue:updated', snap);
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
      const wait = this.passStartedAt + POSITION_PASS_MS - performance.now();
      if (wait > 0) setTimeout(this.startPass, wait);
      else setImmediate(this.startPass);
    }
  }

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
