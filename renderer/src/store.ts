import { useEffect } from 'react';
import { create } from 'zustand';
import type { AppState, ErrorBody, HelpTopic, Locale, Result, VigieApi } from '@vigie/common';
import type { TransportStatus } from './bridge.js';
import { answerOf } from './api.js';

/** What the UI calls; each answers a Result and records a failure in `error`. */
export type Action = 'enroll' | 'requestHelp' | 'updateRequest' | 'cancel' | 'sendChat' | 'dismissClosed' | 'setLocale';

interface Store {
  api: VigieApi | null;
  app: AppState | null;
  transport: TransportStatus;
  busy: Partial<Record<Action, boolean>>;
  /** Last failed action and why (shown next to that action, through i18n errors.<code>). */
  error: { action: Action; body: ErrorBody } | null;
  connect(api: VigieApi): () => void;
  setTransport(s: TransportStatus): void;
  clearError(): void;
  enroll(input: { code: string; hubUrl?: string; deviceName?: string }): Promise<boolean>;
  requestHelp(): Promise<boolean>;
  updateRequest(input: { topic?: HelpTopic | null; description?: string | null }): Promise<boolean>;
  cancel(): Promise<boolean>;
  sendChat(text: string): Promise<boolean>;
  markRead(): void;
  setTyping(typing: boolean): void;
  dismissClosed(): Promise<boolean>;
  setLocale(locale: Locale): Promise<boolean>;
}

export const useStore = create<Store>((set, get) => {
  /** Runs one call, tracks busy/error; true on success. */
  async function run<T>(action: Action, call: (api: VigieApi) => Promise<Result<T>>): Promise<boolean> {
    const api = get().api;
    if (!api) return false;
    set((s) => ({ busy: { ...s.busy, [action]: true }, error: s.error?.action === action ? null : s.error }));
    const r = await answerOf(() => call(api));
    set((s) => ({ busy: { ...s.busy, [action]: false }, ...(r.ok ? {} : { error: { action, body: r.error } }) }));
    return r.ok;
  }

  return {
    api: null,
    app: null,
    transport: 'connecting',
    busy: {},
    error: null,
    connect(api) {
      set({ api });
      const off = api.on('app:state', (app) => set({ app }));
      void api.app.getState().then((r) => {
        if (r.ok) set({ app: r.data });
      });
      return off;
    },
    setTransport: (transport) => set({ transport }),
    clearError: () => set({ error: null }),
    enroll: (input) => run('enroll', (api) => api.enrollment.enroll(input)),
    requestHelp: () => run('requestHelp', (api) => api.support.requestHelp({})),
    updateRequest: (input) => run('updateRequest', (api) => api.support.updateRequest(input)),
    cancel: () => run('cancel', (api) => api.support.cancel({})),
    sendChat: (text) => run('sendChat', (api) => api.support.sendChat({ text })),
    markRead: () => void get().api?.support.markRead({}),
    setTyping: (typing) => void get().api?.support.setTyping({ typing }),
    dismissClosed: () => run('dismissClosed', (api) => api.support.dismissClosed({})),
    setLocale: (locale) => run('setLocale', (api) => api.app.setLocale({ locale })),
  };
});

/** Attaches a store (its pushes, its first load) to the app's API as soon as there is one. */
export function useAttach(attach: (api: VigieApi) => void): void {
  const api = useStore((s) => s.api);
  useEffect(() => {
    if (api) attach(api);
  }, [api, attach]);
}
