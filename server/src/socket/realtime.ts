import type { Namespace, Server } from 'socket.io';
import { NS, type ChatMessage, type ChatReceipts, type HelpRequest, type QueueSnapshot } from '@vigie/common';
import type { Logger } from '../logger.js';
import type { HelpService } from '../services/help.js';
import { nowIso } from '../util.js';

export const rooms = {
  device: (id: string) => `device:${id}`,
  tech: (id: string) => `tech:${id}`,
  session: (id: string) => `session:${id}`,
  request: (id: string) => `req:${id}`,
  allTechs: 'techs',
} as const;

/**
 * Live state and pushes: who is online (memory only; everything that matters is in SQLite) and
 * the coalesced queue broadcast (`queue:updated` to technicians, `help:position` to waiting devices).
 */
export class Realtime {
  readonly devNs: Namespace;
  readonly techNs: Namespace;
  private readonly devicesOnline = new Map<string, number>();
  private readonly techsOnline = new Map<string, number>();
  /** Devices with an open request, as of the last queue computation. */
  private devicesWithOpen = new Set<string>();
  private flushing = false;
  private pending = false;
  private scheduled = false;
  private lastSnapshot: QueueSnapshot | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(
    io: Server,
    private readonly help: HelpService,
    private readonly log: Logger,
  ) {
    this.devNs = io.of(NS.device);
    this.techNs = io.of(NS.tech);
  }

  // ---------- presence ----------
  isDeviceOnline = (id: string): boolean => (this.devicesOnline.get(id) ?? 0) > 0;
  isTechOnline = (id: string): boolean => (this.techsOnline.get(id) ?? 0) > 0;
  onlineTechCount = (): number => this.techsOnline.size;
  onlineDeviceCount = (): number => this.devicesOnline.size;

  /** Returns true when this is the device's first socket. */
  deviceUp(id: string): boolean {
    const n = (this.devicesOnline.get(id) ?? 0) + 1;
    this.devicesOnline.set(id, n);
    if (n === 1) {
      this.techNs.to(rooms.allTechs).emit('device:presence', { deviceId: id, online: true });
      if (this.devicesWithOpen.has(id)) this.queueChanged();
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
    if (this.devicesWithOpen.has(id)) this.queueChanged();
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
      this.queueChanged();
    }
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

  async snapshot(): Promise<QueueSnapshot> {
    const [open, median] = await Promise.all([this.help.listOpen(), this.help.medianPickupSeconds()]);
    this.devicesWithOpen = new Set(open.map((r) => r.deviceId));
    const snap: QueueSnapshot = {
      requests: open.map((r) => ({ ...r, deviceOnline: this.isDeviceOnline(r.deviceId) })),
      serverTime: nowIso(),
      medianPickupSeconds: median,
    };
    this.lastSnapshot = snap;
    return snap;
  }

  /** Position of one waiting request, from a fresh snapshot. */
  async positionOf(requestId: string) {
    const snap = this.lastSnapshot && this.lastSnapshot.requests.some((r) => r.id === requestId) ? this.lastSnapshot : await this.snapshot();
    const waiting = snap.requests.filter((r) => r.status === 'waiting');
    return this.help.positions(waiting, snap.medianPickupSeconds, this.onlineTechCount()).find((p) => p.requestId === requestId) ?? null;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      do {
        this.pending = false;
        const snap = await this.snapshot();
        this.techNs.to(rooms.allTechs).emit('queue:updated', snap);
        const waiting = snap.requests.filter((r) => r.status === 'waiting');
        const positions = this.help.positions(waiting, snap.medianPickupSeconds, this.onlineTechCount());
        positions.forEach((p, i) => this.devNs.to(rooms.device(waiting[i]!.deviceId)).emit('help:position', p));
      } while (this.pending);
    } catch (e) {
      this.log.error({ err: e }, 'queue broadcast failed');
    } finally {
      this.flushing = false;
      if (!this.scheduled) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Resolves when no queue broadcast is running or scheduled (used by close and tests). */
  idle(): Promise<void> {
    if (!this.flushing && !this.scheduled) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }
}
