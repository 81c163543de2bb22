import {
  err,
  type HelpRequest,
  type QueueChange,
  type QueueItem,
  type QueuePosition,
  type QueueSnapshot,
  type Result,
} from '@vigie/common';
import { arrivals, orderQueue } from '../lib/queue';
import type { ConsoleCore } from './core';

/**
 * The waiting queue: snapshots from the hub (the whole queue with its positions, a few times a second
 * at most), each request's changes as they happen (`help:updated`: a new request appears and rings at
 * once), the bell and notifications for new requests, taking one.
 */
export class ConsoleQueue {
  /** Requests this technician just released: their coming back is no arrival. */
  private readonly justReleased = new Set<string>();
  /**
   * Requests heard of through `help:updated` since the last snapshot: one that a snapshot read
   * before it was made does not hold is kept until the next (it is not gone, the snapshot is older).
   */
  private heardSinceSnapshot = new Set<string>();
  /** Requests heard closed since the last snapshot: a change read before they closed may still list them (no cause to ask for the whole queue). */
  private goneSinceSnapshot = new Set<string>();

  constructor(
    private readonly core: ConsoleCore,
    /** A request was taken by this technician (it becomes one of mine, its workspace opens). */
    private readonly taken: (r: HelpRequest) => void,
  ) {}

  released(requestId: string): void {
    this.justReleased.add(requestId);
  }

  /** A queue snapshot; `silent` (the first after sign-in): no bell for what was already waiting. */
  apply(snapshot: QueueSnapshot, silent: boolean): void {
    const { core } = this;
    const prev = core.queue.getState();
    // A snapshot read before a request closed does not bring it back.
    const gone = this.goneSinceSnapshot;
    const q = gone.size ? { ...snapshot, requests: snapshot.requests.filter((r) => !gone.has(r.id)) } : snapshot;
    const fresh = arrivals(prev.knownWaiting, q.requests).filter((r) => !this.justReleased.has(r.id));
    this.justReleased.clear();
    const inSnapshot = new Set(q.requests.map((r) => r.id));
    const heard = silent ? [] : prev.requests.filter((r) => this.heardSinceSnapshot.has(r.id) && !inSnapshot.has(r.id));
    this.heardSinceSnapshot = new Set();
    this.goneSinceSnapshot = new Set();
    const requests = [...q.requests, ...heard];
    core.queue.setState({
      requests: orderQueue(requests),
      loaded: true,
      offsetMs: Date.parse(q.serverTime) - core.clock.now() || 0,
      medianPickupSeconds: q.medianPickupSeconds,
      positions: q.positions,
      support: q.support,
      knownWaiting: new Set(requests.filter((r) => r.status === 'waiting').map((r) => r.id)),
    });
    if (!silent) this.ring(fresh);
  }

  /**
   * What changed since the hub's previous push (`queue:changed`), applied to the queue held here as
   * a snapshot would be. A request or a position it does not carry must be held already; if one is
   * not (a push missed while reconnecting), the whole queue is asked for instead.
   */
  applyChange(c: QueueChange): void {
    const s = this.core.queue.getState();
    if (!s.loaded) return; // tech:hello's snapshot comes first
    const held = new Map(s.requests.map((r) => [r.id, r]));
    const changed = new Map(c.changed.map((r) => [r.id, r]));
    const told = new Map(s.positions.map((p) => [p.requestId, p]));
    for (const p of c.positions) told.set(p.requestId, p);
    const requests: QueueItem[] = [];
    const positions: QueuePosition[] = [];
    for (const id of c.order) {
      if (this.goneSinceSnapshot.has(id)) continue;
      const r = changed.get(id) ?? held.get(id);
      const p = r?.status === 'waiting' ? told.get(id) : undefined;
      if (!r || (r.status === 'waiting' && !p)) {
        void this.refresh();
        return;
      }
      requests.push(r);
      if (p) positions.push(p);
    }
    const { order: _order, changed: _changed, ...rest } = c;
    this.apply({ ...rest, requests, positions }, false);
  }

  /** The bell, the screen reader's announcement and (when the console is not looked at) notifications for new requests. */
  private ring(fresh: readonly HelpRequest[]): void {
    if (fresh.length === 0) return;
    const { core } = this;
    const { deps } = core;
    const t = deps.i18n.t.bind(deps.i18n);
    if (core.ui.getState().soundEnabled) deps.alerts.chime('request');
    const first = fresh[0]!;
    core.announce(t('alerts.announceRequest', { practice: first.practiceName, device: first.deviceName }));
    if (!deps.hasAttention()) {
      for (const r of fresh.slice(0, 3)) {
        deps.alerts.notify(
          t('alerts.newRequestTitle'),
          t('alerts.newRequestBody', { practice: r.practiceName, device: r.deviceName }),
          `request-${r.id}`,
          () => deps.navigate({ name: 'queue' }),
        );
      }
    }
  }

  /**
   * A request changed: updated in the queue while open, gone once closed; a new waiting request
   * joins the queue and rings at once (its device just asked: shown online until told otherwise).
   */
  updated(r: HelpRequest): void {
    const s0 = this.core.queue.getState();
    if (s0.loaded && r.status === 'waiting' && !s0.requests.some((q) => q.id === r.id)) {
      this.heardSinceSnapshot.add(r.id);
      const known = s0.knownWaiting.has(r.id);
      this.core.queue.setState((s) => ({
        requests: orderQueue([...s.requests, { ...r, deviceOnline: true }]),
        knownWaiting: new Set([...s.knownWaiting, r.id]),
      }));
      if (!known && !this.justReleased.has(r.id)) this.ring([r]);
      return;
    }
    const open = r.status === 'waiting' || r.status === 'assigned';
    if (!open) this.goneSinceSnapshot.add(r.id);
    this.core.queue.setState((s) => {
      const i = s.requests.findIndex((q) => q.id === r.id);
      if (i < 0) return {};
      const requests = open
        ? s.requests.map((q) => (q.id === r.id ? { ...r, deviceOnline: q.deviceOnline } : q))
        : s.requests.filter((q) => q.id !== r.id);
      return { requests: orderQueue(requests) };
    });
  }

  /** A device came or went: shown on its requests. */
  presence(deviceId: string, online: boolean): void {
    this.core.queue.setState((s) => ({
      requests: s.requests.map((r) => (r.deviceId === deviceId && r.deviceOnline !== online ? { ...r, deviceOnline: online } : r)),
    }));
  }

  async refresh(): Promise<void> {
    const r = await this.core.deps.client.request('queue:list', {});
    if (r.ok) this.apply(r.data, false);
  }

  dismissNotice(): void {
    this.core.queue.setState({ notice: null });
  }

  /** Takes a waiting request. CONFLICT (a colleague was faster) is shown and the queue refreshed. */
  async accept(requestId: string): Promise<Result<HelpRequest>> {
    const { queue, deps } = this.core;
    if (queue.getState().accepting) return err('CONFLICT', 'Une prise en charge est déjà en cours.');
    queue.setState({ accepting: requestId, notice: null });
    const r = await deps.client.request('help:accept', { requestId });
    queue.setState({ accepting: null });
    if (r.ok) {
      this.taken(r.data);
      deps.navigate({ name: 'request', id: r.data.id });
      return r;
    }
    queue.setState({
      notice: r.error.code === 'CONFLICT' ? { kind: 'taken', requestId } : { kind: 'error', code: r.error.code, requestId },
    });
    if (r.error.code === 'CONFLICT' || r.error.code === 'NOT_FOUND') await this.refresh();
    return r;
  }
}
