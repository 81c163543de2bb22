import type { Namespace, Server } from 'socket.io';
import { NS, type ChatMessage, type ChatReceipts, type HelpRequest, type QueuePosition, type QueueSnapshot } from '@vigie/common';
import type { Logger } from '../logger.js';
import type { HelpService } from '../services/help.js';
import type { SettingsService } from '../settings/service.js';
import { QueuePush, type QueueFlushPort } from './queue-push.js';

export const rooms = {
  device: (id: string) => `device:${id}`,
  tech: (id: string) => `tech:${id}`,
  session: (id: string) => `session:${id}`,
  request: (id: string) => `req:${id}`,
  allTechs: 'techs',
} as const;

/**
 * Live state and pushes: who is online and available (memory only; everything that matters is in
 * the store), the pushes of a request's changes, and the coalesced queue broadcast (queue-push.ts).
 */
export class Realtime {
  readonly devNs: Namespace;
  readonly techNs: Namespace;
  private readonly devicesOnline = new Map<string, number>();
  private readonly techsOnline = new Map<string, number>();
  /** Online technicians who said they are on a break (forgotten when their last socket goes). */
  private readonly techsOnBreak = new Set<string>();
  /** The queue broadcast (`queue:updated`, `help:position`): queue-push.ts. */
  readonly queue: QueuePush;
  constructor(
    io: Server,
    help: HelpService,
    settings: SettingsService,
    log: Logger,
    /** The hub's clock (tests move it forward). */
    now: () => number = Date.now,
    /** The queue is looked at again at least this often (a CLI settings change, a clock that jumped): eta.recheckSeconds. */
    recheckMs = 60_000,
    /** Who computes and pushes the queue (default: this node; several nodes: queue-flush-redis.ts). */
    flush?: QueueFlushPort,
  ) {
    this.devNs = io.of(NS.device);
    this.techNs = io.of(NS.tech);
    this.queue = new QueuePush({
      techNs: this.techNs,
      devNs: this.devNs,
      allTechsRoom: rooms.allTechs,
      deviceRoom: rooms.device,
      help,
      settings,
      presence: this,
      log,
      now,
      recheckMs,
      ...(flush ? { flush } : {}),
    });
  }

  // ---------- presence ----------
  isDeviceOnline = (id: string): boolean => (this.devicesOnline.get(id) ?? 0) > 0;
  isTechOnline = (id: string): boolean => (this.techsOnline.get(id) ?? 0) > 0;
  onlineTechCount = (): number => this.techsOnline.size;
  /** Technicians online and not on a break: what waits are estimated with. */
  availableTechCount = (): number => this.techsOnline.size - [...this.techsOnBreak].filter((id) => this.techsOnline.has(id)).length;
  isTechAvailable = (id: string): boolean => this.isTechOnline(id) && !this.techsOnBreak.has(id);
  onlineDeviceCount = (): number => this.devicesOnline.size;

  /** Returns true when this is the device's first socket. */
  deviceUp(id: string): boolean {
    const n = (this.devicesOnline.get(id) ?? 0) + 1;
    this.devicesOnline.set(id, n);
    if (n === 1) {
      this.techNs.to(rooms.allTechs).emit('device:presence', { deviceId: id, online: true });
      if (this.queue.hasOpen(id)) this.queueChanged();
    }
    return n === 1;
  }
  deviceDown(id: string): boolean {
    const n = (this.devicesOnline.get(id) ?? 1) - 1;
    if (n > 0) {
      this.devicesOnline.set(id, n);
      return false;
    }
    this.devicesOnline.delete(id);
    this.techNs.to(rooms.allTechs).emit('device:presence', { deviceId: id, online: false });
    if (this.queue.hasOpen(id)) this.queueChanged();
    return true;
  }
  techUp(id: string): void {
    const n = (this.techsOnline.get(id) ?? 0) + 1;
    this.techsOnline.set(id, n);
    if (n === 1) this.queueChanged(); // ETAs depend on how many technicians are online
  }
  techDown(id: string): void {
    const n = (this.techsOnline.get(id) ?? 1) - 1;
    if (n > 0) this.techsOnline.set(id, n);
    else {
      this.techsOnline.delete(id);
      this.techsOnBreak.delete(id);
      this.queueChanged();
    }
  }

  /** A technician starts or ends a break (all their tabs hear it); practices' waits are recomputed. */
  setTechAvailable(id: string, available: boolean): void {
    if (!this.isTechOnline(id) || this.isTechAvailable(id) === available) return;
    if (available) this.techsOnBreak.delete(id);
    else this.techsOnBreak.add(id);
    this.techNs.to(rooms.tech(id)).emit('tech:availability', { available });
    this.queueChanged();
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
