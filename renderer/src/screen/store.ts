import { create } from 'zustand';
import type { ErrorBody, ScreenState, VigieApi } from '@vigie/common';
import { answerOf } from '../api.js';

export type ScreenAction = 'grant' | 'refuse' | 'stop' | 'revokeControl';

interface ScreenStore {
  state: ScreenState | null;
  busy: Partial<Record<ScreenAction, boolean>>;
  error: { action: ScreenAction; body: ErrorBody } | null;
  /** The ended session whose notice the practitioner closed. */
  dismissed: string | null;
  /** The session whose failed safety backup the practitioner chose to let go on (« Laisser continuer » on the banner). */
  safetyAcknowledged: string | null;
  /** Subscribes to `screen:state` and loads the current state; once per api. */
  attach(api: VigieApi): void;
  /** `withoutSafety`: « Autoriser sans sauvegarde », once the safety backup failed (issue 12). */
  grant(displayId?: string, withoutSafety?: boolean): Promise<boolean>;
  refuse(): Promise<boolean>;
  stop(): Promise<boolean>;
  revokeControl(): Promise<boolean>;
  dismissEnded(): void;
  acknowledgeSafety(): void;
}

let attached: VigieApi | null = null;

/** The remote-screen state the consent window and the banner draw, and the practitioner's answers. */
export const useScreen = create<ScreenStore>((set, get) => {
  async function run(
    action: ScreenAction,
    call: (api: VigieApi) => Promise<{ ok: true; data: ScreenState } | { ok: false; error: ErrorBody }>,
  ): Promise<boolean> {
    const api = attached;
    if (!api || get().busy[action]) return false;
    set((s) => ({ busy: { ...s.busy, [action]: true }, error: null }));
    const r = await answerOf(() => call(api));
    set((s) => ({ busy: { ...s.busy, [action]: false }, ...(r.ok ? { state: r.data } : { error: { action, body: r.error } }) }));
    return r.ok;
  }
  const sessionOf = () => get().state?.consent?.sessionId ?? null;

  return {
    state: null,
    busy: {},
    error: null,
    dismissed: null,
    safetyAcknowledged: null,
    attach(api) {
      if (attached === api) return;
      attached = api;
      api.on('screen:state', (state) => set((s) => ({ state, error: s.state?.sessionId === state.sessionId ? s.error : null })));
      void api.screen.getState({}).then(
        (r) => {
          if (r.ok) set({ state: r.data });
        },
        () => undefined,
      );
    },
    grant: (displayId, withoutSafety) => {
      const sessionId = sessionOf();
      const input = { sessionId, ...(displayId ? { displayId } : {}), ...(withoutSafety ? { withoutSafety: true as const } : {}) };
      return sessionId ? run('grant', (api) => api.screen.grant({ ...input, sessionId })) : Promise.resolve(false);
    },
    refuse: () => {
      const sessionId = sessionOf();
      return sessionId ? run('refuse', (api) => api.screen.refuse({ sessionId })) : Promise.resolve(false);
    },
    stop: () => run('stop', (api) => api.screen.stop({})),
    revokeControl: () => run('revokeControl', (api) => api.screen.revokeControl({})),
    dismissEnded: () => set((s) => ({ dismissed: s.state?.ended?.sessionId ?? null })),
    acknowledgeSafety: () => set((s) => ({ safetyAcknowledged: s.state?.sessionId ?? null })),
  };
});

/** Which Electron screen window this page is (`#screen=consent` / `#screen=banner`), null for the app itself. */
export function screenWindowOf(hash: string): 'consent' | 'banner' | null {
  const w = new URLSearchParams(hash.replace(/^#/, '')).get('screen');
  return w === 'consent' || w === 'banner' ? w : null;
}

/** "CommandOrControl+Alt+S" → "Ctrl + Alt + S" (or "⌘ + ⌥ + S" on a Mac), key names as printed on French or English keyboards. */
export function formatAccelerator(accel: string, mac: boolean, locale = 'fr'): string {
  const names: Record<string, string> = mac
    ? { CommandOrControl: '⌘', CmdOrCtrl: '⌘', Command: '⌘', Cmd: '⌘', Control: '⌃', Ctrl: '⌃', Alt: '⌥', Option: '⌥', Shift: '⇧' }
    : {
        CommandOrControl: 'Ctrl',
        CmdOrCtrl: 'Ctrl',
        Control: 'Ctrl',
        Ctrl: 'Ctrl',
        Alt: 'Alt',
        Shift: locale === 'fr' ? 'Maj' : 'Shift',
        Super: 'Windows',
        Meta: 'Windows',
      };
  return accel
    .split('+')
    .map((k) => names[k] ?? k)
    .join(' + ');
}
