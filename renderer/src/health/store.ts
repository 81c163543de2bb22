import { create } from 'zustand';
import type { ErrorBody, HealthReport, VigieApi } from '@vigie/common';
import { answerOf } from '../api.js';

interface HealthState {
  report: HealthReport | null;
  /** The first health:getReport answered. */
  loaded: boolean;
  /** This machine has no health capability (UNAVAILABLE). */
  unavailable: boolean;
  /** A "Vérifier maintenant" is running. */
  scanning: boolean;
  /** Score of the scan the user just asked for (announced once), null otherwise. */
  done: { score: number; at: string } | null;
  error: ErrorBody | null;
  /** Subscribes to `health:report` and loads the latest report; once per api. */
  attach(api: VigieApi): void;
  /** "Vérifier maintenant": one scan at a time (a second click while it runs does nothing). */
  scan(): Promise<void>;
}

let attached: VigieApi | null = null;

/** The "Sécurité" panel's state: latest report (kept fresh by pushes) and the on-demand scan. */
export const useHealth = create<HealthState>((set, get) => ({
  report: null,
  loaded: false,
  unavailable: false,
  scanning: false,
  done: null,
  error: null,
  attach(api) {
    if (attached === api) return;
    attached = api;
    api.on('health:report', (report) => set((s) => ({ report: newer(s.report, report) })));
    void answerOf(() => api.health.getReport({})).then((r) => {
      if (r.ok) set((s) => ({ loaded: true, report: newer(s.report, r.data) }));
      else set({ loaded: true, unavailable: r.error.code === 'UNAVAILABLE', error: r.error.code === 'UNAVAILABLE' ? null : r.error });
    });
  },
  async scan() {
    const api = attached;
    if (!api || get().scanning) return;
    set({ scanning: true, error: null, done: null });
    const r = await answerOf(() => api.health.scan({}));
    if (r.ok) set((s) => ({ scanning: false, report: newer(s.report, r.data), done: { score: r.data.score, at: r.data.finishedAt } }));
    else set({ scanning: false, error: r.error, unavailable: r.error.code === 'UNAVAILABLE' });
  },
}));

/** Keeps whichever report finished last (a push may overtake an answer). */
function newer(a: HealthReport | null, b: HealthReport | null): HealthReport | null {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b.finishedAt) >= Date.parse(a.finishedAt) ? b : a;
}
