/**
 * Who is online: devices, technicians, technicians on a break. A port with two implementations:
 * MemoryPresence (one hub node: this process's sockets are everyone) and RedisPresence
 * (redis/presence.ts: every node's sockets, a dead node's forgotten within seconds). Reads are
 * synchronous (the hub asks them in the middle of requests); changes are told to the listeners,
 * each once per node, when the answer of `isDeviceOnline`/`isTechOnline`/`isTechOnBreak` flips.
 */

export interface PresenceChange {
  kind: 'device' | 'tech' | 'break';
  id: string;
  /** Online (device, tech) or on a break (break) from now on. */
  on: boolean;
  /** This node caused it (its own sockets, or it removed a dead node's): it recomputes what depends on it, once for the hub. */
  mine: boolean;
}

export interface Presence {
  /** One more / one less socket of a device or technician on this node. */
  deviceUp(id: string): void;
  deviceDown(id: string): void;
  techUp(id: string): void;
  techDown(id: string): void;
  /** A technician online starts or ends a break; resolves when this node's answers show it. */
  setBreak(id: string, onBreak: boolean): Promise<void>;
  isDeviceOnline(id: string): boolean;
  isTechOnline(id: string): boolean;
  isTechOnBreak(id: string): boolean;
  onlineDeviceCount(): number;
  onlineTechCount(): number;
  /** Technicians online and not on a break. */
  availableTechCount(): number;
  onChange(listener: (c: PresenceChange) => void): void;
  /** Stops (the hub is closing): a shared presence withdraws this node's sockets at once. */
  stop(): Promise<void>;
}

/** Listeners and the flip test shared by the implementations. */
export abstract class PresenceBase implements Presence {
  private readonly listeners: Array<(c: PresenceChange) => void> = [];
  abstract deviceUp(id: string): void;
  abstract deviceDown(id: string): void;
  abstract techUp(id: string): void;
  abstract techDown(id: string): void;
  abstract setBreak(id: string, onBreak: boolean): Promise<void>;
  abstract isDeviceOnline(id: string): boolean;
  abstract isTechOnline(id: string): boolean;
  abstract isTechOnBreak(id: string): boolean;
  abstract onlineDeviceCount(): number;
  abstract onlineTechCount(): number;
  abstract availableTechCount(): number;
  abstract stop(): Promise<void>;

  onChange(listener: (c: PresenceChange) => void): void {
    this.listeners.push(listener);
  }

  protected answer(kind: PresenceChange['kind'], id: string): boolean {
    return kind === 'device' ? this.isDeviceOnline(id) : kind === 'tech' ? this.isTechOnline(id) : this.isTechOnBreak(id);
  }

  /** Runs a change of state and tells the listeners when the answer about `id` flipped. */
  protected mutate(kind: PresenceChange['kind'], id: string, change: () => void, mine: boolean): void {
    const before = this.answer(kind, id);
    change();
    const on = this.answer(kind, id);
    if (on !== before) for (const l of this.listeners) l({ kind, id, on, mine });
  }
}

/** Counts of sockets per id, forgotten at zero. */
export class SocketCounts {
  private readonly n = new Map<string, number>();
  /** Returns the id's count after the change. */
  add(id: string, d: 1 | -1): number {
    const v = Math.max(0, (this.n.get(id) ?? 0) + d);
    if (v > 0) this.n.set(id, v);
    else this.n.delete(id);
    return v;
  }
  has(id: string): boolean {
    return this.n.has(id);
  }
  get size(): number {
    return this.n.size;
  }
  ids(): IterableIterator<string> {
    return this.n.keys();
  }
}

/** One node: this process's sockets are everyone (the hub's behaviour without Redis). */
export class MemoryPresence extends PresenceBase {
  private readonly devices = new SocketCounts();
  private readonly techs = new SocketCounts();
  /** Online technicians who said they are on a break (forgotten when their last socket goes). */
  private readonly onBreak = new Set<string>();

  deviceUp(id: string): void {
    this.mutate('device', id, () => this.devices.add(id, 1), true);
  }
  deviceDown(id: string): void {
    this.mutate('device', id, () => this.devices.add(id, -1), true);
  }
  techUp(id: string): void {
    this.mutate('tech', id, () => this.techs.add(id, 1), true);
  }
  techDown(id: string): void {
    this.mutate(
      'tech',
      id,
      () => {
        if (this.techs.add(id, -1) === 0) this.onBreak.delete(id);
      },
      true,
    );
  }
  setBreak(id: string, onBreak: boolean): Promise<void> {
    if (this.isTechOnline(id)) this.mutate('break', id, () => (onBreak ? this.onBreak.add(id) : this.onBreak.delete(id)), true);
    return Promise.resolve();
  }

  isDeviceOnline(id: string): boolean {
    return this.devices.has(id);
  }
  isTechOnline(id: string): boolean {
    return this.techs.has(id);
  }
  isTechOnBreak(id: string): boolean {
    return this.onBreak.has(id);
  }
  onlineDeviceCount(): number {
    return this.devices.size;
  }
  onlineTechCount(): number {
    return this.techs.size;
  }
  availableTechCount(): number {
    return this.techs.size - [...this.onBreak].filter((id) => this.techs.has(id)).length;
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
