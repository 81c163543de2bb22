import type { Namespace, Server } from 'socket.io';
import { NS, type ChatMessage, type ChatReceipts, type HelpRequest, type QueuePosition, type QueueSnapshot, type SupportSettingsRecord } from '@vigie/common';
import type { Logger } from '../logger.js';
import { MemoryPresence, type Presence, type PresenceChange } from './presence.js';
import type { HelpService, PickupStats } from '../services/help.js';
import { SettingsService } from '../settings/service.js';

export const rooms = {
  device: (id: string) => `device:${id}`,
  tech: (id: string) => `tech:${id}`,
  session: (id: string) => `session:${id}`,
  request: (id: string) => `req:${id}`,
  allTechs: 'techs',
} as const;

/** What the queue is computed from, read from SQLite (the clock-dependent part is composed from it). */
interface QueueFacts {
  open: HelpRequest[];
  pickup: PickupStats;
  support: SupportSettingsRecord;
}

/**
 * Live state and pushes: who is online and available (memory only; everything that matters is in
 * SQLite) and the coalesced queue broadcast (`queue:updated` to technicians, `help:position` to
 * waiting devices). What practices are told about their wait changes with time alone (a minute of
 * an estimate runs out, 3 minutes pass, the support opens): the queue is pushed again at the next
 * such moment, and looked at again every minute in any case (pushed only when something changed).
 */
export class Realtime {
  readonly devNs: Namespace;
  readonly techNs: Namespace;
  /** Devices with an open request, as of the last queue computation. */
  private devicesWithOpen = new Set<string>();
  private flushing = false;
  private pending = false;
  private scheduled = false;
  private lastFacts: QueueFacts | null = null;
  private idleWaiters: Array<() => void> = [];
  /** A change happened since the last push (vs. a timed look, pushed only when the result differs). */
  private forced = false;
  private lastPushed = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    io: Server,
    private readonly help: HelpService,
    private readonly settings: SettingsService,
    private readonly log: Logger,
    /** The hub's clock (tests move it forward). */
    private readonly now: () => number = Date.now,
    /** The queue is looked at again at least this often (a CLI settings change, a clock that jumped): eta.recheckSeconds. */
    private readonly recheckMs = 60_000,
    /** Who is online: this process (MemoryPresence) or every hub node (redis/presence.ts). */
    private readonly presence: Presence = new MemoryPresence(),
  ) {
    this.devNs = io.of(NS.device);
    this.techNs = io.of(NS.tech);
    presence.onChange((c) => this.presenceChanged(c));
  }

  // ---------- presence (socket/presence.ts) ----------
  isDeviceOnline = (id: string): boolean => this.presence.isDeviceOnline(id);
  isTechOnline = (id: string): boolean => this.presence.isTechOnline(id);
  onlineTechCount = (): number => this.presence.onlineTechCount();
  /** Technicians online and not on a break: what waits are estimated with. */
  availableTechCount = (): number => this.presence.availableTechCount();
  isTechAvailable = (id: string): boolean => this.presence.isTechOnline(id) && !this.presence.isTechOnBreak(id);
  onlineDeviceCount = (): number => this.presence.onlineDeviceCount();
  /** Someone came online or went offline for the whole hub (`mine`: this node saw it first and acts on it for the hub). */
  onPresenceChange = (listener: (c: PresenceChange) => void): void => this.presence.onChange(listener);
  deviceUp = (id: string): void => this.presence.deviceUp(id);
  deviceDown = (id: string): void => this.presence.deviceDown(id);
  techUp = (id: string): void => this.presence.techUp(id);
  techDown = (id: string): void => this.presence.techDown(id);

  /** Each node tells its own technicians; the node that caused a change recomputes the queue (ETAs depend on who is online). */
  private presenceChanged(c: PresenceChange): void {
    if (c.kind === 'device') {
      this.techNs.local.to(rooms.allTechs).emit('device:presence', { deviceId: c.id, online: c.on });
      if (c.mine && this.devicesWithOpen.has(c.id)) this.queueChanged();
    } else if (c.mine) this.queueChanged();
  }

  /** A technician starts or ends a break (all their tabs hear it); practices' waits are recomputed. */
  async setTechAvailable(id: string, available: boolean): Promise<void> {
    if (!this.isTechOnline(id) || this.isTechAvailable(id) === available) return;
    await this.presence.setBreak(id, !available);
    this.techNs.to(rooms.tech(id)).emit('tech:availability', { available });
  }

  // ---------- pushes ----------
  /** A request changed: its device and the technicians following it hear about it; the queue is recomputed. */
  requestChanged(req: HelpRequest, message?: ChatMessage | null): void {
    this.devNs.to(rooms.device(req.deviceId)).emit('help:updated', req);
    this.techNs.to(rooms.request(req.id)).to(rooms.allTechs).emit('help:updated', req);
    if (message) this.chatMessage(req.deviceId, message);
    this.queueChanged();
  }

  chatMessage(deviceId: string, message: ChatMessage): void {
    this.devNs.to(rooms.device(deviceId)).emit('chat:message', message);
    this.techNs.to(rooms.request(message.requestId)).emit('chat:message', message);
  }

  receipts(deviceId: string, receipts: ChatReceipts): void {
    this.devNs.to(rooms.device(deviceId)).emit('chat:receipt', receipts);
    this.techNs.to(rooms.request(receipts.requestId)).emit('chat:receipt', receipts);
  }

  /** Technician sockets follow a request (chat, receipts, typing). */
  follow(technicianId: string, requestId: string): void {
    this.techNs.in(rooms.tech(technicianId)).socketsJoin(rooms.request(requestId));
  }
  unfollow(technicianId: string, requestId: string): void {
    this.techNs.in(rooms.tech(technicianId)).socketsLeave(rooms.request(requestId));
  }

  // ---------- queue ----------
  /** Schedules one recomputation of the queue (bursts of changes coalesce into one push). */
  queueChanged(): void {
    this.forced = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.flushing) {
      this.pending = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async facts(): Promise<QueueFacts> {
    const [open, pickup, support] = await Promise.all([this.help.listOpen(), this.help.pickupStats(), this.settings.supportRecord()]);
    this.devicesWithOpen = new Set(open.map((r) => r.deviceId));
    this.lastFacts = { open, pickup, support };
    return this.lastFacts;
  }

  /** The snapshot at this instant of the hub's clock, and when what it tells practices changes next. */
  private compose(f: QueueFacts): { snap: QueueSnapshot; nextChangeAt: number | null } {
    const nowMs = this.now();
    const support = SettingsService.status(f.support, nowMs, { online: this.onlineTechCount(), available: this.availableTechCount() });
    const waiting = f.open.filter((r) => r.status === 'waiting');
    const { positions, nextChangeAt } = this.help.positions(waiting, { nowMs, pickup: f.pickup, techniciansAvailable: support.techniciansAvailable, support });
    const snap: QueueSnapshot = {
      requests: f.open.map((r) => ({ ...r, deviceOnline: this.isDeviceOnline(r.deviceId) })),
      serverTime: new Date(nowMs).toISOString(),
      medianPickupSeconds: f.pickup.medianSeconds ?? 0,
      pickupSamples: f.pickup.samples,
      positions,
      support,
    };
    return { snap, nextChangeAt };
  }

  async snapshot(): Promise<QueueSnapshot> {
    return this.compose(await this.facts()).snap;
  }

  /** Position of one waiting request, at this instant (recent facts when they hold it, else fresh ones). */
  async positionOf(requestId: string): Promise<QueuePosition | null> {
    const f = this.lastFacts && this.lastFacts.open.some((r) => r.id === requestId) ? this.lastFacts : await this.facts();
    return this.compose(f).snap.positions.find((p) => p.requestId === requestId) ?? null;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    let nextChangeAt: number | null = null;
    try {
      do {
        this.pending = false;
        const forced = this.forced;
        this.forced = false;
        const composed = this.compose(await this.facts());
        const { snap } = composed;
        nextChangeAt = composed.nextChangeAt;
        // The seconds waited and the clock move on their own: a timed look pushes only what changed.
        const key = JSON.stringify(snap, (k, v: unknown) => (k === 'serverTime' || k === 'waitedSeconds' ? undefined : v));
        if (!forced && key === this.lastPushed) continue;
        this.lastPushed = key;
        this.techNs.to(rooms.allTechs).emit('queue:updated', snap);
        const waiting = snap.requests.filter((r) => r.status === 'waiting');
        snap.positions.forEach((p, i) => this.devNs.to(rooms.device(waiting[i]!.deviceId)).emit('help:position', p));
      } while (this.pending);
    } catch (e) {
      this.log.error({ err: e }, 'queue broadcast failed');
    } finally {
      this.flushing = false;
      this.arm(nextChangeAt);
      if (!this.scheduled) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** The next timed look: when a wait message changes by itself, or within a minute. */
  private arm(nextChangeAt: number | null): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    const delay = Math.min(this.recheckMs, Math.max(20, nextChangeAt === null ? this.recheckMs : nextChangeAt - this.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.schedule();
    }, delay);
    this.timer.unref();
  }

  /** No more timed looks (the hub is closing). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Resolves when no queue broadcast is running or scheduled (used by close and tests). */
  idle(): Promise<void> {
    if (!this.flushing && !this.scheduled) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }
}
