import type { i18n as I18n } from 'i18next';
import { createStore } from 'zustand/vanilla';
import type { ErrorCode, Result, SupportSettingsRecord, SupportSettingsUpdate } from '@vigie/common';
import type { Alerts } from '../lib/alerts';
import type { Logger } from '../lib/log';
import type { Route } from '../lib/router';
import type { TechClient } from '../lib/socket';
import type { QueueState, QueueStore } from '../stores/queue';
import type { UiStore } from '../stores/ui';

/** What the last save of the settings form did. */
export type SupportSaveResult =
  { id: number; kind: 'saved' } | { id: number; kind: 'conflict' } | { id: number; kind: 'failed'; code: ErrorCode };

export interface SupportState {
  /** This technician counts among the technicians available (null: not known yet). */
  available: boolean | null;
  /** A break is being started or ended. */
  switching: boolean;
  saving: boolean;
  lastSave: SupportSaveResult | null;
}

const initial = (): SupportState => ({ available: null, switching: false, saving: false, lastSave: null });

export interface SupportControllerDeps {
  client: TechClient;
  alerts: Alerts;
  i18n: I18n;
  log: Logger;
  queue: QueueStore;
  ui: UiStore;
  /** The console has the user's attention: no system notification needed. */
  hasAttention: () => boolean;
  navigate: (route: Route) => void;
  /** Polite announcement for screen readers. */
  announce: (text: string) => void;
}

/**
 * The support's side of the queue page: this technician's break (`tech:availability`, live across
 * their tabs), the admins' settings (`settings:support`, versioned: a stale form is refused and
 * reloaded), and the alert when a waiting request passes 3 minutes — the practice is told at the
 * same moment that a technician has been alerted, so every available console chimes and notifies.
 */
export class SupportController {
  readonly store = createStore<SupportState>()(initial);
  /** Requests already alerted as overdue (alerted again only after leaving that state). */
  private alerted = new Set<string>();
  private saveSeq = 0;

  constructor(private readonly deps: SupportControllerDeps) {}

  attach(): () => void {
    const { client, queue } = this.deps;
    const offs = [
      client.onStatus((s) => {
        if (s === 'connected') void this.readAvailability();
      }),
      client.on('tech:availability', (p) => this.store.setState({ available: p.available })),
      queue.subscribe((s, prev) => {
        if (s.positions !== prev.positions) this.checkOverdue(s);
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  private async readAvailability(): Promise<void> {
    const r = await this.deps.client.request('tech:availability', {});
    if (r.ok) this.store.setState({ available: r.data.available });
    else this.deps.log.warn('tech:availability failed', r.error);
  }

  /** Starts (false) or ends (true) a break. */
  async setAvailable(available: boolean): Promise<Result<{ available: boolean }>> {
    this.store.setState({ switching: true });
    const r = await this.deps.client.request('tech:availability', { available });
    this.store.setState(r.ok ? { switching: false, available: r.data.available } : { switching: false });
    return r;
  }

  /** Saves the admins' form (the hub checks the role and the version the form was loaded from). */
  async save(update: SupportSettingsUpdate): Promise<Result<SupportSettingsRecord>> {
    this.store.setState({ saving: true });
    const r = await this.deps.client.request('settings:support', update);
    const id = ++this.saveSeq;
    this.store.setState({
      saving: false,
      lastSave: r.ok
        ? { id, kind: 'saved' }
        : r.error.code === 'CONFLICT'
          ? { id, kind: 'conflict' }
          : { id, kind: 'failed', code: r.error.code },
    });
    if (r.ok) {
      // The hub pushes the new queue too; taking the record now keeps the form's version right at once.
      this.deps.queue.setState((s) => (s.support && s.support.version < r.data.version ? { support: { ...s.support, ...r.data } } : {}));
    } else if (r.error.code === 'CONFLICT') {
      const q = await this.deps.client.request('queue:list', {});
      if (q.ok) this.deps.queue.setState({ support: q.data.support, positions: q.data.positions });
    }
    return r;
  }

  private checkOverdue(s: QueueState): void {
    const overdue = new Set(s.positions.filter((p) => p.wait?.key === 'overdue').map((p) => p.requestId));
    const fresh = s.requests.filter((r) => r.status === 'waiting' && overdue.has(r.id) && !this.alerted.has(r.id));
    this.alerted = overdue;
    // A technician on a break is not among those the practice is told were alerted.
    if (fresh.length === 0 || this.store.getState().available === false) return;
    const t = this.deps.i18n.t.bind(this.deps.i18n);
    const { alerts } = this.deps;
    if (this.deps.ui.getState().soundEnabled) alerts.chime('request');
    const first = fresh[0]!;
    this.deps.announce(t('support.alert.overdueAnnounce', { practice: first.practiceName, device: first.deviceName }));
    if (!this.deps.hasAttention()) {
      for (const r of fresh.slice(0, 3)) {
        alerts.notify(
          t('support.alert.overdueTitle'),
          t('support.alert.overdueBody', { practice: r.practiceName, device: r.deviceName }),
          `overdue-${r.id}`,
          () => this.deps.navigate({ name: 'queue' }),
        );
      }
    }
  }

  /** Signed out: nothing stays. */
  reset(): void {
    this.alerted.clear();
    this.store.setState(initial());
  }
}
