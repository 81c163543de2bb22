import { create } from 'zustand';
import type { ErrorBody, InterventionSummary, VigieApi } from '@vigie/common';

/** What the last « Ouvrir le reçu » / « Afficher le dossier » did, per request (or the folder). */
export type Opened = { requestId: string | null; path: string; opened: boolean };

interface InterventionsState {
  items: InterventionSummary[];
  more: boolean;
  load: 'idle' | 'loading' | 'ready' | 'error';
  error: ErrorBody | null;
  /** Request whose receipt is being fetched and saved. */
  opening: string | null;
  opened: Opened | null;
  /** Errors of « Ouvrir » and « Afficher le dossier », per request id ('' for the folder). */
  actionError: { requestId: string; body: ErrorBody } | null;
  refresh(api: VigieApi): Promise<void>;
  loadMore(api: VigieApi): Promise<void>;
  open(api: VigieApi, requestId: string): Promise<void>;
  openFolder(api: VigieApi): Promise<void>;
}

const failed = (e: unknown): ErrorBody => ({ code: 'INTERNAL', message: e instanceof Error ? e.message : '' });

/** « Mes interventions »: the closed interventions on this computer (newest first, paged) and their receipts. */
export const useInterventions = create<InterventionsState>((set, get) => ({
  items: [],
  more: false,
  load: 'idle',
  error: null,
  opening: null,
  opened: null,
  actionError: null,
  async refresh(api) {
    set({ load: 'loading', error: null });
    try {
      const r = await api.interventions.list({});
      if (r.ok) set({ items: r.data.items, more: r.data.more, load: 'ready' });
      else set({ load: 'error', error: r.error });
    } catch (e) {
      set({ load: 'error', error: failed(e) });
    }
  },
  async loadMore(api) {
    const last = get().items.at(-1);
    if (!last?.closedAt || get().load === 'loading') return;
    set({ load: 'loading', error: null });
    try {
      const r = await api.interventions.list({ before: { closedAt: last.closedAt, requestId: last.requestId } });
      if (r.ok)
        set((s) => ({
          items: [...s.items, ...r.data.items.filter((i) => !s.items.some((x) => x.requestId === i.requestId))],
          more: r.data.more,
          load: 'ready',
        }));
      else set({ load: 'error', error: r.error });
    } catch (e) {
      set({ load: 'error', error: failed(e) });
    }
  },
  async open(api, requestId) {
    if (get().opening) return;
    set({ opening: requestId, actionError: null });
    try {
      const r = await api.interventions.open({ requestId });
      if (r.ok) {
        set({ opened: { requestId, path: r.data.path, opened: r.data.opened } });
        // The receipt may just have been issued: the list shows it now.
        const list = await api.interventions.list({});
        if (list.ok) set({ items: list.data.items, more: list.data.more });
      } else set({ actionError: { requestId, body: r.error } });
    } catch (e) {
      set({ actionError: { requestId, body: failed(e) } });
    } finally {
      set({ opening: null });
    }
  },
  async openFolder(api) {
    set({ actionError: null });
    try {
      const r = await api.interventions.openFolder({});
      if (r.ok) set({ opened: { requestId: null, path: r.data.path, opened: r.data.opened } });
      else set({ actionError: { requestId: '', body: r.error } });
    } catch (e) {
      set({ actionError: { requestId: '', body: failed(e) } });
    }
  },
}));
