import type { Namespace, Server } from 'socket.io';
import {
  NS,
  type ChatMessage,
  type Clock,
  type ChatReceipts,
  type HelpRequest,
  type QueuePosition,
  type QueueSnapshot,
} from '@vigie/common';
import type { Logger } from '../logger.js';
import { MemoryPresence, type Presence, type PresenceChange } from './presence.js';
import type { HelpService } from '../services/help.js';
import type { SettingsService } from '../settings/service.js';
import { QueuePush, type QueueFlushPort } from './queue-push.js';

export const rooms = {
  device: (id: string) => `device:${id}`,
  tech: (id: string) => `tech:${id}`,
  session: (id: string) => `session:${id}`,
  request: (id: string) => `req:${id}`,
  allTechs: 'techs',
  /** The technicians' sockets that apply `queue:changed` (tech:hello with queueChanges). */
  queueChanges: 'techs:queue-changes',
} as const;

/**
 * Live state and pushes: who is online and available (memory only; everything that matters is in
 * the store), the pushes of a request's changes, and the coalesced queue broadcast (queue-push.ts).
 */
export class Realtime {
  readonly devNs: Namespace;
  readonly techNs: Namespace;
  /** The queue broadcast (`queue:updated`, `help:position`): queue-push.ts. */
  readonly queue: QueuePush;
  private readonly presence: Presence;
  /** Several nodes share the queue push (a flush port was given). */
  private readonly clustered: boolean;
  constructor(
    io: Server,
    help: HelpService,
    settings: SettingsService,
    log: Logger,
    opts: {
      /** The hub's clock (tests move it forward). */
      now?: Clock['now'];
      /** The queue is looked at again at least this often (a CLI settings change, a clock that jumped): eta.recheckSeconds. */
      recheckMs?: number;
      /** Who computes and pushes the queue (default: this node; several nodes: queue-flush-redis.ts). */
      flush?: QueueFlushPort | undefined;
      /** Who is online: this process (MemoryPresence) or every hub node (redis/presence.ts). */
      presence?: Presence | undefined;
    } = {},
  ) {
    const presence = opts.presence ?? new MemoryPresence();
    this.presence = presence;
    this.clustered = opts.flush !== undefined;
    this.devNs = io.of(NS.device);
    this.techNs = io.of(NS.tech);
    this.queue = new QueuePush({
      techNs: this.techNs,
      devNs: this.devNs,
      allTechsRoom: rooms.allTechs,
      queueChangesRoom: rooms.queueChanges,
      deviceRoom: rooms.device,
      help,
      settings,
      presence: this,
      log,
      now: opts.now ?? Date.now,
      recheckMs: opts.recheckMs ?? 60_000,
      ...(opts.flush ? { flush: opts.flush } : {}),
    });
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
      // Only the node that computes the queue knows which devices have an open request; with several
      // nodes (a flush port given) any change that may show in the queue is handed to whoever flushes.
      if (c.mine && (this.queue.hasOpen(c.id) || this.clustered)) this.queueChanged();
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
    if (req.status !== 'waiting') this.queue.left(req.id);
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

  // ---------- queue (queue-push.ts) ----------
  /** Schedules one recomputation of the queue (bursts of changes coalesce into one push). */
  queueChanged(): void {
    this.queue.changed();
  }
  snapshot(): Promise<QueueSnapshot> {
    return this.queue.snapshot();
  }
  /** Position of one waiting request, at this instant. */
  positionOf(requestId: string): Promise<QueuePosition | null> {
    return this.queue.positionOf(requestId);
  }
  /** No more timed looks (the hub is closing). */
  stop(): void {
    this.queue.stop();
  }
  /** Resolves when no queue broadcast is running or scheduled (used by close and tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }
}
