import { create } from 'zustand';
import type { TripwireState, VigieApi } from '@vigie/common';

interface TripwireStore {
  state: TripwireState | null;
  /** The alert whose full-width message the practitioner folded (it stays as a bar until the alert ends). */
  folded: string | null;
  /** Subscribes to `tripwire:state` and loads the current state; once per api. */
  attach(api: VigieApi): void;
  fold(alertId: string | null): void;
}

let attached: VigieApi | null = null;

/** The ransomware tripwire as the renderer draws it: nothing, or the alert and what to do. */
export const useTripwire = create<TripwireStore>((set) => ({
  state: null,
  folded: null,
  attach(api) {
    if (attached === api) return;
    attached = api;
    api.on('tripwire:state', (state) => set({ state }));
    void api.tripwire.getState({}).then(
      (r) => {
        if (r.ok) set((s) => ({ state: s.state ?? r.data }));
      },
      () => undefined,
    );
  },
  fold: (folded) => set({ folded }),
}));

/** Electron's full-width alert window loads the renderer with #tripwire=alert. */
export function tripwireWindowOf(hash: string): boolean {
  return new URLSearchParams(hash.replace(/^#/, '')).get('tripwire') === 'alert';
}

/** `04 72 00 00 00` → `tel:0472000000` (a leading + kept). */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}
