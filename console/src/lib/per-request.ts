import { createStore } from 'zustand/vanilla';
import type { ErrorBody } from '@vigie/common';
import type { TechClient } from './socket';

/** One request's view in a panel of the workspace, with where its loading stands. */
export interface RequestView {
  load: 'idle' | 'loading' | 'ready' | 'error';
  error: ErrorBody | null;
}

export interface PerRequestState<V extends RequestView> {
  byRequest: Record<string, V>;
}

/**
 * What a workspace panel keeps per request (the safety backup, the tripwire alerts…): each request's
 * view, patched in place, emptied at sign-out, and loaded again after a reconnection for every
 * request already opened (pushes may have been missed meanwhile).
 */
export abstract class PerRequestViews<V extends RequestView> {
  readonly store = createStore<PerRequestState<V>>()(() => ({ byRequest: {} }));

  constructor(
    protected readonly client: TechClient,
    private readonly empty: () => V,
  ) {}

  /** Asks the hub for one request's view. */
  abstract load(requestId: string): Promise<void>;

  /** Listens to `pushes` (their stop functions) and to reconnections; returns what stops them all. */
  protected listen(...pushes: Array<() => void>): () => void {
    const offs = [
      ...pushes,
      this.client.onStatus((s) => {
        if (s !== 'connected') return;
        for (const [id, v] of Object.entries(this.store.getState().byRequest)) if (v.load !== 'idle') void this.load(id);
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  reset(): void {
    this.store.setState({ byRequest: {} });
  }

  protected patch(requestId: string, fn: (v: V) => Partial<V>): void {
    this.store.setState((s) => {
      const v = s.byRequest[requestId] ?? this.empty();
      return { byRequest: { ...s.byRequest, [requestId]: { ...v, ...fn(v) } } };
    });
  }
}
