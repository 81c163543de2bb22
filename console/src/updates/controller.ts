import { createStore } from 'zustand/vanilla';
import type { ChannelState, ErrorCode, Result, UpdateChannel, UpdatePlatform, UpdatesOverview } from '@vigie/common';
import type { Api } from '../lib/api';

/** Shares offered when widening a rollout (electron-updater's staged percentage). */
export const ROLLOUT_STEPS = [5, 10, 25, 50, 100] as const;

/** The shares a rollout at `current` % can be widened to (a halted one resumes at any of them). */
export function raiseChoices(current: number): number[] {
  return ROLLOUT_STEPS.filter((p) => p > current);
}

export const channelKey = (s: Pick<ChannelState, 'channel' | 'platform'>): string => `${s.channel}:${s.platform}`;

/** What the last action did, for the page's status line. */
export type UpdatesActionResult =
  | { id: number; kind: 'raised'; state: ChannelState }
  | { id: number; kind: 'halted'; state: ChannelState }
  | { id: number; kind: 'failed'; code: ErrorCode; message: string };

export interface UpdatesState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  overview: UpdatesOverview | null;
  /** Why the last load failed (FORBIDDEN for a technician who is not an admin). */
  error: { code: ErrorCode; message: string } | null;
  /** The channel (channelKey) whose rollout is being changed. */
  pending: string | null;
  lastAction: UpdatesActionResult | null;
}

const initial = (): UpdatesState => ({ status: 'idle', overview: null, error: null, pending: null, lastAction: null });

/**
 * The admin page "Mises à jour": reads the hub's update overview and changes a channel's rollout
 * through the admin API (widen, halt). The hub decides who may: admins only.
 */
export class UpdatesController {
  readonly store = createStore<UpdatesState>()(initial);
  private seq = 0;

  constructor(private readonly api: Pick<Api, 'updatesOverview' | 'setRollout' | 'haltRollout'>) {}

  async load(): Promise<void> {
    this.store.setState({ status: 'loading' });
    const r = await this.api.updatesOverview();
    if (r.ok) this.store.setState({ status: 'ready', overview: r.data, error: null });
    else this.store.setState({ status: 'error', error: r.error });
  }

  raise(channel: UpdateChannel, platform: UpdatePlatform, stagingPercentage: number): Promise<Result<ChannelState>> {
    return this.change(channelKey({ channel, platform }), 'raised', () => this.api.setRollout({ channel, platform, stagingPercentage }));
  }

  halt(channel: UpdateChannel, platform: UpdatePlatform): Promise<Result<ChannelState>> {
    return this.change(channelKey({ channel, platform }), 'halted', () => this.api.haltRollout({ channel, platform }));
  }

  /** Signed out: nothing of the overview stays in memory. */
  reset(): void {
    this.store.setState(initial());
  }

  private async change(key: string, kind: 'raised' | 'halted', call: () => Promise<Result<ChannelState>>): Promise<Result<ChannelState>> {
    this.store.setState({ pending: key });
    const r = await call();
    const id = ++this.seq;
    this.store.setState({
      pending: null,
      lastAction: r.ok ? { id, kind, state: r.data } : { id, kind: 'failed', code: r.error.code, message: r.error.message },
    });
    await this.load();
    return r;
  }
}
