import type { DeviceDataMessage, TechDataMessage } from '@vigie/common';
import type { Logger } from '../lib/log';
import type { Peer } from '../../../web/peer';

const REPLY_TIMEOUT_MS = 10_000;

type Reply = Exclude<DeviceDataMessage, { t: 'control' | 'display' | 'pong' }>;

/**
 * The technician's side of the data channel to the device: messages sent as JSON on the peer's
 * channel, pings stamped with the page's clock, and asks (clipboard) waiting for the reply with
 * the same id, or null after 10 s, when the channel is not open, or when the peer goes away.
 */
export class DataChannel {
  private msgId = 0;
  private readonly waiting = new Map<number, { resolve: (m: DeviceDataMessage | null) => void; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly peer: () => Peer | null,
    private readonly log: Logger,
  ) {}

  send(m: TechDataMessage): boolean {
    const p = this.peer();
    if (!p?.connected) return false;
    try {
      p.send(JSON.stringify(m));
      return true;
    } catch (e) {
      this.log.warn('data channel send failed', e);
      return false;
    }
  }

  ping(): void {
    this.send({ t: 'ping', id: this.nextId(), sentAt: performance.now() });
  }

  ask(make: (id: number) => TechDataMessage): Promise<DeviceDataMessage | null> {
    const id = this.nextId();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(null);
      }, REPLY_TIMEOUT_MS);
      this.waiting.set(id, { resolve, timer });
      if (!this.send(make(id))) {
        this.waiting.delete(id);
        clearTimeout(timer);
        resolve(null);
      }
    });
  }

  /** The device's reply to an ask (unknown ids are ignored). */
  settle(m: Reply): void {
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    clearTimeout(w.timer);
    w.resolve(m);
  }

  /** The peer is gone: every ask still waiting gets null. */
  cancelAll(): void {
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      w.resolve(null);
      this.waiting.delete(id);
    }
  }

  private nextId(): number {
    this.msgId = (this.msgId + 1) % 2 ** 31;
    return this.msgId;
  }
}
