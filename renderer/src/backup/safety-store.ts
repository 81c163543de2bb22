import { create } from 'zustand';
import type { ErrorBody, SafetyIntervention, VigieApi } from '@vigie/common';
import { answerOf } from '../api.js';
import { mergeNewer } from './merge.js';

interface SafetyState {
  /** Interventions kept on this computer, by request id, kept fresh by `backup:safety`. */
  byRequest: Record<string, SafetyIntervention>;
  /** Interventions whose change list the practitioner closed (until it changes again). */
  dismissed: Record<string, string>;
  undoBusy: string | null;
  undoError: { requestId: string; body: ErrorBody } | null;
  attach(api: VigieApi): void;
  undo(requestId: string): Promise<boolean>;
  dismiss(requestId: string): void;
}

let attached: VigieApi | null = null;

/** A report only moves forward: an answer that arrives after a newer push does not take it back. */
const newer = (a: SafetyIntervention | undefined, b: SafetyIntervention) => (a && a.updatedAt > b.updatedAt ? a : b);

/** The safety backup's interventions (issue 12): what changed during each, and « Annuler les changements de l'intervention ». */
export const useSafety = create<SafetyState>((set, get) => ({
  byRequest: {},
  dismissed: {},
  undoBusy: null,
  undoError: null,
  attach(api) {
    if (attached === api) return;
    attached = api;
    const keep = (items: SafetyIntervention[]) => set((s) => ({ byRequest: mergeNewer(s.byRequest, items, (i) => i.requestId, newer) }));
    api.on('backup:safety', (i) => keep([i]));
    void answerOf(() => api.backup.interventions({})).then((r) => r.ok && keep(r.data));
  },
  async undo(requestId) {
    const api = attached;
    if (!api || get().undoBusy) return false;
    set({ undoBusy: requestId, undoError: null });
    const r = await answerOf(() => api.backup.undoIntervention({ requestId }));
    if (r.ok) set((s) => ({ undoBusy: null, byRequest: mergeNewer(s.byRequest, [r.data], (i) => i.requestId, newer) }));
    else set({ undoBusy: null, undoError: { requestId, body: r.error } });
    return r.ok;
  },
  dismiss(requestId) {
    set((s) => ({ dismissed: { ...s.dismissed, [requestId]: s.byRequest[requestId]?.updatedAt ?? '' } }));
  },
}));
